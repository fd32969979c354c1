"""Managed policies decide requests: attached policies grant on the next request, the default version is
the one in force, and AWS managed policies grant what their documents say.

Behaviour from https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
("the default version is the operative version, the one in effect for all principal entities") and
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import RunningServer, unique
from tests.integration.server.test_policies import IAM_READ_ONLY, error_of


def _allow(*actions: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}],
        }
    )


def test_attached_policy_and_its_default_version_decide(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    client, user = iamd_server.user_client("iam", None)
    with pytest.raises(ClientError) as excinfo:
        client.list_users(MaxItems=1)
    assert error_of(excinfo)[:2] == ("AccessDenied", 403)

    arn = iam.create_policy(PolicyName=unique("lister"), PolicyDocument=_allow("iam:ListUsers"))["Policy"][
        "Arn"
    ]
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    assert client.list_users(MaxItems=1)["Users"]  # granted on the very next request

    # A new version that is not the default changes nothing; making it the default does.
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=_allow("iam:ListGroups"))
    assert client.list_users(MaxItems=1)["Users"]
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v2")
    with pytest.raises(ClientError) as excinfo:
        client.list_users(MaxItems=1)
    code, status, message = error_of(excinfo)
    assert (code, status) == ("AccessDenied", 403)
    assert f"user/{user}" in message and "iam:ListUsers" in message
    assert client.list_groups(MaxItems=1)["IsTruncated"] in (True, False)

    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    assert client.list_users(MaxItems=1)["Users"]
    iam.detach_user_policy(UserName=user, PolicyArn=arn)
    with pytest.raises(ClientError) as excinfo:
        client.list_users(MaxItems=1)
    assert error_of(excinfo)[:2] == ("AccessDenied", 403)


def test_new_default_version_through_create_policy_version(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    client, user = iamd_server.user_client("iam", None)
    arn = iam.create_policy(PolicyName=unique("widen"), PolicyDocument=_allow("iam:ListGroups"))["Policy"][
        "Arn"
    ]
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    with pytest.raises(ClientError):
        client.list_users(MaxItems=1)
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=_allow("iam:ListUsers"), SetAsDefault=True)
    assert client.list_users(MaxItems=1)["Users"]


def test_aws_managed_iam_read_only_access(iamd_server: RunningServer) -> None:
    # IAMReadOnlyAccess allows iam:Get*, iam:List*, ... (its document in the shipped catalog).
    iam = iamd_server.client("iam")
    client, user = iamd_server.user_client("iam", None)
    iam.attach_user_policy(UserName=user, PolicyArn=IAM_READ_ONLY)
    assert client.get_user(UserName=user)["User"]["UserName"] == user
    assert client.get_policy(PolicyArn=IAM_READ_ONLY)["Policy"]["AttachmentCount"] >= 1
    assert client.list_policies(Scope="AWS", MaxItems=5)["IsTruncated"] is True
    for write in (
        lambda: client.create_user(UserName=unique("nope")),
        lambda: client.create_policy(PolicyName=unique("nope"), PolicyDocument=_allow("s3:GetObject")),
        lambda: client.detach_user_policy(UserName=user, PolicyArn=IAM_READ_ONLY),
    ):
        with pytest.raises(ClientError) as excinfo:
            write()
        assert error_of(excinfo)[:2] == ("AccessDenied", 403)
    assert IAM_READ_ONLY in [
        p["PolicyArn"] for p in iam.list_attached_user_policies(UserName=user)["AttachedPolicies"]
    ]


def test_malformed_version_keeps_the_old_grant(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    client, user = iamd_server.user_client("iam", None)
    arn = iam.create_policy(PolicyName=unique("keep"), PolicyDocument=_allow("iam:ListUsers"))["Policy"][
        "Arn"
    ]
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy_version(
            PolicyArn=arn,
            PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*"}]}
            ),
            SetAsDefault=True,
        )
    assert error_of(excinfo) == ("MalformedPolicyDocument", 400, "Policy statement must contain resources.")
    assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]] == ["v1"]
    assert client.list_users(MaxItems=1)["Users"]
