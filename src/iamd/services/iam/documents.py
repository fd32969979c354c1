"""Policy documents as IAM accepts them: JSON text that parses as a policy of the right kind.

IAM answers a document it cannot accept with MalformedPolicyDocument (400) and changes nothing
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html). Catalog findings (an unknown
action, say) are not IAM's business at write time; they belong to Access Analyzer's ValidatePolicy. The
rules themselves live in :func:`iamd.policy.validate.validate_for_iam`.
"""

from __future__ import annotations

import sys
from typing import Literal

from iamd.policy.validate import validate_for_iam

DocumentKind = Literal["identity", "trust"]

MANAGED_POLICY_MAX_SIZE = 6_144
"""Characters (white space outside strings not counted) of one managed policy version
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)."""

_UNLIMITED = sys.maxsize


def check_document(text: str, kind: DocumentKind = "identity", *, max_size: int | None = None) -> str:
    """Return ``text`` if IAM would store it as a policy of ``kind``; raise MalformedPolicyDocument.

    Size: a trust policy is held to IAM's role trust policy quota (2,048); an identity policy only to
    ``max_size`` when given (LimitExceeded "Cannot exceed quota for PolicySize: N"), because inline
    policies are limited by the sum over their owner, which the caller checks with its own wording.
    """
    if kind == "identity":
        validate_for_iam(text, "identity", max_size=max_size or _UNLIMITED)
    else:
        validate_for_iam(text, "trust", max_size=max_size)
    return text
