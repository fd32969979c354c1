"""Wildcard matching (iamd.policy.glob): ``*`` any run, ``?`` exactly one character, anchored at both ends.

AWS sources:
- Action: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
  ("You can use a wildcard (* or ?) in the action name"; action names are case-insensitive)
- Resource: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
  ("You can use wildcard characters (* and ?) within any ARN segment"; ARNs are case-sensitive)
- StringLike: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
- Variables stay literal: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
  ("${*}", "${?}", "${$}" special characters; substituted values are not wildcards)
"""

from __future__ import annotations

import pytest

from iamd.policy.glob import QMARK, STAR, Glob, split_wildcards
from iamd.policy.variables import parse_template, render_glob_parts

RESOURCE_DOC = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"

# (pattern, subject, expected) — case-sensitive, as for Resource ARNs and StringLike.
CASE_SENSITIVE = [
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/key", True),
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/", True),  # * matches the empty run
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", False),
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::other/key", False),
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::Bucket/key", False),  # ARNs are case-sensitive
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c:d", True),  # * crosses / and :
    ("arn:aws:iam::*:user/*", "arn:aws:iam::123456789012:user/alice", True),
    ("arn:aws:iam::*:user/*", "arn:aws:iam::123456789012:role/alice", False),
    ("*", "", True),
    ("*", "anything at all", True),
    ("**", "x", True),
    ("", "", True),
    ("", "x", False),
    ("a?c", "abc", True),
    ("a?c", "ac", False),  # ? is exactly one character
    ("a?c", "abbc", False),
    ("???", "abc", True),
    ("???", "ab", False),
    ("a*b*c", "abc", True),
    ("a*b*c", "aXXbYYc", True),
    ("a*b*c", "aXXcYYb", False),
    ("a*b*c", "abcabc", True),
    ("*abc", "xxabc", True),
    ("*abc", "abcx", False),  # anchored at the end
    ("abc*", "xabc", False),  # anchored at the start
    ("a*a", "a", False),  # prefix and suffix must not overlap
    ("a*a", "aa", True),
    ("ab*ba", "aba", False),
    ("*?", "", False),
    ("*?", "x", True),
    ("?*", "x", True),
    ("*a?c*", "zzabczz", True),
    ("*a?c*", "zzaczz", False),
    ("x*?*y", "xy", False),
    ("x*?*y", "xzy", True),
    ("home/*/file", "home/alice/file", True),
    ("home/*/file", "home/alice/other", False),
    ("exact", "exact", True),
    ("exact", "exactly", False),
    ("exact", "Exact", False),
]


@pytest.mark.parametrize(("pattern", "subject", "expected"), CASE_SENSITIVE)
def test_glob_case_sensitive(pattern: str, subject: str, expected: bool) -> None:
    # Source: RESOURCE_DOC (wildcards in any ARN segment; case-sensitive).
    assert Glob.compile(pattern).match(subject) is expected


# Action names: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
ACTIONS = [
    ("s3:Get*", "s3:GetObject", True),
    ("s3:Get*", "S3:GETOBJECT", True),
    ("S3:GET*", "s3:getobject", True),
    ("s3:Get*", "s3:PutObject", False),
    ("s3:Get*", "s3express:GetObject", False),
    ("iam:*AccessKey*", "iam:CreateAccessKey", True),
    ("iam:*AccessKey*", "iam:ListAccessKeys", True),
    ("iam:*AccessKey*", "iam:ListUsers", False),
    ("ec2:Describe?nstances", "ec2:DescribeInstances", True),
    ("*", "sts:AssumeRole", True),
    ("s3:*", "s3:ListBucket", True),
    ("s3:*", "ec2:ListBucket", False),
]


@pytest.mark.parametrize(("pattern", "subject", "expected"), ACTIONS)
def test_glob_ignore_case_for_actions(pattern: str, subject: str, expected: bool) -> None:
    assert Glob.compile(pattern, ignore_case=True).match(subject) is expected


# Resource ARNs: "You can use multiple * or ? characters in each segment. If the * wildcard is the last
# character of a resource ARN segment, it can expand to match beyond the colon boundaries." (RESOURCE_DOC,
# "Using wildcards in resource ARNs"). A * that does not end its segment stays inside that segment.
SEGMENTED = [
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b", True),
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b:c", True),  # ends its segment: crosses colons
    ("arn:aws:s3:::b*", "arn:aws:s3:::b:c", True),
    ("arn:aws:sns:*", "arn:aws:sns:us-east-1:123456789012:topic", True),
    ("arn:aws:sns:*:123456789012:topic", "arn:aws:sns:us-east-1:123456789012:topic", True),
    ("arn:aws:iam::*:user/*", "arn:aws:iam::123456789012:user/alice", True),
    ("arn:aws:ec2:us-*-1:123456789012:instance/*", "arn:aws:ec2:us-east-1:123456789012:instance/i-1", True),
    ("arn:aws:ec2:us-*-1:123456789012:instance/*", "arn:aws:ec2:us-x:y-1:123456789012:instance/i-1", False),
    ("arn:aws:sns:a*b:123456789012:t", "arn:aws:sns:a:x:b:123456789012:t", False),
    ("arn:aws:s3:::b/*.txt", "arn:aws:s3:::b/x.txt", True),
    ("arn:aws:s3:::b/*.txt", "arn:aws:s3:::b/x:y.txt", False),  # mid-segment star stays in its segment
    ("arn:aws:iam::123456789012:role/*-*-admin", "arn:aws:iam::123456789012:role/a-b-admin", True),
    ("arn:aws:iam::123456789012:role/*-admin", "arn:aws:iam::123456789012:role/a:b-admin", False),
    ("arn:aws:iam::123456789012:role/*-admin", "arn:aws:iam::123456789012:role/a/b-admin", True),
    ("arn:aws:lambda:*:*:function:*", "arn:aws:lambda:us-east-1:123456789012:function:f:prod", True),
    ("*", "arn:aws:s3:::anything:at:all", True),
]


