"""Managed policy attachments through boto3 against a real server, on SQLite and PostgreSQL.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html,
API_DetachUserPolicy.html, API_ListAttachedUserPolicies.html, their Group and Role siblings,
API_ListEntitiesForPolicy.html, the quotas in https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
(10 managed policies per user, group and role) and the iam:PolicyARN condition key
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PolicyARN).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
LAMBDA_ROLE = "arn:aws:iam::aws:policy/service-role/AWSLambdaRole"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
ALLOW_S3 = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def _customer_policy(iam: Any, path: str = "/") -> str:
    arn: str = iam.create_policy(PolicyName=unique("pol"), Path=path, PolicyDocument=json.dumps(ALLOW_S3))[
        "Policy"
    ]["Arn"]
    return arn


def _make(iam: Any, label: str, path: str = "/") -> str:
    name = unique(label.lower())
    if label == "User":
        iam.create_user(UserName=name, Path=path)
    elif label == "Group":
        iam.create_group(GroupName=name, Path=path)
    else:
        iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=json.dumps(TRUST))
    return name


class Api:
    """Attach, detach and list for one kind, called with that kind's name member (UserName ...)."""

    def __init__(self, iam: Any, label: str, owner: str) -> None:
        self.iam, self.owner, self.snake, self.member = iam, owner, label.lower(), f"{label}Name"

    def attach(self, arn: str) -> Any:
        return getattr(self.iam, f"attach_{self.snake}_policy")(**{self.member: self.owner}, PolicyArn=arn)

    def detach(self, arn: str) -> Any:
        return getattr(self.iam, f"detach_{self.snake}_policy")(**{self.member: self.owner}, PolicyArn=arn)

    def listed(self, **kwargs: Any) -> Any:
        return getattr(self.iam, f"list_attached_{self.snake}_policies")(
            **{self.member: self.owner}, **kwargs
        )

    def arns(self, **kwargs: Any) -> list[str]:
        return [p["PolicyArn"] for p in self.listed(**kwargs)["AttachedPolicies"]]


