"""Resource ARN wildcards: a `*` stays inside its colon-separated segment unless it ends the segment.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
("If the * wildcard is the last character of a resource ARN segment, it can expand to match beyond the
colon boundaries.")
"""

import pytest

from iamd.policy.glob import Glob

QUEUE = "arn:aws:sqs:us-east-1:111122223333:queue1"


@pytest.mark.parametrize(
    ("pattern", "subject", "expected"),
    [
        ("arn:aws:sqs:us-east-1:*", QUEUE, True),  # ends its segment: spans the account and name
        ("arn:aws:sqs:*:111122223333:queue1", QUEUE, True),
        ("arn:aws:sqs:u*3:queue1", QUEUE, False),  # mid-segment star cannot swallow ':'
        ("arn:aws:sqs:us-*:111122223333:queue1", QUEUE, True),
        ("arn:aws:sqs:us-*-1:*:queue1", QUEUE, True),
        ("arn:aws:sqs:us-*1:queue1", QUEUE, False),
        ("arn:aws:s3:::bucket/*/test/*", "arn:aws:s3:::bucket/1///test///object.jpg", True),
        ("arn:aws:logs:*:*:log-group:app:*", "arn:aws:logs:us-east-1:1:log-group:app:log-stream:s", True),
        ("arn:aws:logs:*:*:log-group:app:*", "arn:aws:logs:us-east-1:1:log-group:app2:log-stream:s", False),
        ("*", QUEUE, True),
    ],
)
def test_resource_segment_rule(pattern: str, subject: str, expected: bool) -> None:
    assert Glob.compile(pattern, segment_sep=":").match(subject) is expected


def test_without_segments_a_star_spans_colons() -> None:
    assert Glob.compile("arn:aws:sqs:u*3:queue1").match(QUEUE) is True  # "3:queue1" is a suffix
    assert Glob.compile("a*z").match("a:b:z") is True
    assert Glob.compile("a*z", segment_sep=":").match("a:b:z") is False
