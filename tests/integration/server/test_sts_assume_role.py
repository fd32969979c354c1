"""STS AssumeRole through boto3 against a real server, on SQLite and PostgreSQL.

Behaviour from https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (durations, role
chaining limit, external id, session policies, tags, source identity, PackedPolicySize, AccessDenied text),
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policies.html (a trust
policy naming the account needs the caller's identity policy too; naming the user directly does not),
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html (session tags as aws:PrincipalTag,
transitive tags through chaining) and https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
(revoking older sessions with aws:TokenIssueTime).
"""

from __future__ import annotations

import configparser
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique
from tests.integration.server.test_sts_support import (
    allow,
    error_of,
    make_role,
    new_user,
    session_client,
    trust,
    unvalidated_client,
    user_arn,
)


def _assume(client: object, role_arn: str, **kwargs: object) -> dict[str, object]:
    response: dict[str, object] = client.assume_role(  # type: ignore[attr-defined]
        RoleArn=role_arn, RoleSessionName=kwargs.pop("RoleSessionName", "s1"), **kwargs
    )
    return response


def test_assume_role_named_directly_needs_no_identity_policy(iamd_server: RunningServer) -> None:
    sts, name = iamd_server.user_client("sts", None)
    role_arn = make_role(iamd_server, trust({"AWS": user_arn(iamd_server, name)}))
    role_name = role_arn.rsplit("/", 1)[-1]
    before = datetime.now(UTC)
    response = sts.assume_role(RoleArn=role_arn, RoleSessionName="deploy@ci", DurationSeconds=900)
    credentials = response["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA") and len(credentials["AccessKeyId"]) == 20
    assert len(credentials["SecretAccessKey"]) == 40
    expires = credentials["Expiration"]
    assert before + timedelta(seconds=898) <= expires <= datetime.now(UTC) + timedelta(seconds=901)
    role_id = iamd_server.client("iam").get_role(RoleName=role_name)["Role"]["RoleId"]
    assert response["AssumedRoleUser"] == {
        "AssumedRoleId": f"{role_id}:deploy@ci",
        "Arn": f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/deploy@ci",
    }
    assert "PackedPolicySize" not in response  # only when session policies or tags were passed

    identity = session_client(iamd_server, "sts", credentials).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/deploy@ci"
    assert identity["UserId"] == f"{role_id}:deploy@ci"
    assert identity["Account"] == ACCOUNT_ID
    # RoleLastUsed is recorded (https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleLastUsed.html).
    last_used = iamd_server.client("iam").get_role(RoleName=role_name)["Role"]["RoleLastUsed"]
    assert last_used["Region"] == "us-east-1" and last_used["LastUsedDate"] >= before - timedelta(seconds=1)


def test_trust_naming_the_account_needs_the_identity_policy_too(iamd_server: RunningServer) -> None:
    role_arn = make_role(iamd_server, trust({"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}))
    sts, name = iamd_server.user_client("sts", None)
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="s1")
    assert error_of(excinfo) == (
        "AccessDenied",
        403,
        f"User: {user_arn(iamd_server, name)} is not authorized to perform: sts:AssumeRole "
        f"on resource: {role_arn}",
    )
    allowed, _ = iamd_server.user_client("sts", allow("sts:AssumeRole"))
    assert allowed.assume_role(RoleArn=role_arn, RoleSessionName="s1")["Credentials"]["AccessKeyId"]


def test_trust_policy_that_does_not_match_is_access_denied(iamd_server: RunningServer) -> None:
    _, other = iamd_server.user_client("sts", None)
    role_arn = make_role(iamd_server, trust({"AWS": user_arn(iamd_server, other)}))
    sts, name = iamd_server.user_client("sts", allow("sts:AssumeRole"))
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="s1")
    code, status, message = error_of(excinfo)
    assert (code, status) == ("AccessDenied", 403)
    assert message.startswith(
        f"User: {user_arn(iamd_server, name)} is not authorized to perform: sts:AssumeRole"
    )
    # A role that does not exist is answered the same way.
    missing = f"arn:aws:iam::{ACCOUNT_ID}:role/{unique('nope')}"
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=missing, RoleSessionName="s1")
    assert error_of(excinfo)[:2] == ("AccessDenied", 403)
    assert error_of(excinfo)[2].endswith(f"sts:AssumeRole on resource: {missing}")


