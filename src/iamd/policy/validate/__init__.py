"""Policy validation modelled on IAM Access Analyzer's ValidatePolicy.

    from iamd.policy.validate import validate_policy, Finding, PolicyType
    findings = validate_policy(text, "identity")

``validate_policy`` never raises for bad input: a JSON syntax error or any ``PolicySyntaxError`` becomes one
ERROR finding. ``validate_for_iam`` raises what IAM itself would answer at CreatePolicy / PutUserPolicy /
CreateRole (see :mod:`iamd.policy.validate.iam`).
"""

from __future__ import annotations

from iamd.policy.validate.findings import POLICY_TYPES, Finding, FindingType, PolicyType
from iamd.policy.validate.iam import validate_for_iam
from iamd.policy.validate.pipeline import validate_policy

__all__ = [
    "POLICY_TYPES",
    "Finding",
    "FindingType",
    "PolicyType",
    "validate_for_iam",
    "validate_policy",
]
