"""Managed policies attached to users, groups and roles: Attach/Detach{User,Group,Role}Policy,
ListAttached{User,Group,Role}Policies and ListEntitiesForPolicy.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html,
API_ListAttachedUserPolicies.html, API_ListEntitiesForPolicy.html and their siblings. Attach and detach are
authorized with ``iam:PolicyARN`` in the request context
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PolicyARN).
The lists here are short (an entity holds at most a handful of attachments; a policy's entities are
bounded by the account's quotas), so they are filtered by path and paged in memory with the store's
opaque markers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from iamd.model import Arn, PolicyEntities, PrincipalKind
from iamd.policy.variables import ContextValue
from iamd.services.call import Call, Operation, Params, Result, Target
from iamd.services.iam.common import page_result, require_policy_exists
from iamd.services.iam.inline_policies import (
    LABELS,
    bind_kind,
    get_owner,
    name_member,
    owner_target,
    owner_target_of,
)
from iamd.services.iam.policies import own_policy_arn, policy_target
from iamd.store import Page
from iamd.store.pagination import DEFAULT_MAX_ITEMS, decode_marker, encode_marker

T = TypeVar("T")


def page_in_memory(items: Sequence[T], sort_key: Callable[[T], str], params: Params) -> Page[T]:
    """One page of ``items`` (already in ``sort_key`` order) after the request's Marker."""
    marker = params.get("Marker")
    max_items: int = params.get("MaxItems") or DEFAULT_MAX_ITEMS
    remaining = list(items)
    if marker is not None:
        after = decode_marker(marker)
        remaining = [item for item in remaining if sort_key(item) > after]
    page = remaining[:max_items]
    truncated = len(remaining) > max_items
    return Page(tuple(page), encode_marker(sort_key(page[-1])) if truncated and page else None)


def policy_path(policy_arn: str) -> str:
    """``/service-role/`` for ``arn:aws:iam::aws:policy/service-role/Name``."""
    resource = Arn.parse(policy_arn).resource
    return resource[len("policy") : resource.rindex("/") + 1]


def _prefix(params: Params) -> str:
    return str(params.get("PathPrefix") or "/")


# -- attach, detach, list attached, per kind ----------------------------------------------------------


def attach_policy(call: Call, kind: PrincipalKind, params: Params) -> Result:
    """NoSuchEntity for a policy that does not exist; attaching again is a no-op; LimitExceeded past
    PoliciesPer{User,Group,Role} ("Cannot exceed quota for PoliciesPerUser: 10")."""
    owner = get_owner(call, kind, params[name_member(kind)], changing=True)
    arn = own_policy_arn(call, params["PolicyArn"])
    require_policy_exists(call, arn)
    call.tx.attachments.attach(kind, owner.id, arn, call.now)
    return {}


def detach_policy(call: Call, kind: PrincipalKind, params: Params) -> Result:
    owner = get_owner(call, kind, params[name_member(kind)], changing=True)
    call.tx.attachments.detach(kind, owner.id, own_policy_arn(call, params["PolicyArn"]))
    return {}


