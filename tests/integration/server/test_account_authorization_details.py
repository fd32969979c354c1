"""GetAccountAuthorizationDetails through boto3 against a real server, on SQLite and PostgreSQL.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
(Filter, MaxItems/Marker paging, UserDetailList, GroupDetailList, RoleDetailList, Policies with every
version). The server is shared by the session, so each test looks for the entities it made. boto3 decodes
the URL-encoded policy documents into dicts.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique

LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def _document(action: str) -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}
    )


TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def _everything(iam: Any, **kwargs: Any) -> dict[str, list[dict[str, Any]]]:
    """Follow the markers to the end; return the four lists joined over every page."""
    joined: dict[str, list[dict[str, Any]]] = {name: [] for name in LISTS}
    marker = None
    while True:
        page = iam.get_account_authorization_details(**kwargs, **({"Marker": marker} if marker else {}))
        for name in LISTS:
            joined[name].extend(page.get(name, []))
        if not page["IsTruncated"]:
            assert "Marker" not in page
            return joined
        marker = page["Marker"]


def _by(items: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    found = [item for item in items if item[key] == value]
    assert len(found) == 1, f"{value} appears {len(found)} times"
    return found[0]


@pytest.fixture
def estate(iamd_server: RunningServer) -> dict[str, str]:
    """A user in a group, each with inline and attached policies; a customer policy with two versions."""
    iam = iamd_server.client("iam")
    names = {kind: unique(kind) for kind in ("user", "group", "policy")}
    iam.create_user(UserName=names["user"], Tags=[{"Key": "team", "Value": "blue"}])
    iam.create_group(GroupName=names["group"])
    iam.add_user_to_group(GroupName=names["group"], UserName=names["user"])
    policy_arn = iam.create_policy(PolicyName=names["policy"], PolicyDocument=_document("s3:GetObject"))[
        "Policy"
    ]["Arn"]
    iam.create_policy_version(PolicyArn=policy_arn, PolicyDocument=_document("s3:*"), SetAsDefault=True)
    iam.put_user_policy(UserName=names["user"], PolicyName="inline-user", PolicyDocument=_document("sqs:*"))
    iam.attach_user_policy(UserName=names["user"], PolicyArn=policy_arn)
    iam.put_group_policy(
        GroupName=names["group"], PolicyName="inline-group", PolicyDocument=_document("sns:*")
    )
    iam.attach_group_policy(GroupName=names["group"], PolicyArn=READ_ONLY)
    names["policy_arn"] = policy_arn
    return names


def test_users_groups_and_policies_in_detail(iamd_server: RunningServer, estate: dict[str, str]) -> None:
    everything = _everything(iamd_server.client("iam"), MaxItems=1000)

    user = _by(everything["UserDetailList"], "UserName", estate["user"])
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{estate['user']}"
    assert user["GroupList"] == [estate["group"]]
    assert user["Tags"] == [{"Key": "team", "Value": "blue"}]
    assert [p["PolicyName"] for p in user["UserPolicyList"]] == ["inline-user"]
    assert user["UserPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"] == "sqs:*"
    assert user["AttachedManagedPolicies"] == [
        {"PolicyName": estate["policy"], "PolicyArn": estate["policy_arn"]}
    ]

    group = _by(everything["GroupDetailList"], "GroupName", estate["group"])
    assert [p["PolicyName"] for p in group["GroupPolicyList"]] == ["inline-group"]
    assert group["AttachedManagedPolicies"] == [{"PolicyName": "ReadOnlyAccess", "PolicyArn": READ_ONLY}]

    policy = _by(everything["Policies"], "Arn", estate["policy_arn"])
    assert (policy["DefaultVersionId"], policy["AttachmentCount"]) == ("v2", 1)
    versions = {v["VersionId"]: v for v in policy["PolicyVersionList"]}
    assert set(versions) == {"v1", "v2"}
    assert versions["v2"]["IsDefaultVersion"] and not versions["v1"]["IsDefaultVersion"]
    assert versions["v1"]["Document"]["Statement"][0]["Action"] == "s3:GetObject"

    # AWS managed policies appear when something in the account uses them, with their document.
    read_only = _by(everything["Policies"], "Arn", READ_ONLY)
    assert read_only["AttachmentCount"] >= 1
    assert read_only["PolicyVersionList"][0]["IsDefaultVersion"] is True
    assert read_only["PolicyVersionList"][0]["Document"]["Statement"]


def test_role_detail_with_trust_policy_and_instance_profile(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    role, profile = unique("role"), unique("profile")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST, Tags=[{"Key": "env", "Value": "ci"}])
    iam.put_role_policy(RoleName=role, PolicyName="inline-role", PolicyDocument=_document("ec2:Describe*"))
    iam.create_instance_profile(InstanceProfileName=profile)
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)

    roles = _everything(iam, Filter=["Role"], MaxItems=1000)
    assert all(not roles[name] for name in ("UserDetailList", "GroupDetailList", "Policies"))
    detail = _by(roles["RoleDetailList"], "RoleName", role)
    assert detail["AssumeRolePolicyDocument"] == json.loads(TRUST)
    assert [p["PolicyName"] for p in detail["RolePolicyList"]] == ["inline-role"]
    assert detail["Tags"] == [{"Key": "env", "Value": "ci"}]
    [instance_profile] = detail["InstanceProfileList"]
    assert instance_profile["InstanceProfileName"] == profile
    assert [r["RoleName"] for r in instance_profile["Roles"]] == [role]


def test_filter_picks_the_lists(iamd_server: RunningServer, estate: dict[str, str]) -> None:
    iam = iamd_server.client("iam")
    local = _everything(iam, Filter=["LocalManagedPolicy"], MaxItems=1000)
    assert not local["UserDetailList"] and not local["GroupDetailList"] and not local["RoleDetailList"]
    arns = {p["Arn"] for p in local["Policies"]}
    assert estate["policy_arn"] in arns and READ_ONLY not in arns
    aws = _everything(iam, Filter=["AWSManagedPolicy"], MaxItems=1000)
    assert all(p["Arn"].startswith("arn:aws:iam::aws:policy/") for p in aws["Policies"])
    assert READ_ONLY in {p["Arn"] for p in aws["Policies"]}
    users = _everything(iam, Filter=["User", "Group"], MaxItems=1000)
    assert not users["RoleDetailList"] and not users["Policies"]
    assert estate["user"] in {u["UserName"] for u in users["UserDetailList"]}


def test_small_pages_cross_the_lists_without_gaps_or_repeats(
    iamd_server: RunningServer, estate: dict[str, str]
) -> None:
    iam = iamd_server.client("iam")
    whole = _everything(iam, MaxItems=1000)
    first = iam.get_account_authorization_details(MaxItems=1)
    assert first["IsTruncated"] is True
    assert sum(len(first.get(name, [])) for name in LISTS) == 1
    for size in (1, 3):
        paged = _everything(iam, MaxItems=size)
        for name, key in zip(LISTS, ("UserName", "GroupName", "RoleName", "Arn"), strict=True):
            assert [item[key] for item in paged[name]] == [item[key] for item in whole[name]]


def test_bad_marker_is_invalid_input(iamd_server: RunningServer) -> None:
    with pytest.raises(ClientError) as excinfo:
        iamd_server.client("iam").get_account_authorization_details(Marker="not-a-marker")
    assert excinfo.value.response["Error"]["Code"] == "InvalidInput"


def test_needs_permission(iamd_server: RunningServer) -> None:
    user_iam, name = iamd_server.user_client("iam", None)
    with pytest.raises(ClientError) as excinfo:
        user_iam.get_account_authorization_details()
    error = excinfo.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert f"user/{name} is not authorized to perform: iam:GetAccountAuthorizationDetails" in error["Message"]
    allowed, _ = iamd_server.user_client(
        "iam",
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "iam:GetAccountAuthorizationDetails", "Resource": "*"}
            ],
        },
    )
    assert allowed.get_account_authorization_details(Filter=["User"], MaxItems=1)["UserDetailList"]
