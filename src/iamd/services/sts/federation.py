"""What the two federated ways to a role session (AssumeRoleWithWebIdentity, AssumeRoleWithSAML) share.

Both are unsigned: the token or assertion is the caller's proof, and the handler itself evaluates the role's
trust policy (the only policy in play) with the identity provider as the ``Federated`` principal. The trust
decision follows ``--auth-mode`` (audit: a would-be denial is logged and the session issued); the checks of
the token or assertion never do. Neither takes TransitiveTagKeys as a request parameter (they come from the
provider), so session policies are read without them
(https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html,
https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from iamd.errors import AccessDenied
from iamd.model import Role
from iamd.policy import PolicySet, Principal, Request, evaluate
from iamd.policy.variables import ContextValue
from iamd.services import policies_of
from iamd.services.call import Call, Handler, Operation, Params, Target
from iamd.services.sts.sessions import (
    CarriedIdentity,
    find_role,
    issue_role_session,
    packed_policy_size,
    session_request,
)

log = logging.getLogger("iamd.sts")


def unsigned_context(call: Call) -> dict[str, ContextValue]:
    """The global condition keys an unsigned request has."""
    meta = call.meta
    return {
        "aws:CurrentTime": meta.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(meta.now.timestamp())),
        "aws:SourceIp": meta.source_ip,
        "aws:UserAgent": meta.user_agent,
        "aws:SecureTransport": "true" if meta.secure_transport else "false",
        "aws:RequestedRegion": meta.region,
    }


def _trusted(role: Role, provider_arn: str, context: Mapping[str, ContextValue], actions: list[str]) -> bool:
    """The trust policy (the only policy in play) allows every one of ``actions`` to the provider."""
    compiled = policies_of.compile_text(role.assume_role_policy_document, with_principals=True)
    if compiled is None:
        return False
    policies = PolicySet.of(resource=[compiled])
    principal = Principal("federated", provider_arn, None)
    return all(
        evaluate(Request.build(principal, action, role.arn, role.account_id, context), policies).allowed
        for action in actions
    )


def trusted_role(
    call: Call,
    role_arn: str,
    provider_arn: str,
    action: str,
    context: Mapping[str, ContextValue],
    carried: CarriedIdentity,
) -> Role:
    """The role ``role_arn`` names, once its trust policy allows ``action`` (and sts:TagSession and
    sts:SetSourceIdentity for what the session carries) to the provider; AccessDenied otherwise."""
    not_authorized = f"Not authorized to perform {action}"
    role = find_role(call, role_arn)
    full_context = {**context, **carried.trust_context()}
    actions = [action, *carried.trust_actions()]
    if role is None:
        raise AccessDenied(not_authorized)
    if not _trusted(role, provider_arn, full_context, actions):
        if call.deps.authorizer.mode != "audit":
            raise AccessDenied(not_authorized)
        log.warning("audit mode: would deny request %s: %s", call.meta.request_id, not_authorized)
    return role


def issue_federated_session(
    call: Call,
    params: Params,
    role: Role,
    session_name: str,
    expires_at: datetime,
    carried: CarriedIdentity,
) -> dict[str, Any]:
    """The role session with the request's session policies and the provider's tags and source identity."""
    request = session_request(params, transitive=False)
    packed = packed_policy_size(request.policy, request.policy_arns, carried.tags)
    return issue_role_session(call, role, session_name, expires_at, request, carried, packed)


def unsigned_operation(handler: Handler) -> Operation:
    """Taken unsigned, and authorized by the trust policy inside the handler: the token or the signed
    assertion is the caller's proof."""
    return Operation(handler, lambda call, params: Target(params["RoleArn"]), signed=False, authorized=False)