def test_root_user_cannot_assume_a_role(iamd_server: RunningServer) -> None:
    role_arn = make_role(iamd_server, trust({"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}))
    with pytest.raises(ClientError) as excinfo:
        iamd_server.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="s1")
    assert error_of(excinfo) == ("AccessDenied", 403, "Roles may not be assumed by root accounts.")


def test_external_id(iamd_server: RunningServer) -> None:
    sts, name = iamd_server.user_client("sts", None)
    role_arn = make_role(
        iamd_server,
        trust(
            {"AWS": user_arn(iamd_server, name)}, Condition={"StringEquals": {"sts:ExternalId": "ext-123"}}
        ),
    )
    for kwargs in ({}, {"ExternalId": "ext-999"}):
        with pytest.raises(ClientError) as excinfo:
            sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", **kwargs)
        assert error_of(excinfo)[:2] == ("AccessDenied", 403)
    assert sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", ExternalId="ext-123")["Credentials"]


def test_role_session_is_authorized_by_the_role_policies(iamd_server: RunningServer) -> None:
    sts, name = iamd_server.user_client("sts", None)
    role_arn = make_role(iamd_server, trust({"AWS": user_arn(iamd_server, name)}), allow("iam:ListUsers"))
    iam = session_client(
        iamd_server, "iam", sts.assume_role(RoleArn=role_arn, RoleSessionName="s1")["Credentials"]
    )
    assert "Users" in iam.list_users()
    with pytest.raises(ClientError) as excinfo:
        iam.list_roles()
    code, _, message = error_of(excinfo)
    role_name = role_arn.rsplit("/", 1)[-1]
    assert code == "AccessDenied"
    assert message.startswith(
        f"User: arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/s1 "
        "is not authorized to perform: iam:ListRoles"
    )


def test_session_policies_narrow_the_role_permissions(iamd_server: RunningServer) -> None:
    sts, name = iamd_server.user_client("sts", None)
    role_arn = make_role(
        iamd_server, trust({"AWS": user_arn(iamd_server, name)}), allow("iam:ListUsers", "iam:ListRoles")
    )
    response = sts.assume_role(
        RoleArn=role_arn, RoleSessionName="s1", Policy=json.dumps(allow("iam:ListRoles", "iam:ListGroups"))
    )
    assert 0 < response["PackedPolicySize"] <= 100
    iam = session_client(iamd_server, "iam", response["Credentials"])
    assert "Roles" in iam.list_roles()  # allowed by both
    for call in (iam.list_users, iam.list_groups):  # only one of the two allows
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo)[0] == "AccessDenied"


def test_session_policy_arns(iamd_server: RunningServer) -> None:
    sts, name = iamd_server.user_client("sts", None)
    role_arn = make_role(
        iamd_server, trust({"AWS": user_arn(iamd_server, name)}), allow("iam:ListUsers", "iam:ListRoles")
    )
    policy_arn = iamd_server.client("iam").create_policy(
        PolicyName=unique("session"), PolicyDocument=json.dumps(allow("iam:ListUsers"))
    )["Policy"]["Arn"]
    response = sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", PolicyArns=[{"arn": policy_arn}])
    iam = session_client(iamd_server, "iam", response["Credentials"])
    assert "Users" in iam.list_users()
    with pytest.raises(ClientError) as excinfo:
        iam.list_roles()
    assert error_of(excinfo)[0] == "AccessDenied"
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", PolicyArns=[{"arn": policy_arn}] * 11)
    assert error_of(excinfo)[:2] == ("ValidationError", 400)


def test_malformed_and_oversized_session_policies(iamd_server: RunningServer) -> None:
    sts, name = iamd_server.user_client("sts", None)
    role_arn = make_role(
        iamd_server, trust({"AWS": user_arn(iamd_server, name)}, actions=("sts:AssumeRole", "sts:TagSession"))
    )
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", Policy="{not json")
    assert error_of(excinfo)[:2] == ("MalformedPolicyDocument", 400)
    # Tags of random text barely compress: 50 of them overflow the packed budget.
    import secrets

    tags = [{"Key": f"k{i}-{secrets.token_hex(20)}", "Value": secrets.token_urlsafe(180)} for i in range(50)]
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", Tags=tags)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("PackedPolicyTooLarge", 400)
    assert message.startswith("Packed policy consumes ") and message.endswith(
        "% of allotted space, please use smaller policy."
    )


def test_durations(iamd_server: RunningServer) -> None:
    sts, name = iamd_server.user_client("sts", None)
    role_arn = make_role(iamd_server, trust({"AWS": user_arn(iamd_server, name)}), max_session_duration=7200)
    assert sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", DurationSeconds=7200)["Credentials"]
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", DurationSeconds=7201)
    assert error_of(excinfo) == (
        "ValidationError",
        400,
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )
    _, key_id, secret = new_user(iamd_server)
    raw = unvalidated_client(iamd_server, "sts", key_id, secret)
    with pytest.raises(ClientError) as excinfo:
        raw.assume_role(RoleArn=role_arn, RoleSessionName="s1", DurationSeconds=899)
    assert error_of(excinfo)[:2] == ("ValidationError", 400)


def test_role_chaining_is_limited_to_one_hour(iamd_server: RunningServer) -> None:
    sts, name = iamd_server.user_client("sts", None)
    first = make_role(iamd_server, trust({"AWS": user_arn(iamd_server, name)}), allow("sts:AssumeRole"))
    second = make_role(iamd_server, trust({"AWS": first}), allow("iam:ListUsers"), max_session_duration=43200)
    chained_sts = session_client(
        iamd_server, "sts", sts.assume_role(RoleArn=first, RoleSessionName="hop1")["Credentials"]
    )
    with pytest.raises(ClientError) as excinfo:
        chained_sts.assume_role(RoleArn=second, RoleSessionName="hop2", DurationSeconds=3601)
    assert error_of(excinfo) == (
        "ValidationError",
        400,
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    )
    response = chained_sts.assume_role(RoleArn=second, RoleSessionName="hop2", DurationSeconds=3600)
    identity = session_client(iamd_server, "sts", response["Credentials"]).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{second.rsplit('/', 1)[-1]}/hop2"
    assert "Users" in session_client(iamd_server, "iam", response["Credentials"]).list_users()


def test_session_tags_need_tag_session_and_become_principal_tags(iamd_server: RunningServer) -> None:
    sts, name = iamd_server.user_client("sts", None)
    caller = {"AWS": user_arn(iamd_server, name)}
    by_team = allow("iam:ListUsers", Condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}})
    without_tag_session = make_role(iamd_server, trust(caller), by_team)
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(
            RoleArn=without_tag_session, RoleSessionName="s1", Tags=[{"Key": "team", "Value": "blue"}]
        )
    code, _, message = error_of(excinfo)
    assert code == "AccessDenied" and "sts:TagSession" in message

    role_arn = make_role(iamd_server, trust(caller, actions=("sts:AssumeRole", "sts:TagSession")), by_team)
    blue = sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", Tags=[{"Key": "team", "Value": "blue"}])
    assert "PackedPolicySize" in blue
    assert "Users" in session_client(iamd_server, "iam", blue["Credentials"]).list_users()
    red = sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", Tags=[{"Key": "team", "Value": "red"}])
    with pytest.raises(ClientError) as excinfo:
        session_client(iamd_server, "iam", red["Credentials"]).list_users()
    assert error_of(excinfo)[0] == "AccessDenied"
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(
            RoleArn=role_arn,
            RoleSessionName="s1",
            Tags=[{"Key": "team", "Value": "blue"}, {"Key": "TEAM", "Value": "red"}],
        )
    assert error_of(excinfo)[:2] == ("InvalidParameterValue", 400)


