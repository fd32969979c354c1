"""What IAM itself rejects when a policy is stored (CreatePolicy, PutUserPolicy, CreateRole, ...).

IAM accepts far more than Access Analyzer likes: unknown actions and condition keys, wildcards that match
nothing, resources that fit no action. It rejects malformed documents with ``MalformedPolicyDocument`` and
oversized ones with ``LimitExceeded`` (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html,
Errors). Messages follow IAM's own wording where it is known.
"""

from __future__ import annotations

from iamd.errors import LimitExceeded, MalformedPolicyDocument
from iamd.policy.validate.findings import Finding, PolicyType
from iamd.policy.validate.limits import policy_size, quota_for
from iamd.policy.validate.pipeline import validate_policy

_EXACT = "<the finding's message, which is IAM's own>"
# Issue codes of findings that IAM (or Organizations for SCPs/RCPs) refuses to store, with IAM's message
# where it differs from the finding's. None keeps the finding's own message.
_REJECTED: dict[str, str | None] = {
    "JSON_SYNTAX_ERROR": "Syntax errors in policy.",
    "UNKNOWN_ELEMENT": None,
    "DUPLICATE_ELEMENT": None,
    "INVALID_VERSION": "The policy must contain a valid version string",
    "INVALID_ID": None,
    "MISSING_STATEMENT": None,
    "INVALID_STATEMENT": None,
    "INVALID_SID": None,
    "MISSING_EFFECT": None,
    "INVALID_EFFECT": None,
    "MISSING_ACTION": "Policy statement must contain actions.",
    "ACTION_AND_NOTACTION": None,
    "RESOURCE_AND_NOTRESOURCE": None,
    "PRINCIPAL_AND_NOTPRINCIPAL": None,
    "INVALID_TYPE": None,
    "INVALID_PRINCIPAL": None,
    "INVALID_CONDITION": None,
    "INVALID_CONDITION_VALUE": None,
    "INVALID_CONDITION_OPERATOR": None,
    "MISSING_RESOURCE": "Policy statement must contain resources.",
    "UNSUPPORTED_PRINCIPAL": "Policy document should not specify a principal.",
    "MISSING_PRINCIPAL": "Missing required field Principal",
    "UNIQUE_SIDS_REQUIRED": "Statement IDs (SID) in a single policy must be unique.",
    "UNSUPPORTED_SID": "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the "
    "regular expression [0-9A-Za-z]*",
    "INVALID_ACTION": "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
    "INVALID_CONDITION_KEY_FORMAT": "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, "
    "etc.",
    "INVALID_ARN_PREFIX": None,
    "MISSING_ARN_FIELD": None,
    "INVALID_PARTITION": None,
    "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL": None,
    "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE": "Has prohibited field Resource",
    "ROLE_TRUST_POLICY_UNSUPPORTED_ACTION": "AssumeRole policy may only specify STS AssumeRole actions.",
    "INVALID_PRINCIPAL_FORMAT": _EXACT,
    "UNSUPPORTED_WILDCARD_IN_PRINCIPAL": None,
    "INVALID_SERVICE_PRINCIPAL_FORMAT": None,
    "SCP_SYNTAX_ERROR_PRINCIPAL": None,
    "RCP_SYNTAX_ERROR_ALLOW": None,
    "RCP_SYNTAX_ERROR_NOTACTION": None,
    "RCP_SYNTAX_ERROR_NOTPRINCIPAL": None,
    "RCP_SYNTAX_ERROR_PRINCIPAL": None,
    "RCP_SYNTAX_ERROR_VERSION": None,
}
_SIZE_QUOTA_NAMES = {"trust": "ACLSizePerRole", "scp": "PolicySize", "rcp": "PolicySize"}


def iam_rejection(finding: Finding) -> str | None:
    """The message IAM answers for this finding, or None when IAM stores such a document."""
    if finding.finding_type != "ERROR" or finding.issue_code not in _REJECTED:
        return None
    message = _REJECTED[finding.issue_code]
    if message == _EXACT:
        return finding.message
    if message is None:
        # Our own wording: say where, as IAM's messages are terse.
        return f"{finding.message} (at {finding.location_path})" if finding.path else finding.message
    return message


def validate_for_iam(text: str, policy_type: PolicyType = "identity", *, max_size: int | None = None) -> None:
    """Raise ``MalformedPolicyDocument`` for what IAM rejects, ``LimitExceeded`` for an oversized document.

    ``max_size`` overrides the policy type's quota (e.g. 2,048 for a user's inline policies, 10,240 for a
    role's; the caller adds up an entity's inline policies). A session policy validates as ``identity``.
    """
    for finding in validate_policy(text, policy_type):
        message = iam_rejection(finding)
        if message is not None:
            raise MalformedPolicyDocument(message)
    quota = quota_for(policy_type)
    limit = max_size or (quota.limit if quota else None)
    if limit is None:
        return
    size = policy_size(text, counts_whitespace=quota.counts_whitespace if quota else False)
    if size > limit:
        name = _SIZE_QUOTA_NAMES.get(policy_type, "PolicySize")
        raise LimitExceeded(f"Cannot exceed quota for {name}: {limit}")
