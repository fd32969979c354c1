"""AWS's policy evaluation logic: a request and a compiled policy set in, a :class:`Decision` out.

Sources, in the order the logic follows them:
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
  (explicit deny in any policy wins; SCPs, RCPs, resource-based policies, identity-based policies,
  permissions boundaries, session policies);
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policies.html
  (within one account a resource-based policy can allow on its own; which principal forms are still limited
  by an implicit deny in a boundary or session policy);
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
  (across accounts both the identity side and the resource side must allow);
- https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html and
  the RCP pages (an Allow at every level root → OU → account, a Deny at any level; RCPs govern only the
  services that support them). Whether SCPs and RCPs are in play at all (not for a management account,
  nor for a service-linked role) is the request's to say: nothing is derived from names.
Role trust policies and KMS key policies must allow even within the account, and the root user cannot
assume a role (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).

Evaluation never raises: everything it needs was compiled beforehand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from iamd.catalog import rcp_supported_services
from iamd.policy.compile import CompiledPolicy, CompiledStatement, Form
from iamd.policy.explain import Decision, Layer, StatementRef, render_message
from iamd.policy.request import Request
from iamd.policy.variables import Context

_ACTION_CACHE_LIMIT = 8192
_TRUST_ACTIONS = frozenset(
    {
        "sts:assumerole",
        "sts:assumerolewithsaml",
        "sts:assumerolewithwebidentity",
        "sts:tagsession",
        "sts:setsourceidentity",
        "sts:setcontext",
    }
)
_IDENTITY_PRINCIPALS = frozenset({"user", "role_session", "federated_user"})
_SESSION_PRINCIPALS = frozenset({"role_session", "federated_user"})
_SCP_PRINCIPALS = frozenset({"user", "role_session", "federated_user", "root"})
_RESOURCE_ONLY_PRINCIPALS = frozenset({"service", "federated", "anonymous"})


@dataclass(slots=True)
class LayerPolicies:
    """The compiled policies of one layer (or one SCP/RCP level), with a per-action memo of candidates."""

    name: Layer
    policies: tuple[CompiledPolicy, ...]
    level: int | None = None
    _by_action: dict[str, tuple[tuple[int, CompiledStatement], ...]] = field(default_factory=dict)

    def candidates(self, action: str) -> tuple[tuple[int, CompiledStatement], ...]:
        found = self._by_action.get(action)
        if found is None:
            found = tuple(
                (i, s)
                for i, policy in enumerate(self.policies)
                for s in policy.statements
                if s.action_test(action)
            )
            if len(self._by_action) >= _ACTION_CACHE_LIMIT:
                self._by_action.clear()
            self._by_action[action] = found
        return found

    def ref(self, policy_index: int, statement: CompiledStatement) -> StatementRef:
        return StatementRef(
            layer=self.name,
            level=self.level,
            policy=policy_index,
            statement=statement.index,
            sid=statement.sid,
            effect="Allow" if statement.allow else "Deny",
        )


@dataclass(slots=True)
class PolicySet:
    """Every policy in play for one principal and resource, compiled (see docs/evaluation-request.md)."""

    identity: LayerPolicies
    resource: LayerPolicies
    boundary: LayerPolicies | None
    session: LayerPolicies | None
    scp: tuple[LayerPolicies, ...]
    rcp: tuple[LayerPolicies, ...]

    @classmethod
    def of(
        cls,
        identity: Sequence[CompiledPolicy] = (),
        resource: Sequence[CompiledPolicy] = (),
        boundary: CompiledPolicy | None = None,
        session: Sequence[CompiledPolicy] = (),
        scp: Sequence[Sequence[CompiledPolicy]] = (),
        rcp: Sequence[Sequence[CompiledPolicy]] = (),
    ) -> PolicySet:
        return cls(
            identity=LayerPolicies("identity", tuple(identity)),
            resource=LayerPolicies("resource", tuple(resource)),
            boundary=LayerPolicies("boundary", (boundary,)) if boundary is not None else None,
            session=LayerPolicies("session", tuple(session)) if session else None,
            scp=tuple(LayerPolicies("scp", tuple(level), i) for i, level in enumerate(scp)),
            rcp=tuple(LayerPolicies("rcp", tuple(level), i) for i, level in enumerate(rcp)),
        )


@dataclass(slots=True)
class _Scan:
    allows: list[StatementRef] = field(default_factory=list)
    denies: list[StatementRef] = field(default_factory=list)
    best_form: Form | None = None


def _scan(
    layer: LayerPolicies, action: str, request: Request, ctx: Context, out: _Scan, *, bounded: bool = False
) -> bool:
    """Add the layer's applicable statements to ``out``; return whether any Allow applied.

    ``bounded`` says whether the caller has a permissions boundary (it matters to NotPrincipal)."""
    allowed = False
    resource = request.resource
    principal = request.principal
    for policy_index, statement in layer.candidates(action):
        form: Form | None = None
        if statement.principal_test is not None:
            form = statement.principal_test(principal, bounded)
            if form is None:
                continue
        if not statement.applies(resource, ctx):
            continue
        ref = layer.ref(policy_index, statement)
        if statement.allow:
            out.allows.append(ref)
            allowed = True
            if form is not None and (out.best_form is None or form > out.best_form):
                out.best_form = form
        else:
            out.denies.append(ref)
    return allowed


def _levels_allow(levels: tuple[LayerPolicies, ...], action: str, request: Request, out: _Scan) -> int | None:
    """Scan every level; return the first level without an Allow, or None if all allow."""
    missing: int | None = None
    for level in levels:
        if not _scan(level, action, request, request.context, out) and missing is None:
            missing = level.level
    return missing


def requires_resource_grant(action: str, resource: str) -> bool:
    """Role trust policies and KMS key policies must allow even within the account."""
    if action in _TRUST_ACTIONS and ":role/" in resource:
        return True
    return action.startswith("kms:") and ":key/" in resource


def evaluate(request: Request, policies: PolicySet) -> Decision:
    action = request.action.lower()
    ctx = request.context
    principal = request.principal
    kind = principal.type

    identity_scan, resource_scan = _Scan(), _Scan()
    boundary_scan, session_scan = _Scan(), _Scan()
    scp_scan, rcp_scan = _Scan(), _Scan()

    scp_missing = _levels_allow(policies.scp, action, request, scp_scan) if kind in _SCP_PRINCIPALS else None
    rcp_missing = (
        _levels_allow(policies.rcp, action, request, rcp_scan)
        if policies.rcp and action.partition(":")[0] in rcp_supported_services()
        else None
    )

    # The root user may do anything in its own account, except assume a role.
    identity_ok = kind == "root" and action != "sts:assumerole"
    boundary_ok = session_ok = True
    if kind in _IDENTITY_PRINCIPALS:
        identity_ok = _scan(policies.identity, action, request, ctx, identity_scan)
        if policies.boundary is not None:
            boundary_ok = _scan(policies.boundary, action, request, ctx, boundary_scan)
        if kind in _SESSION_PRINCIPALS and policies.session is not None:
            session_ok = _scan(policies.session, action, request, ctx, session_scan)
        elif kind == "federated_user":
            # GetFederationToken without a session policy yields a session with no permissions
            # (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html).
            session_ok = False
    has_boundary = policies.boundary is not None and kind in _IDENTITY_PRINCIPALS
    _scan(policies.resource, action, request, ctx, resource_scan, bounded=has_boundary)

    by_layer: list[tuple[Layer, _Scan]] = [
        ("scp", scp_scan),
        ("rcp", rcp_scan),
        ("identity", identity_scan),
        ("resource", resource_scan),
        ("boundary", boundary_scan),
        ("session", session_scan),
    ]
    denies = [ref for _, scan in by_layer for ref in scan.denies]
    cross_account = request.is_cross_account
    if denies:
        return _decision(request, "ExplicitDeny", denies, None, None, cross_account)

    allows = [ref for _, scan in by_layer for ref in scan.allows]
    if scp_missing is not None:
        return _decision(request, "ImplicitDeny", allows, "scp", scp_missing, cross_account)
    if rcp_missing is not None:
        return _decision(request, "ImplicitDeny", allows, "rcp", rcp_missing, cross_account)

    form = resource_scan.best_form
    missing: Layer | None
    if kind in _RESOURCE_ONLY_PRINCIPALS:
        missing = None if form is not None else "resource"
    else:
        identity_side: Layer | None = (
            "identity"
            if not identity_ok
            else "boundary"
            if not boundary_ok
            else "session"
            if not session_ok
            else None
        )
        if cross_account:
            missing = identity_side or (None if form is not None else "resource")
        elif form is Form.DIRECT or (form is Form.ROLE and boundary_ok and session_ok):
            missing = None
        elif requires_resource_grant(action, request.resource) and form is None:
            missing = "resource"
        else:
            missing = identity_side
    if missing is None:
        return _decision(request, "Allow", allows, None, None, cross_account)
    return _decision(request, "ImplicitDeny", allows, missing, None, cross_account)


def _decision(
    request: Request,
    outcome: Literal["Allow", "ExplicitDeny", "ImplicitDeny"],
    statements: list[StatementRef],
    missing: Layer | None,
    missing_level: int | None,
    cross_account: bool,
) -> Decision:
    return Decision(
        decision=outcome,
        statements=tuple(statements),
        missing=missing,
        missing_level=missing_level,
        cross_account=cross_account,
        message=render_message(
            request,
            outcome,
            statements,
            missing,
            trust=request.action.lower() in _TRUST_ACTIONS and ":role/" in request.resource,
        ),
    )