def test_transitive_tags_and_source_identity_carry_through_chaining(iamd_server: RunningServer) -> None:
    sts, name = iamd_server.user_client("sts", None)
    actions = ("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity")
    first = make_role(
        iamd_server, trust({"AWS": user_arn(iamd_server, name)}, actions=actions), allow("sts:AssumeRole")
    )
    second = make_role(
        iamd_server,
        trust({"AWS": first}, actions=actions),
        allow(
            "iam:ListUsers",
            Condition={"StringEquals": {"aws:PrincipalTag/team": "blue", "aws:SourceIdentity": "alice"}},
        ),
    )
    hop1 = sts.assume_role(
        RoleArn=first,
        RoleSessionName="hop1",
        Tags=[{"Key": "team", "Value": "blue"}, {"Key": "stage", "Value": "one"}],
        TransitiveTagKeys=["team"],
        SourceIdentity="alice",
    )
    assert hop1["SourceIdentity"] == "alice"
    chained_sts = session_client(iamd_server, "sts", hop1["Credentials"])
    hop2 = chained_sts.assume_role(RoleArn=second, RoleSessionName="hop2")
    assert hop2["SourceIdentity"] == "alice"  # sticky: the chained session keeps it
    assert "Users" in session_client(iamd_server, "iam", hop2["Credentials"]).list_users()
    # Neither can be changed along the chain: an inherited transitive tag key, or the source identity.
    for changed in ({"Tags": [{"Key": "TEAM", "Value": "red"}]}, {"SourceIdentity": "mallory"}):
        with pytest.raises(ClientError) as excinfo:
            chained_sts.assume_role(RoleArn=second, RoleSessionName="hop2", **changed)
        assert error_of(excinfo)[:2] == ("InvalidParameterValue", 400)
    # A tag that was not transitive stayed behind, so the chained session may set its key anew.
    assert chained_sts.assume_role(
        RoleArn=second, RoleSessionName="hop2", Tags=[{"Key": "stage", "Value": "two"}]
    )


