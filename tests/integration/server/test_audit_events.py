"""Every request leaves exactly one CloudTrail-format event: allowed, denied, failing authentication,
malformed, failing in the handler. Record fields follow
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
and user identities
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html.
"""

from __future__ import annotations

import gzip
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner

from iamd.cli.main import cli
from tests.integration.server.audit_support import request_id_of, run_audit, store_args, the_event
from tests.integration.server.harness import ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, RunningServer, unique


def test_allowed_write_by_root(iamd_server: RunningServer) -> None:
    name = unique("audit")
    response = iamd_server.client("iam").create_user(UserName=name, Path="/audit/")
    event = the_event(iamd_server, request_id_of(response))
    assert event["eventVersion"] == "1.09"
    assert event["eventSource"] == "iam.amazonaws.com"
    assert event["eventName"] == "CreateUser"
    assert event["awsRegion"] == "us-east-1"  # IAM is global; CloudTrail records it in us-east-1
    assert event["userIdentity"] == {
        "type": "Root",
        "principalId": ACCOUNT_ID,
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:root",
        "accountId": ACCOUNT_ID,
        "accessKeyId": ROOT_KEY_ID,
    }
    assert event["requestParameters"] == {"userName": name, "path": "/audit/"}
    assert event["responseElements"]["user"]["userName"] == name
    assert event["readOnly"] is False
    assert (event["eventType"], event["managementEvent"]) == ("AwsApiCall", True)
    assert event["recipientAccountId"] == ACCOUNT_ID
    assert "errorCode" not in event
    assert event["additionalEventData"]["iamdDecision"]["decision"] == "Allow"
    assert event["userAgent"].startswith("Boto3/")


def test_allowed_read_has_no_response_elements(iamd_server: RunningServer) -> None:
    response = iamd_server.client("iam").list_users(MaxItems=1)
    event = the_event(iamd_server, request_id_of(response))
    assert (event["eventName"], event["readOnly"], event["responseElements"]) == ("ListUsers", True, None)
    assert event["requestParameters"] == {"maxItems": 1}


def test_denied_request_keeps_the_decision(iamd_server: RunningServer) -> None:
    iam, user = iamd_server.user_client("iam", None)
    with pytest.raises(ClientError) as caught:
        iam.list_users()
    event = the_event(iamd_server, request_id_of(caught.value))
    assert event["errorCode"] == "AccessDenied"
    assert event["errorMessage"] == caught.value.response["Error"]["Message"]
    identity = event["userIdentity"]
    assert (identity["type"], identity["userName"]) == ("IAMUser", user)
    assert identity["principalId"].startswith("AIDA")
    decision = event["additionalEventData"]["iamdDecision"]
    assert decision["decision"] == "ImplicitDeny"
    assert decision["missing_allow"] == {"layer": "identity"}
    assert decision["action"] == "iam:ListUsers"
    assert decision["enforced"] is True


def test_explicit_deny_names_the_statement(iamd_server: RunningServer) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
            {"Sid": "NoList", "Effect": "Deny", "Action": "iam:ListRoles", "Resource": "*"},
        ],
    }
    iam, _ = iamd_server.user_client("iam", policy)
    with pytest.raises(ClientError) as caught:
        iam.list_roles()
    decision = the_event(iamd_server, request_id_of(caught.value))["additionalEventData"]["iamdDecision"]
    assert decision["decision"] == "ExplicitDeny"
    assert [(s["sid"], s["effect"], s["layer"]) for s in decision["statements"]] == [
        ("NoList", "Deny", "identity")
    ]


