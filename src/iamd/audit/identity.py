"""CloudTrail's ``userIdentity`` element for the caller behind a request.

Shapes follow https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html:
``Root``, ``IAMUser``, ``AssumedRole`` and ``FederatedUser`` (with ``sessionContext`` naming the issuer of
temporary credentials), ``WebIdentityUser``/``SAMLUser`` for the unsigned federation calls, and
``Unknown`` when authentication failed (with the access key id the request named, if any).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from iamd.auth.session_tokens import Session
from iamd.services.call import Caller

_CREDENTIAL = re.compile(r"Credential=([A-Za-z0-9]{16,128})/")
_QUERY_CREDENTIAL = re.compile(r"(?:^|&)X-Amz-Credential=([A-Za-z0-9]{16,128})(?:%2F|/)")


def claimed_access_key_id(authorization: str | None, raw_query: str) -> str | None:
    """The access key id a request names (header or presigned query), before it is verified."""
    match = _CREDENTIAL.search(authorization or "") or _QUERY_CREDENTIAL.search(raw_query)
    return match.group(1) if match else None


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _attributes(session: Session) -> dict[str, str]:
    return {
        "creationDate": _time(session.issued_at),
        "mfaAuthenticated": "true" if session.mfa_authenticated_at is not None else "false",
    }


def _session_context(caller: Caller, session: Session) -> dict[str, Any]:
    context: dict[str, Any] = {"attributes": _attributes(session)}
    if caller.kind == "role_session":
        context["sessionIssuer"] = {
            "type": "Role",
            "principalId": session.principal_id,
            "arn": session.principal_arn,
            "accountId": session.account_id,
            "userName": session.principal_arn.rsplit("/", 1)[-1],
        }
    elif caller.kind == "federated_user":
        root = session.principal_id == session.account_id
        issuer: dict[str, Any] = {
            "type": "Root" if root else "IAMUser",
            "principalId": session.principal_id,
            "arn": session.principal_arn,
            "accountId": session.account_id,
        }
        if not root:
            issuer["userName"] = session.principal_arn.rsplit("/", 1)[-1]
        context["sessionIssuer"] = issuer
    if session.source_identity is not None:
        context["sourceIdentity"] = session.source_identity
    return context


_TYPES = {
    "root": "Root",
    "user": "IAMUser",
    "role_session": "AssumedRole",
    "federated_user": "FederatedUser",
}


def user_identity(
    caller: Caller | None, claimed_key_id: str | None, unsigned_operation: str | None
) -> dict[str, Any]:
    """``caller`` is None (or anonymous) when the request was not authenticated."""
    if caller is None or caller.kind == "anonymous":
        if unsigned_operation == "AssumeRoleWithWebIdentity":
            return {"type": "WebIdentityUser"}
        if unsigned_operation == "AssumeRoleWithSAML":
            return {"type": "SAMLUser"}
        unknown: dict[str, Any] = {"type": "Unknown"}
        if claimed_key_id is not None:
            unknown["accessKeyId"] = claimed_key_id
        return unknown
    identity: dict[str, Any] = {
        "type": _TYPES[caller.kind],
        "principalId": caller.user_id,
        "arn": caller.arn,
        "accountId": caller.account_id,
    }
    if caller.access_key_id is not None:
        identity["accessKeyId"] = caller.access_key_id
    if caller.kind == "user" and caller.user is not None:
        identity["userName"] = caller.user.name
    if caller.session is not None:
        identity["sessionContext"] = _session_context(caller, caller.session)
    return identity
