"""Service-linked roles through boto3 against a real server, on SQLite and PostgreSQL.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html,
API_DeleteServiceLinkedRole.html, API_GetServiceLinkedRoleDeletionStatus.html and
https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html. Error wordings quoted
from real AWS responses in public issue trackers (terraform-aws-elasticsearch#59, aws-nuke#331,
aws-iam-policy-tool#9).

The server is shared by the session, so each service-linked role here uses its own CustomSuffix or is
deleted by the test that creates it.
"""

from __future__ import annotations

import json
import re

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def denial(user: str, action: str, resource: str) -> str:
    """AWS's AccessDenied message when no identity-based policy allows the action."""
    return (
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/{user} is not authorized to perform: {action} on resource: "
        f"{resource} because no identity-based policy allows the {action} action"
    )


def _protected(name: str) -> str:
    return (
        f"Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS"
    )


def test_create_names_path_trust_and_policy(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    role = iam.create_service_linked_role(AWSServiceName="elasticbeanstalk.amazonaws.com", Description="eb")[
        "Role"
    ]
    name = "AWSServiceRoleForElasticBeanstalk"
    try:
        assert role["RoleName"] == name
        assert role["Path"] == "/aws-service-role/elasticbeanstalk.amazonaws.com/"
        assert (
            role["Arn"]
            == f"arn:aws:iam::{ACCOUNT_ID}:role/aws-service-role/elasticbeanstalk.amazonaws.com/{name}"
        )
        assert role["RoleId"].startswith("AROA")
        assert role["Description"] == "eb"
        assert role["AssumeRolePolicyDocument"] == {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "elasticbeanstalk.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
        assert [p["PolicyArn"] for p in attached] == [
            "arn:aws:iam::aws:policy/aws-service-role/AWSElasticBeanstalkServiceRolePolicy"
        ]
        assert iam.get_role(RoleName=name)["Role"]["Path"] == role["Path"]

        with pytest.raises(ClientError) as excinfo:
            iam.create_service_linked_role(AWSServiceName="elasticbeanstalk.amazonaws.com")
        assert _error(excinfo) == (
            "InvalidInput",
            400,
            f"Service role name {name} has been taken in this account, please try a different suffix.",
        )
    finally:
        iam.delete_service_linked_role(RoleName=name)


def test_only_aws_may_change_a_service_linked_role(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    suffix = unique("p").replace("-", "")
    name = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", CustomSuffix=suffix)[
        "Role"
    ]["RoleName"]
    assert name == f"AWSServiceRoleForAutoScaling_{suffix}"
    trust = iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]
    other_trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT_ID}, "Action": "sts:AssumeRole"}],
        }
    )
    refused = [
        lambda: iam.update_assume_role_policy(RoleName=name, PolicyDocument=other_trust),
        lambda: iam.delete_role(RoleName=name),
        lambda: iam.update_role(RoleName=name, MaxSessionDuration=7200),
        lambda: iam.put_role_permissions_boundary(
            RoleName=name, PermissionsBoundary="arn:aws:iam::aws:policy/ReadOnlyAccess"
        ),
    ]
    for call in refused:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert _error(excinfo) == ("UnmodifiableEntity", 400, _protected(name))
    role = iam.get_role(RoleName=name)["Role"]
    assert (role["AssumeRolePolicyDocument"], role["MaxSessionDuration"]) == (trust, 3600)
    # The description is the one thing a customer may edit (using-service-linked-roles.html).
    assert iam.update_role_description(RoleName=name, Description="mine")["Role"]["Description"] == "mine"

    task = iam.delete_service_linked_role(RoleName=name)["DeletionTaskId"]
    assert re.fullmatch(
        rf"task/aws-service-role/autoscaling\.amazonaws\.com/{name}/[0-9a-f]{{8}}(-[0-9a-f]{{4}}){{3}}-[0-9a-f]{{12}}",
        task,
    )
    assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "SUCCEEDED"
    with pytest.raises(ClientError) as excinfo:
        iam.get_role(RoleName=name)
    assert _error(excinfo)[:2] == ("NoSuchEntity", 404)


def test_custom_suffix_is_refused_where_the_service_allows_none(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    with pytest.raises(ClientError) as excinfo:
        iam.create_service_linked_role(AWSServiceName="es.amazonaws.com", CustomSuffix="x")
    assert _error(excinfo) == ("InvalidInput", 400, "Custom suffix is not allowed for es.amazonaws.com")
    names = {r["RoleName"] for r in iam.list_roles(PathPrefix="/aws-service-role/", MaxItems=1000)["Roles"]}
    assert not any(n.startswith("AWSServiceRoleForAmazonElasticsearchService") for n in names)


def test_create_role_cannot_use_the_reserved_path(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    )
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(
            RoleName="AWSServiceRoleForECS",
            Path="/aws-service-role/ecs.amazonaws.com/",
            AssumeRolePolicyDocument=trust,
        )
    assert _error(excinfo) == (
        "InvalidInput",
        400,
        "Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles",
    )


def test_delete_service_linked_role_refuses_ordinary_roles(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = unique("plain")
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    )
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_service_linked_role(RoleName=name)
    assert _error(excinfo)[:2] == ("NoSuchEntity", 404)
    assert iam.get_role(RoleName=name)["Role"]["RoleName"] == name
    with pytest.raises(ClientError) as excinfo:
        iam.get_service_linked_role_deletion_status(DeletionTaskId="not-a-task")
    assert _error(excinfo)[:2] == ("InvalidInput", 400)


def test_create_needs_create_service_linked_role_with_the_service_name(iamd_server: RunningServer) -> None:
    # iam:AWSServiceName is CreateServiceLinkedRole's condition key (Service Authorization Reference for IAM).
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole"],
                "Resource": f"arn:aws:iam::{ACCOUNT_ID}:role/aws-service-role/*",
                "Condition": {"StringEquals": {"iam:AWSServiceName": "autoscaling.amazonaws.com"}},
            },
            {"Effect": "Allow", "Action": "iam:DeleteServiceLinkedRole", "Resource": "*"},
        ],
    }
    iam, user = iamd_server.user_client("iam", policy)
    suffix = unique("a").replace("-", "")
    spot_folder = f"arn:aws:iam::{ACCOUNT_ID}:role/aws-service-role/spot.amazonaws.com"
    with pytest.raises(ClientError) as excinfo:
        iam.create_service_linked_role(AWSServiceName="spot.amazonaws.com")
    assert _error(excinfo) == (
        "AccessDenied",
        403,
        denial(user, "iam:CreateServiceLinkedRole", f"{spot_folder}/AWSServiceRoleForEC2Spot"),
    )
    name = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", CustomSuffix=suffix)[
        "Role"
    ]["RoleName"]
    iam.delete_service_linked_role(RoleName=name)


def test_a_service_name_that_is_no_service_principal_is_refused(iamd_server: RunningServer) -> None:
    # Service principals look like elasticbeanstalk.amazonaws.com (API_CreateServiceLinkedRole.html).
    iam = iamd_server.client("iam")
    before = {r["RoleName"] for r in iam.list_roles(PathPrefix="/aws-service-role/", MaxItems=1000)["Roles"]}
    with pytest.raises(ClientError) as excinfo:
        iam.create_service_linked_role(AWSServiceName="not-a-service")
    assert _error(excinfo)[:2] == ("InvalidInput", 400)
    after = {r["RoleName"] for r in iam.list_roles(PathPrefix="/aws-service-role/", MaxItems=1000)["Roles"]}
    assert after == before
