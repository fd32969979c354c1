"""The CloudTrail record built from a request's draft: fields per
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html,
identities per https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from iamd.audit.events import Draft, build_event, is_read_only
from iamd.audit.identity import claimed_access_key_id, user_identity
from iamd.auth.sigv4 import HttpRequest
from iamd.errors import AccessDenied
from iamd.services.call import Caller

NOW = datetime(2026, 11, 23, 10, 0, 5, tzinfo=UTC)
ROOT = Caller(
    account_id="123456789012",
    kind="root",
    arn="arn:aws:iam::123456789012:root",
    user_id="123456789012",
    access_key_id="AKIAROOT",
)


def draft(**changes: object) -> Draft:
    base = Draft("req-1", "iam", NOW, "10.0.0.1", "aws-cli/2", "CreateUser")
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def test_successful_write() -> None:
    event = build_event(draft(caller=ROOT, params={"UserName": "bob"}, result={"User": {"UserName": "bob"}}))
    assert event["eventVersion"] == "1.09"
    assert event["eventTime"] == "2026-11-23T10:00:05Z"
    assert (event["eventSource"], event["eventName"], event["awsRegion"]) == (
        "iam.amazonaws.com",
        "CreateUser",
        "us-east-1",
    )
    assert event["requestParameters"] == {"userName": "bob"}
    assert event["responseElements"] == {"user": {"userName": "bob"}}
    assert (event["readOnly"], event["eventType"], event["managementEvent"]) == (False, "AwsApiCall", True)
    assert event["recipientAccountId"] == "123456789012"
    assert "errorCode" not in event and "tlsDetails" not in event


def test_failed_request_has_error_and_no_response() -> None:
    event = build_event(
        draft(caller=ROOT, params={"UserName": "bob"}, result={"User": {}}, error=AccessDenied("no"))
    )
    assert (event["errorCode"], event["errorMessage"], event["responseElements"]) == (
        "AccessDenied",
        "no",
        None,
    )


def test_sts_region_is_the_signed_region() -> None:
    event = build_event(draft(service="sts", event_name="GetCallerIdentity", region="eu-west-1", caller=ROOT))
    assert (event["eventSource"], event["awsRegion"], event["readOnly"]) == (
        "sts.amazonaws.com",
        "eu-west-1",
        True,
    )


def test_unauthenticated_names_the_claimed_key_and_tls_host() -> None:
    http = HttpRequest(
        "POST",
        "/",
        "",
        (
            ("Host", "iam.example"),
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/2026/us-east-1/iam/aws4_request, "
                "SignedHeaders=host, Signature=00",
            ),
        ),
    )
    event = build_event(draft(http=http, secure_transport=True, error=AccessDenied()))
    assert event["userIdentity"] == {"type": "Unknown", "accessKeyId": "AKIAIOSFODNN7EXAMPLE"}
    assert event["recipientAccountId"] is None
    assert event["tlsDetails"] == {"clientProvidedHostHeader": "iam.example"}


@pytest.mark.parametrize(
    ("authorization", "query", "expected"),
    [
        (
            None,
            "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261123%2Fus-east-1%2Fiam%2Faws4_request",
            "AKIAIOSFODNN7EXAMPLE",
        ),
        ("AWS4-HMAC-SHA256 Credential=ASIAXAMPLEXAMPLE1234/x", "", "ASIAXAMPLEXAMPLE1234"),
        (None, "", None),
    ],
)
def test_claimed_access_key_id(authorization: str | None, query: str, expected: str | None) -> None:
    assert claimed_access_key_id(authorization, query) == expected


def test_unsigned_federation_identities() -> None:
    assert user_identity(None, None, "AssumeRoleWithWebIdentity") == {"type": "WebIdentityUser"}
    assert user_identity(None, None, "AssumeRoleWithSAML") == {"type": "SAMLUser"}


@pytest.mark.parametrize(
    ("name", "read_only"),
    [
        ("ListUsers", True),
        ("GetUser", True),
        ("CreateUser", False),
        ("AssumeRole", True),
        ("DeleteRole", False),
    ],
)
def test_read_only(name: str, read_only: bool) -> None:
    assert is_read_only(name) is read_only
