"""IAM instance profiles through boto3 against a real server, on SQLite and PostgreSQL.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateInstanceProfile.html,
API_GetInstanceProfile.html, API_ListInstanceProfiles.html, API_DeleteInstanceProfile.html,
API_AddRoleToInstanceProfile.html, API_RemoveRoleFromInstanceProfile.html,
API_ListInstanceProfilesForRole.html, API_TagInstanceProfile.html and the IAM service model.
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


def _profile_roles(iam: Any, profile: str) -> list[str]:
    return [
        r["RoleName"]
        for r in iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"]
    ]


def test_create_get_list_delete(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = unique("prof")
    created = iam.create_instance_profile(
        InstanceProfileName=name, Path="/web/", Tags=[{"Key": "team", "Value": "web"}]
    )["InstanceProfile"]
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:instance-profile/web/{name}"
    assert created["InstanceProfileId"].startswith("AIPA") and len(created["InstanceProfileId"]) == 21
    assert (created["Roles"], created["Tags"]) == ([], [{"Key": "team", "Value": "web"}])

    fetched = iam.get_instance_profile(InstanceProfileName=name.upper())["InstanceProfile"]
    assert (fetched["InstanceProfileName"], fetched["Path"]) == (name, "/web/")
    assert fetched["Tags"] == [{"Key": "team", "Value": "web"}]

    listed = [
        p
        for p in iam.list_instance_profiles(PathPrefix="/web/")["InstanceProfiles"]
        if p["InstanceProfileName"] == name
    ]
    assert len(listed) == 1 and "Tags" not in listed[0]  # list operations leave tags out

    with pytest.raises(ClientError) as excinfo:
        iam.create_instance_profile(InstanceProfileName=name.upper())
    assert _error(excinfo) == ("EntityAlreadyExists", 409, f"Instance Profile {name.upper()} already exists.")

    iam.delete_instance_profile(InstanceProfileName=name)
    with pytest.raises(ClientError) as excinfo:
        iam.get_instance_profile(InstanceProfileName=name)
    assert _error(excinfo) == ("NoSuchEntity", 404, f"Instance Profile {name} cannot be found.")


def test_one_role_per_profile_and_delete_conflict(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    profile, first, second = unique("prof"), unique("role"), unique("role")
    iam.create_instance_profile(InstanceProfileName=profile)
    for role in (first, second):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=first)
    roles = iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"]
    assert [r["RoleName"] for r in roles] == [first]
    assert roles[0]["AssumeRolePolicyDocument"] == json.loads(TRUST)

    # "An instance profile can contain only one role, and this quota cannot be increased."
    for role in (second, first):
        with pytest.raises(ClientError) as excinfo:
            iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
        assert _error(excinfo) == (
            "LimitExceeded",
            409,
            "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1",
        )
    assert _profile_roles(iam, profile) == [first]

    with pytest.raises(ClientError) as excinfo:
        iam.delete_instance_profile(InstanceProfileName=profile)
    assert _error(excinfo) == (
        "DeleteConflict",
        409,
        "Cannot delete entity, must remove roles from instance profile first.",
    )
    iam.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=first)
    assert _profile_roles(iam, profile) == []
    with pytest.raises(ClientError) as excinfo:
        iam.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=first)
    assert _error(excinfo)[:2] == ("NoSuchEntity", 404)
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=second)
    iam.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=second)
    iam.delete_instance_profile(InstanceProfileName=profile)


def test_missing_entities(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    profile, role = unique("prof"), unique("role")
    iam.create_instance_profile(InstanceProfileName=profile)
    with pytest.raises(ClientError) as excinfo:
        iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    assert _error(excinfo) == ("NoSuchEntity", 404, f"The role with name {role} cannot be found.")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    missing = unique("noprof")
    with pytest.raises(ClientError) as excinfo:
        iam.add_role_to_instance_profile(InstanceProfileName=missing, RoleName=role)
    assert _error(excinfo) == ("NoSuchEntity", 404, f"Instance Profile {missing} cannot be found.")
    with pytest.raises(ClientError) as excinfo:
        iam.delete_instance_profile(InstanceProfileName=missing)
    assert _error(excinfo)[:2] == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as excinfo:
        iam.list_instance_profiles_for_role(RoleName=unique("norole"))
    assert _error(excinfo)[:2] == ("NoSuchEntity", 404)


def test_list_instance_profiles_for_role_pages(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    role = unique("shared")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    profiles = sorted(unique("ip") for _ in range(3))
    for profile in profiles:
        iam.create_instance_profile(InstanceProfileName=profile)
        iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    iam.create_instance_profile(InstanceProfileName=unique("other"))
    seen: list[str] = []
    page = iam.list_instance_profiles_for_role(RoleName=role, MaxItems=2)
    while True:
        assert len(page["InstanceProfiles"]) <= 2
        seen += [p["InstanceProfileName"] for p in page["InstanceProfiles"]]
        assert all([r["RoleName"] for r in p["Roles"]] == [role] for p in page["InstanceProfiles"])
        if not page["IsTruncated"]:
            break
        page = iam.list_instance_profiles_for_role(RoleName=role, MaxItems=2, Marker=page["Marker"])
    assert seen == profiles


def test_list_instance_profiles_pages_by_path(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    path = f"/{unique('ippath')}/"
    names = sorted(unique("ip") for _ in range(3))
    for name in names:
        iam.create_instance_profile(InstanceProfileName=name, Path=path)
    first = iam.list_instance_profiles(PathPrefix=path, MaxItems=2)
    assert first["IsTruncated"] is True
    rest = iam.list_instance_profiles(PathPrefix=path, MaxItems=2, Marker=first["Marker"])
    assert rest["IsTruncated"] is False
    assert [p["InstanceProfileName"] for p in first["InstanceProfiles"] + rest["InstanceProfiles"]] == names


def test_tags(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = unique("tagged")
    iam.create_instance_profile(InstanceProfileName=name)
    iam.tag_instance_profile(
        InstanceProfileName=name, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    )
    iam.untag_instance_profile(InstanceProfileName=name, TagKeys=["A"])  # keys compare case-insensitively
    tags = iam.list_instance_profile_tags(InstanceProfileName=name)
    assert (tags["Tags"], tags["IsTruncated"]) == ([{"Key": "b", "Value": "2"}], False)
    with pytest.raises(ClientError) as excinfo:
        iam.tag_instance_profile(
            InstanceProfileName=name, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)]
        )
    assert _error(excinfo) == ("LimitExceeded", 409, "Cannot exceed quota for TagsPerResource: 50")
    assert iam.list_instance_profile_tags(InstanceProfileName=name)["Tags"] == [{"Key": "b", "Value": "2"}]


def test_authorization_uses_profile_arn_and_request_tags(iamd_server: RunningServer) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["iam:CreateInstanceProfile", "iam:GetInstanceProfile"],
                "Resource": f"arn:aws:iam::{ACCOUNT_ID}:instance-profile/ci/*",
                "Condition": {"StringEqualsIfExists": {"aws:RequestTag/env": "ci"}},
            }
        ],
    }
    iam, user = iamd_server.user_client("iam", policy)
    allowed, outside, mistagged = unique("ci"), unique("root"), unique("ci")
    iam.create_instance_profile(
        InstanceProfileName=allowed, Path="/ci/", Tags=[{"Key": "env", "Value": "ci"}]
    )
    iam.get_instance_profile(InstanceProfileName=allowed)
    with pytest.raises(ClientError) as excinfo:
        iam.create_instance_profile(InstanceProfileName=outside)
    assert _error(excinfo) == (
        "AccessDenied",
        403,
        denial(user, "iam:CreateInstanceProfile", f"arn:aws:iam::{ACCOUNT_ID}:instance-profile/{outside}"),
    )
    with pytest.raises(ClientError) as excinfo:
        iam.create_instance_profile(
            InstanceProfileName=mistagged, Path="/ci/", Tags=[{"Key": "env", "Value": "prod"}]
        )
    assert _error(excinfo)[0] == "AccessDenied"
    names = {
        p["InstanceProfileName"]
        for p in iamd_server.client("iam").list_instance_profiles(MaxItems=1000)["InstanceProfiles"]
    }
    assert allowed in names and outside not in names and mistagged not in names
