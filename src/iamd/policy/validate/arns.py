"""Resource ARNs: their syntax, and whether they can name a resource that the statement's actions act on.

ARN syntax: ``arn:partition:service:region:account-id:resource``
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html). IAM rejects a Resource that is
neither ``*`` nor an ARN ("Resource foo must be in ARN format or \"*\"."). Resource types and their ARN
formats come from the Service Authorization Reference (via ``iamd.catalog``).
"""

from __future__ import annotations

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
        _, partition, service, _region, account, _resource = parts
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
    if svc is None:
        return []
    return [
        svc.resource_types[rt.name.lower()].arn_format
        for rt in action.resource_types
        if rt.name and rt.name.lower() in svc.resource_types
    ]
