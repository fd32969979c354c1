"""Compile parsed policies into matchers once, so that evaluation only calls them.

A :class:`CompiledPolicy` holds one :class:`CompiledStatement` per statement: an action test over the
lower-cased action, a resource test, an optional principal test (resource-based and RCP layers only) and
condition predicates. Compiled policies are cached by their canonical JSON, so the same document attached
to a thousand users compiles once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

from iamd.policy.ast import Effect, PolicyDocument, PrincipalSpec, Statement, Text
from iamd.policy.conditions.clause import Predicate, compile_clause
from iamd.policy.errors import PolicySyntaxError
from iamd.policy.glob import Glob
from iamd.policy.parse import parse_policy
from iamd.policy.request import Principal
from iamd.policy.variables import Context, has_variables, parse_template, render_glob_parts

ActionTest = Callable[[str], bool]
ResourceTest = Callable[[str, Context], bool]


class Form(IntEnum):
    """How a resource-based policy named the caller; it decides which identity-side limits still apply
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policies.html)."""

    ACCOUNT = 1  # the caller's account (``123456789012`` or ``arn:aws:iam::123456789012:root``)
    ROLE = 2  # the role behind a role session, or the IAM user behind a federated-user session
    DIRECT = 3  # the caller itself: user ARN, session ARN, service, provider, or "*"


# (caller, whether the caller has a permissions boundary) → how the Principal element named it, or None.
PrincipalTest = Callable[[Principal, bool], Form | None]


@dataclass(frozen=True, slots=True)
class CompiledStatement:
    index: int
    sid: str | None
    allow: bool
    action_test: ActionTest
    resource_test: ResourceTest
    principal_test: PrincipalTest | None
    conditions: tuple[Predicate, ...]
    # Literal text every resource this statement's Resource element can match starts with ("" for "*"),
    # or None when it cannot be told in advance (NotResource, variables, no Resource element).
    resource_prefix: str | None = None

    def applies(self, resource: str, ctx: Context) -> bool:
        if not self.resource_test(resource, ctx):
            return False
        return all(cond(ctx) for cond in self.conditions)


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    document: PolicyDocument
    statements: tuple[CompiledStatement, ...]


def compile_document(document: PolicyDocument, *, with_principals: bool) -> CompiledPolicy:
    variables = document.variables_enabled
    return CompiledPolicy(
        document,
        tuple(_compile_statement(s, variables, with_principals) for s in document.statements),
    )


@lru_cache(maxsize=4096)
def _compile_canonical(canonical: str, with_principals: bool) -> CompiledPolicy:
    return compile_document(parse_policy(json.loads(canonical)), with_principals=with_principals)


@lru_cache(maxsize=4096)
def _compile_source(text: str, with_principals: bool) -> CompiledPolicy:
    return compile_document(parse_policy(text), with_principals=with_principals)


def compile_source(text: str, *, with_principals: bool) -> CompiledPolicy:
    """Parse and compile a policy given as JSON text (as stored), caching by the text itself."""
    return _compile_source(text, with_principals)


def compile_json(document: object, *, with_principals: bool) -> CompiledPolicy:
    """Parse and compile a policy given as plain Python JSON, caching by content."""
    # The standard library's encoder, unlike orjson, takes any int and lone surrogates, as json.loads gives.
    try:
        canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise PolicySyntaxError("JSON_SYNTAX_ERROR", f"Syntax errors in policy: {exc}.") from None
    return _compile_canonical(canonical, with_principals)


# -- statements ----------------------------------------------------------------------------------------


def _compile_statement(statement: Statement, variables: bool, with_principals: bool) -> CompiledStatement:
    if statement.action is not None:
        action_test = _action_test(statement.action)
    else:
        assert statement.not_action is not None
        excluded = _action_test(statement.not_action)
        action_test = lambda action: not excluded(action)  # noqa: E731
    if statement.resource is not None:
        resource_test = _resource_test(statement.resource, variables)
    elif statement.not_resource is not None:
        excluded_resource = _resource_test(statement.not_resource, variables)
        resource_test = lambda resource, ctx: not excluded_resource(resource, ctx)  # noqa: E731
    else:
        # A resource-based statement without Resource applies to the resource it is attached to.
        resource_test = _always_resource
    principal_test: PrincipalTest | None = None
    if with_principals:
        if statement.principal is not None:
            principal_test = _principal_test(statement.principal)
        elif statement.not_principal is not None:
            principal_test = _not_principal_test(statement.not_principal)
        else:
            principal_test = _no_principal
    return CompiledStatement(
        index=statement.index,
        sid=statement.sid,
        allow=statement.effect is Effect.ALLOW,
        action_test=action_test,
        resource_test=resource_test,
        principal_test=principal_test,
        conditions=tuple(compile_clause(c, variables_enabled=variables) for c in statement.conditions),
        resource_prefix=_resource_prefix(statement.resource, variables),
    )


def _resource_prefix(patterns: Sequence[Text] | None, variables: bool) -> str | None:
    """The longest literal prefix shared by every Resource pattern (text before the first wildcard)."""
    if patterns is None:
        return None
    prefixes = []
    for pattern in patterns:
        if variables and "${" in pattern.value:
            return None
        cut = min((i for i in (pattern.value.find("*"), pattern.value.find("?")) if i >= 0), default=None)
        prefixes.append(pattern.value if cut is None else pattern.value[:cut])
    return os.path.commonprefix(prefixes) if prefixes else None  # noqa: RUF071 (character prefix wanted)


def _always_resource(_resource: str, _ctx: Context) -> bool:
    return True


def _no_principal(_principal: Principal, _bounded: bool) -> Form | None:
    return None


def _action_test(patterns: Sequence[Text]) -> ActionTest:
    """Action names match case-insensitively, with * and ? wildcards
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html)."""
    exact: set[str] = set()
    globs: list[Glob] = []
    for pattern in patterns:
        glob = Glob.compile(pattern.value, ignore_case=True)
        if glob.matches_everything:
            return lambda _action: True
        if glob.literal is not None:
            exact.add(glob.literal)
        else:
            globs.append(glob)
    if not globs:
        frozen = frozenset(exact)
        return frozen.__contains__
    frozen_exact = frozenset(exact)
    globs_tuple = tuple(globs)
    return lambda action: action in frozen_exact or any(g.match(action) for g in globs_tuple)


def _resource_test(patterns: Sequence[Text], variables: bool) -> ResourceTest:
    """Resource ARNs match case-sensitively, with * and ? wildcards; ``${...}`` values are literal
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)."""
    static: list[Glob] = []
    dynamic = []
    for pattern in patterns:
        template = parse_template(pattern.value, enabled=variables)
        if has_variables(template):
            dynamic.append(template)
            continue
        glob = Glob.compile(pattern.value, segment_sep=":")
        if glob.matches_everything:
            return _always_resource
        static.append(glob)
    exact = frozenset(g.literal for g in static if g.literal is not None)
    wild = tuple(g for g in static if g.literal is None)

    if not dynamic:
        if not wild:
            return lambda resource, _ctx: resource in exact
        return lambda resource, _ctx: resource in exact or any(g.match(resource) for g in wild)

    def test(resource: str, ctx: Context) -> bool:
        if resource in exact or any(g.match(resource) for g in wild):
            return True
        for template in dynamic:
            parts = render_glob_parts(template, ctx)
            if parts is not None and Glob(parts, segment_sep=":").match(resource):
                return True
        return False

    return test


# -- principals ----------------------------------------------------------------------------------------


def account_root(account: str) -> str:
    return f"arn:aws:iam::{account}:root"


def _normalise_aws(value: str) -> str:
    """A bare 12-digit account id means the account, like its root ARN."""
    return account_root(value) if value.isdigit() and len(value) == 12 else value


@dataclass(frozen=True, slots=True)
class _PrincipalSet:
    anyone: bool
    aws: frozenset[str]
    services: frozenset[str]
    federated: frozenset[str]

    @classmethod
    def of(cls, spec: PrincipalSpec) -> _PrincipalSet:
        aws = {_normalise_aws(e.value) for e in spec.entries if e.kind == "AWS"}
        return cls(
            anyone=spec.anyone or "*" in aws,
            aws=frozenset(aws - {"*"}),
            services=frozenset(e.value.lower() for e in spec.entries if e.kind == "Service"),
            federated=frozenset(e.value for e in spec.entries if e.kind == "Federated"),
        )


def principal_aspects(principal: Principal) -> list[tuple[str, str, Form]]:
    """The identities a request principal presents to a Principal element: (kind, value, form)."""
    p = principal
    aspects: list[tuple[str, str, Form]] = []
    if p.type == "service" and p.arn:
        aspects.append(("Service", p.arn.lower(), Form.DIRECT))
    elif p.type == "federated" and p.arn:
        aspects.append(("Federated", p.arn, Form.DIRECT))
    elif p.type != "anonymous":
        if p.arn:
            aspects.append(("AWS", p.arn, Form.DIRECT))
        if p.type == "role_session" and p.role_arn:
            aspects.append(("AWS", p.role_arn, Form.ROLE))
        if p.type == "federated_user" and p.user_arn:
            aspects.append(("AWS", p.user_arn, Form.ROLE))
        if p.account and p.type != "root":
            aspects.append(("AWS", account_root(p.account), Form.ACCOUNT))
    return aspects


def _listed(members: _PrincipalSet, kind: str, value: str) -> bool:
    if kind == "AWS":
        return value in members.aws
    if kind == "Service":
        return value in members.services
    return value in members.federated


def _principal_test(spec: PrincipalSpec) -> PrincipalTest:
    members = _PrincipalSet.of(spec)

    def test(principal: Principal, _bounded: bool) -> Form | None:
        if members.anyone:
            return Form.DIRECT
        best: Form | None = None
        for kind, value, form in principal_aspects(principal):
            if _listed(members, kind, value) and (best is None or form > best):
                best = form
        return best

    return test


def _not_principal_test(spec: PrincipalSpec) -> PrincipalTest:
    """NotPrincipal excludes a caller only when every identity it presents is listed: a user is excluded
    only if both its ARN and its account are named, a role session only if the session, the role and the
    account are; and never a caller with a permissions boundary, whom a Deny with NotPrincipal always denies
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html)."""
    members = _PrincipalSet.of(spec)

    def test(principal: Principal, bounded: bool) -> Form | None:
        if members.anyone:
            return None
        if bounded:
            return Form.DIRECT
        aspects = principal_aspects(principal)
        excluded = bool(aspects) and all(_listed(members, kind, value) for kind, value, _ in aspects)
        return None if excluded else Form.DIRECT

    return test
