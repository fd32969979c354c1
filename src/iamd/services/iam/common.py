"""Pieces every IAM resource module uses: ARNs, tags, pagination results, boundary and tag context, and
the tag operations of resources a request names by ARN or by name.

Result mappings use the member names of the IAM service model (``UserName``, ``CreateDate``, ...);
``iamd.wire`` encodes them. Datetimes stay datetimes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from iamd.errors import InvalidInput, NoSuchEntity
from iamd.model import Tag, iam_arn
from iamd.policy.variables import ContextValue
from iamd.services import policies_of
from iamd.services.authorize import tag_context
from iamd.services.call import Call, Params, Result, Target
from iamd.store import Page

T = TypeVar("T")

MAX_TAGS_PER_REQUEST = 50


def arn_of(call: Call, kind: str, path: str | None, name: str) -> str:
    return iam_arn(call.account_id, kind, path or "/", name)


def list_target(call: Call, kind: str, params: Params) -> Target:
    """List operations are authorized against the kind's ARNs under the path prefix."""
    prefix = params.get("PathPrefix") or "/"
    return Target(iam_arn(call.account_id, kind, prefix if prefix.endswith("/") else prefix + "/", "*"))


def tags_in(params: Params, member: str = "Tags") -> tuple[Tag, ...]:
    """Tags from a request, refusing duplicates as AWS does (keys compare case-insensitively)."""
    raw = params.get(member) or []
    seen: set[str] = set()
    tags = []
    for item in raw:
        key = item["Key"]
        if key.lower() in seen:
            raise InvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        seen.add(key.lower())
        tags.append(Tag(key, item["Value"]))
    return tuple(tags)


def tags_out(tags: Iterable[Tag]) -> list[dict[str, str]]:
    return [{"Key": t.key, "Value": t.value} for t in tags]


def resource_tag_context(tags: Iterable[Tag]) -> dict[str, ContextValue]:
    """``aws:ResourceTag/<key>`` and IAM's own ``iam:ResourceTag/<key>`` for an existing entity."""
    context: dict[str, ContextValue] = {}
    for tag in tags:
        context[f"aws:ResourceTag/{tag.key}"] = tag.value
        context[f"iam:ResourceTag/{tag.key}"] = tag.value
    return context


def request_tag_context(params: Params, member: str = "Tags") -> dict[str, ContextValue]:
    return tag_context(params.get(member))


def boundary_context(arn: str | None) -> dict[str, ContextValue]:
    return {"iam:PermissionsBoundary": arn} if arn else {}


def page_result(page: Page[T], member: str, convert: Callable[[T], Mapping[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {
        member: [convert(item) for item in page.items],
        "IsTruncated": page.is_truncated,
    }
    if page.marker is not None:
        result["Marker"] = page.marker
    return result


def paging(params: Params) -> dict[str, Any]:
    """``marker`` and ``max_items`` keyword arguments for a repository's list method."""
    out: dict[str, Any] = {"marker": params.get("Marker")}
    if params.get("MaxItems") is not None:
        out["max_items"] = params["MaxItems"]
    return out


def require_policy_exists(call: Call, arn: str) -> None:
    """NoSuchEntity for a managed policy ARN that names nothing (AWS or customer managed)."""
    if policies_of.aws_managed_document(arn) is not None:
        return
    if call.tx.policies.find(arn) is None:
        raise NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")


def boundary_result(arn: str | None) -> dict[str, str] | None:
    if arn is None:
        return None
    return {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": arn}


# -- tags of resources named by ARN (the identity providers) -------------------------------------------


class ArnTagged(Protocol):
    @property
    def account_id(self) -> str: ...

    @property
    def arn(self) -> str: ...

    @property
    def tags(self) -> tuple[Tag, ...]: ...


class ArnTagStore(Protocol):
    def find(self, arn: str) -> ArnTagged | None: ...

    def tag(self, arn: str, tags: Sequence[Tag]) -> None: ...

    def untag(self, arn: str, keys: Sequence[str]) -> None: ...

    def list_tags(self, arn: str) -> tuple[Tag, ...]: ...


@dataclass(frozen=True, slots=True)
class ArnTaggedResource:
    """Tag, Untag and List...Tags of a resource the request names by ARN in ``arn_member``, and the
    authorization target that carries its tags. ``existing`` raises the resource's NoSuchEntity for an
    ARN that names nothing in the caller's account."""

    arn_member: str
    store: Callable[[Call], ArnTagStore]
    existing: Callable[[Call, str], ArnTagged]

    def tag(self, call: Call, params: Params) -> Result:
        self.store(call).tag(self.existing(call, params[self.arn_member]).arn, tags_in(params))
        return {}

    def untag(self, call: Call, params: Params) -> Result:
        self.store(call).untag(self.existing(call, params[self.arn_member]).arn, params["TagKeys"])
        return {}

    def list_tags(self, call: Call, params: Params) -> Result:
        """Paged by position: Marker is the index of the next tag."""
        tags = self.store(call).list_tags(self.existing(call, params[self.arn_member]).arn)
        start = int(params["Marker"]) if str(params.get("Marker") or "").isdigit() else 0
        size = params.get("MaxItems") or 100
        page = tags[start : start + size]
        result: dict[str, Any] = {"Tags": tags_out(page), "IsTruncated": start + size < len(tags)}
        if result["IsTruncated"]:
            result["Marker"] = str(start + size)
        return result

    def target(self, call: Call, params: Params, context: dict[str, Any] | None = None) -> Target:
        """The resource's ARN with its tags (none for another account's or a missing resource)."""
        arn: str = params[self.arn_member]
        found = self.store(call).find(arn)
        tags = found.tags if found is not None and found.account_id == call.account_id else ()
        return Target(arn, {**resource_tag_context(tags), **(context or {})})

    def tagging_target(self, call: Call, params: Params) -> Target:
        return self.target(call, params, request_tag_context(params))

    def untagging_target(self, call: Call, params: Params) -> Target:
        return self.target(call, params, {"aws:TagKeys": tuple(params["TagKeys"])})


# -- tags of resources named by name in the caller's account (users, roles) ------------------------------


class NameTagStore(Protocol):
    def tag(self, account_id: str, name: str, tags: Sequence[Tag]) -> None: ...

    def untag(self, account_id: str, name: str, keys: Sequence[str]) -> None: ...


@dataclass(frozen=True, slots=True)
class NameTaggedResource:
    """Tag and Untag of a resource the request names in ``name_member`` (the repository raises its
    NoSuchEntity), with their authorization targets built by ``target_of`` (the resource's own target
    with tags). List...Tags stays with each resource: their paging differs."""

    name_member: str
    store: Callable[[Call], NameTagStore]
    target_of: Callable[[Call, str, dict[str, Any] | None], Target]

    def tag(self, call: Call, params: Params) -> Result:
        self.store(call).tag(call.account_id, params[self.name_member], tags_in(params))
        return {}

    def untag(self, call: Call, params: Params) -> Result:
        self.store(call).untag(call.account_id, params[self.name_member], params["TagKeys"])
        return {}

    def tagging_target(self, call: Call, params: Params) -> Target:
        return self.target_of(call, params[self.name_member], request_tag_context(params))

    def untagging_target(self, call: Call, params: Params) -> Target:
        return self.target_of(call, params[self.name_member], {"aws:TagKeys": tuple(params["TagKeys"])})
