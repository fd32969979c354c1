"""IAM roles through boto3 against a real server, on SQLite and PostgreSQL.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html, API_GetRole.html,
API_ListRoles.html, API_UpdateRole.html, API_UpdateRoleDescription.html, API_UpdateAssumeRolePolicy.html,
API_DeleteRole.html, API_TagRole.html, API_PutRolePermissionsBoundary.html and the IAM service model.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, RunningServer, unique

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
BOUNDARY = "arn:aws:iam::aws:policy/PowerUserAccess"


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def unvalidated_client(server: RunningServer) -> Any:
    """A root IAM client that sends what it is given, so the server's own validation answers."""
    return boto3.client(
        "iam",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=ROOT_KEY_ID,
        aws_secret_access_key=ROOT_SECRET,
        config=Config(retries={"max_attempts": 1}, parameter_validation=False),
    )


def _role_names(iam: Any, path: str = "/") -> set[str]:
    return {r["RoleName"] for r in iam.list_roles(PathPrefix=path, MaxItems=1000)["Roles"]}


def test_create_get_list_update_delete(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = unique("role")
    created = iam.create_role(
        RoleName=name,
        Path="/app/",
        AssumeRolePolicyDocument=TRUST,
        Description="web tier",
        MaxSessionDuration=7200,
        Tags=[{"Key": "team", "Value": "web"}],
    )["Role"]
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/app/{name}"
    assert created["RoleId"].startswith("AROA") and len(created["RoleId"]) == 21
    assert created["AssumeRolePolicyDocument"] == json.loads(TRUST)  # boto3 decodes the URL-encoded JSON
    assert (created["Description"], created["MaxSessionDuration"]) == ("web tier", 7200)
    assert created["Tags"] == [{"Key": "team", "Value": "web"}]

    fetched = iam.get_role(RoleName=name.upper())["Role"]  # role names are case-insensitive in lookups
    assert (fetched["RoleName"], fetched["Path"], fetched["RoleId"]) == (name, "/app/", created["RoleId"])
    assert fetched["AssumeRolePolicyDocument"] == json.loads(TRUST)
    assert fetched["RoleLastUsed"] == {}  # GetRole always carries RoleLastUsed, empty before any use
    assert fetched["Tags"] == [{"Key": "team", "Value": "web"}]
    assert "PermissionsBoundary" not in fetched

    listed = [r for r in iam.list_roles(PathPrefix="/app/")["Roles"] if r["RoleName"] == name]
    assert len(listed) == 1
    # ListRoles leaves out PermissionsBoundary, RoleLastUsed and Tags (API_ListRoles.html).
    assert not {"Tags", "RoleLastUsed", "PermissionsBoundary"} & set(listed[0])
    assert (listed[0]["Description"], listed[0]["MaxSessionDuration"]) == ("web tier", 7200)

    iam.update_role(RoleName=name, Description="api tier", MaxSessionDuration=43200)
    fetched = iam.get_role(RoleName=name)["Role"]
    assert (fetched["Description"], fetched["MaxSessionDuration"]) == ("api tier", 43200)
    iam.update_role(RoleName=name, MaxSessionDuration=3600)  # the description stays when not given
    assert iam.get_role(RoleName=name)["Role"]["Description"] == "api tier"

    described = iam.update_role_description(RoleName=name, Description="batch")["Role"]
    assert (described["RoleName"], described["Description"]) == (name, "batch")

    iam.delete_role(RoleName=name)
    with pytest.raises(ClientError) as excinfo:
        iam.get_role(RoleName=name)
    assert _error(excinfo) == ("NoSuchEntity", 404, f"The role with name {name} cannot be found.")


def test_defaults(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = unique("role")
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]
    assert (role["Path"], role["MaxSessionDuration"]) == ("/", 3600)
    assert "Description" not in role and "Tags" not in role


def test_names_are_unique_case_insensitively(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = unique("dup")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(RoleName=name.upper(), AssumeRolePolicyDocument=TRUST)
    assert _error(excinfo) == ("EntityAlreadyExists", 409, f"Role with name {name.upper()} already exists.")


@pytest.mark.parametrize(
    ("kwargs", "code", "message"),
    [
        (
            {"MaxSessionDuration": 3599},
            "ValidationError",
            "Member must have value greater than or equal to 3600",
        ),
        (
            {"MaxSessionDuration": 43201},
            "ValidationError",
            "Member must have value less than or equal to 43200",
        ),
        ({"AssumeRolePolicyDocument": "{not json"}, "MalformedPolicyDocument", ""),
        # A trust policy must name a principal (API_CreateRole.html, AssumeRolePolicyDocument).
        (
            {
                "AssumeRolePolicyDocument": json.dumps(
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
                )
            },
            "MalformedPolicyDocument",
            "",
        ),
        ({"Path": "/aws-service-role/x/"}, "InvalidInput", "can only be used for AWS Service linked Roles"),
        ({"PermissionsBoundary": "arn:aws:iam::123456789012:policy/nope"}, "NoSuchEntity", "does not exist"),
        ({"RoleName": "x" * 65}, "ValidationError", "Member must have length less than or equal to 64"),
    ],
)
def test_bad_input_creates_nothing(
    iamd_server: RunningServer, kwargs: dict[str, Any], code: str, message: str
) -> None:
    iam = unvalidated_client(iamd_server)
    before = _role_names(iam)
    request = {"RoleName": unique("bad"), "AssumeRolePolicyDocument": TRUST, **kwargs}
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(**request)
    assert _error(excinfo)[0] == code
    assert message in _error(excinfo)[2]
    assert _role_names(iam) == before


def test_trust_policy_over_2048_characters_is_limit_exceeded(iamd_server: RunningServer) -> None:
    # "Role trust policy length: 2,048 characters" (reference_iam-quotas.html).
    iam = iamd_server.client("iam")
    name = unique("big")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    statement = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    big = json.dumps(
        {"Version": "2012-10-17", "Statement": [dict(statement, Sid=f"S{i}") for i in range(40)]}
    )
    with pytest.raises(ClientError) as excinfo:
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=big)
    assert _error(excinfo)[:2] == ("LimitExceeded", 409)
    assert "ACLSizePerRole" in _error(excinfo)[2]
    assert iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"] == json.loads(TRUST)


def test_update_assume_role_policy_checks_and_stores_the_document(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = unique("trust")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    new_trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "x-1"}},
            }
        ],
    }
    iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(new_trust))
    assert iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"] == new_trust
    identity_policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    with pytest.raises(ClientError) as excinfo:
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(identity_policy))
    assert _error(excinfo)[:2] == ("MalformedPolicyDocument", 400)
    assert iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"] == new_trust
    with pytest.raises(ClientError) as excinfo:
        iam.update_assume_role_policy(RoleName=unique("missing"), PolicyDocument=TRUST)
    assert _error(excinfo)[:2] == ("NoSuchEntity", 404)


