"""Resource ARNs: their syntax, and whether they can name a resource that the statement's actions act on.

ARN syntax: ``arn:partition:service:region:account-id:resource``
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html). IAM rejects a Resource that is
neither ``*`` nor an ARN ("Resource foo must be in ARN format or \"*\"."). Resource types and their ARN
formats come from the Service Authorization Reference (via ``iamd.catalog``).
"""

from __future__ import annotations

import functools
import re

from iamd import catalog
from iamd.policy.ast import Text
from iamd.policy.validate.actions import ResolvedAction
from iamd.policy.validate.findings import Findings

PARTITIONS = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
)
_ACCOUNT = re.compile(r"^\d{12}$")
_VARIABLE = re.compile(r"\$\{[^}]*\}")


def _is_pattern(text: str) -> bool:
    """Wildcards or policy variables: any value may be meant."""
    return "*" in text or "?" in text or "${" in text


def check_resource_syntax(resources: tuple[Text, ...], findings: Findings) -> None:
    for text in resources:
        value = text.value
        if value == "*":
            continue
        if not value.startswith("arn:"):
            # "*" stands alone; anything else must be an ARN (variables may hide a whole ARN).
            if _VARIABLE.fullmatch(value):
                continue
            findings.error(
                "INVALID_ARN_PREFIX", "Add the required prefix (arn) to the resource ARN.", text.location
            )
            continue
        parts = value.split(":", 5)
        if len(parts) < 6:
            findings.error(
                "MISSING_ARN_FIELD",
                "Resource ARNs must include at least 6 fields in the following structure: "
                "arn:partition:service:region:account:resource",
                text.location,
            )
            continue
        _, partition, service, region, account, _resource = parts
        if not _is_pattern(partition) and partition not in PARTITIONS:
            findings.error(
                "INVALID_PARTITION",
                f"The resource ARN for the service {service} does not support the partition {partition}. "
                f"Use the supported values: {', '.join(sorted(PARTITIONS))}",
                text.location,
            )
        if service != service.lower() and not _is_pattern(service):
            findings.error(
                "INVALID_ARN_SERVICE_CASE",
                f"Update the service name {service} in the resource ARN to use all lowercase letters.",
                text.location,
            )
        if account and not _is_pattern(account) and not _ACCOUNT.match(account) and account != "aws":
            findings.error(
                "INVALID_ARN_ACCOUNT",
                f"The resource ARN account ID {account} is not valid. Provide a 12-digit account ID.",
                text.location,
            )
        _check_fields_allowed(service, region, account, text, findings)


def _check_fields_allowed(service: str, region: str, account: str, text: Text, findings: Findings) -> None:
    """A Region or account in an ARN whose resource types have none (S3 buckets and objects, IAM)."""
    resource_part = text.value.split(":", 5)[5]
    region_allowed, account_allowed = _fields_allowed(service.lower(), resource_part)
    if not region and _region_required(service.lower(), resource_part):
        findings.error("MISSING_ARN_REGION", f"Add a Region to the {service} resource ARN.", text.location)
    if region and not _is_pattern(region) and not region_allowed:
        findings.error(
            "ARN_REGION_NOT_ALLOWED",
            f"The service {service} does not support specifying a Region in the resource ARN.",
            text.location,
        )
    if account and not _is_pattern(account) and not account_allowed:
        findings.error(
            "ARN_ACCOUNT_NOT_ALLOWED",
            f"The service {service} does not support specifying an account ID in the resource ARN.",
            text.location,
        )


@functools.lru_cache(maxsize=8192)
def _fields_allowed(service: str, resource_part: str) -> tuple[bool, bool]:
    """Whether the resource types this resource part can be have a Region field, an account field.

    Only the resource part decides which types are meant; unknown services and resource parts that fit no
    type allow both, so that nothing is reported on a guess."""
    svc = catalog.service(service)
    if svc is None:
        return True, True
    fields = [rt.arn_format.split(":", 5) for rt in svc.resource_types.values()]
    candidates = [f for f in fields if len(f) == 6 and catalog.arn_fits_format(resource_part, f[5])]
    if not candidates:
        return True, True
    return any(f[3] for f in candidates), any(f[4] for f in candidates)


@functools.lru_cache(maxsize=8192)
def _region_required(service: str, resource_part: str) -> bool:
    """Every resource type this resource part can be has a Region field (EC2 instances, Lambda functions)."""
    svc = catalog.service(service)
    if svc is None:
        return False
    fields = [rt.arn_format.split(":", 5) for rt in svc.resource_types.values()]
    candidates = [f for f in fields if len(f) == 6 and catalog.arn_fits_format(resource_part, f[5])]
    return bool(candidates) and all(f[3] for f in candidates)


def check_redundant_resources(resources: tuple[Text, ...], findings: Findings) -> None:
    """A resource already matched by another wildcard resource of the same list, or listed twice."""
    patterns = [r for r in resources if "*" in r.value or "?" in r.value]
    seen: set[str] = set()
    for text in resources:
        covered = text.value in seen
        seen.add(text.value)
        if not covered:
            covered = any(
                other is not text
                and other.value != text.value
                and _glob(other.value).match(text.value) is not None
                and _glob(text.value).match(other.value) is None
                for other in patterns
            )
        if covered:
            findings.suggestion(
                "REDUNDANT_RESOURCE",
                f"The resource ARN {text.value} is redundant because another resource in this statement "
                "references the same resource. Review the use of wildcards (*)",
                text.location,
            )


@functools.lru_cache(maxsize=4096)
def _glob(pattern: str) -> re.Pattern[str]:
    # Resource matching is case-sensitive (reference_policies_elements_resource.html).
    return re.compile("^" + re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".") + "$", re.DOTALL)


def check_resources_fit_actions(
    actions: list[ResolvedAction], resources: tuple[Text, ...], findings: Findings
) -> None:
    """Warn about each action that can act on none of the statement's resources (by its resource types), and
    about each resource that none of the statement's actions can act on."""
    values = [r.value for r in resources]
    if not values or any(v == "*" or _VARIABLE.fullmatch(v) for v in values):
        return
    fitted: set[int] = set()
    every_action_typed = True
    for entry in actions:
        formats = _formats(entry)
        if not formats:
            every_action_typed = False
            continue
        fits = {i for i, value in enumerate(values) for fmt in formats if catalog.arn_fits_format(value, fmt)}
        fitted |= fits
        if fits:
            continue
        action = entry.matches[0]
        kinds = ", ".join(rt.name for rt in action.resource_types if rt.name)
        findings.warning(
            "RESOURCE_ARN_DOES_NOT_MATCH_ACTION",
            f"The action {entry.text.value} does not apply to any resource in this statement. It acts on "
            f"these resource types: {kinds} (for example {formats[0]}).",
            entry.text.location,
        )
    if not fitted or not every_action_typed:
        return  # nothing fits at all (reported per action), or an action the catalog cannot type may use it
    for i, text in enumerate(resources):
        if i not in fitted:
            findings.warning(
                "RESOURCE_ARN_DOES_NOT_MATCH_ACTION",
                f"The resource {text.value} does not match the resource types of any action in this "
                "statement.",
                text.location,
            )


def _formats(entry: ResolvedAction) -> list[str]:
    """ARN formats of the one catalog action an exact Action entry names; [] when that is not known."""
    if entry.wildcard or len(entry.matches) != 1:
        return []
    action = entry.matches[0]
    svc = catalog.service(action.service)
    return [rt.arn_format for rt in svc.resource_types_of(action)] if svc else []
