"""IAM groups and membership through boto3 against a real server, on SQLite and PostgreSQL.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html, API_GetGroup.html,
API_ListGroups.html, API_UpdateGroup.html, API_DeleteGroup.html, API_AddUserToGroup.html,
API_RemoveUserFromGroup.html, API_ListGroupsForUser.html and the IAM service model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def _group_names(iam: Any, prefix: str) -> list[str]:
    return [g["GroupName"] for g in iam.list_groups(PathPrefix=prefix, MaxItems=1000)["Groups"]]


def test_create_get_list_update_delete(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name, path = unique("admins"), f"/{unique('p')}/"
    created = iam.create_group(GroupName=name, Path=path)["Group"]
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:group{path}{name}"
    assert created["GroupId"].startswith("AGPA") and len(created["GroupId"]) == 21
    assert created["Path"] == path

    fetched = iam.get_group(GroupName=name.upper())  # names are case-insensitive in lookups
    assert fetched["Group"]["GroupId"] == created["GroupId"]
    assert fetched["Group"]["GroupName"] == name
    assert fetched["Users"] == [] and fetched["IsTruncated"] is False
    assert _group_names(iam, path) == [name]

    renamed, new_path = name + "-b", f"/{unique('q')}/"
    iam.update_group(GroupName=name, NewGroupName=renamed, NewPath=new_path)
    moved = iam.get_group(GroupName=renamed)["Group"]
    assert moved["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:group{new_path}{renamed}"
    assert moved["GroupId"] == created["GroupId"]
    assert _group_names(iam, path) == []

    iam.delete_group(GroupName=renamed)
    with pytest.raises(ClientError) as excinfo:
        iam.get_group(GroupName=renamed)
    assert _error(excinfo) == ("NoSuchEntity", 404, f"The group with name {renamed} cannot be found.")


def test_group_names_are_unique_case_insensitively(iamd_server: RunningServer) -> None:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html: names are unique
    # case-insensitively ("you can't create groups named both ADMINS and admins").
    iam = iamd_server.client("iam")
    name, other = unique("ops"), unique("ops")
    iam.create_group(GroupName=name)
    iam.create_group(GroupName=other)
    with pytest.raises(ClientError) as excinfo:
        iam.create_group(GroupName=name.upper())
    assert _error(excinfo) == ("EntityAlreadyExists", 409, f"Group with name {name.upper()} already exists.")
    with pytest.raises(ClientError) as excinfo:
        iam.update_group(GroupName=other, NewGroupName=name)
    assert _error(excinfo) == ("EntityAlreadyExists", 409, f"Group with name {name} already exists.")
    assert iam.get_group(GroupName=other)["Group"]["GroupName"] == other  # unchanged


def test_unknown_group_is_no_such_entity_everywhere(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    missing = unique("nogroup")
    user = unique("u")
    iam.create_user(UserName=user)
    message = f"The group with name {missing} cannot be found."
    calls: list[Callable[[], Any]] = [
        lambda: iam.get_group(GroupName=missing),
        lambda: iam.update_group(GroupName=missing, NewPath="/x/"),
        lambda: iam.delete_group(GroupName=missing),
        lambda: iam.add_user_to_group(GroupName=missing, UserName=user),
        lambda: iam.remove_user_from_group(GroupName=missing, UserName=user),
    ]
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert _error(excinfo) == ("NoSuchEntity", 404, message)


def test_invalid_group_name_is_a_validation_error(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    with pytest.raises(ClientError) as excinfo:
        iam.create_group(GroupName="x" * 129)  # GroupName: 1..128 in the service model
    assert _error(excinfo)[:2] == ("ValidationError", 400)


def test_list_groups_path_prefix_and_paging(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    path = f"/{unique('page')}/"
    names = sorted(unique("g") for _ in range(5))
    for name in names:
        iam.create_group(GroupName=name, Path=path)
    iam.create_group(GroupName=unique("elsewhere"), Path=f"/{unique('other')}/")

    seen: list[str] = []
    marker: str | None = None
    pages = 0
    while True:
        kwargs: dict[str, Any] = {"PathPrefix": path, "MaxItems": 2}
        if marker:
            kwargs["Marker"] = marker
        page = iam.list_groups(**kwargs)
        pages += 1
        seen += [g["GroupName"] for g in page["Groups"]]
        if not page["IsTruncated"]:
            assert "Marker" not in page
            break
        marker = page["Marker"]
    assert seen == names and pages == 3


def test_membership(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    group, other = unique("devs"), unique("ops")
    iam.create_group(GroupName=group)
    iam.create_group(GroupName=other)
    users = sorted(unique("member") for _ in range(3))
    for user in users:
        iam.create_user(UserName=user)
        iam.add_user_to_group(GroupName=group, UserName=user)
    iam.add_user_to_group(GroupName=group, UserName=users[0])  # adding again is a no-op, as in AWS
    iam.add_user_to_group(GroupName=other, UserName=users[0])

    # GetGroup pages through the members by name.
    first = iam.get_group(GroupName=group, MaxItems=2)
    assert [u["UserName"] for u in first["Users"]] == users[:2] and first["IsTruncated"] is True
    rest = iam.get_group(GroupName=group, Marker=first["Marker"])
    assert [u["UserName"] for u in rest["Users"]] == users[2:] and rest["IsTruncated"] is False
    assert first["Users"][0]["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{users[0]}"

    groups_of_first = iam.list_groups_for_user(UserName=users[0])["Groups"]
    assert sorted(g["GroupName"] for g in groups_of_first) == sorted([group, other])
    one = iam.list_groups_for_user(UserName=users[0], MaxItems=1)
    assert len(one["Groups"]) == 1 and one["IsTruncated"] is True

    iam.remove_user_from_group(GroupName=group, UserName=users[1])
    assert [u["UserName"] for u in iam.get_group(GroupName=group)["Users"]] == [users[0], users[2]]
    assert iam.list_groups_for_user(UserName=users[1])["Groups"] == []

    # Removing a user who is not a member is NoSuchEntity.
    with pytest.raises(ClientError) as excinfo:
        iam.remove_user_from_group(GroupName=group, UserName=users[1])
    assert _error(excinfo) == ("NoSuchEntity", 404, f"The user with name {users[1]} cannot be found.")


def test_membership_of_unknown_user(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    group, missing = unique("devs"), unique("ghost")
    iam.create_group(GroupName=group)
    for call in (iam.add_user_to_group, iam.remove_user_from_group):
        with pytest.raises(ClientError) as excinfo:
            call(GroupName=group, UserName=missing)
        assert _error(excinfo) == ("NoSuchEntity", 404, f"The user with name {missing} cannot be found.")
    with pytest.raises(ClientError) as excinfo:
        iam.list_groups_for_user(UserName=missing)
    assert _error(excinfo) == ("NoSuchEntity", 404, f"The user with name {missing} cannot be found.")
    # With both unknown, AWS names the user (LocalStack's snapshot of AWS for RemoveUserFromGroup).
    with pytest.raises(ClientError) as excinfo:
        iam.remove_user_from_group(GroupName=unique("nogroup"), UserName=missing)
    assert _error(excinfo) == ("NoSuchEntity", 404, f"The user with name {missing} cannot be found.")


def test_delete_group_conflicts(iamd_server: RunningServer) -> None:
    # API_DeleteGroup.html: "The group must not contain any users or have any attached policies."
    # The messages are AWS's DeleteConflict texts for each dependent.
    iam = iamd_server.client("iam")
    group, user = unique("busy"), unique("u")
    iam.create_group(GroupName=group)
    iam.create_user(UserName=user)
    document = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    )

    def refused() -> tuple[str, int, str]:
        with pytest.raises(ClientError) as excinfo:
            iam.delete_group(GroupName=group)
        assert iam.get_group(GroupName=group)["Group"]["GroupName"] == group  # still there
        return _error(excinfo)

    iam.add_user_to_group(GroupName=group, UserName=user)
    assert refused() == ("DeleteConflict", 409, "Cannot delete entity, must remove users from group first.")
    iam.remove_user_from_group(GroupName=group, UserName=user)

    iam.put_group_policy(GroupName=group, PolicyName="inline", PolicyDocument=document)
    assert refused() == ("DeleteConflict", 409, "Cannot delete entity, must delete policies first.")
    iam.delete_group_policy(GroupName=group, PolicyName="inline")

    iam.attach_group_policy(GroupName=group, PolicyArn=READ_ONLY)
    assert refused() == ("DeleteConflict", 409, "Cannot delete entity, must detach all policies first.")
    iam.detach_group_policy(GroupName=group, PolicyArn=READ_ONLY)

    iam.delete_group(GroupName=group)


def test_groups_per_user_quota(iamd_server: RunningServer) -> None:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html: 10 groups per user.
    iam = iamd_server.client("iam")
    user = unique("joiner")
    iam.create_user(UserName=user)
    groups = [unique("g") for _ in range(11)]
    for group in groups:
        iam.create_group(GroupName=group)
    for group in groups[:10]:
        iam.add_user_to_group(GroupName=group, UserName=user)
    with pytest.raises(ClientError) as excinfo:
        iam.add_user_to_group(GroupName=groups[10], UserName=user)
    assert _error(excinfo) == ("LimitExceeded", 409, "Cannot exceed quota for GroupsPerUser: 10")
    assert iam.get_group(GroupName=groups[10])["Users"] == []
    # Leaving a group frees a place.
    iam.remove_user_from_group(GroupName=groups[0], UserName=user)
    iam.add_user_to_group(GroupName=groups[10], UserName=user)


def test_user_without_permission_is_denied_and_nothing_changes(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    denied, user = iamd_server.user_client("iam", None)
    group = unique("guarded")
    with pytest.raises(ClientError) as excinfo:
        denied.create_group(GroupName=group)
    assert _error(excinfo) == (
        "AccessDenied",
        403,
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/{user} is not authorized to perform: iam:CreateGroup on "
        f"resource: arn:aws:iam::{ACCOUNT_ID}:group/{group} because no identity-based policy allows the "
        "iam:CreateGroup action",
    )
    with pytest.raises(ClientError):
        iam.get_group(GroupName=group)

    iam.create_group(GroupName=group)
    with pytest.raises(ClientError) as excinfo:
        denied.add_user_to_group(GroupName=group, UserName=user)
    assert _error(excinfo)[:2] == ("AccessDenied", 403)
    assert iam.get_group(GroupName=group)["Users"] == []


def test_group_membership_grants_the_groups_policies_on_the_next_request(iamd_server: RunningServer) -> None:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html: a user in a group gets the
    # permissions of the group's policies.
    iam = iamd_server.client("iam")
    member, user = iamd_server.user_client("iam", None)
    group, readers = unique("readers"), unique("readers-m")
    iam.create_group(GroupName=group)
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:ListGroups", "Resource": "*"}],
    }
    iam.put_group_policy(GroupName=group, PolicyName="list", PolicyDocument=json.dumps(document))
    with pytest.raises(ClientError) as excinfo:
        member.list_groups()
    assert _error(excinfo)[:2] == ("AccessDenied", 403)

    iam.add_user_to_group(GroupName=group, UserName=user)
    assert group in [g["GroupName"] for g in member.list_groups(MaxItems=1000)["Groups"]]

    # Managed policies attached to the group apply too.
    iam.create_group(GroupName=readers)
    iam.attach_group_policy(GroupName=readers, PolicyArn=READ_ONLY)
    with pytest.raises(ClientError):
        member.get_group(GroupName=readers)
    iam.add_user_to_group(GroupName=readers, UserName=user)
    assert member.get_group(GroupName=readers)["Group"]["GroupName"] == readers

    iam.remove_user_from_group(GroupName=group, UserName=user)
    iam.remove_user_from_group(GroupName=readers, UserName=user)
    with pytest.raises(ClientError) as excinfo:
        member.list_groups()
    assert _error(excinfo)[:2] == ("AccessDenied", 403)
