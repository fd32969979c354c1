"""Who may create and change roles: actions, resources and the context keys AWS puts into these requests.

Sources: the Service Authorization Reference for IAM (condition keys per action,
https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html),
"Permissions boundaries for IAM entities" (delegating role creation with an iam:PermissionsBoundary
condition, https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html), "Controlling
access during AWS requests" with aws:RequestTag and aws:TagKeys
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html), and the AccessDenied message form of
https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
BOUNDARY = "arn:aws:iam::aws:policy/PowerUserAccess"


def denial(user: str, action: str, resource: str) -> str:
    """AWS's AccessDenied message when no identity-based policy allows the action."""
    return (
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/{user} is not authorized to perform: {action} on resource: "
        f"{resource} because no identity-based policy allows the {action} action"
    )


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _denied(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    response = excinfo.value.response
    assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]) == (
        "AccessDenied",
        403,
    )
    return str(response["Error"]["Message"])


def _exists(iamd_server: RunningServer, name: str) -> bool:
    try:
        iamd_server.client("iam").get_role(RoleName=name)
    except ClientError:
        return False
    return True


def test_role_lifecycle_needs_no_pass_role(iamd_server: RunningServer) -> None:
    actions = [
        "iam:CreateRole",
        "iam:GetRole",
        "iam:ListRoles",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
        "iam:UpdateAssumeRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:ListRoleTags",
        "iam:PutRolePermissionsBoundary",
        "iam:DeleteRolePermissionsBoundary",
        "iam:DeleteRole",
    ]
    iam, _ = iamd_server.user_client("iam", _policy({"Effect": "Allow", "Action": actions, "Resource": "*"}))
    name = unique("nopass")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, Tags=[{"Key": "a", "Value": "b"}])
    iam.get_role(RoleName=name)
    iam.list_roles()
    iam.update_role(RoleName=name, MaxSessionDuration=7200)
    iam.update_role_description(RoleName=name, Description="d")
    iam.update_assume_role_policy(RoleName=name, PolicyDocument=TRUST)
    iam.tag_role(RoleName=name, Tags=[{"Key": "c", "Value": "d"}])
    iam.untag_role(RoleName=name, TagKeys=["a"])
    iam.list_role_tags(RoleName=name)
    iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=BOUNDARY)
    iam.delete_role_permissions_boundary(RoleName=name)
    iam.delete_role(RoleName=name)
    assert not _exists(iamd_server, name)


def test_a_user_without_permission_is_denied_with_aws_message(iamd_server: RunningServer) -> None:
    iam, user = iamd_server.user_client("iam", None)
    name = unique("denied")
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(RoleName=name, Path="/app/", AssumeRolePolicyDocument=TRUST)
    assert _denied(excinfo) == denial(user, "iam:CreateRole", f"arn:aws:iam::{ACCOUNT_ID}:role/app/{name}")
    assert not _exists(iamd_server, name)


def test_create_role_only_with_the_required_boundary(iamd_server: RunningServer) -> None:
    # The delegation pattern of access_policies_boundaries.html: CreateRole allowed only when the new role
    # gets a given boundary (iam:PermissionsBoundary is in CreateRole's request context).
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
            "Resource": "*",
            "Condition": {"StringEquals": {"iam:PermissionsBoundary": BOUNDARY}},
        }
    )
    iam, user = iamd_server.user_client("iam", policy)
    for extra in ({}, {"PermissionsBoundary": "arn:aws:iam::aws:policy/ReadOnlyAccess"}):
        name = unique("unbounded")
        with pytest.raises(ClientError) as excinfo:
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, **extra)
        assert _denied(excinfo) == denial(user, "iam:CreateRole", f"arn:aws:iam::{ACCOUNT_ID}:role/{name}")
        assert not _exists(iamd_server, name)
    name = unique("bounded")
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, PermissionsBoundary=BOUNDARY)[
        "Role"
    ]
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == BOUNDARY
    # The same condition governs replacing the boundary later.
    with pytest.raises(ClientError) as excinfo:
        iam.put_role_permissions_boundary(
            RoleName=name, PermissionsBoundary="arn:aws:iam::aws:policy/AdministratorAccess"
        )
    assert "iam:PutRolePermissionsBoundary" in _denied(excinfo)
    iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=BOUNDARY)


def test_tags_on_create_are_authorized_with_request_tags_and_tag_keys(iamd_server: RunningServer) -> None:
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": "iam:CreateRole",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:RequestTag/team": "web"},
                "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]},
            },
        }
    )
    iam, _ = iamd_server.user_client("iam", policy)
    refused = (
        [],  # no tag: aws:RequestTag/team is missing
        [{"Key": "team", "Value": "ops"}],  # wrong value
        [{"Key": "team", "Value": "web"}, {"Key": "cost", "Value": "1"}],  # a key outside aws:TagKeys
    )
    for tags in refused:
        name = unique("tagdeny")
        with pytest.raises(ClientError) as excinfo:
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, Tags=tags)
        assert "iam:CreateRole" in _denied(excinfo)
        assert not _exists(iamd_server, name)
    name = unique("tagok")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, Tags=[{"Key": "team", "Value": "web"}])
    assert _exists(iamd_server, name)


