"""IAM roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription, UpdateAssumeRolePolicy,
DeleteRole, role tags and permissions boundaries.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html and its siblings.
None of these calls passes the role to a service, so none needs ``iam:PassRole``
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
"""

from __future__ import annotations

import json
import re
from typing import Any

from iamd.auth.keys import new_role_id
from iamd.errors import InvalidInput, MalformedPolicyDocument, UnmodifiableEntity
from iamd.model import Role, Tag
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
from iamd.services.iam.documents import check_document
from iamd.store import Page
from iamd.store.pagination import DEFAULT_MAX_ITEMS, decode_marker, encode_marker

SERVICE_LINKED_PATH_PREFIX = "/aws-service-role/"
_ENTITY_ARN = re.compile(r"arn:aws:iam::(?P<account>\d{12}):(?P<kind>user|role)/(?:.*/)?(?P<name>[^/]+)")


def is_service_linked(role: Role) -> bool:
    """Service-linked roles live under ``/aws-service-role/<service>/``, a path only AWS may use."""
    return role.path.startswith(SERVICE_LINKED_PATH_PREFIX)


def protected_role(name: str) -> UnmodifiableEntity:
    """AWS's answer to changing a role only AWS may change (quoted from real AWS responses)."""
    return UnmodifiableEntity(
        f"Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS"
    )


def require_modifiable(role: Role) -> Role:
    """UnmodifiableEntity for a service-linked role (for handlers that change a role's policies too)."""
    if is_service_linked(role):
        raise protected_role(role.name)
    return role


def _aws_principals(text: str) -> list[str]:
    """The ``AWS`` values of every Principal and NotPrincipal in a trust policy that already parsed."""
    try:
        document = json.loads(text)
    except ValueError:
        return []
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    values: list[str] = []
    for statement in statements if isinstance(statements, list) else []:
        for element in ("Principal", "NotPrincipal"):
            principal = statement.get(element) if isinstance(statement, dict) else None
            aws = principal.get("AWS") if isinstance(principal, dict) else None
            values += [aws] if isinstance(aws, str) else [v for v in aws or [] if isinstance(v, str)]
    return values


def check_trust_principals(call: Call, text: str) -> None:
    """MalformedPolicyDocument for a user or role ARN that names nothing, as IAM checks when it stores a
    trust policy (it keeps the principal's unique id; "Invalid principal in policy",
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
    Accounts iamd does not hold cannot be checked and pass."""
    for value in _aws_principals(text):
        match = _ENTITY_ARN.fullmatch(value)
        if match is None or "*" in value or call.tx.accounts.find(match["account"]) is None:
            continue
        repository = call.tx.users if match["kind"] == "user" else call.tx.roles
        entity = repository.find(match["account"], match["name"])
        if entity is None or entity.arn.lower() != value.lower():
            raise MalformedPolicyDocument(f'Invalid principal in policy: "AWS":"{value}"')


def role_result(role: Role, *, listed: bool = False) -> dict[str, Any]:
    """A Role structure. ListRoles leaves out PermissionsBoundary, RoleLastUsed and Tags, as AWS does
    (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoles.html)."""
    out: dict[str, Any] = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.id,
        "Arn": role.arn,
        "CreateDate": role.created,
        "AssumeRolePolicyDocument": role.assume_role_policy_document,
        "Description": role.description,
        "MaxSessionDuration": role.max_session_duration,
    }
    if listed:
        return out
    out["PermissionsBoundary"] = boundary_result(role.permissions_boundary_arn)
    if role.tags:
        out["Tags"] = tags_out(role.tags)
    last_used: dict[str, Any] = {}
    if role.last_used is not None:
        last_used = {"LastUsedDate": role.last_used.date, "Region": role.last_used.region or None}
    out["RoleLastUsed"] = last_used
    return out


def tags_page_result(tags: tuple[Tag, ...], params: Params) -> dict[str, Any]:
    """List*Tags answers, paged with Marker/MaxItems like every IAM list (tags come sorted by key)."""
    remaining = list(tags)
    if params.get("Marker") is not None:
        after = decode_marker(params["Marker"])
        remaining = [tag for tag in remaining if tag.key.lower() > after]
    max_items: int = params.get("MaxItems") or DEFAULT_MAX_ITEMS
    chunk = tuple(remaining[:max_items])
    marker = encode_marker(chunk[-1].key.lower()) if len(remaining) > max_items and chunk else None
    return page_result(Page(chunk, marker), "Tags", _tag_out)


def _tag_out(tag: Tag) -> dict[str, str]:
    return {"Key": tag.key, "Value": tag.value}


def existing_role_target(
    call: Call, name: str, context: dict[str, Any] | None = None, *, with_boundary: bool = False
) -> Target:
    """Authorize against the role's real ARN (with its path) and tags; a missing role has path ``/``.

    ``with_boundary`` adds ``iam:PermissionsBoundary``, the boundary the role has now, for the actions whose
    entry in the Service Authorization Reference lists that key (GetRole, UpdateRole, DeleteRole ...)."""
    role = call.tx.roles.find(call.account_id, name)
    if role is None:
        return Target(arn_of(call, "role", "/", name), context or {})
    full: dict[str, Any] = resource_tag_context(role.tags)
    if with_boundary and role.permissions_boundary_arn is not None:
        full["iam:PermissionsBoundary"] = role.permissions_boundary_arn
    full.update(context or {})
    return Target(role.arn, full)


