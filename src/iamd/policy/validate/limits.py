"""Policy size quotas as AWS enforces them.

IAM (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): a managed policy holds at
most 6,144 characters; inline policies at most 2,048 (all of a user's), 10,240 (a role's) or 5,120 (a
group's); a role trust policy 2,048 by default (raisable to 8,192). IAM does not count white space.
AWS Organizations (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html):
SCPs and RCPs hold at most 5,120 characters, and every character counts, white space included
(orgs_manage_policies_rcps_syntax.html: "All characters in your RCP count against its maximum size").
Resource-based policies have per-service quotas (S3 20 KB, SQS 8 KB, ...); they are not checked here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from iamd.policy.validate.findings import Findings, PolicyType

MANAGED_POLICY_MAX = 6_144
USER_INLINE_MAX = 2_048
ROLE_INLINE_MAX = 10_240
GROUP_INLINE_MAX = 5_120
ROLE_TRUST_POLICY_MAX = 2_048
SCP_MAX = 5_120
RCP_MAX = 5_120

_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"?', re.DOTALL)


@dataclass(frozen=True, slots=True)
class SizeQuota:
    limit: int
    counts_whitespace: bool
    issue_code: str
    finding_type: str  # "ERROR" or "WARNING", as Access Analyzer reports it
    label: str  # how the message names the policy


_QUOTAS: dict[PolicyType, SizeQuota] = {
    "identity": SizeQuota(
        MANAGED_POLICY_MAX, False, "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", "WARNING", "identity policy"
    ),
    "boundary": SizeQuota(
        MANAGED_POLICY_MAX, False, "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", "WARNING", "identity policy"
    ),
    "trust": SizeQuota(
        ROLE_TRUST_POLICY_MAX,
        False,
        "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA",
        "WARNING",
        "role trust policy",
    ),
    "scp": SizeQuota(SCP_MAX, True, "POLICY_SIZE_EXCEEDS_SCP_QUOTA", "ERROR", "service control policy (SCP)"),
    "rcp": SizeQuota(
        RCP_MAX, True, "POLICY_SIZE_EXCEEDS_RCP_QUOTA", "ERROR", "resource control policy (RCP)"
    ),
}


def quota_for(policy_type: PolicyType) -> SizeQuota | None:
    return _QUOTAS.get(policy_type)


def policy_size(text: str, *, counts_whitespace: bool) -> int:
    """Characters AWS counts: all of them, or all but the white space outside JSON strings."""
    if counts_whitespace:
        return len(text)
    # Strings count whole; outside them, white space does not count.
    inside = sum(map(len, _STRINGS.findall(text)))
    outside = _STRINGS.sub("", text)
    return inside + len(outside) - sum(outside.count(ch) for ch in " \t\n\r")


def check_size(
    text: str, policy_type: PolicyType, findings: Findings, *, max_size: int | None = None
) -> None:
    quota = quota_for(policy_type)
    if quota is None:
        return
    limit = max_size or quota.limit
    size = policy_size(text, counts_whitespace=quota.counts_whitespace)
    if size <= limit:
        return
    spaces = "" if quota.counts_whitespace else ", excluding whitespace,"
    message = (
        f"The {size} characters in the {quota.label}{spaces} exceed the {limit} character maximum. "
        "We recommend that you use multiple granular policies."
    )
    if quota.finding_type == "ERROR":
        findings.error(quota.issue_code, message, ())
    else:
        findings.warning(quota.issue_code, message, ())