def test_resource_tags_and_paths_decide_access_to_existing_roles(iamd_server: RunningServer) -> None:
    root = iamd_server.client("iam")
    web, ops = unique("web"), unique("ops")
    root.create_role(RoleName=web, AssumeRolePolicyDocument=TRUST, Tags=[{"Key": "team", "Value": "web"}])
    root.create_role(RoleName=ops, Path="/ops/", AssumeRolePolicyDocument=TRUST)
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": ["iam:UpdateRole", "iam:DeleteRole"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": "web"}},
        },
        {"Effect": "Allow", "Action": "iam:GetRole", "Resource": f"arn:aws:iam::{ACCOUNT_ID}:role/ops/*"},
    )
    iam, user = iamd_server.user_client("iam", policy)
    iam.update_role(RoleName=web, Description="mine")
    with pytest.raises(ClientError) as excinfo:
        iam.update_role(RoleName=ops, Description="not mine")
    assert f"iam:UpdateRole on resource: arn:aws:iam::{ACCOUNT_ID}:role/ops/{ops}" in _denied(excinfo)
    assert iam.get_role(RoleName=ops)["Role"]["Path"] == "/ops/"
    with pytest.raises(ClientError) as excinfo:
        iam.get_role(RoleName=web)
    assert _denied(excinfo).startswith(f"User: arn:aws:iam::{ACCOUNT_ID}:user/{user} is not authorized")
    iam.delete_role(RoleName=web)
    assert not _exists(iamd_server, web)


def test_add_role_to_instance_profile_needs_pass_role(iamd_server: RunningServer) -> None:
    # "The caller of this operation must be granted the PassRole permission on the IAM role"
    # (https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddRoleToInstanceProfile.html).
    root = iamd_server.client("iam")
    role, profile = unique("ec2role"), unique("ec2prof")
    root.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    root.create_instance_profile(InstanceProfileName=profile)
    add_only = _policy({"Effect": "Allow", "Action": "iam:AddRoleToInstanceProfile", "Resource": "*"})
    iam, user = iamd_server.user_client("iam", add_only)
    with pytest.raises(ClientError) as excinfo:
        iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    assert _denied(excinfo) == denial(user, "iam:PassRole", f"arn:aws:iam::{ACCOUNT_ID}:role/{role}")
    assert root.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"] == []
    with_pass = _policy(
        {"Effect": "Allow", "Action": "iam:AddRoleToInstanceProfile", "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": f"arn:aws:iam::{ACCOUNT_ID}:role/{role}",
            "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
        },
    )
    iam, _ = iamd_server.user_client("iam", with_pass)
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    roles = root.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"]
    assert [r["RoleName"] for r in roles] == [role]


def test_existing_roles_carry_their_boundary_in_the_context(iamd_server: RunningServer) -> None:
    # UpdateRole, DeleteRole and DeleteRolePermissionsBoundary list iam:PermissionsBoundary (Service
    # Authorization Reference); the delegation example of access_policies_boundaries.html uses it to allow
    # changes only to bounded roles and to forbid removing the boundary.
    root = iamd_server.client("iam")
    bounded, free = unique("bounded"), unique("free")
    root.create_role(RoleName=bounded, AssumeRolePolicyDocument=TRUST, PermissionsBoundary=BOUNDARY)
    root.create_role(RoleName=free, AssumeRolePolicyDocument=TRUST)
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": ["iam:UpdateRole", "iam:DeleteRolePermissionsBoundary"],
            "Resource": "*",
            "Condition": {"StringEquals": {"iam:PermissionsBoundary": BOUNDARY}},
        },
        {
            "Effect": "Deny",
            "Action": "iam:DeleteRolePermissionsBoundary",
            "Resource": "*",
            "Condition": {"StringEquals": {"iam:PermissionsBoundary": BOUNDARY}},
        },
    )
    iam, user = iamd_server.user_client("iam", policy)
    iam.update_role(RoleName=bounded, Description="bounded roles may be changed")
    with pytest.raises(ClientError) as excinfo:
        iam.update_role(RoleName=free, Description="unbounded ones not")
    assert _denied(excinfo) == denial(user, "iam:UpdateRole", f"arn:aws:iam::{ACCOUNT_ID}:role/{free}")
    with pytest.raises(ClientError) as excinfo:
        iam.delete_role_permissions_boundary(RoleName=bounded)
    assert "with an explicit deny in an identity-based policy" in _denied(excinfo)
    assert (
        root.get_role(RoleName=bounded)["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == BOUNDARY
    )