def list_attached_policies(call: Call, kind: PrincipalKind, params: Params) -> Result:
    """PolicyName and PolicyArn of each attached policy under PathPrefix, by ARN."""
    owner = get_owner(call, kind, params[name_member(kind)])
    prefix = _prefix(params)
    arns = call.tx.attachments.arns(kind, [owner.id]).get(owner.id, ())
    # Sorted here, not by the database: the marker compares in Python, and PostgreSQL's collation may
    # order differently.
    matching = sorted(arn for arn in arns if policy_path(arn).startswith(prefix))
    page = page_in_memory(matching, lambda arn: arn, params)
    return page_result(
        page, "AttachedPolicies", lambda arn: {"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn}
    )


def _policy_target_of(kind: PrincipalKind) -> Callable[[Call, Params], Target]:
    member = name_member(kind)

    def target(call: Call, params: Params) -> Target:
        context: dict[str, ContextValue] = {"iam:PolicyARN": params["PolicyArn"]}
        return owner_target(call, kind, params[member], context, changing=True)

    return target


def operations_for(kind: PrincipalKind) -> dict[str, Operation]:
    label, with_policy = LABELS[kind], _policy_target_of(kind)
    return {
        f"Attach{label}Policy": Operation(bind_kind(attach_policy, kind), with_policy),
        f"Detach{label}Policy": Operation(bind_kind(detach_policy, kind), with_policy),
        f"ListAttached{label}Policies": Operation(
            bind_kind(list_attached_policies, kind), owner_target_of(kind), writes=False
        ),
    }


# -- ListEntitiesForPolicy ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entity:
    """One row of ListEntitiesForPolicy's combined listing: groups, then users, then roles, by name."""

    sort_key: str
    member: str  # PolicyGroups, PolicyUsers or PolicyRoles
    entry: dict[str, Any]


_ORDER = (PrincipalKind.GROUP, PrincipalKind.USER, PrincipalKind.ROLE)
_MEMBERS = {
    PrincipalKind.GROUP: "PolicyGroups",
    PrincipalKind.USER: "PolicyUsers",
    PrincipalKind.ROLE: "PolicyRoles",
}


def _entities(found: PolicyEntities, kinds: set[PrincipalKind], prefix: str) -> dict[str, _Entity]:
    """By entity id, so an entity that both has the policy attached and as its boundary appears once."""
    by_kind: dict[PrincipalKind, Sequence[Any]] = {
        PrincipalKind.GROUP: found.groups,
        PrincipalKind.USER: found.users,
        PrincipalKind.ROLE: found.roles,
    }
    out: dict[str, _Entity] = {}
    for order, kind in enumerate(_ORDER):
        if kind not in kinds:
            continue
        label = LABELS[kind]
        for entity in by_kind[kind]:
            if entity.path.startswith(prefix):
                entry = {f"{label}Name": entity.name, f"{label}Id": entity.id}
                out[entity.id] = _Entity(f"{order}/{entity.name.lower()}", _MEMBERS[kind], entry)
    return out


# EntityFilter values that name a principal kind; LocalManagedPolicy and AWSManagedPolicy name none.
_FILTERS = {"User": PrincipalKind.USER, "Group": PrincipalKind.GROUP, "Role": PrincipalKind.ROLE}


def list_entities_for_policy(call: Call, params: Params) -> Result:
    """Entities the policy is attached to (PermissionsPolicy) and/or bounds (PermissionsBoundary)."""
    arn = own_policy_arn(call, params["PolicyArn"])
    require_policy_exists(call, arn)
    entity_filter = params.get("EntityFilter")
    if entity_filter is None:
        kinds = set(_ORDER)
    else:
        kinds = {_FILTERS[entity_filter]} if entity_filter in _FILTERS else set()
    usage = params.get("PolicyUsageFilter")
    prefix = _prefix(params)
    combined: dict[str, _Entity] = {}
    if usage in (None, "PermissionsPolicy"):
        combined.update(_entities(call.tx.attachments.entities(arn), kinds, prefix))
    if usage in (None, "PermissionsBoundary"):
        combined.update(_entities(call.tx.attachments.boundary_entities(arn), kinds, prefix))
    ordered = sorted(combined.values(), key=lambda entity: entity.sort_key)
    page = page_in_memory(ordered, lambda entity: entity.sort_key, params)
    result: dict[str, Any] = {member: [] for member in _MEMBERS.values()}
    for entity in page.items:
        result[entity.member].append(entity.entry)
    result["IsTruncated"] = page.is_truncated
    if page.marker is not None:
        result["Marker"] = page.marker
    return result


OPERATIONS: dict[str, Operation] = {
    **{name: operation for kind in PrincipalKind for name, operation in operations_for(kind).items()},
    "ListEntitiesForPolicy": Operation(
        list_entities_for_policy, lambda call, params: policy_target(call, params["PolicyArn"]), writes=False
    ),
}
