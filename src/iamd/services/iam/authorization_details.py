"""GetAccountAuthorizationDetails: every user, group, role and managed policy in use, with their policies.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html:
``Filter`` picks the entity types (all of them when absent); ``Policies`` holds the account's customer
managed policies and the AWS managed policies attached in the account, each with all its versions.

One page spans the four lists: ``MaxItems`` counts entities of every kind, taken in the order users,
groups, roles, customer managed policies, AWS managed policies. The marker names the section and the
section's own list marker, so each page costs one list query per section it touches plus batched reads
of inline and attached policies, group names, tags and policy versions (only a role's instance profiles
are read per entity).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from iamd.errors import InvalidInput
from iamd.model import Group, InstanceProfile, ManagedPolicy, PrincipalKind, Role, User
from iamd.services.call import Call, Operation, Params, Result, Target
from iamd.services.iam.common import boundary_result, tags_out
from iamd.services.iam.policies import aws_policy, aws_policy_result
from iamd.services.policies_of import aws_managed_document
from iamd.store import Page
from iamd.store.pagination import DEFAULT_MAX_ITEMS

SECTIONS = ("User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy")
OUTPUT = {
    "User": "UserDetailList",
    "Group": "GroupDetailList",
    "Role": "RoleDetailList",
    "LocalManagedPolicy": "Policies",
    "AWSManagedPolicy": "Policies",
}


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page starts: a section and that section's own marker (None: its beginning)."""

    section: str
    inner: str | None = None

    def encode(self) -> str:
        raw = json.dumps([self.section, self.inner], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, marker: str) -> Position:
        try:
            raw = base64.urlsafe_b64decode(marker + "=" * (-len(marker) % 4))
            section, inner = json.loads(raw)
        except (ValueError, binascii.Error, TypeError):
            raise InvalidInput("Invalid Marker.") from None
        if section not in SECTIONS or not (inner is None or isinstance(inner, str)):
            raise InvalidInput("Invalid Marker.")
        return cls(section, inner)


# -- details of each kind --------------------------------------------------------------------------------


def _inline(call: Call, kind: PrincipalKind, ids: Sequence[str]) -> dict[str, list[dict[str, str]]]:
    found: dict[str, list[dict[str, str]]] = {owner_id: [] for owner_id in ids}
    for policy in call.tx.inline_policies.all_for(kind, ids):
        found[policy.owner_id].append({"PolicyName": policy.name, "PolicyDocument": policy.document})
    return found


