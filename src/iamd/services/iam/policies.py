"""IAM managed policies: CreatePolicy, GetPolicy, DeletePolicy, ListPolicies and policy tags.

Customer managed policies live in the store; AWS managed ones (``arn:aws:iam::aws:policy/...``) come from
the catalog (``iamd.catalog.managed_policies``), are readable and listable by every account, and cannot be
changed. Versions are in :mod:`iamd.services.iam.policy_versions`. Behaviour from
https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html and its siblings.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from iamd.auth.keys import BASE32_ALPHABET, new_policy_id
from iamd.catalog import ManagedPolicy as CatalogPolicy
from iamd.catalog import managed_policies, managed_policy
from iamd.errors import AccessDenied, InvalidInput, NoSuchEntity
from iamd.model import Arn, ManagedPolicy
from iamd.services.call import Call, Operation, Params, Result, Target
from iamd.services.iam.common import (
    arn_of,
    request_tag_context,
    resource_tag_context,
    tags_in,
    tags_out,
)
from iamd.services.iam.documents import MANAGED_POLICY_MAX_SIZE, check_document
from iamd.services.policies_of import AWS_MANAGED_PREFIX

DEFAULT_MAX_ITEMS = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# -- AWS managed policies --------------------------------------------------------------------------------


def aws_policy_id(name: str) -> str:
    """A stable ANPA id for an AWS managed policy.

    The catalog does not carry AWS's real ids, yet clients compare ids across calls and restarts, so the
    id is derived from the name: ``ANPA`` + 17 base32 characters of its SHA-256 (21 characters, as AWS's).
    """
    digest = hashlib.sha256(f"aws-managed-policy:{name}".encode()).digest()
    return "ANPA" + "".join(BASE32_ALPHABET[byte % 32] for byte in digest[:17])


def _catalog_date(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return _EPOCH
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class AwsPolicy:
    """An AWS managed policy as GetPolicy and ListPolicies describe it."""

    entry: CatalogPolicy
    id: str
    created: datetime
    updated: datetime

    @property
    def arn(self) -> str:
        return self.entry.arn


@functools.cache
def aws_policies() -> tuple[tuple[str, ...], tuple[AwsPolicy, ...]]:
    """Every AWS managed policy, sorted by lower-cased name, and the sort keys (for bisecting a marker).

    Built once per process (about 0.2 s with the catalog load); a server may call it at start-up.
    """
    ordered = sorted(managed_policies().values(), key=lambda p: (p.name.lower(), p.name))
    policies = tuple(
        AwsPolicy(p, aws_policy_id(p.name), _catalog_date(p.create_date), _catalog_date(p.update_date))
        for p in ordered
    )
    return tuple(p.name.lower() for p in ordered), policies


def aws_policy(arn: str) -> AwsPolicy | None:
    """The AWS managed policy with this exact ARN (its path included), if any."""
    entry = managed_policy(arn.rsplit("/", 1)[-1])
    if entry is None or entry.arn != arn:
        return None
    keys, policies = aws_policies()
    return policies[bisect.bisect_left(keys, entry.name.lower())]


def is_aws_managed(arn: str) -> bool:
    return arn.startswith(AWS_MANAGED_PREFIX + "/")


def own_policy_arn(call: Call, arn: str) -> str:
    """InvalidInput for a string that is no ARN; NoSuchEntity for another account's policy."""
    try:
        parsed = Arn.parse(arn)
    except ValueError:
        raise InvalidInput(f"ARN {arn} is not valid.") from None
    if parsed.account not in (call.account_id, "aws"):
        raise NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")
    return arn


REFUSALS = {
    "DeletePolicy": "Cannot delete policies outside your own account.",
    "CreatePolicyVersion": "Cannot create versions for policies outside your own account.",
    "SetDefaultPolicyVersion": "Cannot update policies outside your own account.",
    "DeletePolicyVersion": "Cannot delete policy versions for policies outside your own account.",
    # Not seen from AWS; worded like the ones above.
    "TagPolicy": "Cannot tag policies outside your own account.",
    "UntagPolicy": "Cannot untag policies outside your own account.",
}


def changeable_policy_arn(call: Call, arn: str, refusal: str) -> str:
    """The ARN of a policy this account may change; AccessDenied (``refusal``) for any other account's.

    AWS managed policies live in AWS's account, and IAM refuses changes to another account's policies,
    even to the root user, with AccessDenied and one sentence per operation (``REFUSALS``; e.g. "Cannot
    create versions for policies outside your own account.", as AWS answers CreatePolicyVersion).
    """
    try:
        account = Arn.parse(arn).account
    except ValueError:
        raise InvalidInput(f"ARN {arn} is not valid.") from None
    if account != call.account_id:
        raise AccessDenied(refusal)
    return arn


# -- results ---------------------------------------------------------------------------------------------


def policy_result(policy: ManagedPolicy, *, detailed: bool = True) -> dict[str, Any]:
    """A ``Policy`` structure; ListPolicies leaves out Description and Tags, as AWS does."""
    out: dict[str, Any] = {
        "PolicyName": policy.name,
        "PolicyId": policy.id,
        "Arn": policy.arn,
        "Path": policy.path,
        "DefaultVersionId": policy.default_version_id,
        "AttachmentCount": policy.attachment_count,
        "PermissionsBoundaryUsageCount": policy.permissions_boundary_usage_count,
        "IsAttachable": policy.is_attachable,
        "CreateDate": policy.created,
        "UpdateDate": policy.updated,
    }
    if detailed:
        if policy.description:
            out["Description"] = policy.description
        if policy.tags:
            out["Tags"] = tags_out(policy.tags)
    return out


def aws_policy_result(policy: AwsPolicy, usage: tuple[int, int]) -> dict[str, Any]:
    """An AWS managed policy; the catalog has no descriptions, so Description is left out."""
    return {
        "PolicyName": policy.entry.name,
        "PolicyId": policy.id,
        "Arn": policy.arn,
        "Path": policy.entry.path,
        "DefaultVersionId": policy.entry.default_version_id,
        "AttachmentCount": usage[0],
        "PermissionsBoundaryUsageCount": usage[1],
        "IsAttachable": True,
        "CreateDate": policy.created,
        "UpdateDate": policy.updated,
    }


# -- targets ---------------------------------------------------------------------------------------------


def policy_target(call: Call, arn: str, context: dict[str, Any] | None = None) -> Target:
    """Authorize against the policy ARN, with the customer managed policy's tags as resource tags."""
    extra = dict(context or {})
    if is_aws_managed(arn):
        return Target(arn, extra)
    try:
        policy = call.tx.policies.find(arn) if Arn.parse(arn).account == call.account_id else None
    except ValueError:
        policy = None
    if policy is None:
        return Target(arn, extra)
    return Target(arn, {**resource_tag_context(policy.tags), **extra})


def _arn_target(call: Call, params: Params) -> Target:
    return policy_target(call, params["PolicyArn"])


# -- operations ------------------------------------------------------------------------------------------


def create_policy(call: Call, params: Params) -> Result:
    document = check_document(params["PolicyDocument"], max_size=MANAGED_POLICY_MAX_SIZE)
    name, path = params["PolicyName"], params.get("Path") or "/"
    policy = ManagedPolicy(
        account_id=call.account_id,
        id=new_policy_id(),
        name=name,
        path=path,
        arn=arn_of(call, "policy", path, name),
        created=call.now,
        updated=call.now,
        default_version_id="v1",
        description=params.get("Description"),
        tags=tags_in(params),
    )
    return {"Policy": policy_result(call.tx.policies.create(policy, document))}


def _create_target(call: Call, params: Params) -> Target:
    return Target(
        arn_of(call, "policy", params.get("Path"), params["PolicyName"]), request_tag_context(params)
    )


def get_policy(call: Call, params: Params) -> Result:
    arn = own_policy_arn(call, params["PolicyArn"])
    if is_aws_managed(arn):
        found = aws_policy(arn)
        if found is None:
            raise NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")
        usage = call.tx.policies.aws_managed_usage(call.account_id, arn).get(arn, (0, 0))
        return {"Policy": aws_policy_result(found, usage)}
    return {"Policy": policy_result(call.tx.policies.get(arn))}


def delete_policy(call: Call, params: Params) -> Result:
    call.tx.policies.delete(changeable_policy_arn(call, params["PolicyArn"], REFUSALS["DeletePolicy"]))
    return {}


def tag_policy(call: Call, params: Params) -> Result:
    arn = changeable_policy_arn(call, params["PolicyArn"], REFUSALS["TagPolicy"])
    call.tx.policies.tag(arn, tags_in(params))
    return {}


def untag_policy(call: Call, params: Params) -> Result:
    arn = changeable_policy_arn(call, params["PolicyArn"], REFUSALS["UntagPolicy"])
    call.tx.policies.untag(arn, params["TagKeys"])
    return {}


def list_policy_tags(call: Call, params: Params) -> Result:
    """At most 50 tags, so they page in memory; the marker is the last key returned."""
    arn = own_policy_arn(call, params["PolicyArn"])
    if is_aws_managed(arn):  # AWS managed policies carry no tags of the account's
        if aws_policy(arn) is None:
            raise NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")
        return {"Tags": [], "IsTruncated": False}
    tags = list(call.tx.policies.list_tags(arn))
    marker = params.get("Marker")
    if marker:
        tags = [t for t in tags if t.key.lower() > marker.lower()]
    max_items = params.get("MaxItems") or DEFAULT_MAX_ITEMS
    result: dict[str, Any] = {"Tags": tags_out(tags[:max_items]), "IsTruncated": len(tags) > max_items}
    if len(tags) > max_items:
        result["Marker"] = tags[max_items - 1].key
    return result


def _tagging_target(call: Call, params: Params) -> Target:
    return policy_target(call, params["PolicyArn"], request_tag_context(params))


def _untagging_target(call: Call, params: Params) -> Target:
    return policy_target(call, params["PolicyArn"], {"aws:TagKeys": tuple(params["TagKeys"])})


# -- ListPolicies: AWS managed and local policies as one list ---------------------------------------------
#
# One order over both: (lower-cased name, AWS before local). The marker names the last item returned by
# that key, so paging is stable while policies come and go, and ties between an AWS managed policy and a
# local one of the same name are neither skipped nor repeated.

_AWS, _LOCAL = 0, 1


def _encode_marker(name_lower: str, source: int) -> str:
    return base64.urlsafe_b64encode(f"{source}:{name_lower}".encode()).decode().rstrip("=")


def _decode_marker(marker: str) -> tuple[str, int]:
    try:
        text = base64.urlsafe_b64decode(marker + "=" * (-len(marker) % 4)).decode()
        source, name_lower = text.split(":", 1)
        if source not in ("0", "1"):
            raise ValueError(source)
    except (ValueError, binascii.Error, UnicodeError):
        raise InvalidInput("Invalid Marker.") from None
    return name_lower, int(source)


def _aws_page(
    call: Call, params: Params, after: str | None, limit: int
) -> tuple[list[tuple[tuple[str, int], dict[str, Any]]], bool]:
    """Up to ``limit`` AWS managed policies named after ``after``, and whether more follow."""
    prefix = params.get("PathPrefix") or "/"
    usage = call.tx.policies.aws_managed_usage(call.account_id)
    only_attached = bool(params.get("OnlyAttached"))
    used_as = 1 if params.get("PolicyUsageFilter") == "PermissionsBoundary" else 0
    keys, policies = aws_policies()
    start = 0 if after is None else bisect.bisect_right(keys, after)
    found: list[tuple[tuple[str, int], dict[str, Any]]] = []
    for index in range(start, len(policies)):
        policy = policies[index]
        counts = usage.get(policy.arn, (0, 0))
        if not policy.entry.path.startswith(prefix) or (only_attached and counts[used_as] == 0):
            continue
        if len(found) == limit:
            return found, True
        found.append(((keys[index], _AWS), aws_policy_result(policy, counts)))
    return found, False


def _local_page(
    call: Call, params: Params, after: tuple[str, int] | None, limit: int
) -> tuple[list[tuple[tuple[str, int], dict[str, Any]]], bool]:
    """Up to ``limit`` customer managed policies sorting after ``after``, and whether more follow."""
    only_attached = bool(params.get("OnlyAttached"))
    page = call.tx.policies.list(
        call.account_id,
        path_prefix=params.get("PathPrefix") or "/",
        only_attached=only_attached,
        usage=params.get("PolicyUsageFilter") if only_attached else None,
        names_from=after[0] if after is not None else None,
        max_items=limit + 1,
    )
    items = [
        ((p.name.lower(), _LOCAL), policy_result(p, detailed=False))
        for p in page.items
        if after is None or (p.name.lower(), _LOCAL) > after
    ]
    return items[:limit], page.is_truncated or len(items) > limit


def list_policies(call: Call, params: Params) -> Result:
    scope = params.get("Scope") or "All"
    max_items = params.get("MaxItems") or DEFAULT_MAX_ITEMS
    after = _decode_marker(params["Marker"]) if params.get("Marker") else None
    candidates: list[tuple[tuple[str, int], dict[str, Any]]] = []
    more = False
    if scope in ("All", "AWS"):
        found, truncated = _aws_page(call, params, after[0] if after else None, max_items)
        candidates += found
        more = more or truncated
    if scope in ("All", "Local"):
        found, truncated = _local_page(call, params, after, max_items)
        candidates += found
        more = more or truncated
    candidates.sort(key=lambda item: item[0])
    page: Sequence[tuple[tuple[str, int], dict[str, Any]]] = candidates[:max_items]
    result: dict[str, Any] = {"Policies": [policy for _, policy in page], "IsTruncated": False}
    if (more or len(candidates) > max_items) and page:
        result["IsTruncated"] = True
        result["Marker"] = _encode_marker(*page[-1][0])
    return result


def _list_target(call: Call, params: Params) -> Target:
    # ListPolicies acts on no resource type (Service Authorization Reference): it is authorized on "*".
    return Target("*")


OPERATIONS: dict[str, Operation] = {
    "CreatePolicy": Operation(create_policy, _create_target),
    "GetPolicy": Operation(get_policy, _arn_target, writes=False),
    "DeletePolicy": Operation(delete_policy, _arn_target),
    "ListPolicies": Operation(list_policies, _list_target, writes=False),
    "TagPolicy": Operation(tag_policy, _tagging_target),
    "UntagPolicy": Operation(untag_policy, _untagging_target),
    "ListPolicyTags": Operation(list_policy_tags, _arn_target, writes=False),
}
