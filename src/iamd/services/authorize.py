"""Authorize a caller's request with the policy engine, as AWS does for IAM and STS calls.

The request context holds the global keys AWS populates for these services
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html) plus what the
operation adds (``aws:RequestTag/*``, ``iam:PolicyARN``, ...). IAM has no resource-based policies of its
own, so the caller's identity-based policies and permissions boundary decide; the account's root user
may do everything in its own account.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from iamd.errors import AccessDenied
from iamd.model import Arn
from iamd.policy import Decision, PolicySet, Principal, Request, evaluate
from iamd.policy.variables import ContextValue
from iamd.services import policies_of
from iamd.services.call import Call, Caller, RequestMeta, Target

AuthMode = Literal["enforce", "audit"]
log = logging.getLogger("iamd.authorize")


def global_context(caller: Caller, meta: RequestMeta) -> dict[str, ContextValue]:
    now = meta.now
    context: dict[str, ContextValue] = {
        "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now.timestamp())),
        "aws:SourceIp": meta.source_ip,
        "aws:SecureTransport": "true" if meta.secure_transport else "false",
        "aws:UserAgent": meta.user_agent,
        "aws:RequestedRegion": meta.region,
        "aws:PrincipalArn": caller.arn,
        "aws:PrincipalAccount": caller.account_id,
        "aws:PrincipalType": caller.principal_type,
        "aws:userid": caller.user_id,
        "aws:PrincipalIsAWSService": "false",
        "aws:ViaAWSService": "false",
    }
    if caller.user is not None:
        context["aws:username"] = caller.user.name
        for tag in caller.user.tags:
            context[f"aws:PrincipalTag/{tag.key}"] = tag.value
    return context


def _principal(caller: Caller) -> Principal:
    if caller.kind == "root":
        return Principal("root", caller.arn, caller.account_id)
    if caller.kind == "user":
        return Principal("user", caller.arn, caller.account_id)
    if caller.kind == "federated_user":
        return Principal(
            "federated_user", caller.arn, caller.account_id, user_arn=caller.user.arn if caller.user else None
        )
    return Principal(
        "role_session", caller.arn, caller.account_id, role_arn=caller.role.arn if caller.role else None
    )


def _resource_account(resource: str, default: str) -> str:
    try:
        account = Arn.parse(resource).account
    except ValueError:
        return default
    return account if account.isdigit() else default


def caller_policy_set(call: Call) -> PolicySet:
    caller, tx = call.caller, call.tx
    if caller.kind == "user" and caller.user is not None:
        return PolicySet.of(
            identity=policies_of.user_policies(tx, caller.user),
            boundary=policies_of.boundary_policy(tx, caller.user.permissions_boundary_arn),
        )
    if caller.kind == "role_session" and caller.role is not None:
        return PolicySet.of(
            identity=policies_of.role_policies(tx, caller.role),
            boundary=policies_of.boundary_policy(tx, caller.role.permissions_boundary_arn),
        )
    return PolicySet.of()


@dataclass(frozen=True, slots=True)
class Authorizer:
    mode: AuthMode = "enforce"

    def decide(self, call: Call, action: str, target: Target) -> Decision:
        context = global_context(call.caller, call.meta)
        context.update(target.context)
        request = Request.build(
            _principal(call.caller),
            action,
            target.resource,
            _resource_account(target.resource, call.account_id),
            context,
        )
        return evaluate(request, caller_policy_set(call))

    def authorize(self, call: Call, action: str, target: Target) -> Decision:
        """Raise AccessDenied unless allowed; in audit mode, log would-be denials and go on."""
        decision = self.decide(call, action, target)
        if decision.allowed:
            return decision
        if self.mode == "audit":
            log.warning("audit mode: would deny request %s: %s", call.meta.request_id, decision.message)
            return decision
        raise AccessDenied(decision.message)


def tag_context(tags: list[Mapping[str, str]] | None) -> dict[str, ContextValue]:
    """``aws:RequestTag/<key>`` for each tag and ``aws:TagKeys`` (multivalued) for a tagging request."""
    if not tags:
        return {}
    context: dict[str, ContextValue] = {f"aws:RequestTag/{t['Key']}": t["Value"] for t in tags}
    context["aws:TagKeys"] = tuple(t["Key"] for t in tags)
    return context
