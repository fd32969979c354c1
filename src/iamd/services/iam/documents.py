"""Policy documents as IAM accepts them: JSON text that parses as a policy of the right kind.

IAM answers a document it cannot accept with MalformedPolicyDocument (400) and changes nothing
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html). Catalog findings (an unknown
action, say) are not IAM's business at write time; they belong to Access Analyzer's ValidatePolicy.
"""

from __future__ import annotations

from typing import Literal

from iamd.errors import MalformedPolicyDocument
from iamd.policy import PolicySyntaxError, parse_policy

DocumentKind = Literal["identity", "trust"]


def check_document(text: str, kind: DocumentKind = "identity") -> str:
    """Return ``text`` if IAM would store it as a policy of ``kind``; raise MalformedPolicyDocument."""
    try:
        document = parse_policy(text)
    except PolicySyntaxError as error:
        raise MalformedPolicyDocument(error.message) from None
    for statement in document.statements:
        if kind == "identity":
            if statement.principal is not None or statement.not_principal is not None:
                raise MalformedPolicyDocument("Policy document should not specify a principal.")
            if statement.resource is None and statement.not_resource is None:
                raise MalformedPolicyDocument("Policy statement must contain resources.")
        elif statement.principal is None and statement.not_principal is None:
            raise MalformedPolicyDocument("Missing required field Principal")
    return text