def test_source_identity_needs_set_source_identity(iamd_server: RunningServer) -> None:
    sts, name = iamd_server.user_client("sts", None)
    role_arn = make_role(iamd_server, trust({"AWS": user_arn(iamd_server, name)}))
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", SourceIdentity="alice")
    code, _, message = error_of(excinfo)
    assert code == "AccessDenied" and "sts:SetSourceIdentity" in message


def test_revoke_older_sessions(iamd_server: RunningServer) -> None:
    sts, name = iamd_server.user_client("sts", None)
    role_arn = make_role(iamd_server, trust({"AWS": user_arn(iamd_server, name)}), allow("iam:ListUsers"))
    old = session_client(
        iamd_server, "iam", sts.assume_role(RoleArn=role_arn, RoleSessionName="old")["Credentials"]
    )
    assert "Users" in old.list_users()
    # What the console's "Revoke active sessions" attaches (the AWSRevokeOlderSessions inline policy).
    cutoff = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    revoke = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": ["*"],
                "Resource": ["*"],
                "Condition": {"DateLessThan": {"aws:TokenIssueTime": cutoff}},
            }
        ],
    }
    iamd_server.client("iam").put_role_policy(
        RoleName=role_arn.rsplit("/", 1)[-1],
        PolicyName="AWSRevokeOlderSessions",
        PolicyDocument=json.dumps(revoke),
    )
    with pytest.raises(ClientError) as excinfo:
        old.list_users()
    assert error_of(excinfo)[0] == "AccessDenied" and "explicit deny" in error_of(excinfo)[2]
    new = session_client(
        iamd_server, "iam", sts.assume_role(RoleArn=role_arn, RoleSessionName="new")["Credentials"]
    )
    assert "Users" in new.list_users()


