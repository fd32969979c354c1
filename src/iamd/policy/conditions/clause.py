"""Compile one condition clause (``operator: {key: values}``) into a predicate over a request context.

The rules every operator family shares, from
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html and
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html:

- several values for one key: OR (a negated operator holds when the context value matches none of them);
- a key missing from the context: the positive operators fail, the negated ones hold, ``...IfExists`` holds,
  ``ForAllValues`` holds (vacuously), ``ForAnyValue`` fails;
- ``ForAnyValue``: some context value satisfies the operator; ``ForAllValues``: every one does
  (an empty set satisfies it); for negated operators the test is per context value;
- a multivalued key without a qualifier: the positive operator holds when any value matches;
- ``Null``: only presence matters.
A value holding a policy variable whose key is missing and has no default matches nothing, so a negated
operator over it holds (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
"""

from __future__ import annotations

from collections.abc import Callable

from iamd.policy.ast import ConditionClause
from iamd.policy.conditions.registry import INVALID, Matcher, Operator, lookup_operator
from iamd.policy.variables import (
    Context,
    Template,
    has_variables,
    parse_template,
    render_glob_parts,
    render_text,
)

Predicate = Callable[[Context], bool]


def compile_clause(clause: ConditionClause, *, variables_enabled: bool) -> Predicate:
    op = lookup_operator(clause.base_operator)
    if op is None:  # the parser rejects unknown operators; keep evaluation total anyway
        return _never
    key = clause.key.lower()
    if op.family == "Null":
        return _null_predicate(key, op, clause)
    templates = [parse_template(v.value, enabled=variables_enabled) for v in clause.values]
    if any(has_variables(t) for t in templates):
        matcher_for: Callable[[Context], Matcher] = _dynamic_matcher(op, templates)
    else:
        static = op.build(tuple(op.prepare(v.value) for v in clause.values))
        matcher_for = lambda _ctx: static  # noqa: E731
    return _clause_logic(key, op.negated, clause.qualifier, clause.if_exists, matcher_for)


def _never(_ctx: Context) -> bool:
    return False


def _null_predicate(key: str, op: Operator, clause: ConditionClause) -> Predicate:
    wanted = [p for p in (op.prepare(v.value) for v in clause.values) if p is not INVALID]

    def predicate(ctx: Context) -> bool:
        present = key in ctx
        return any(present != want_missing for want_missing in wanted)

    return predicate


def _nothing(_value: str) -> bool:
    return False


def _dynamic_matcher(op: Operator, templates: list[Template]) -> Callable[[Context], Matcher]:
    def matcher_for(ctx: Context) -> Matcher:
        prepared = []
        for template in templates:
            if op.prepare_parts is not None:
                parts = render_glob_parts(template, ctx)
                if parts is not None:
                    prepared.append(op.prepare_parts(parts))
                continue
            text = render_text(template, ctx)
            if text is not None:
                prepared.append(op.prepare(text))
        return op.build(tuple(prepared)) if prepared else _nothing

    return matcher_for


def _clause_logic(
    key: str,
    negated: bool,
    qualifier: str | None,
    if_exists: bool,
    matcher_for: Callable[[Context], Matcher],
) -> Predicate:
    def predicate(ctx: Context) -> bool:
        value = ctx.get(key)
        if value is None:
            if if_exists or qualifier == "ForAllValues":
                return True
            if qualifier == "ForAnyValue":
                return False
            return negated
        matches = matcher_for(ctx)
        values = (value,) if isinstance(value, str) else value
        if qualifier == "ForAllValues":
            return all(matches(v) != negated for v in values)
        if qualifier == "ForAnyValue":
            return any(matches(v) != negated for v in values)
        hit = any(matches(v) for v in values)
        return hit != negated

    return predicate