@pytest.fixture(params=["User", "Group", "Role"])
def label(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_attach_list_detach(iamd_server: RunningServer, label: str) -> None:
    iam = iamd_server.client("iam")
    api = Api(iam, label, _make(iam, label))
    mine = _customer_policy(iam, f"/{unique('p')}/")
    for arn in (READ_ONLY, LAMBDA_ROLE, mine):
        api.attach(arn)
    api.attach(READ_ONLY)  # attaching again is a no-op, as in AWS

    listed = api.listed()
    assert listed["IsTruncated"] is False
    assert sorted(listed["AttachedPolicies"], key=lambda p: p["PolicyArn"]) == sorted(
        [{"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn} for arn in (READ_ONLY, LAMBDA_ROLE, mine)],
        key=lambda p: p["PolicyArn"],
    )
    # PathPrefix filters on the policy's path.
    assert api.arns(PathPrefix="/service-role/") == [LAMBDA_ROLE]
    assert api.arns(PathPrefix=mine.split(":policy", 1)[1].rsplit("/", 1)[0] + "/") == [mine]
    # AttachmentCount follows.
    assert iam.get_policy(PolicyArn=mine)["Policy"]["AttachmentCount"] == 1

    api.detach(LAMBDA_ROLE)
    assert sorted(api.arns()) == sorted([READ_ONLY, mine])
    with pytest.raises(ClientError) as excinfo:
        api.detach(LAMBDA_ROLE)
    assert _error(excinfo) == ("NoSuchEntity", 404, f"Policy {LAMBDA_ROLE} was not found.")

    # A customer managed policy cannot be deleted while attached (API_DeletePolicy.html).
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy(PolicyArn=mine)
    assert _error(excinfo)[:2] == ("DeleteConflict", 409)
    api.detach(mine)
    iam.delete_policy(PolicyArn=mine)


def test_attached_list_pages(iamd_server: RunningServer, label: str) -> None:
    iam = iamd_server.client("iam")
    api = Api(iam, label, _make(iam, label))
    arns = sorted(_customer_policy(iam) for _ in range(3))
    for arn in arns:
        api.attach(arn)
    first = api.listed(MaxItems=2)
    assert first["IsTruncated"] is True
    rest = api.listed(MaxItems=2, Marker=first["Marker"])
    assert rest["IsTruncated"] is False and "Marker" not in rest
    assert [p["PolicyArn"] for p in first["AttachedPolicies"] + rest["AttachedPolicies"]] == arns


def test_unknown_policy_or_owner(iamd_server: RunningServer, label: str) -> None:
    iam = iamd_server.client("iam")
    api = Api(iam, label, _make(iam, label))
    for arn in (
        "arn:aws:iam::aws:policy/NoSuchManagedPolicyAtAll",
        f"arn:aws:iam::{ACCOUNT_ID}:policy/{unique('missing')}",
        "arn:aws:iam::999999999999:policy/OtherAccounts",
    ):
        with pytest.raises(ClientError) as excinfo:
            api.attach(arn)
        assert _error(excinfo) == ("NoSuchEntity", 404, f"Policy {arn} does not exist or is not attachable.")
    assert api.arns() == []

    ghost = Api(iam, label, unique("ghost"))
    message = f"The {label.lower()} with name {ghost.owner} cannot be found."
    calls: list[Callable[[], Any]] = [
        lambda: ghost.attach(READ_ONLY),
        lambda: ghost.detach(READ_ONLY),
        ghost.listed,
    ]
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert _error(excinfo) == ("NoSuchEntity", 404, message)


def test_not_an_arn_is_invalid_input(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    api = Api(iam, "User", _make(iam, "User"))
    with pytest.raises(ClientError) as excinfo:
        api.attach("this-is-no-arn-at-all-really")
    assert _error(excinfo) == ("InvalidInput", 400, "ARN this-is-no-arn-at-all-really is not valid.")


def test_ten_attachments_quota(iamd_server: RunningServer, label: str) -> None:
    iam = iamd_server.client("iam")
    api = Api(iam, label, _make(iam, label))
    arns = [_customer_policy(iam) for _ in range(11)]
    for arn in arns[:10]:
        api.attach(arn)
    with pytest.raises(ClientError) as excinfo:
        api.attach(arns[10])
    assert _error(excinfo) == ("LimitExceeded", 409, f"Cannot exceed quota for PoliciesPer{label}: 10")
    assert arns[10] not in api.arns()
    api.attach(arns[0])  # re-attaching one already there is still a no-op at the quota
    api.detach(arns[0])
    api.attach(arns[10])


def test_list_entities_for_policy(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    path = f"/{unique('ents')}/"  # AWS managed policies are shared by every test: isolate by path
    users = sorted(_make(iam, "User", path) for _ in range(2))
    group, role = _make(iam, "Group", path), _make(iam, "Role", path)
    for user in users:
        iam.attach_user_policy(UserName=user, PolicyArn=READ_ONLY)
    iam.attach_group_policy(GroupName=group, PolicyArn=READ_ONLY)
    iam.attach_role_policy(RoleName=role, PolicyArn=READ_ONLY)
    ids = {u: iam.get_user(UserName=u)["User"]["UserId"] for u in users}

    found = iam.list_entities_for_policy(PolicyArn=READ_ONLY, PathPrefix=path)
    assert found["PolicyUsers"] == [{"UserName": u, "UserId": ids[u]} for u in users]
    assert found["PolicyGroups"] == [
        {"GroupName": group, "GroupId": iam.get_group(GroupName=group)["Group"]["GroupId"]}
    ]
    assert found["PolicyRoles"] == [
        {"RoleName": role, "RoleId": iam.get_role(RoleName=role)["Role"]["RoleId"]}
    ]
    assert found["IsTruncated"] is False

    only_users = iam.list_entities_for_policy(PolicyArn=READ_ONLY, PathPrefix=path, EntityFilter="User")
    assert [u["UserName"] for u in only_users["PolicyUsers"]] == users
    assert only_users["PolicyGroups"] == [] and only_users["PolicyRoles"] == []
    # The policy-type filters name no principal kind: AWS answers them with empty lists.
    local = iam.list_entities_for_policy(
        PolicyArn=READ_ONLY, PathPrefix=path, EntityFilter="LocalManagedPolicy"
    )
    assert (local["PolicyUsers"], local["PolicyGroups"], local["PolicyRoles"]) == ([], [], [])
    only_roles = iam.list_entities_for_policy(PolicyArn=READ_ONLY, PathPrefix=path, EntityFilter="Role")
    assert [r["RoleName"] for r in only_roles["PolicyRoles"]] == [role] and only_roles["PolicyUsers"] == []

    # Paging runs across the three lists (groups, users, roles): four entities in pages of 3.
    first = iam.list_entities_for_policy(PolicyArn=READ_ONLY, PathPrefix=path, MaxItems=3)
    assert first["IsTruncated"] is True
    rest = iam.list_entities_for_policy(
        PolicyArn=READ_ONLY, PathPrefix=path, MaxItems=3, Marker=first["Marker"]
    )
    assert rest["IsTruncated"] is False

    def names(page: dict[str, Any]) -> list[str]:
        return (
            [g["GroupName"] for g in page["PolicyGroups"]]
            + [u["UserName"] for u in page["PolicyUsers"]]
            + [r["RoleName"] for r in page["PolicyRoles"]]
        )

    assert names(first) + names(rest) == [group, *users, role]

    # A customer managed policy nobody uses has no entities; one that does not exist is NoSuchEntity.
    unused = _customer_policy(iam)
    empty = iam.list_entities_for_policy(PolicyArn=unused)
    assert (empty["PolicyUsers"], empty["PolicyGroups"], empty["PolicyRoles"]) == ([], [], [])
    missing = f"arn:aws:iam::{ACCOUNT_ID}:policy/{unique('nope')}"
    with pytest.raises(ClientError) as excinfo:
        iam.list_entities_for_policy(PolicyArn=missing)
    # The wording AWS returns here (recorded against AWS in LocalStack's IAM policy snapshot tests).
    assert _error(excinfo) == ("NoSuchEntity", 404, f"Policy {missing} does not exist or is not attachable.")


def test_list_entities_usage_filter(iamd_server: RunningServer) -> None:
    # API_ListEntitiesForPolicy.html: PolicyUsageFilter PermissionsPolicy or PermissionsBoundary; without
    # it, both usages are listed.
    iam = iamd_server.client("iam")
    path = f"/{unique('usage')}/"
    boundary = _customer_policy(iam)
    attached, bounded = _make(iam, "User", path), _make(iam, "User", path)
    iam.attach_user_policy(UserName=attached, PolicyArn=boundary)
    iam.put_user_permissions_boundary(UserName=bounded, PermissionsBoundary=boundary)

    def users(**kwargs: Any) -> list[str]:
        page = iam.list_entities_for_policy(PolicyArn=boundary, PathPrefix=path, **kwargs)
        return [u["UserName"] for u in page["PolicyUsers"]]

    assert users() == sorted([attached, bounded])
    assert users(PolicyUsageFilter="PermissionsPolicy") == [attached]
    assert users(PolicyUsageFilter="PermissionsBoundary") == [bounded]


def test_attach_is_authorized_with_the_policy_arn(iamd_server: RunningServer) -> None:
    # iam:PolicyARN in the request context of AttachUserPolicy: a user allowed to attach only one policy.
    iam = iamd_server.client("iam")
    target = _make(iam, "User")
    allowed_policy = _customer_policy(iam)
    statement = {
        "Effect": "Allow",
        "Action": ["iam:AttachUserPolicy", "iam:DetachUserPolicy"],
        "Resource": f"arn:aws:iam::{ACCOUNT_ID}:user/*",
        "Condition": {"ArnEquals": {"iam:PolicyARN": allowed_policy}},
    }
    client, user = iamd_server.user_client("iam", {"Version": "2012-10-17", "Statement": [statement]})

    client.attach_user_policy(UserName=target, PolicyArn=allowed_policy)
    assert Api(iam, "User", target).arns() == [allowed_policy]

    with pytest.raises(ClientError) as excinfo:
        client.attach_user_policy(UserName=target, PolicyArn=READ_ONLY)
    assert _error(excinfo) == (
        "AccessDenied",
        403,
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/{user} is not authorized to perform: iam:AttachUserPolicy on "
        f"resource: arn:aws:iam::{ACCOUNT_ID}:user/{target} because no identity-based policy allows the "
        "iam:AttachUserPolicy action",
    )
    assert Api(iam, "User", target).arns() == [allowed_policy]  # nothing changed

    client.detach_user_policy(UserName=target, PolicyArn=allowed_policy)
    assert Api(iam, "User", target).arns() == []


def test_attached_policy_grants_on_the_next_request(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    client, user = iamd_server.user_client("iam", None)
    with pytest.raises(ClientError):
        client.list_roles()
    iam.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    client.list_roles()
    iam.detach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    with pytest.raises(ClientError) as excinfo:
        client.list_roles()
    assert _error(excinfo)[:2] == ("AccessDenied", 403)


def test_service_linked_role_policies_are_unmodifiable(iamd_server: RunningServer) -> None:
    # API_AttachRolePolicy.html, API_PutRolePolicy.html ...: UnmodifiableEntity for a service-linked role.
    iam = iamd_server.client("iam")
    role = iam.create_service_linked_role(
        AWSServiceName="autoscaling.amazonaws.com", CustomSuffix=unique("s")
    )["Role"]["RoleName"]
    attached = Api(iam, "Role", role).arns()
    message = (
        f"Cannot perform the operation on the protected role '{role}' - this role is only modifiable by AWS"
    )
    calls: list[Callable[[], Any]] = [
        lambda: iam.attach_role_policy(RoleName=role, PolicyArn=READ_ONLY),
        lambda: iam.detach_role_policy(RoleName=role, PolicyArn=attached[0]),
        lambda: iam.put_role_policy(RoleName=role, PolicyName="p", PolicyDocument=json.dumps(ALLOW_S3)),
        lambda: iam.delete_role_policy(RoleName=role, PolicyName="p"),
    ]
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert _error(excinfo) == ("UnmodifiableEntity", 400, message)
    assert Api(iam, "Role", role).arns() == attached
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == []


def test_changes_carry_the_principals_permissions_boundary(iamd_server: RunningServer) -> None:
    # The Service Authorization Reference lists iam:PermissionsBoundary for Attach/Detach/Put/Delete
    # {User,Role}Policy: the boundary the target has, so admins can be limited to bounded principals
    # (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html, delegation example).
    iam = iamd_server.client("iam")
    fence = _customer_policy(iam)
    bounded, unbounded = _make(iam, "User"), _make(iam, "User")
    iam.put_user_permissions_boundary(UserName=bounded, PermissionsBoundary=fence)
    statement = {
        "Effect": "Allow",
        "Action": ["iam:AttachUserPolicy", "iam:PutUserPolicy"],
        "Resource": "*",
        "Condition": {"StringEquals": {"iam:PermissionsBoundary": fence}},
    }
    client, _ = iamd_server.user_client("iam", {"Version": "2012-10-17", "Statement": [statement]})
    client.attach_user_policy(UserName=bounded, PolicyArn=READ_ONLY)
    client.put_user_policy(UserName=bounded, PolicyName="p", PolicyDocument=json.dumps(ALLOW_S3))
    with pytest.raises(ClientError) as excinfo:
        client.attach_user_policy(UserName=unbounded, PolicyArn=READ_ONLY)
    assert _error(excinfo)[:2] == ("AccessDenied", 403)
    with pytest.raises(ClientError) as excinfo:
        client.put_user_policy(UserName=unbounded, PolicyName="p", PolicyDocument=json.dumps(ALLOW_S3))
    assert _error(excinfo)[:2] == ("AccessDenied", 403)
    assert Api(iam, "User", unbounded).arns() == []


def test_role_changes_are_authorized_with_its_tags(iamd_server: RunningServer) -> None:
    # AttachRolePolicy and PutRolePolicy carry the role's aws:ResourceTag/* (Service Authorization Reference).
    iam = iamd_server.client("iam")
    team_role, other_role = _make(iam, "Role"), _make(iam, "Role")
    iam.tag_role(RoleName=team_role, Tags=[{"Key": "team", "Value": "blue"}])
    statement = {
        "Effect": "Allow",
        "Action": ["iam:AttachRolePolicy", "iam:PutRolePolicy"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}},
    }
    client, _ = iamd_server.user_client("iam", {"Version": "2012-10-17", "Statement": [statement]})
    client.attach_role_policy(RoleName=team_role, PolicyArn=READ_ONLY)
    client.put_role_policy(RoleName=team_role, PolicyName="p", PolicyDocument=json.dumps(ALLOW_S3))
    denied: list[Callable[[], Any]] = [
        lambda: client.attach_role_policy(RoleName=other_role, PolicyArn=READ_ONLY),
        lambda: client.put_role_policy(
            RoleName=other_role, PolicyName="p", PolicyDocument=json.dumps(ALLOW_S3)
        ),
    ]
    for call in denied:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert _error(excinfo)[:2] == ("AccessDenied", 403)
    assert Api(iam, "Role", other_role).arns() == []
