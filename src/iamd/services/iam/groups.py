"""IAM groups and membership: CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup, AddUserToGroup,
RemoveUserFromGroup, ListGroupsForUser.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html and its siblings.
Groups carry no tags in IAM, so their targets have no ``aws:ResourceTag/*`` context.
"""

from __future__ import annotations

from typing import Any

from iamd.auth.keys import new_group_id
from iamd.model import Group, User
from iamd.services.call import Call, Operation, Params, Result, Target
from iamd.services.iam.common import arn_of, list_target, page_result, paging
from iamd.services.iam.users import existing_user_target, user_result


def group_result(group: Group) -> dict[str, Any]:
    return {
        "Path": group.path,
        "GroupName": group.name,
        "GroupId": group.id,
        "Arn": group.arn,
        "CreateDate": group.created,
    }


def existing_group_target(call: Call, name: str, context: dict[str, Any] | None = None) -> Target:
    """Authorize against the group's real ARN (with its path); a missing group has path ``/``."""
    group = call.tx.groups.find(call.account_id, name)
    arn = group.arn if group is not None else arn_of(call, "group", "/", name)
    return Target(arn, context or {})


def _group_target(call: Call, params: Params) -> Target:
    return existing_group_target(call, params["GroupName"])


# -- operations ----------------------------------------------------------------------------------------


def create_group(call: Call, params: Params) -> Result:
    name = params["GroupName"]
    path = params.get("Path") or "/"
    group = Group(
        account_id=call.account_id,
        id=new_group_id(),
        name=name,
        path=path,
        arn=arn_of(call, "group", path, name),
        created=call.now,
    )
    return {"Group": group_result(call.tx.groups.create(group))}


def create_group_target(call: Call, params: Params) -> Target:
    return Target(arn_of(call, "group", params.get("Path"), params["GroupName"]))


def get_group(call: Call, params: Params) -> Result:
    """The group and one page of its members (by user name), paged with Marker/MaxItems."""
    group = call.tx.groups.get(call.account_id, params["GroupName"])
    page = call.tx.groups.members(group, **paging(params))
    result = page_result(page, "Users", lambda user: user_result(user, with_tags=False))
    result["Group"] = group_result(group)
    return result


def list_groups(call: Call, params: Params) -> Result:
    page = call.tx.groups.list(call.account_id, path_prefix=params.get("PathPrefix") or "/", **paging(params))
    return page_result(page, "Groups", group_result)


def update_group(call: Call, params: Params) -> Result:
    call.tx.groups.update(
        call.account_id,
        params["GroupName"],
        new_name=params.get("NewGroupName"),
        new_path=params.get("NewPath"),
    )
    return {}


def delete_group(call: Call, params: Params) -> Result:
    """DeleteConflict while it has members, inline or attached policies (the store says which)."""
    call.tx.groups.delete(call.account_id, params["GroupName"])
    return {}


def _member_and_group(call: Call, params: Params) -> tuple[User, Group]:
    """The user is looked up first: with both unknown, AWS names the user (RemoveUserFromGroup, as
    recorded against AWS in LocalStack's validated snapshot tests for IAM groups)."""
    user = call.tx.users.get(call.account_id, params["UserName"])
    return user, call.tx.groups.get(call.account_id, params["GroupName"])


def add_user_to_group(call: Call, params: Params) -> Result:
    user, group = _member_and_group(call, params)
    call.tx.groups.add_user(group, user, call.now)
    return {}


def remove_user_from_group(call: Call, params: Params) -> Result:
    user, group = _member_and_group(call, params)
    call.tx.groups.remove_user(group, user)
    return {}


def list_groups_for_user(call: Call, params: Params) -> Result:
    user = call.tx.users.get(call.account_id, params["UserName"])
    return page_result(call.tx.groups.for_user(user, **paging(params)), "Groups", group_result)


def _user_target(call: Call, params: Params) -> Target:
    return existing_user_target(call, params["UserName"])


OPERATIONS: dict[str, Operation] = {
    "CreateGroup": Operation(create_group, create_group_target),
    "GetGroup": Operation(get_group, _group_target, writes=False),
    "ListGroups": Operation(
        list_groups, lambda call, params: list_target(call, "group", params), writes=False
    ),
    "UpdateGroup": Operation(update_group, _group_target),
    "DeleteGroup": Operation(delete_group, _group_target),
    # The Service Authorization Reference lists the group as the resource of both membership actions.
    "AddUserToGroup": Operation(add_user_to_group, _group_target),
    "RemoveUserFromGroup": Operation(remove_user_from_group, _group_target),
    "ListGroupsForUser": Operation(list_groups_for_user, _user_target, writes=False),
}