def test_delete_conflicts_name_what_remains(iamd_server: RunningServer) -> None:
    # What DeleteRole requires gone first, in order (API_DeleteRole.html).
    iam = iamd_server.client("iam")
    name, profile = unique("busy"), unique("prof")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    iam.create_instance_profile(InstanceProfileName=profile)
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=name)
    inline = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
    iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=json.dumps(inline))
    iam.attach_role_policy(RoleName=name, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")

    expected = [
        "Cannot delete entity, must remove roles from instance profile first.",
        "Cannot delete entity, must delete policies first.",
        "Cannot delete entity, must detach all policies first.",
    ]
    undo = [
        lambda: iam.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=name),
        lambda: iam.delete_role_policy(RoleName=name, PolicyName="inline"),
        lambda: iam.detach_role_policy(RoleName=name, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess"),
    ]
    for message, step in zip(expected, undo, strict=True):
        with pytest.raises(ClientError) as excinfo:
            iam.delete_role(RoleName=name)
        assert _error(excinfo) == ("DeleteConflict", 409, message)
        assert iam.get_role(RoleName=name)["Role"]["RoleName"] == name
        step()
    iam.delete_role(RoleName=name)
    assert name not in _role_names(iam)


def test_list_roles_pages_with_marker_and_path_prefix(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    path = f"/{unique('page')}/"
    names = sorted(unique("r") for _ in range(5))
    for name in names:
        iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=TRUST)
    seen: list[str] = []
    page = iam.list_roles(PathPrefix=path, MaxItems=2)
    while True:
        assert len(page["Roles"]) <= 2
        seen += [r["RoleName"] for r in page["Roles"]]
        if not page["IsTruncated"]:
            assert "Marker" not in page
            break
        page = iam.list_roles(PathPrefix=path, MaxItems=2, Marker=page["Marker"])
    assert seen == names


def test_tags(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = unique("tagged")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, Tags=[{"Key": "a", "Value": "1"}])
    iam.tag_role(RoleName=name, Tags=[{"Key": "A", "Value": "2"}, {"Key": "b", "Value": "3"}])
    # Keys are case-insensitive: tagging "A" replaces "a" (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html).
    assert iam.list_role_tags(RoleName=name)["Tags"] == [
        {"Key": "A", "Value": "2"},
        {"Key": "b", "Value": "3"},
    ]
    iam.untag_role(RoleName=name, TagKeys=["a", "missing"])
    assert iam.list_role_tags(RoleName=name) | {"ResponseMetadata": None} == {
        "Tags": [{"Key": "b", "Value": "3"}],
        "IsTruncated": False,
        "ResponseMetadata": None,
    }
    with pytest.raises(ClientError) as excinfo:
        iam.tag_role(RoleName=name, Tags=[{"Key": "k", "Value": "1"}, {"Key": "K", "Value": "2"}])
    assert _error(excinfo)[:2] == ("InvalidInput", 400)
    with pytest.raises(ClientError) as excinfo:
        iam.tag_role(RoleName=name, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert _error(excinfo) == ("LimitExceeded", 409, "Cannot exceed quota for TagsPerResource: 50")
    assert iam.list_role_tags(RoleName=name)["Tags"] == [{"Key": "b", "Value": "3"}]
    with pytest.raises(ClientError) as excinfo:
        iam.list_role_tags(RoleName=unique("missing"))
    assert _error(excinfo)[:2] == ("NoSuchEntity", 404)


def test_permissions_boundary(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = unique("bounded")
    created = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, PermissionsBoundary=BOUNDARY)[
        "Role"
    ]
    expected = {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": BOUNDARY}
    assert created["PermissionsBoundary"] == expected
    assert iam.get_role(RoleName=name)["Role"]["PermissionsBoundary"] == expected
    iam.delete_role_permissions_boundary(RoleName=name)
    assert "PermissionsBoundary" not in iam.get_role(RoleName=name)["Role"]
    other = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=other)
    assert iam.get_role(RoleName=name)["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == other
    missing = f"arn:aws:iam::{ACCOUNT_ID}:policy/{unique('nope')}"
    with pytest.raises(ClientError) as excinfo:
        iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=missing)
    assert _error(excinfo) == ("NoSuchEntity", 404, f"Policy {missing} does not exist or is not attachable.")
    assert iam.get_role(RoleName=name)["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == other


def test_list_role_tags_pages(iamd_server: RunningServer) -> None:
    # ListRoleTags takes Marker and MaxItems like every IAM list (API_ListRoleTags.html).
    iam = iamd_server.client("iam")
    name = unique("manytags")
    tags = [{"Key": key, "Value": "v"} for key in ("a", "B", "c")]
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, Tags=tags)
    first = iam.list_role_tags(RoleName=name, MaxItems=2)
    assert (first["Tags"], first["IsTruncated"]) == (tags[:2], True)
    rest = iam.list_role_tags(RoleName=name, MaxItems=2, Marker=first["Marker"])
    assert (rest["Tags"], rest["IsTruncated"], "Marker" in rest) == (tags[2:], False, False)


def test_trust_policy_principals_must_exist(iamd_server: RunningServer) -> None:
    # IAM resolves user and role ARNs of a trust policy when it stores it; one that names nothing is
    # refused ("Invalid principal in policy", reference_policies_elements_principal.html).
    iam = iamd_server.client("iam")
    user = unique("trusted")
    iam.create_user(UserName=user, Path="/people/")

    def trust(arn: str) -> str:
        statement = {"Effect": "Allow", "Principal": {"AWS": [arn]}, "Action": "sts:AssumeRole"}
        return json.dumps({"Version": "2012-10-17", "Statement": [statement]})

    name = unique("trusting")
    iam.create_role(
        RoleName=name, AssumeRolePolicyDocument=trust(f"arn:aws:iam::{ACCOUNT_ID}:user/people/{user}")
    )
    for missing in (
        f"arn:aws:iam::{ACCOUNT_ID}:user/{unique('ghost')}",
        f"arn:aws:iam::{ACCOUNT_ID}:user/{user}",  # the right name under the wrong path
        f"arn:aws:iam::{ACCOUNT_ID}:role/{unique('ghost')}",
    ):
        with pytest.raises(ClientError) as excinfo:
            iam.update_assume_role_policy(RoleName=name, PolicyDocument=trust(missing))
        assert _error(excinfo) == (
            "MalformedPolicyDocument",
            400,
            f'Invalid principal in policy: "AWS":"{missing}"',
        )
        with pytest.raises(ClientError) as excinfo:
            iam.create_role(RoleName=unique("never"), AssumeRolePolicyDocument=trust(missing))
        assert _error(excinfo)[0] == "MalformedPolicyDocument"
    # Wildcards, whole accounts and accounts iamd does not hold are not looked up.
    for accepted in (
        f"arn:aws:iam::{ACCOUNT_ID}:root",
        ACCOUNT_ID,
        "arn:aws:iam::999999999999:role/elsewhere",
    ):
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=trust(accepted))
