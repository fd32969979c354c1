"""Network condition values: private ranges in aws:SourceIp, and VPC / VPC endpoint identifiers.

aws:SourceIp holds the public address a request came from; private ranges never match it (use
aws:VpcSourceIp) — https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip.
VPC IDs are ``vpc-`` and VPC endpoint IDs ``vpce-`` followed by 8 or 17 characters. Codes and messages are
Access Analyzer's (access-analyzer-reference-policy-checks.html).
"""

from __future__ import annotations

import ipaddress
import re

from iamd.policy.ast import ConditionClause
from iamd.policy.conditions import lookup_operator
from iamd.policy.conditions.ip import Network, parse_network
from iamd.policy.validate.findings import Findings

# RFC 1918 and IPv6 unique local addresses: ranges that never reach AWS as a public source address.
_PRIVATE = tuple(
    ipaddress.ip_network(block) for block in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)
_VPC = re.compile(r"^vpc-([0-9A-Za-z]{8}|[0-9A-Za-z]{17})$")
_VPCE = re.compile(r"^vpce-([0-9A-Za-z]{8}|[0-9A-Za-z]{17})$")


def check_network_values(clause: ConditionClause, findings: Findings) -> None:
    op = lookup_operator(clause.base_operator)
    if op is None:
        return
    key = clause.key.lower()
    if key == "aws:sourceip" and op.family == "IpAddress":
        _check_private(clause, op.negated, findings)
    elif key in ("aws:sourcevpc", "aws:sourcevpce") and op.family == "String":
        _check_vpc_ids(clause, key, findings)


def _check_private(clause: ConditionClause, negated: bool, findings: Findings) -> None:
    networks = [n for n in (parse_network(v.value) for v in clause.values) if n is not None]
    private = [n for n in networks if _private(n)]
    if not private:
        return
    if len(private) == len(networks):
        if negated:
            findings.error(
                "PRIVATE_NOT_IP_ADDRESS",
                "The values for condition key aws:SourceIp include only private IP addresses and has no "
                "effect. aws:SourceIp works only for public IP address ranges. Update the value to "
                "include only public IP addresses.",
                clause.location,
            )
        else:
            findings.error(
                "PRIVATE_IP_ADDRESS",
                "aws:SourceIp works only for public IP address ranges. The values for condition key "
                "aws:SourceIp include only private IP addresses and will not have the desired effect. "
                "Update the value to include only public IP addresses.",
                clause.location,
            )
        return
    code = "PRIVATE_NOT_IP_ADDRESS_SUBSET" if negated else "PRIVATE_IP_ADDRESS_SUBSET"
    effect = "have no effect" if negated else "will not have the desired effect"
    findings.suggestion(
        code,
        "The values for condition key aws:SourceIp include a mix of private and public IP addresses. "
        f"The private addresses {effect}. aws:SourceIp works only for public IP address ranges. To "
        "define permissions for private IP ranges, use aws:VpcSourceIp.",
        clause.location,
    )


def _private(network: Network) -> bool:
    return any(
        network.version == block.version and network.subnet_of(block)  # type: ignore[arg-type]
        for block in _PRIVATE
    )


def _check_vpc_ids(clause: ConditionClause, key: str, findings: Findings) -> None:
    endpoint = key == "aws:sourcevpce"
    pattern = _VPCE if endpoint else _VPC
    for value in clause.values:
        text = value.value
        if "*" in text or "?" in text or "${" in text or pattern.match(text):
            continue
        if endpoint:
            findings.error(
                "INVALID_VPCE_FORMAT",
                "The VPCE identifier in the condition key value is not valid. Use the prefix 'vpce-' "
                "followed by 8 or 17 alphanumeric characters.",
                value.location,
            )
        else:
            findings.error(
                "INVALID_VPC_FORMAT",
                "The VPC identifier in the condition key value is not valid. Use the prefix 'vpc-' "
                "followed by 8 or 17 alphanumeric characters.",
                value.location,
            )
