"""Server-side validation: every constraint kind, in AWS's message form.

Sources: AWS ValidationError messages quoted from real responses, e.g. "1 validation error detected:
Value at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64"
(IAM, https://github.com/aws/eks-hybrid/pull/113), "at 'tags.6.member.value' ... Member must satisfy
regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*" (IAM CreateUser), "Member must satisfy enum
value set: [...]", "Member must have value greater than or equal to 1", "Member must not be null";
IAM's own sentences for names and paths ("The specified value for roleName is invalid. It must
contain only alphanumeric characters and/or the following: +=,.@_-").
"""

from __future__ import annotations

import pytest

from iamd import errors
from iamd.wire.query import decode_query
from iamd.wire.service_model import ServiceModel, load_service_model
from iamd.wire.validation import lower_first

PREFIX = "1 validation error detected: "


def failure(path: str, constraint: str) -> str:
    return f"Value at '{path}' failed to satisfy constraint: {constraint}"


def message_for(model: ServiceModel, params: dict[str, str]) -> str:
    with pytest.raises(errors.ValidationError) as caught:
        decode_query(model, {"Action": "Put", "Version": "2020-01-01", **params})
    assert caught.value.status == 400
    assert caught.value.code == "ValidationError"
    return caught.value.message


CONSTRAINTS = [
    ("required member missing", {}, failure("name", "Member must not be null")),
    (
        "string longer than max",
        {"Name": "abcdefghi"},
        failure("name", "Member must have length less than or equal to 8"),
    ),
    (
        "pattern, matched in full",
        {"Name": "abc1"},
        failure("name", "Member must satisfy regular expression pattern: [a-z]+"),
    ),
    (
        "enum",
        {"Name": "a", "Color": "blue"},
        failure("color", "Member must satisfy enum value set: [red, green]"),
    ),
    (
        "enum is case-sensitive",
        {"Name": "a", "Color": "Red"},
        failure("color", "Member must satisfy enum value set: [red, green]"),
    ),
    (
        "integer below min",
        {"Name": "a", "Count": "0"},
        failure("count", "Member must have value greater than or equal to 1"),
    ),
    (
        "integer above max",
        {"Name": "a", "Count": "11"},
        failure("count", "Member must have value less than or equal to 10"),
    ),
    (
        "list longer than max",
        {
            "Name": "a",
            "Names.member.1": "a",
            "Names.member.2": "b",
            "Names.member.3": "c",
            "Names.member.4": "d",
        },
        failure("names", "Member must have length less than or equal to 3"),
    ),
    (
        "list element path",
        {"Name": "a", "Names.member.1": "a", "Names.member.2": "B"},
        failure("names.2.member", "Member must satisfy regular expression pattern: [a-z]+"),
    ),
    (
        "required member of a list element",
        {"Name": "a", "Pairs.member.1.Value": "v"},
        failure("pairs.1.member.key", "Member must not be null"),
    ),
    (
        "blob longer than max (bytes)",
        {"Name": "a", "Data": "AAAAAAA="},
        failure("data", "Member must have length less than or equal to 4"),
    ),
    (
        "length counts UTF-16 code units, as Java does",
        {"Name": "a", "Secret": "abc\U0001f600"},
        failure("secret", "Member must have length less than or equal to 4"),
    ),
    (
        "sensitive values are never quoted either",
        {"Name": "a", "Secret": "hunter22"},
        failure("secret", "Member must have length less than or equal to 4"),
    ),
]


@pytest.mark.parametrize(("note", "params", "expected"), CONSTRAINTS, ids=[c[0] for c in CONSTRAINTS])
def test_each_constraint_kind(
    query_model: ServiceModel, note: str, params: dict[str, str], expected: str
) -> None:
    assert message_for(query_model, params) == PREFIX + expected


def test_short_string_fails_length_and_pattern_counted_and_joined(query_model: ServiceModel) -> None:
    message = message_for(query_model, {"Name": ""})
    assert message == (
        "2 validation errors detected: "
        + failure("name", "Member must have length greater than or equal to 1")
        + "; "
        + failure("name", "Member must satisfy regular expression pattern: [a-z]+")
    )