def _attached(call: Call, kind: PrincipalKind, ids: Sequence[str]) -> dict[str, list[dict[str, str]]]:
    return {
        owner_id: [{"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn} for arn in arns]
        for owner_id, arns in call.tx.attachments.arns(kind, ids).items()
    }


def user_details(call: Call, users: Sequence[User]) -> list[dict[str, Any]]:
    ids = [u.id for u in users]
    inline, attached = _inline(call, PrincipalKind.USER, ids), _attached(call, PrincipalKind.USER, ids)
    group_names = call.tx.accounts.group_names_by_user(ids)
    tags_of = call.tx.accounts.tags_by_owner("user", ids)
    details = []
    for user in users:
        tags = tags_of[user.id]
        detail: dict[str, Any] = {
            "Path": user.path,
            "UserName": user.name,
            "UserId": user.id,
            "Arn": user.arn,
            "CreateDate": user.created,
            "UserPolicyList": inline[user.id],
            "GroupList": list(group_names[user.id]),
            "AttachedManagedPolicies": attached[user.id],
            "PermissionsBoundary": boundary_result(user.permissions_boundary_arn),
        }
        if tags:
            detail["Tags"] = tags_out(tags)
        details.append(detail)
    return details


def group_details(call: Call, groups: Sequence[Group]) -> list[dict[str, Any]]:
    ids = [g.id for g in groups]
    inline, attached = _inline(call, PrincipalKind.GROUP, ids), _attached(call, PrincipalKind.GROUP, ids)
    return [
        {
            "Path": group.path,
            "GroupName": group.name,
            "GroupId": group.id,
            "Arn": group.arn,
            "CreateDate": group.created,
            "GroupPolicyList": inline[group.id],
            "AttachedManagedPolicies": attached[group.id],
        }
        for group in groups
    ]


def _role(role: Role) -> dict[str, Any]:
    """A Role inside an instance profile of RoleDetail (its own tags are not read for this)."""
    return {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.id,
        "Arn": role.arn,
        "CreateDate": role.created,
        "AssumeRolePolicyDocument": role.assume_role_policy_document,
        "Description": role.description,
        "MaxSessionDuration": role.max_session_duration,
    }


def _instance_profile(profile: InstanceProfile) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": profile.path,
        "InstanceProfileName": profile.name,
        "InstanceProfileId": profile.id,
        "Arn": profile.arn,
        "CreateDate": profile.created,
        "Roles": [_role(r) for r in profile.roles],
    }
    if profile.tags:
        out["Tags"] = tags_out(profile.tags)
    return out


def role_details(call: Call, roles: Sequence[Role]) -> list[dict[str, Any]]:
    ids = [r.id for r in roles]
    inline, attached = _inline(call, PrincipalKind.ROLE, ids), _attached(call, PrincipalKind.ROLE, ids)
    tags_of = call.tx.accounts.tags_by_owner("role", ids)
    details = []
    for role in roles:
        tags = tags_of[role.id]
        last_used: dict[str, Any] = {}
        if role.last_used is not None:
            last_used = {"LastUsedDate": role.last_used.date, "Region": role.last_used.region or None}
        detail: dict[str, Any] = {
            "Path": role.path,
            "RoleName": role.name,
            "RoleId": role.id,
            "Arn": role.arn,
            "CreateDate": role.created,
            "AssumeRolePolicyDocument": role.assume_role_policy_document,
            "InstanceProfileList": [_instance_profile(p) for p in call.tx.instance_profiles.for_role(role)],
            "RolePolicyList": inline[role.id],
            "AttachedManagedPolicies": attached[role.id],
            "PermissionsBoundary": boundary_result(role.permissions_boundary_arn),
            "RoleLastUsed": last_used,
        }
        if tags:
            detail["Tags"] = tags_out(tags)
        details.append(detail)
    return details


def local_policy_details(call: Call, policies: Sequence[ManagedPolicy]) -> list[dict[str, Any]]:
    versions_of = call.tx.accounts.versions_by_policy([(p.id, p.arn) for p in policies])
    details = []
    for policy in policies:
        detail: dict[str, Any] = {
            "PolicyName": policy.name,
            "PolicyId": policy.id,
            "Arn": policy.arn,
            "Path": policy.path,
            "DefaultVersionId": policy.default_version_id,
            "AttachmentCount": policy.attachment_count,
            "PermissionsBoundaryUsageCount": policy.permissions_boundary_usage_count,
            "IsAttachable": policy.is_attachable,
            "Description": policy.description,
            "CreateDate": policy.created,
            "UpdateDate": policy.updated,
            "PolicyVersionList": [
                {
                    "Document": version.document,
                    "VersionId": version.version_id,
                    "IsDefaultVersion": version.is_default,
                    "CreateDate": version.created,
                }
                for version in versions_of[policy.arn]
            ],
        }
        details.append(detail)
    return details


def _aws_policy_detail(arn: str, usage: tuple[int, int]) -> dict[str, Any] | None:
    """An attached AWS managed policy with its default version (the catalog keeps only that one)."""
    policy, document = aws_policy(arn), aws_managed_document(arn)
    if policy is None or document is None:
        return None
    detail = aws_policy_result(policy, usage)
    detail["PolicyVersionList"] = [
        {
            "Document": document,
            "VersionId": policy.entry.default_version_id,
            "IsDefaultVersion": True,
            "CreateDate": policy.updated,
        }
    ]
    return detail


# -- one section at a time -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionPage:
    details: list[dict[str, Any]]
    marker: str | None  # the section's own marker when it has more


def _from_page(
    page: Page[Any], convert: Callable[[Call, Sequence[Any]], list[dict[str, Any]]], call: Call
) -> SectionPage:
    return SectionPage(convert(call, page.items), page.marker)


def _aws_section(call: Call, marker: str | None, max_items: int) -> SectionPage:
    """AWS managed policies attached (or used as a boundary) in this account, by ARN."""
    usage = call.tx.policies.aws_managed_usage(call.account_id)
    arns = sorted(arn for arn in usage if marker is None or arn > marker)
    details: list[dict[str, Any]] = []
    for arn in arns:
        detail = _aws_policy_detail(arn, usage[arn])
        if detail is None:
            continue  # attached to a policy the catalog no longer ships
        if len(details) == max_items:
            return SectionPage(details, details[-1]["Arn"])
        details.append(detail)
    return SectionPage(details, None)


def read_section(call: Call, section: str, marker: str | None, max_items: int) -> SectionPage:
    tx, account = call.tx, call.account_id
    if section == "User":
        return _from_page(tx.users.list(account, marker=marker, max_items=max_items), user_details, call)
    if section == "Group":
        return _from_page(tx.groups.list(account, marker=marker, max_items=max_items), group_details, call)
    if section == "Role":
        return _from_page(tx.roles.list(account, marker=marker, max_items=max_items), role_details, call)
    if section == "LocalManagedPolicy":
        page = tx.policies.list(account, marker=marker, max_items=max_items)
        return _from_page(page, local_policy_details, call)
    return _aws_section(call, marker, max_items)


def get_account_authorization_details(call: Call, params: Params) -> Result:
    wanted = set(params.get("Filter") or SECTIONS)
    sections = [s for s in SECTIONS if s in wanted]
    start = Position.decode(params["Marker"]) if params.get("Marker") else Position(sections[0])
    if start.section not in sections:
        raise InvalidInput("Invalid Marker.")
    result: dict[str, Any] = {OUTPUT[s]: [] for s in sections}
    remaining = params.get("MaxItems") or DEFAULT_MAX_ITEMS
    next_position: Position | None = None
    for index in range(sections.index(start.section), len(sections)):
        section = sections[index]
        inner = start.inner if section == start.section else None
        if remaining == 0:
            # The page is full: it is truncated only if a later section has something to show.
            if read_section(call, section, inner, 1).details:
                next_position = Position(section)
                break
            continue
        page = read_section(call, section, inner, remaining)
        result[OUTPUT[section]].extend(page.details)
        remaining -= len(page.details)
        if page.marker is not None:
            next_position = Position(section, page.marker)
            break
    result["IsTruncated"] = next_position is not None
    if next_position is not None:
        result["Marker"] = next_position.encode()
    return result


def _account_target(call: Call, params: Params) -> Target:
    """No resource type in the Service Authorization Reference: authorized on ``*``."""
    return Target("*")


OPERATIONS: dict[str, Operation] = {
    "GetAccountAuthorizationDetails": Operation(
        get_account_authorization_details, _account_target, writes=False
    ),
}