def test_deleted_role_sessions_lose_their_permissions(iamd_server: RunningServer) -> None:
    sts, name = iamd_server.user_client("sts", None)
    role_arn = make_role(iamd_server, trust({"AWS": user_arn(iamd_server, name)}), allow("iam:ListUsers"))
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="s1")["Credentials"]
    iam = iamd_server.client("iam")
    role_name = role_arn.rsplit("/", 1)[-1]
    iam.delete_role_policy(RoleName=role_name, PolicyName="permissions")
    iam.delete_role(RoleName=role_name)
    with pytest.raises(ClientError) as excinfo:
        session_client(iamd_server, "iam", credentials).list_users()
    assert error_of(excinfo)[0] == "AccessDenied"


def _second_account(iamd_server: RunningServer) -> tuple[str, str, str]:
    """A new account made by ``iamd admin create-account`` on the server's database: id, root key, secret."""
    args = [str(arg) for arg in iamd_server.process.args]  # type: ignore[union-attr]
    command = [sys.executable, "-m", "iamd", "admin", "create-account"]
    command += ["--data-dir", args[args.index("--data-dir") + 1]]
    if "--database-url" in args:
        command += ["--database-url", args[args.index("--database-url") + 1]]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IAMD_", "AWS_"))}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=True)
    parser = configparser.ConfigParser()
    parser.read_string(done.stdout)
    [profile] = parser.sections()
    section = parser[profile]
    return profile.removeprefix("iamd-"), section["aws_access_key_id"], section["aws_secret_access_key"]


def test_cross_account_needs_trust_and_identity_policy(iamd_server: RunningServer) -> None:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
    other_id, key_id, secret = _second_account(iamd_server)
    other_iam = iamd_server.client("iam", key_id, secret)
    role_name = unique("shared")
    role_arn = other_iam.create_role(
        RoleName=role_name, AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"})
    )["Role"]["Arn"]
    assert role_arn.startswith(f"arn:aws:iam::{other_id}:role/")
    other_iam.put_role_policy(
        RoleName=role_name, PolicyName="p", PolicyDocument=json.dumps(allow("iam:ListUsers"))
    )

    without, name = iamd_server.user_client("sts", None)
    with pytest.raises(ClientError) as excinfo:
        without.assume_role(RoleArn=role_arn, RoleSessionName="xa")
    assert error_of(excinfo) == (
        "AccessDenied",
        403,
        f"User: {user_arn(iamd_server, name)} is not authorized to perform: sts:AssumeRole "
        f"on resource: {role_arn}",
    )
    with_policy, _ = iamd_server.user_client("sts", allow("sts:AssumeRole"))
    credentials = with_policy.assume_role(RoleArn=role_arn, RoleSessionName="xa")["Credentials"]
    identity = session_client(iamd_server, "sts", credentials).get_caller_identity()
    assert identity["Account"] == other_id
    assert identity["Arn"] == f"arn:aws:sts::{other_id}:assumed-role/{role_name}/xa"
    # The session acts in the role's account.
    users = session_client(iamd_server, "iam", credentials).list_users()["Users"]
    assert all(f":{other_id}:" in user["Arn"] for user in users)
    # The other account's root cannot be trusted by a role it did not name.
    foreign_sts = iamd_server.client("sts", key_id, secret)
    with pytest.raises(ClientError) as excinfo:
        foreign_sts.assume_role(
            RoleArn=make_role(iamd_server, trust({"AWS": ACCOUNT_ID})), RoleSessionName="xa"
        )
    assert error_of(excinfo)[:2] == ("AccessDenied", 403)
