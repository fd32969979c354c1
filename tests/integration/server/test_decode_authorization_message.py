"""STS DecodeAuthorizationMessage against a real server, with the encoded messages the audit trail keeps.

AWS: https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html (needs
sts:DecodeAuthorizationMessage; InvalidAuthorizationMessageException, 400, for a message that is not valid)
and the decoded document's shape as the AWS CLI example shows it
(https://docs.aws.amazon.com/IAM/latest/UserGuide/sts_example_sts_DecodeAuthorizationMessage_section.html).
IAM and STS never put an encoded message into their own AccessDenied errors, so iamd keeps their wording.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.audit_support import request_id_of, run_audit, the_event
from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique
from tests.integration.server.test_sts_support import allow, make_role, new_user, session_client, trust

DENY_CREATE_USER = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "ReadIam", "Effect": "Allow", "Action": "iam:Get*", "Resource": "*"},
        {"Sid": "NoNewUsers", "Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"},
    ],
}


def _denied(call: Any, **params: Any) -> ClientError:
    with pytest.raises(ClientError) as raised:
        call(**params)
    assert raised.value.response["Error"]["Code"] == "AccessDenied"
    return raised.value


def _encoded(server: RunningServer, error: ClientError) -> str:
    event = the_event(server, request_id_of(error))
    encoded = event["additionalEventData"]["encodedAuthorizationMessage"]
    assert isinstance(encoded, str) and encoded
    return encoded


def _decode(server: RunningServer, encoded: str, sts: Any = None) -> dict[str, Any]:
    client = sts if sts is not None else server.client("sts")
    decoded = client.decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"]
    document: dict[str, Any] = json.loads(decoded)
    return document


def test_an_explicit_deny_decodes_to_the_matched_deny_statement(iamd_server: RunningServer) -> None:
    iam, user_name = iamd_server.user_client("iam", DENY_CREATE_USER)
    new_name = unique("nope")
    error = _denied(iam.create_user, UserName=new_name)
    # IAM's own message stays as AWS words it: nothing encoded in it.
    assert "Encoded" not in error.response["Error"]["Message"]
    assert "with an explicit deny in an identity-based policy" in error.response["Error"]["Message"]

    document = _decode(iamd_server, _encoded(iamd_server, error))

    assert document["allowed"] is False
    assert document["explicitDeny"] is True
    assert document["failures"] == {"items": []}
    [statement] = document["matchedStatements"]["items"]
    assert statement["statementId"] == "NoNewUsers"
    assert statement["effect"] == "DENY"
    assert statement["actions"] == {"items": [{"value": "iam:CreateUser"}]}
    assert statement["resources"] == {"items": [{"value": "*"}]}
    assert statement["conditions"] == {"items": []}
    assert statement["principals"]["items"][0]["value"].startswith("AIDA")
    context = document["context"]
    user_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/{user_name}"
    assert context["principal"]["arn"] == user_arn
    assert context["principal"]["name"] == user_name
    assert context["principal"]["id"] == statement["principals"]["items"][0]["value"]
    assert context["action"] == "iam:CreateUser"
    assert context["resource"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{new_name}"
    conditions = {item["key"]: item["values"]["items"] for item in context["conditions"]["items"]}
    assert conditions["aws:PrincipalArn"] == [{"value": user_arn}]
    assert conditions["aws:username"] == [{"value": user_name}]


def test_an_implicit_deny_has_no_matched_statements(iamd_server: RunningServer) -> None:
    iam, user_name = iamd_server.user_client("iam", None)
    error = _denied(iam.list_users)
    document = _decode(iamd_server, _encoded(iamd_server, error))
    assert document["allowed"] is False
    assert document["explicitDeny"] is False
    assert document["matchedStatements"] == {"items": []}
    assert document["context"]["action"] == "iam:ListUsers"
    # The same resource the AccessDenied message names.
    named = error.response["Error"]["Message"].split(" on resource: ")[1].split(" ")[0]
    assert document["context"]["resource"] == named
    assert document["context"]["principal"]["arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{user_name}"


def test_a_condition_of_the_deny_statement_is_shown(iamd_server: RunningServer) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "NotFromHere",
                "Effect": "Deny",
                "Action": "iam:ListRoles",
                "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": ["127.0.0.0/8", "::1/128"]}},
            }
        ],
    }
    iam, _ = iamd_server.user_client("iam", policy)
    document = _decode(iamd_server, _encoded(iamd_server, _denied(iam.list_roles)))
    [statement] = document["matchedStatements"]["items"]
    assert statement["conditions"] == {
        "items": [
            {"key": "aws:SourceIp", "values": {"items": [{"value": "127.0.0.0/8"}, {"value": "::1/128"}]}}
        ]
    }


def test_a_role_session_is_named_as_in_awss_example(iamd_server: RunningServer) -> None:
    # AWS's CLI example: principals hold the role's id (AROA...), context.principal the session's
    # id (AROA...:session) and its assumed-role ARN.
    user_name, key_id, secret = new_user(iamd_server, allow("sts:AssumeRole"))
    user_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/{user_name}"
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "NoRoles", "Effect": "Deny", "Action": "iam:ListRoles", "Resource": "*"}],
    }
    role_arn = make_role(iamd_server, trust({"AWS": user_arn}), deny)
    sts = iamd_server.client("sts", key_id, secret)
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="ana")["Credentials"]
    error = _denied(session_client(iamd_server, "iam", credentials).list_roles)
    document = _decode(iamd_server, _encoded(iamd_server, error))
    role_id = iamd_server.client("iam").get_role(RoleName=role_arn.rsplit("/", 1)[1])["Role"]["RoleId"]
    [statement] = document["matchedStatements"]["items"]
    assert statement["statementId"] == "NoRoles"
    assert statement["principals"] == {"items": [{"value": role_id}]}
    principal = document["context"]["principal"]
    assert principal["id"] == f"{role_id}:ana"
    assert principal["arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_arn.rsplit('/', 1)[1]}/ana"


def test_decoding_needs_sts_decode_authorization_message(iamd_server: RunningServer) -> None:
    iam, _ = iamd_server.user_client("iam", DENY_CREATE_USER)
    encoded = _encoded(iamd_server, _denied(iam.create_user, UserName=unique("nope")))
    sts_without, user_name = iamd_server.user_client("sts", None)
    error = _denied(sts_without.decode_authorization_message, EncodedMessage=encoded)
    assert error.response["Error"]["Message"] == (
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/{user_name} is not authorized to perform: "
        "sts:DecodeAuthorizationMessage on resource: * because no identity-based policy allows the "
        "sts:DecodeAuthorizationMessage action"
    )
    allowed = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:DecodeAuthorizationMessage", "Resource": "*"}],
    }
    sts_with, _ = iamd_server.user_client("sts", allowed)
    assert _decode(iamd_server, encoded, sts_with)["context"]["action"] == "iam:CreateUser"


def test_the_refused_decode_is_itself_denied_with_a_message(iamd_server: RunningServer) -> None:
    sts, _ = iamd_server.user_client("sts", None)
    error = _denied(sts.decode_authorization_message, EncodedMessage="abc")
    document = _decode(iamd_server, _encoded(iamd_server, error))
    assert document["context"]["action"] == "sts:DecodeAuthorizationMessage"
    assert document["context"]["resource"] == "*"


def _flip(text: str, index: int) -> str:
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


@pytest.mark.parametrize("change", ["tampered", "truncated", "line break", "not iamd's"])
def test_a_message_that_is_not_valid_is_refused(iamd_server: RunningServer, change: str) -> None:
    iam, _ = iamd_server.user_client("iam", None)
    encoded = _encoded(iamd_server, _denied(iam.list_users))
    bad = {
        "tampered": _flip(encoded, len(encoded) // 2),
        "truncated": encoded[:-8],
        "line break": encoded[:40] + "\n" + encoded[40:],
        # The AWS CLI documentation's example message: AWS's, not this server's.
        "not iamd's": "EXAMPLEWodyRNrtlQARDip-eTA6i6DrlUhHhPQrLWB_lAbl5pAKxl9mPDLexYcGBreyIKQC1BGBIpBKr3dFDk",
    }[change]
    with pytest.raises(ClientError) as raised:
        iamd_server.client("sts").decode_authorization_message(EncodedMessage=bad)
    assert raised.value.response["Error"]["Code"] == "InvalidAuthorizationMessageException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_allowed_requests_carry_no_encoded_message(iamd_server: RunningServer) -> None:
    response = iamd_server.client("iam").list_users(MaxItems=1)
    event = the_event(iamd_server, request_id_of(response))
    assert "encodedAuthorizationMessage" not in (event.get("additionalEventData") or {})


def test_audit_why_prints_the_encoded_message(iamd_server: RunningServer) -> None:
    iam, _ = iamd_server.user_client("iam", DENY_CREATE_USER)
    error = _denied(iam.create_user, UserName=unique("nope"))
    encoded = _encoded(iamd_server, error)
    result = run_audit(iamd_server, "why", request_id_of(error))
    assert result.exit_code == 0, result.output
    assert f"encoded:   {encoded}" in result.output
    assert "aws sts decode-authorization-message" in result.output