def test_bad_signature_is_recorded_with_the_named_key(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam", ROOT_KEY_ID, "x" * 40)
    with pytest.raises(ClientError) as caught:
        iam.list_users()
    event = the_event(iamd_server, request_id_of(caught.value))
    assert event["errorCode"] == "SignatureDoesNotMatch"
    assert event["userIdentity"] == {"type": "Unknown", "accessKeyId": ROOT_KEY_ID}
    assert event["recipientAccountId"] is None


def test_unknown_key_is_recorded(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam", "AKIAIOSFODNN7NOTHERE", ROOT_SECRET)
    with pytest.raises(ClientError) as caught:
        iam.get_user()
    event = the_event(iamd_server, request_id_of(caught.value))
    assert (event["errorCode"], event["eventName"]) == ("InvalidClientTokenId", "GetUser")


def test_validation_error_is_recorded(iamd_server: RunningServer) -> None:
    with pytest.raises(ClientError) as caught:
        iamd_server.client("iam").create_user(UserName="bad name!")
    event = the_event(iamd_server, request_id_of(caught.value))
    assert (event["errorCode"], event["eventName"]) == ("ValidationError", "CreateUser")


def test_unsigned_malformed_request_is_recorded(iamd_server: RunningServer) -> None:
    request = urllib.request.Request(iamd_server.url + "/?Action=NoSuchThing&Version=2010-05-08")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    request_id = caught.value.headers["x-amzn-RequestId"]
    caught.value.close()
    event = the_event(iamd_server, request_id)
    assert event["eventName"] == "NoSuchThing"
    assert event["errorCode"] == "MissingAuthenticationToken"  # authentication is checked first
    assert event["userIdentity"]["type"] == "Unknown"


def test_failed_write_leaves_one_event_and_no_change(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = unique("dup")
    iam.create_user(UserName=name)
    with pytest.raises(ClientError) as caught:
        iam.create_user(UserName=name)
    event = the_event(iamd_server, request_id_of(caught.value))
    assert event["errorCode"] == "EntityAlreadyExists"
    assert event["responseElements"] is None


def test_secrets_never_reach_the_trail(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = unique("secret")
    iam.create_user(UserName=name)
    created = iam.create_access_key(UserName=name)
    secret = created["AccessKey"]["SecretAccessKey"]
    event = the_event(iamd_server, request_id_of(created))
    assert secret not in json.dumps(event)
    assert event["responseElements"]["accessKey"]["accessKeyId"] == created["AccessKey"]["AccessKeyId"]
    assert event["responseElements"]["accessKey"]["secretAccessKey"] == "HIDDEN_DUE_TO_SECURITY_REASONS"
    password = "Sup3r-secret-Passw0rd!"
    profile = iam.create_login_profile(UserName=name, Password=password)
    assert password not in json.dumps(the_event(iamd_server, request_id_of(profile)))
    sts = iamd_server.client("sts", created["AccessKey"]["AccessKeyId"], secret)
    token = sts.get_session_token()
    event = the_event(iamd_server, request_id_of(token))
    text = json.dumps(event)
    assert token["Credentials"]["SessionToken"] not in text
    assert token["Credentials"]["SecretAccessKey"] not in text
    assert event["eventSource"] == "sts.amazonaws.com"
    # Credential-issuing STS calls: response recorded (secrets hidden), read-only as CloudTrail marks them.
    assert event["responseElements"]["credentials"]["accessKeyId"] == token["Credentials"]["AccessKeyId"]
    assert event["readOnly"] is True


def test_session_identity_has_its_context(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    role = unique("role")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role_arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    allow = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    }
    user_sts, _ = iamd_server.user_client("sts", allow)
    credentials = user_sts.assume_role(RoleArn=role_arn, RoleSessionName="audit")["Credentials"]
    sts = iamd_server.client(
        "sts",
        credentials["AccessKeyId"],
        credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    response = sts.get_caller_identity()
    identity = the_event(iamd_server, request_id_of(response))["userIdentity"]
    assert identity["type"] == "AssumedRole"
    assert identity["arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role}/audit"
    assert identity["accessKeyId"] == credentials["AccessKeyId"]
    issuer = identity["sessionContext"]["sessionIssuer"]
    assert (issuer["type"], issuer["arn"], issuer["userName"]) == ("Role", role_arn, role)
    assert identity["sessionContext"]["attributes"]["mfaAuthenticated"] == "false"


def test_cli_events_filters_and_pages(iamd_server: RunningServer) -> None:
    iam, user = iamd_server.user_client("iam", None)
    user_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/{user}"
    request_ids = []
    for _ in range(3):
        with pytest.raises(ClientError) as caught:
            iam.list_groups()
        request_ids.append(request_id_of(caught.value))
    for request_id in request_ids:  # events of failures reach the database from the spool within ~100 ms
        the_event(iamd_server, request_id)
    first = run_audit(
        iamd_server, "events", "--principal", user_arn, "--max-results", "2", "--format", "json"
    )
    assert first.exit_code == 0, first.output
    page = json.loads(first.output)
    assert [e["requestID"] for e in page["Events"]] == request_ids[::-1][:2]  # newest first
    second = run_audit(
        iamd_server,
        "events",
        "--principal",
        user_arn,
        "--max-results",
        "2",
        "--next-token",
        page["NextToken"],
        "--format",
        "json",
    )
    rest = json.loads(second.output)
    assert [e["requestID"] for e in rest["Events"]] == [request_ids[0]]
    assert "NextToken" not in rest
    denied = run_audit(
        iamd_server, "events", "--principal", user_arn, "--error-code", "AccessDenied", "--format", "json"
    )
    assert len(json.loads(denied.output)["Events"]) == 3
    table = run_audit(iamd_server, "events", "--principal", user_arn, "--event-name", "ListGroups")
    assert table.exit_code == 0 and request_ids[0] in table.output


def test_cli_why_explains_a_denial(iamd_server: RunningServer) -> None:
    iam, user = iamd_server.user_client("iam", None)
    with pytest.raises(ClientError) as caught:
        iam.list_roles()
    the_event(iamd_server, request_id_of(caught.value))  # out of the spool and in the database
    result = run_audit(iamd_server, "why", request_id_of(caught.value))
    assert result.exit_code == 0, result.output
    assert f"principal: arn:aws:iam::{ACCOUNT_ID}:user/{user}" in result.output
    assert "action:    iam:ListRoles" in result.output
    assert "missing:   no identity-based policy allows iam:ListRoles" in result.output
    assert caught.value.response["Error"]["Message"] in result.output
    assert run_audit(iamd_server, "why", "no-such-request").exit_code == 1


def test_cli_export_and_verify(iamd_server: RunningServer, tmp_path: Path) -> None:
    iamd_server.client("iam").list_users(MaxItems=1)
    out = tmp_path / "trail"
    exported = run_audit(iamd_server, "export", str(out), "--settle", "0")
    assert exported.exit_code == 0, exported.output
    verified = CliRunner().invoke(cli, ["audit", "verify", str(out), *store_args(iamd_server)[:2]])
    assert verified.exit_code == 0, verified.output
    log_file = next(out.rglob("*_CloudTrail_us-east-1_*.json.gz"))
    log_file.write_bytes(gzip.compress(b'{"Records": []}'))
    tampered = CliRunner().invoke(cli, ["audit", "verify", str(out), *store_args(iamd_server)[:2]])
    assert tampered.exit_code == 1
    assert "MODIFIED" in tampered.output
