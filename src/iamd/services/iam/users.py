"""IAM users: CreateUser, GetUser, UpdateUser, DeleteUser, ListUsers, user tags and permissions boundaries.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html and its siblings.
"""

from __future__ import annotations

from typing import Any

from iamd.auth.keys import new_user_id
from iamd.model import User
from iamd.services.call import Call, Operation, Params, Result, Target
from iamd.services.iam.common import (
    NameTaggedResource,
    arn_of,
    boundary_context,
    boundary_result,
    list_target,
    page_result,
    paging,
    request_tag_context,
    require_policy_exists,
    resource_tag_context,
    tags_in,
    tags_out,
)


def user_result(user: User, *, with_tags: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.id,
        "Arn": user.arn,
        "CreateDate": user.created,
        "PasswordLastUsed": user.password_last_used,
        "PermissionsBoundary": boundary_result(user.permissions_boundary_arn),
    }
    if with_tags and user.tags:
        out["Tags"] = tags_out(user.tags)
    return out


def existing_user_target(call: Call, name: str, context: dict[str, Any] | None = None) -> Target:
    """Authorize against the user's real ARN (with its path) and tags; a missing user has path ``/``."""
    user = call.tx.users.find(call.account_id, name)
    if user is None:
        return Target(arn_of(call, "user", "/", name), context or {})
    return Target(user.arn, {**resource_tag_context(user.tags), **(context or {})})


def _named_or_self(call: Call, params: Params) -> str | None:
    name = params.get("UserName")
    if name is not None:
        return str(name)
    return call.caller.user.name if call.caller.user is not None else None


# -- operations ----------------------------------------------------------------------------------------


def create_user(call: Call, params: Params) -> Result:
    boundary = params.get("PermissionsBoundary")
    if boundary is not None:
        require_policy_exists(call, boundary)
    name = params["UserName"]
    user = User(
        account_id=call.account_id,
        id=new_user_id(),
        name=name,
        path=params.get("Path") or "/",
        arn=arn_of(call, "user", params.get("Path"), name),
        created=call.now,
        permissions_boundary_arn=boundary,
        tags=tags_in(params),
    )
    return {"User": user_result(call.tx.users.create(user))}


def create_user_target(call: Call, params: Params) -> Target:
    context = {**request_tag_context(params), **boundary_context(params.get("PermissionsBoundary"))}
    return Target(arn_of(call, "user", params.get("Path"), params["UserName"]), context)


def get_user(call: Call, params: Params) -> Result:
    name = _named_or_self(call, params)
    if name is None:  # the root user asking about itself
        account = call.tx.accounts.get(call.account_id)
        return {
            "User": {
                "UserId": account.id,
                "Arn": account.root_arn,
                "CreateDate": account.created,
                "Path": "/",
            }
        }
    return {"User": user_result(call.tx.users.get(call.account_id, name))}


def get_user_target(call: Call, params: Params) -> Target:
    name = _named_or_self(call, params)
    return existing_user_target(call, name) if name is not None else Target(call.caller.arn)


def update_user(call: Call, params: Params) -> Result:
    call.tx.users.update(
        call.account_id,
        params["UserName"],
        new_name=params.get("NewUserName"),
        new_path=params.get("NewPath"),
    )
    return {}


def delete_user(call: Call, params: Params) -> Result:
    call.tx.users.delete(call.account_id, params["UserName"])
    return {}


def list_users(call: Call, params: Params) -> Result:
    page = call.tx.users.list(call.account_id, path_prefix=params.get("PathPrefix") or "/", **paging(params))
    return page_result(page, "Users", lambda u: user_result(u, with_tags=False))


def list_user_tags(call: Call, params: Params) -> Result:
    tags = call.tx.users.list_tags(call.account_id, params["UserName"])
    return {"Tags": tags_out(tags), "IsTruncated": False}


def put_user_permissions_boundary(call: Call, params: Params) -> Result:
    require_policy_exists(call, params["PermissionsBoundary"])
    call.tx.users.set_permissions_boundary(call.account_id, params["UserName"], params["PermissionsBoundary"])
    return {}


def delete_user_permissions_boundary(call: Call, params: Params) -> Result:
    call.tx.users.set_permissions_boundary(call.account_id, params["UserName"], None)
    return {}


def _user_target(call: Call, params: Params) -> Target:
    return existing_user_target(call, params["UserName"])


def _boundary_target(call: Call, params: Params) -> Target:
    return existing_user_target(call, params["UserName"], boundary_context(params.get("PermissionsBoundary")))


_TAGGED = NameTaggedResource("UserName", lambda call: call.tx.users, existing_user_target)

OPERATIONS: dict[str, Operation] = {
    "CreateUser": Operation(create_user, create_user_target),
    "GetUser": Operation(get_user, get_user_target, writes=False),
    "UpdateUser": Operation(update_user, _user_target),
    "DeleteUser": Operation(delete_user, _user_target),
    "ListUsers": Operation(list_users, lambda call, params: list_target(call, "user", params), writes=False),
    "TagUser": Operation(_TAGGED.tag, _TAGGED.tagging_target),
    "UntagUser": Operation(_TAGGED.untag, _TAGGED.untagging_target),
    "ListUserTags": Operation(list_user_tags, _user_target, writes=False),
    "PutUserPermissionsBoundary": Operation(put_user_permissions_boundary, _boundary_target),
    "DeleteUserPermissionsBoundary": Operation(delete_user_permissions_boundary, _user_target),
}