@pytest.mark.parametrize(("pattern", "subject", "expected"), SEGMENTED)
def test_resource_stars_are_bounded_by_arn_segments(pattern: str, subject: str, expected: bool) -> None:
    assert Glob.compile(pattern, segment_sep=":").match(subject) is expected


@pytest.mark.parametrize(
    ("pattern", "literal", "everything"),
    [
        ("abc", "abc", False),
        ("a*c", None, False),
        ("a?c", None, False),
        ("*", None, True),
        ("***", None, True),
        ("*?", None, False),
        ("", "", False),
    ],
)
def test_glob_properties(pattern: str, literal: str | None, everything: bool) -> None:
    glob = Glob.compile(pattern)
    assert glob.literal == literal
    assert glob.is_literal is (literal is not None)
    assert glob.matches_everything is everything


def test_ignore_case_literal_is_folded() -> None:
    assert Glob.compile("S3:GetObject", ignore_case=True).literal == "s3:getobject"


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("", []),
        ("abc", ["abc"]),
        ("*", [STAR]),
        ("a*b?c", ["a", STAR, "b", QMARK, "c"]),
        ("**", [STAR, STAR]),
        ("?abc*", [QMARK, "abc", STAR]),
    ],
)
def test_split_wildcards(text: str, parts: list[object]) -> None:
    assert split_wildcards(text) == parts


# Literal parts built from substituted values: a * or ? in the value is plain text.
LITERAL_PARTS = [
    (["a", STAR, "?"], "abc?", True),  # the trailing ? is a literal question mark
    (["a", STAR, "?"], "abcd", False),
    (["*"], "*", True),
    (["*"], "anything", False),
    ([STAR, "?", STAR], "x?y", True),
    ([STAR, "?", STAR], "xzy", False),
    (["user/", "a*b"], "user/a*b", True),
    (["user/", "a*b"], "user/aXb", False),
    ([QMARK, "*"], "x*", True),
    ([QMARK, "*"], "xy", False),
]


@pytest.mark.parametrize(("parts", "subject", "expected"), LITERAL_PARTS)
def test_literal_parts_stay_literal(parts: list[object], subject: str, expected: bool) -> None:
    assert Glob(parts).match(subject) is expected


# Policy variables in Resource: "${aws:username}" is replaced by the caller's name; a name holding * or ?
# must not widen the pattern. ${*} ${?} ${$} write the characters themselves. Source: variables page.
VARIABLE_RESOURCES = [
    ("arn:aws:s3:::bucket/${aws:username}/*", {"aws:username": "alice"}, "arn:aws:s3:::bucket/alice/x", True),
    ("arn:aws:s3:::bucket/${aws:username}/*", {"aws:username": "alice"}, "arn:aws:s3:::bucket/bob/x", False),
    ("arn:aws:s3:::bucket/${aws:username}/*", {"aws:username": "*"}, "arn:aws:s3:::bucket/bob/x", False),
    ("arn:aws:s3:::bucket/${aws:username}/*", {"aws:username": "*"}, "arn:aws:s3:::bucket/*/x", True),
    ("arn:aws:s3:::bucket/${aws:username}", {"aws:username": "a?c"}, "arn:aws:s3:::bucket/abc", False),
    ("arn:aws:s3:::bucket/${aws:username}", {"aws:username": "a?c"}, "arn:aws:s3:::bucket/a?c", True),
    ("arn:aws:s3:::bucket/${*}", {}, "arn:aws:s3:::bucket/*", True),
    ("arn:aws:s3:::bucket/${*}", {}, "arn:aws:s3:::bucket/key", False),
    ("arn:aws:s3:::bucket/${?}", {}, "arn:aws:s3:::bucket/x", False),
    ("arn:aws:s3:::bucket/${?}", {}, "arn:aws:s3:::bucket/?", True),
    ("arn:aws:s3:::bucket/${$}", {}, "arn:aws:s3:::bucket/$", True),
    ("arn:aws:s3:::b/${aws:PrincipalTag/team, 'none'}/*", {}, "arn:aws:s3:::b/none/k", True),
    (
        "arn:aws:s3:::b/${aws:PrincipalTag/team, 'none'}/*",
        {"aws:principaltag/team": "red"},
        "arn:aws:s3:::b/red/k",
        True,
    ),
]


@pytest.mark.parametrize(("pattern", "context", "subject", "expected"), VARIABLE_RESOURCES)
def test_substituted_text_stays_literal(
    pattern: str, context: dict[str, str], subject: str, expected: bool
) -> None:
    parts = render_glob_parts(parse_template(pattern, enabled=True), context)
    assert parts is not None
    assert Glob(parts).match(subject) is expected


def test_missing_variable_without_default_renders_nothing() -> None:
    assert render_glob_parts(parse_template("bucket/${aws:username}", enabled=True), {}) is None


def test_variables_disabled_keep_dollar_text_literal() -> None:
    # Under 2008-10-17 or no Version, "${aws:username}" is plain text (variables page).
    parts = render_glob_parts(parse_template("bucket/${aws:username}", enabled=False), {"aws:username": "x"})
    assert parts is not None
    assert Glob(parts).match("bucket/${aws:username}")
    assert not Glob(parts).match("bucket/x")