# -- operations ----------------------------------------------------------------------------------------


def create_role(call: Call, params: Params) -> Result:
    path = params.get("Path") or "/"
    if path.startswith(SERVICE_LINKED_PATH_PREFIX):
        raise InvalidInput("Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles")
    document = check_document(params["AssumeRolePolicyDocument"], "trust")
    check_trust_principals(call, document)
    boundary = params.get("PermissionsBoundary")
    if boundary is not None:
        require_policy_exists(call, boundary)
    name = params["RoleName"]
    role = Role(
        account_id=call.account_id,
        id=new_role_id(),
        name=name,
        path=path,
        arn=arn_of(call, "role", path, name),
        created=call.now,
        assume_role_policy_document=document,
        description=params.get("Description"),
        max_session_duration=params.get("MaxSessionDuration") or 3600,
        permissions_boundary_arn=boundary,
        tags=tags_in(params),
    )
    created = call.tx.roles.create(role)
    result = role_result(created)
    del result["RoleLastUsed"]  # CreateRole's answer has no last use yet
    return {"Role": result}


def create_role_target(call: Call, params: Params) -> Target:
    context = {**request_tag_context(params), **boundary_context(params.get("PermissionsBoundary"))}
    return Target(arn_of(call, "role", params.get("Path"), params["RoleName"]), context)


def get_role(call: Call, params: Params) -> Result:
    return {"Role": role_result(call.tx.roles.get(call.account_id, params["RoleName"]))}


def list_roles(call: Call, params: Params) -> Result:
    page = call.tx.roles.list(call.account_id, path_prefix=params.get("PathPrefix") or "/", **paging(params))
    return page_result(page, "Roles", lambda r: role_result(r, listed=True))


def update_role(call: Call, params: Params) -> Result:
    role = call.tx.roles.get(call.account_id, params["RoleName"])
    if params.get("MaxSessionDuration") is not None:
        require_modifiable(role)
    call.tx.roles.update(
        call.account_id,
        params["RoleName"],
        description=params.get("Description"),
        max_session_duration=params.get("MaxSessionDuration"),
    )
    return {}


def update_role_description(call: Call, params: Params) -> Result:
    """Service-linked roles may have their description edited
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html)."""
    role = call.tx.roles.update(call.account_id, params["RoleName"], description=params["Description"])
    return {"Role": role_result(role)}


def update_assume_role_policy(call: Call, params: Params) -> Result:
    require_modifiable(call.tx.roles.get(call.account_id, params["RoleName"]))
    document = check_document(params["PolicyDocument"], "trust")
    check_trust_principals(call, document)
    call.tx.roles.update_assume_role_policy(call.account_id, params["RoleName"], document)
    return {}


def delete_role(call: Call, params: Params) -> Result:
    require_modifiable(call.tx.roles.get(call.account_id, params["RoleName"]))
    call.tx.roles.delete(call.account_id, params["RoleName"])
    return {}


def list_role_tags(call: Call, params: Params) -> Result:
    return tags_page_result(call.tx.roles.list_tags(call.account_id, params["RoleName"]), params)


def put_role_permissions_boundary(call: Call, params: Params) -> Result:
    require_modifiable(call.tx.roles.get(call.account_id, params["RoleName"]))
    require_policy_exists(call, params["PermissionsBoundary"])
    call.tx.roles.set_permissions_boundary(call.account_id, params["RoleName"], params["PermissionsBoundary"])
    return {}


def delete_role_permissions_boundary(call: Call, params: Params) -> Result:
    require_modifiable(call.tx.roles.get(call.account_id, params["RoleName"]))
    call.tx.roles.set_permissions_boundary(call.account_id, params["RoleName"], None)
    return {}


def _role_target(call: Call, params: Params) -> Target:
    return existing_role_target(call, params["RoleName"])


def _bounded_role_target(call: Call, params: Params) -> Target:
    return existing_role_target(call, params["RoleName"], with_boundary=True)


def _boundary_target(call: Call, params: Params) -> Target:
    return existing_role_target(call, params["RoleName"], boundary_context(params.get("PermissionsBoundary")))


_TAGGED = NameTaggedResource("RoleName", lambda call: call.tx.roles, existing_role_target)

OPERATIONS: dict[str, Operation] = {
    "CreateRole": Operation(create_role, create_role_target),
    "GetRole": Operation(get_role, _bounded_role_target, writes=False),
    "ListRoles": Operation(list_roles, lambda call, params: list_target(call, "role", params), writes=False),
    "UpdateRole": Operation(update_role, _bounded_role_target),
    "UpdateRoleDescription": Operation(update_role_description, _bounded_role_target),
    "UpdateAssumeRolePolicy": Operation(update_assume_role_policy, _bounded_role_target),
    "DeleteRole": Operation(delete_role, _bounded_role_target),
    "TagRole": Operation(_TAGGED.tag, _TAGGED.tagging_target),
    "UntagRole": Operation(_TAGGED.untag, _TAGGED.untagging_target),
    "ListRoleTags": Operation(list_role_tags, _role_target, writes=False),
    "PutRolePermissionsBoundary": Operation(put_role_permissions_boundary, _boundary_target),
    "DeleteRolePermissionsBoundary": Operation(delete_role_permissions_boundary, _bounded_role_target),
}
