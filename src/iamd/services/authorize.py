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
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from iamd.auth.session_tokens import Session
from iamd.errors import AccessDenied, IamdError, InvalidClientTokenId
from iamd.model import Arn
from iamd.policy import CompiledPolicy, Decision, PolicySet, Principal, Request, compile_source, evaluate
from iamd.policy.variables import ContextValue
from iamd.services import policies_of
from iamd.services.call import Call, Caller, RequestMeta, Target

if TYPE_CHECKING:
    from iamd.store import Transaction

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
    if caller.user is not None and caller.kind == "user":
        context["aws:username"] = caller.user.name
        for tag in caller.user.tags:
            context[f"aws:PrincipalTag/{tag.key}"] = tag.value
    if caller.session is not None:
        context.update(session_context(caller, now))
    return context


def session_context(caller: Caller, now: datetime) -> dict[str, ContextValue]:
    """The keys temporary credentials add (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
    aws:TokenIssueTime, aws:MultiFactorAuthPresent (and Age after MFA), aws:SourceIdentity; for a role
    session, aws:PrincipalArn is the role's ARN and aws:PrincipalTag/* are the role's tags overridden by
    the session tags (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html)."""
    session = caller.session
    assert session is not None
    context: dict[str, ContextValue] = {
        "aws:TokenIssueTime": session.issued_at.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{session.issued_at.microsecond // 1000:03d}Z",
        "aws:MultiFactorAuthPresent": "true" if session.mfa_authenticated_at else "false",
    }
    if session.mfa_authenticated_at is not None:
        age = max(0, int((now - session.mfa_authenticated_at).total_seconds()))
        context["aws:MultiFactorAuthAge"] = str(age)
    if session.source_identity is not None:
        context["aws:SourceIdentity"] = session.source_identity
    if session.kind == "role_session":
        context["aws:PrincipalArn"] = session.principal_arn
        tags = {tag.key.lower(): (tag.key, tag.value) for tag in (caller.role.tags if caller.role else ())}
        tags.update({key.lower(): (key, value) for key, value in session.tags})
        for key, value in tags.values():
            context[f"aws:PrincipalTag/{key}"] = value
    elif session.kind == "federated_user":
        for key, value in session.tags:
            context[f"aws:PrincipalTag/{key}"] = value
    return context


def _principal(caller: Caller) -> Principal:
    if caller.kind == "root":
        return Principal("root", caller.arn, caller.account_id)
    if caller.kind == "user":
        return Principal("user", caller.arn, caller.account_id)
    session = caller.session
    if caller.kind == "federated_user":
        user_arn = session.principal_arn if session else caller.user.arn if caller.user else None
        return Principal("federated_user", caller.arn, caller.account_id, user_arn=user_arn)
    role_arn = session.principal_arn if session else caller.role.arn if caller.role else None
    return Principal("role_session", caller.arn, caller.account_id, role_arn=role_arn)


def _resource_account(resource: str, default: str) -> str:
    try:
        account = Arn.parse(resource).account
    except ValueError:
        return default
    return account if account.isdigit() else default


# The root user may do everything in its own account; a federated user it created is limited only by the
# session policy (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html).
_ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
# A session that declared session policies none of which still exist grants nothing.
_ALLOW_NOTHING = '{"Version":"2012-10-17","Statement":[]}'


def session_policies(tx: Transaction, session: Session | None) -> list[CompiledPolicy]:
    """The session policies (inline text and managed policy ARNs) a session was issued with."""
    if session is None or not session.has_session_policies:
        return []
    documents = [session.policy] if session.policy is not None else []
    documents += policies_of.managed_documents(tx, session.policy_arns)
    compiled = [c for c in (policies_of.compile_text(d) for d in documents) if c is not None]
    return compiled or [compile_source(_ALLOW_NOTHING, with_principals=False)]


def caller_policy_set(call: Call, resource_policy: str | None = None) -> PolicySet:
    caller, tx = call.caller, call.tx
    resource = []
    if resource_policy is not None:
        compiled = policies_of.compile_text(resource_policy, with_principals=True)
        resource = [compiled] if compiled is not None else []
    if caller.kind == "user" and caller.user is not None:
        return PolicySet.of(
            identity=policies_of.user_policies(tx, caller.user),
            resource=resource,
            boundary=policies_of.boundary_policy(tx, caller.user.permissions_boundary_arn),
        )
    if caller.kind == "role_session" and caller.role is not None:
        return PolicySet.of(
            identity=policies_of.role_policies(tx, caller.role),
            resource=resource,
            boundary=policies_of.boundary_policy(tx, caller.role.permissions_boundary_arn),
            session=session_policies(tx, caller.session),
        )
    if caller.kind == "federated_user" and caller.session is not None:
        if caller.user is not None:
            identity = policies_of.user_policies(tx, caller.user)
            boundary = policies_of.boundary_policy(tx, caller.user.permissions_boundary_arn)
        elif caller.session.principal_id == caller.account_id:
            identity, boundary = [compile_source(_ALLOW_ALL, with_principals=False)], None
        else:  # the IAM user behind the federation is gone
            identity, boundary = [], None
        return PolicySet.of(
            identity=identity,
            resource=resource,
            boundary=boundary,
            session=session_policies(tx, caller.session),
        )
    return PolicySet.of(resource=resource)


def session_credential_refusal(caller: Caller, action: str) -> IamdError | None:
    """What some temporary credentials may not call, whatever the policies say.

    GetSessionToken credentials: IAM only with MFA, of STS only AssumeRole and GetCallerIdentity
    (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html). Federated users: no IAM,
    of STS only GetCallerIdentity (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html)."""
    session = caller.session
    if session is None or session.kind == "role_session":
        return None
    service, _, name = action.partition(":")
    if session.kind == "session_user":
        if service == "iam" and session.mfa_authenticated_at is None:
            return InvalidClientTokenId()
        if service == "sts" and name not in ("AssumeRole", "GetCallerIdentity"):
            return AccessDenied(f"Cannot call {name} with session credentials")
        return None
    if service in ("iam", "sts") and name != "GetCallerIdentity":
        return AccessDenied(f"Cannot call {name} with session credentials")
    return None


@dataclass(frozen=True, slots=True)
class Authorizer:
    mode: AuthMode = "enforce"

    def decide(self, call: Call, action: str, target: Target, policies: PolicySet | None = None) -> Decision:
        """The engine's decision; ``policies`` reuses a policy set already loaded for this call and target."""
        context = global_context(call.caller, call.meta)
        context.update(target.context)
        request = Request.build(
            _principal(call.caller),
            action,
            target.resource,
            _resource_account(target.resource, call.account_id),
            context,
        )
        if policies is None:
            policies = caller_policy_set(call, target.resource_policy)
        return evaluate(request, policies)

    def authorize(self, call: Call, action: str, target: Target) -> Decision:
        """Raise AccessDenied unless allowed (the action and every one of ``target.also_actions``); in
        audit mode, log would-be denials and go on."""
        refusal = session_credential_refusal(call.caller, action)
        if refusal is not None:
            raise refusal
        # Loaded and compiled once for the action and every extra one (they share the call and target).
        policies = caller_policy_set(call, target.resource_policy)
        decision = self._authorize_one(call, action, target, policies)
        for also in target.also_actions:
            self._authorize_one(call, also, target, policies)
        return decision

    def _authorize_one(self, call: Call, action: str, target: Target, policies: PolicySet) -> Decision:
        decision = self.decide(call, action, target, policies)
        if decision.allowed:
            return decision
        message = decision.message
        if action.startswith("sts:") and ":role/" in target.resource:
            # STS names no reason when it refuses to assume a role (as AWS answers, quoted in
            # amzn/selling-partner-api-models#1186).
            principal, resource = call.caller.arn, target.resource
            message = f"User: {principal} is not authorized to perform: {action} on resource: {resource}"
        if self.mode == "audit":
            log.warning("audit mode: would deny request %s: %s", call.meta.request_id, message)
            return decision
        raise AccessDenied(message)


def tag_context(tags: list[Mapping[str, str]] | None) -> dict[str, ContextValue]:
    """``aws:RequestTag/<key>`` for each tag and ``aws:TagKeys`` (multivalued) for a tagging request."""
    if not tags:
        return {}
    context: dict[str, ContextValue] = {f"aws:RequestTag/{t['Key']}": t["Value"] for t in tags}
    context["aws:TagKeys"] = tuple(t["Key"] for t in tags)
    return context
