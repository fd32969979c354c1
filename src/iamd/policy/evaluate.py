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
from iamd.policy.explain import Decision, Layer, StatementRef
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


Candidate = tuple[StatementRef, CompiledStatement]
_INDEX_THRESHOLD = 8  # below this many candidates, scanning them all is cheaper than indexing


@dataclass(frozen=True, slots=True)
class Candidates:
    """The statements of a layer whose Action covers one action, indexed by the literal prefix of their
    Resource patterns, so that a request only tests statements that could match its resource."""

    always: tuple[Candidate, ...]  # statements whose resources cannot be told by a prefix
    by_prefix: tuple[tuple[int, dict[str, tuple[Candidate, ...]]], ...]  # (length, prefix → statements)
    order: dict[int, int]  # id(statement) → position, to report matches in policy order

    @classmethod
    def of(cls, found: list[Candidate]) -> Candidates:
        order = {id(s): n for n, (_, s) in enumerate(found)}
        if len(found) < _INDEX_THRESHOLD:
            return cls(tuple(found), (), order)
        always: list[Candidate] = []
        tables: dict[int, dict[str, list[Candidate]]] = {}
        for candidate in found:
            prefix = candidate[1].resource_prefix
            if not prefix:
                always.append(candidate)
            else:
                tables.setdefault(len(prefix), {}).setdefault(prefix, []).append(candidate)
        by_prefix = tuple(
            (length, {p: tuple(c) for p, c in table.items()}) for length, table in sorted(tables.items())
        )
        return cls(tuple(always), by_prefix, order)

    def for_resource(self, resource: str) -> Sequence[Candidate]:
        if not self.by_prefix:
            return self.always
        hits: list[Candidate] = list(self.always)
        buckets = 0
        for length, table in self.by_prefix:
            found = table.get(resource[:length])
            if found:
                hits.extend(found)
                buckets += 1
        if buckets > 1 or (buckets and self.always):
            order = self.order
            hits.sort(key=lambda c: order[id(c[1])])
        return hits


@dataclass(slots=True)
class LayerPolicies:
    """The compiled policies of one layer (or one SCP/RCP level), with a per-action memo of candidates."""

    name: Layer
    policies: tuple[CompiledPolicy, ...]
    level: int | None = None
    _by_action: dict[str, Candidates] = field(default_factory=dict)

    def candidates(self, action: str) -> Candidates:
        """The statements whose Action/NotAction covers ``action`` (lower-cased), with their references."""
        found = self._by_action.get(action)
        if found is None:
            found = Candidates.of(
                [
                    (self.ref(i, s), s)
                    for i, policy in enumerate(self.policies)
                    for s in policy.statements
                    if s.action_test(action)
                ]
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


def _scan(
    layer: LayerPolicies,
    action: str,
    resource: str,
    ctx: Context,
    allows: list[StatementRef],
    denies: list[StatementRef],
) -> bool:
    """Record the layer's applicable statements; return whether any Allow applied. Principals are not
    looked at: identity-side layers have none."""
    allowed = False
    for ref, statement in layer.candidates(action).for_resource(resource):
        if statement.applies(resource, ctx):
            if statement.allow:
                allows.append(ref)
                allowed = True
            else:
                denies.append(ref)
    return allowed


def _scan_resource(
    layer: LayerPolicies,
    action: str,
    request: Request,
    bounded: bool,
    allows: list[StatementRef],
    denies: list[StatementRef],
) -> Form | None:
    """Like :func:`_scan` for policies with a Principal element; return the best form an Allow named the
    caller in (None: no Allow applied). ``bounded``: the caller has a permissions boundary."""
    best: Form | None = None
    principal = request.principal
    for ref, statement in layer.candidates(action).for_resource(request.resource):
        test = statement.principal_test
        form = test(principal, bounded) if test is not None else Form.DIRECT
        if form is None or not statement.applies(request.resource, request.context):
            continue
        if statement.allow:
            allows.append(ref)
            if best is None or form > best:
                best = form
        else:
            denies.append(ref)
    return best


def _levels(
    levels: tuple[LayerPolicies, ...],
    action: str,
    request: Request,
    allows: list[StatementRef],
    denies: list[StatementRef],
) -> int | None:
    """Scan every SCP/RCP level; return the first level without an Allow, or None if all allow."""
    missing: int | None = None
    for level in levels:
        allowed = (
            _scan_resource(level, action, request, False, allows, denies) is not None
            if level.name == "rcp"
            else _scan(level, action, request.resource, request.context, allows, denies)
        )
        if not allowed and missing is None:
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
    resource = request.resource
    kind = request.principal.type
    allows: list[StatementRef] = []
    denies: list[StatementRef] = []

    # Layers are scanned in the order their denials are reported: SCPs, RCPs, identity, resource,
    # boundary, session.
    scp_missing = _levels(policies.scp, action, request, allows, denies) if kind in _SCP_PRINCIPALS else None
    rcp_missing = (
        _levels(policies.rcp, action, request, allows, denies)
        if policies.rcp and action.partition(":")[0] in rcp_supported_services()
        else None
    )
    identity_side = kind in _IDENTITY_PRINCIPALS
    # The root user may do anything in its own account, except assume a role.
    identity_ok = kind == "root" and action != "sts:assumerole"
    if identity_side:
        identity_ok = _scan(policies.identity, action, resource, ctx, allows, denies)
    has_boundary = identity_side and policies.boundary is not None
    form = _scan_resource(policies.resource, action, request, has_boundary, allows, denies)
    boundary_ok = session_ok = True
    if has_boundary:
        assert policies.boundary is not None
        boundary_ok = _scan(policies.boundary, action, resource, ctx, allows, denies)
    if kind in _SESSION_PRINCIPALS:
        if policies.session is not None:
            session_ok = _scan(policies.session, action, resource, ctx, allows, denies)
        elif kind == "federated_user":
            # GetFederationToken without a session policy yields a session with no permissions
            # (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html).
            session_ok = False

    cross_account = request.is_cross_account
    if denies:
        return _decision(request, "ExplicitDeny", denies, None, None, cross_account)
    if scp_missing is not None:
        return _decision(request, "ImplicitDeny", allows, "scp", scp_missing, cross_account)
    if rcp_missing is not None:
        return _decision(request, "ImplicitDeny", allows, "rcp", rcp_missing, cross_account)

    missing: Layer | None
    if kind in _RESOURCE_ONLY_PRINCIPALS:
        missing = None if form is not None else "resource"
    else:
        lacking: Layer | None = (
            "identity"
            if not identity_ok
            else "boundary"
            if not boundary_ok
            else "session"
            if not session_ok
            else None
        )
        if kind == "root" and action == "sts:assumerole":
            missing = "identity"  # whatever the trust policy says (API_AssumeRole: not with root credentials)
        elif cross_account:
            missing = lacking or (None if form is not None else "resource")
        elif form is Form.DIRECT or (form is Form.ROLE and boundary_ok and session_ok):
            missing = None
        elif form is None and requires_resource_grant(action, resource):
            missing = "resource"
        else:
            missing = lacking
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
        request=request,
        trust=outcome != "Allow"
        and request.action.lower() in _TRUST_ACTIONS
        and ":role/" in request.resource,
    )
