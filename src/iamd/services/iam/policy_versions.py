"""Versions of managed policies: CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions,
SetDefaultPolicyVersion and DeletePolicyVersion.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html and its
siblings, and https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html.
The store keeps the 5-version limit (LimitExceeded) and the default-version rule (DeleteConflict).
AWS managed policies are readable here too, but the catalog keeps only their default version.
"""

from __future__ import annotations

from typing import Any

from iamd.errors import NoSuchEntity
from iamd.model import PolicyVersion
from iamd.services.call import Call, Operation, Params, Result, Target
from iamd.services.iam.documents import MANAGED_POLICY_MAX_SIZE, check_document
from iamd.services.iam.policies import (
    REFUSALS,
    AwsPolicy,
    aws_policy,
    changeable_policy_arn,
    is_aws_managed,
    own_policy_arn,
    policy_target,
)

DEFAULT_MAX_ITEMS = 100


def version_result(version: PolicyVersion, *, with_document: bool) -> dict[str, Any]:
    """A ``PolicyVersion``; only GetPolicyVersion includes the document (the encoder URL-encodes it)."""
    out: dict[str, Any] = {
        "VersionId": version.version_id,
        "IsDefaultVersion": version.is_default,
        "CreateDate": version.created,
    }
    if with_document:
        out["Document"] = version.document
    return out


def _aws_versions(arn: str) -> tuple[PolicyVersion, ...]:
    """The versions of an AWS managed policy iamd knows: the default one, dated by its last update."""
    policy: AwsPolicy | None = aws_policy(arn)
    if policy is None:
        raise NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")
    entry = policy.entry
    return (PolicyVersion(arn, entry.default_version_id, entry.document, True, policy.updated),)


def _versions(call: Call, arn: str) -> tuple[PolicyVersion, ...]:
    arn = own_policy_arn(call, arn)
    return _aws_versions(arn) if is_aws_managed(arn) else call.tx.policies.list_versions(arn)


# -- operations ------------------------------------------------------------------------------------------


def create_policy_version(call: Call, params: Params) -> Result:
    arn = changeable_policy_arn(call, params["PolicyArn"], REFUSALS["CreatePolicyVersion"])
    document = check_document(params["PolicyDocument"], max_size=MANAGED_POLICY_MAX_SIZE)
    version = call.tx.policies.create_version(
        arn, document, set_as_default=bool(params.get("SetAsDefault")), created=call.now
    )
    return {"PolicyVersion": version_result(version, with_document=False)}


def get_policy_version(call: Call, params: Params) -> Result:
    arn, version_id = own_policy_arn(call, params["PolicyArn"]), params["VersionId"]
    if is_aws_managed(arn):
        for version in _aws_versions(arn):
            if version.version_id == version_id:
                return {"PolicyVersion": version_result(version, with_document=True)}
        raise NoSuchEntity(f"Policy {arn} version {version_id} does not exist or is not attachable.")
    return {
        "PolicyVersion": version_result(call.tx.policies.get_version(arn, version_id), with_document=True)
    }


def list_policy_versions(call: Call, params: Params) -> Result:
    """Newest first; Marker is the id of the last version returned (at most 5 exist, so paging is cheap)."""
    versions = _versions(call, params["PolicyArn"])
    marker = params.get("Marker")
    if marker:
        ids = [v.version_id for v in versions]
        versions = versions[ids.index(marker) + 1 :] if marker in ids else ()
    max_items = params.get("MaxItems") or DEFAULT_MAX_ITEMS
    page = versions[:max_items]
    result: dict[str, Any] = {
        "Versions": [version_result(v, with_document=False) for v in page],
        "IsTruncated": len(versions) > max_items,
    }
    if len(versions) > max_items:
        result["Marker"] = page[-1].version_id
    return result


def set_default_policy_version(call: Call, params: Params) -> Result:
    arn = changeable_policy_arn(call, params["PolicyArn"], REFUSALS["SetDefaultPolicyVersion"])
    call.tx.policies.set_default_version(arn, params["VersionId"], call.now)
    return {}


def delete_policy_version(call: Call, params: Params) -> Result:
    arn = changeable_policy_arn(call, params["PolicyArn"], REFUSALS["DeletePolicyVersion"])
    call.tx.policies.delete_version(arn, params["VersionId"])
    return {}


def _target(call: Call, params: Params) -> Target:
    return policy_target(call, params["PolicyArn"])


OPERATIONS: dict[str, Operation] = {
    "CreatePolicyVersion": Operation(create_policy_version, _target),
    "GetPolicyVersion": Operation(get_policy_version, _target, writes=False),
    "ListPolicyVersions": Operation(list_policy_versions, _target, writes=False),
    "SetDefaultPolicyVersion": Operation(set_default_policy_version, _target),
    "DeletePolicyVersion": Operation(delete_policy_version, _target),
}