def test_map_keys_and_values_are_validated(query_model: ServiceModel) -> None:
    message = message_for(query_model, {"Name": "a", "Counts.entry.1.key": "A", "Counts.entry.1.value": "0"})
    assert message.startswith("2 validation errors detected: ")
    assert "Member must satisfy regular expression pattern: [a-z]+" in message
    assert "Member must have value greater than or equal to 1" in message


def test_valid_input_passes(query_model: ServiceModel) -> None:
    _, decoded = decode_query(
        query_model, {"Action": "Put", "Version": "2020-01-01", "Name": "abc", "Count": "10", "Color": "red"}
    )
    assert decoded == {"Name": "abc", "Count": 10, "Color": "red"}


IAM_CASES = [
    (
        "name too long: generic form",
        {"Action": "CreateRole", "RoleName": "a" * 65, "AssumeRolePolicyDocument": "{}"},
        PREFIX + failure("roleName", "Member must have length less than or equal to 64"),
    ),
    (
        "name with a bad character: IAM's sentence",
        {"Action": "CreateRole", "RoleName": "bad/name", "AssumeRolePolicyDocument": "{}"},
        "The specified value for roleName is invalid. It must contain only alphanumeric characters and/or "
        "the following: +=,.@_-",
    ),
    (
        "path: IAM's sentence",
        {"Action": "CreateUser", "UserName": "alice", "Path": "bad"},
        "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric "
        "characters and/or / characters.",
    ),
    (
        "generic failures win over IAM's sentence",
        {"Action": "CreateUser", "UserName": "bad name", "Path": "/" + "a" * 512 + "/"},
        PREFIX + failure("path", "Member must have length less than or equal to 512"),
    ),
    (
        "missing trust policy",
        {"Action": "CreateRole", "RoleName": "app"},
        PREFIX + failure("assumeRolePolicyDocument", "Member must not be null"),
    ),
    (
        "policy document outside the allowed characters",
        {"Action": "PutUserPolicy", "UserName": "a", "PolicyName": "p", "PolicyDocument": "{\u2603}"},
        PREFIX
        + failure(
            "policyDocument",
            "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
        ),
    ),
    (
        "tag value outside its pattern, list path",
        {"Action": "TagUser", "UserName": "a", "Tags.member.1.Key": "k", "Tags.member.1.Value": "a;b"},
        PREFIX
        + failure(
            "tags.1.member.value",
            "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*",
        ),
    ),
    (
        "tag keys accept letters beyond ASCII (\\p{L})",
        {
            "Action": "TagUser",
            "UserName": "a",
            "Tags.member.1.Key": "ключ",
            "Tags.member.1.Value": "значение 1",
        },
        None,
    ),
    (
        "enum of access key status",
        {"Action": "UpdateAccessKey", "AccessKeyId": "AKIAEXAMPLE123456789", "Status": "On"},
        PREFIX + failure("status", "Member must satisfy enum value set: [Active, Inactive, Expired]"),
    ),
    (
        "MaxItems range",
        {"Action": "ListUsers", "MaxItems": "1001"},
        PREFIX + failure("maxItems", "Member must have value less than or equal to 1000"),
    ),
]


@pytest.mark.parametrize(("note", "params", "expected"), IAM_CASES, ids=[c[0] for c in IAM_CASES])
def test_iam_model_constraints(note: str, params: dict[str, str], expected: str | None) -> None:
    model = load_service_model("iam")
    request = {"Version": "2010-05-08", **params}
    if expected is None:
        decode_query(model, request)
        return
    with pytest.raises(errors.ValidationError) as caught:
        decode_query(model, request)
    assert caught.value.message == expected


@pytest.mark.parametrize(
    ("name", "printed"), [("UserName", "userName"), ("SAMLOptions", "sAMLOptions"), ("arn", "arn"), ("", "")]
)
def test_member_names_print_with_a_lower_case_first_letter(name: str, printed: str) -> None:
    assert lower_first(name) == printed
