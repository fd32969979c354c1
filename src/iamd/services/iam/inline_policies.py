"""Inline policies of users, groups and roles: Put/Get/Delete/List{User,Group,Role}Policy(ies).

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html and its siblings.
A document is checked (MalformedPolicyDocument) before anything is stored; the store enforces AWS's
aggregate size quotas per principal (user 2,048, group 5,120, role 10,240 non-whitespace characters,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html) with AWS's LimitExceeded
wording. GetXPolicy returns the document as stored; the wire layer URL-encodes it.

This module also resolves a principal of any kind by name (:func:`get_owner`, :func:`owner_target`),
which the attachment operations share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from iamd.model import PrincipalKind, Tag
from iamd.policy.variables import ContextValue
from iamd.services.call import Call, Operation, Params, Result, Target
from iamd.services.iam.common import arn_of, paging, resource_tag_context
from iamd.services.iam.documents import check_document
from iamd.services.iam.roles import require_modifiable

# The spelling of each kind in operation names and in its name member (``UserName`` ...).
LABELS: dict[PrincipalKind, str] = {
    PrincipalKind.USER: "User",
    PrincipalKind.GROUP: "Group",
    PrincipalKind.ROLE: "Role",
}


@dataclass(frozen=True, slots=True)
class Owner:
    """A user, group or role that can hold inline policies and managed policy attachments."""

    kind: PrincipalKind
    id: str
    name: str
    arn: str
    tags: tuple[Tag, ...] = ()
    boundary_arn: str | None = None  # users and roles only


def name_member(kind: PrincipalKind) -> str:
    return f"{LABELS[kind]}Name"


def find_owner(call: Call, kind: PrincipalKind, name: str) -> Owner | None:
    tx = call.tx
    if kind is PrincipalKind.USER:
        user = tx.users.find(call.account_id, name)
        if user is None:
            return None
        return Owner(kind, user.id, user.name, user.arn, user.tags, user.permissions_boundary_arn)
    if kind is PrincipalKind.GROUP:
        group = tx.groups.find(call.account_id, name)
        return None if group is None else Owner(kind, group.id, group.name, group.arn)
    role = tx.roles.find(call.account_id, name)
    if role is None:
        return None
    return Owner(kind, role.id, role.name, role.arn, role.tags, role.permissions_boundary_arn)


def get_owner(call: Call, kind: PrincipalKind, name: str, *, changing: bool = False) -> Owner:
    """The principal, or NoSuchEntity in the wording of its own repository. ``changing`` its policies is
    UnmodifiableEntity for a service-linked role, which only AWS may change (API_PutRolePolicy.html)."""
    tx = call.tx
    if kind is PrincipalKind.USER:
        user = tx.users.get(call.account_id, name)
        return Owner(kind, user.id, user.name, user.arn, user.tags, user.permissions_boundary_arn)
    if kind is PrincipalKind.GROUP:
        group = tx.groups.get(call.account_id, name)
        return Owner(kind, group.id, group.name, group.arn)
    role = tx.roles.get(call.account_id, name)
    if changing:
        require_modifiable(role)
    return Owner(kind, role.id, role.name, role.arn, role.tags, role.permissions_boundary_arn)


def owner_target(
    call: Call,
    kind: PrincipalKind,
    name: str,
    context: dict[str, ContextValue] | None = None,
    *,
    changing: bool = False,
) -> Target:
    """The principal's real ARN (with its path) and its tags; a missing principal has path ``/``.

    Operations ``changing`` a user's or role's policies also carry ``iam:PermissionsBoundary``, the
    boundary the principal has now, so that a policy can allow changes only to bounded principals (the
    Service Authorization Reference lists the key for Put/Delete/Attach/Detach{User,Role}Policy)."""
    owner = find_owner(call, kind, name)
    if owner is None:
        return Target(arn_of(call, kind.value, "/", name), context or {})
    full: dict[str, ContextValue] = resource_tag_context(owner.tags)
    if changing and owner.boundary_arn is not None:
        full["iam:PermissionsBoundary"] = owner.boundary_arn
    full.update(context or {})
    return Target(owner.arn, full)


def owner_target_of(kind: PrincipalKind, *, changing: bool = False) -> Callable[[Call, Params], Target]:
    member = name_member(kind)

    def target(call: Call, params: Params) -> Target:
        return owner_target(call, kind, params[member], changing=changing)

    return target


# -- operations, one set per kind ---------------------------------------------------------------------


def put_policy(call: Call, kind: PrincipalKind, params: Params) -> Result:
    owner = get_owner(call, kind, params[name_member(kind)], changing=True)
    document = check_document(params["PolicyDocument"])
    call.tx.inline_policies.put(kind, owner.id, params["PolicyName"], document)
    return {}


def get_policy(call: Call, kind: PrincipalKind, params: Params) -> Result:
    owner = get_owner(call, kind, params[name_member(kind)])
    policy = call.tx.inline_policies.get(kind, owner.id, params["PolicyName"])
    return {name_member(kind): owner.name, "PolicyName": policy.name, "PolicyDocument": policy.document}


def delete_policy(call: Call, kind: PrincipalKind, params: Params) -> Result:
    owner = get_owner(call, kind, params[name_member(kind)], changing=True)
    call.tx.inline_policies.delete(kind, owner.id, params["PolicyName"])
    return {}


def list_policies(call: Call, kind: PrincipalKind, params: Params) -> Result:
    owner = get_owner(call, kind, params[name_member(kind)])
    page = call.tx.inline_policies.names(kind, owner.id, **paging(params))
    result: dict[str, Any] = {"PolicyNames": list(page.items), "IsTruncated": page.is_truncated}
    if page.marker is not None:
        result["Marker"] = page.marker
    return result


KindAction = Callable[[Call, PrincipalKind, Params], Result]


def bind_kind(action: KindAction, kind: PrincipalKind) -> Callable[[Call, Params], Result]:
    """A handler for one kind of principal from an action written for all three."""

    def handler(call: Call, params: Params) -> Result:
        return action(call, kind, params)

    return handler


def operations_for(kind: PrincipalKind) -> dict[str, Operation]:
    label, reading, changing = LABELS[kind], owner_target_of(kind), owner_target_of(kind, changing=True)
    return {
        f"Put{label}Policy": Operation(bind_kind(put_policy, kind), changing),
        f"Get{label}Policy": Operation(bind_kind(get_policy, kind), reading, writes=False),
        f"Delete{label}Policy": Operation(bind_kind(delete_policy, kind), changing),
        f"List{label}Policies": Operation(bind_kind(list_policies, kind), reading, writes=False),
    }


OPERATIONS: dict[str, Operation] = {
    name: operation for kind in PrincipalKind for name, operation in operations_for(kind).items()
}
