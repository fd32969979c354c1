"""Turn policy JSON into the :mod:`iamd.policy.ast` model, or raise :class:`PolicySyntaxError`.

This checks the grammar every policy type shares (the elements, their JSON types, Effect values, Action vs
NotAction, condition operator names). Rules that depend on the policy type (a Principal in an identity
policy, a missing Resource) and everything that needs AWS's catalog are findings of
:mod:`iamd.policy.validate`, so that one parser serves evaluation and validation alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from iamd.policy import jsonpos
from iamd.policy.ast import (
    VERSION_2008,
    VERSION_2012,
    ConditionClause,
    Effect,
    Location,
    PolicyDocument,
    PrincipalEntry,
    PrincipalKind,
    PrincipalSpec,
    Qualifier,
    Statement,
    Text,
)
from iamd.policy.conditions import lookup_operator
from iamd.policy.errors import PolicySyntaxError
from iamd.policy.jsonpos import JsonNumber, JsonObject, JsonPath, JsonValue, Located

_TOP_LEVEL = {"Version", "Id", "Statement"}
_STATEMENT_ELEMENTS = {
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
}
_PRINCIPAL_KINDS: dict[str, PrincipalKind] = {
    "AWS": "AWS",
    "Service": "Service",
    "Federated": "Federated",
    "CanonicalUser": "CanonicalUser",
}
_T = TypeVar("_T")
_QUALIFIERS: dict[str, Qualifier] = {"foranyvalue": "ForAnyValue", "forallvalues": "ForAllValues"}


def parse_policy(source: str | Located | object, base_path: JsonPath = ()) -> PolicyDocument:
    """Parse a policy from its JSON text, from a :class:`Located` value, or from plain Python JSON.

    ``base_path`` prefixes every reported path: a policy embedded in a larger file (an evaluation request)
    reports ``policies.identity[0].Statement[1]`` and positions in that file.
    """
    if isinstance(source, str):
        try:
            located = jsonpos.loads(source)
        except jsonpos.JsonSyntaxError as exc:
            raise PolicySyntaxError(
                "JSON_SYNTAX_ERROR", f"Syntax errors in policy: {exc.reason}.", (), exc.position
            ) from None
        return _Parser(located, ()).document(located.value)
    if isinstance(source, Located):
        node = _walk(source.value, base_path)
        return _Parser(source, base_path).document(node)
    try:
        value = jsonpos.from_plain(source)
    except (ValueError, TypeError) as exc:
        raise PolicySyntaxError("JSON_SYNTAX_ERROR", f"Syntax errors in policy: {exc}.") from None
    return _Parser(Located(value), ()).document(value)


def _walk(value: JsonValue, path: JsonPath) -> JsonValue:
    for part in path:
        if isinstance(part, int) and isinstance(value, list):
            value = value[part]
        elif isinstance(part, str) and isinstance(value, JsonObject):
            found = value.get(part)
            value = found
        else:
            raise KeyError(path)
    return value


def _type_name(value: JsonValue) -> str:
    if isinstance(value, JsonObject):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, JsonNumber):
        return "a number"
    return "null"


class _Parser:
    def __init__(self, located: Located, base: JsonPath) -> None:
        self.located = located
        self.base = base

    def loc(self, path: JsonPath) -> Location:
        full = (*self.base, *path)
        return Location(full, self.located.position(full))

    def error(self, code: str, message: str, path: JsonPath) -> PolicySyntaxError:
        full = (*self.base, *path)
        return PolicySyntaxError(code, message, full, self.located.position(full))

    # -- document ------------------------------------------------------------------------------------

    def document(self, node: JsonValue) -> PolicyDocument:
        if not isinstance(node, JsonObject):
            raise self.error(
                "JSON_SYNTAX_ERROR", f"Policy document must be a JSON object, not {_type_name(node)}.", ()
            )
        self.no_duplicates(node, ())
        for key in node.keys():  # noqa: SIM118 (JsonObject keeps duplicate keys)
            if key not in _TOP_LEVEL:
                raise self.error(
                    "UNKNOWN_ELEMENT", f"Syntax errors in policy: unknown element {key!r}.", (key,)
                )
        version = node.get("Version")
        if version is not None and version not in (VERSION_2012, VERSION_2008):
            raise self.error(
                "INVALID_VERSION",
                "The policy must contain a valid version string: 2012-10-17 or 2008-10-17.",
                ("Version",),
            )
        policy_id = node.get("Id")
        if policy_id is not None and not isinstance(policy_id, str):
            raise self.error("INVALID_ID", "Id must be a string.", ("Id",))
        raw_statements = node.get("Statement")
        if raw_statements is None:
            raise self.error("MISSING_STATEMENT", "Missing required field Statement.", ())
        statements: tuple[Statement, ...]
        if isinstance(raw_statements, JsonObject):
            statements = (self.statement(raw_statements, 0, ("Statement",)),)
            is_list = False
        elif isinstance(raw_statements, list):
            statements = tuple(
                self.statement(item, i, ("Statement", i)) for i, item in enumerate(raw_statements)
            )
            is_list = True
        else:
            raise self.error(
                "INVALID_STATEMENT", "Statement must be an object or an array of objects.", ("Statement",)
            )
        return PolicyDocument(
            version=version if isinstance(version, str) else None,
            id=policy_id,
            statements=statements,
            statement_is_list=is_list,
            location=self.loc(()),
        )

    def no_duplicates(self, node: JsonObject, path: JsonPath) -> None:
        seen: set[str] = set()
        for key in node.keys():  # noqa: SIM118 (JsonObject keeps duplicate keys)
            if key in seen:
                raise self.error("DUPLICATE_ELEMENT", f"Duplicate element {key!r}.", (*path, key))
            seen.add(key)

    # -- statement -----------------------------------------------------------------------------------

    def statement(self, node: JsonValue, index: int, path: JsonPath) -> Statement:
        if not isinstance(node, JsonObject):
            raise self.error("INVALID_STATEMENT", "Each statement must be a JSON object.", path)
        self.no_duplicates(node, path)
        for key in node.keys():  # noqa: SIM118 (JsonObject keeps duplicate keys)
            if key not in _STATEMENT_ELEMENTS:
                raise self.error(
                    "UNKNOWN_ELEMENT", f"Syntax errors in policy: unknown element {key!r}.", (*path, key)
                )
        sid = node.get("Sid")
        if sid is not None and not isinstance(sid, str):
            raise self.error("INVALID_SID", "Sid must be a string.", (*path, "Sid"))
        effect_raw = node.get("Effect")
        if effect_raw is None:
            raise self.error("MISSING_EFFECT", "Missing required field Effect.", path)
        if effect_raw not in ("Allow", "Deny"):
            raise self.error(
                "INVALID_EFFECT",
                f"Invalid effect: {effect_raw if isinstance(effect_raw, str) else _type_name(effect_raw)}. "
                "Effect must be Allow or Deny.",
                (*path, "Effect"),
            )
        self.exclusive(node, "Principal", "NotPrincipal", path, required=False)
        self.exclusive(node, "Action", "NotAction", path, required=True)
        self.exclusive(node, "Resource", "NotResource", path, required=False)
        return Statement(
            index=index,
            sid=sid,
            effect=Effect(effect_raw),
            principal=self.optional(node, "Principal", path, self.principal),
            not_principal=self.optional(node, "NotPrincipal", path, self.principal),
            action=self.optional(node, "Action", path, self.string_list),
            not_action=self.optional(node, "NotAction", path, self.string_list),
            resource=self.optional(node, "Resource", path, self.string_list),
            not_resource=self.optional(node, "NotResource", path, self.string_list),
            conditions=self.conditions(node.get("Condition"), (*path, "Condition")),
            location=self.loc(path),
        )

    def exclusive(self, node: JsonObject, name: str, negated: str, path: JsonPath, *, required: bool) -> None:
        if name in node and negated in node:
            raise self.error(
                f"{name.upper()}_AND_{negated.upper()}",
                f"A statement cannot have both {name} and {negated}.",
                (*path, negated),
            )
        if required and name not in node and negated not in node:
            raise self.error(
                f"MISSING_{name.upper()}", f"Policy statement must contain {name.lower()}s.", path
            )

    def optional(
        self, node: JsonObject, key: str, path: JsonPath, read: Callable[[JsonValue, JsonPath], _T]
    ) -> _T | None:
        if key not in node:
            return None
        return read(node.get(key), (*path, key))

    def string_list(self, node: JsonValue, path: JsonPath) -> tuple[Text, ...]:
        if isinstance(node, str):
            return (Text(node, self.loc(path)),)
        if isinstance(node, list):
            out = []
            for i, item in enumerate(node):
                if not isinstance(item, str):
                    raise self.error(
                        "INVALID_TYPE", f"Expected a string, found {_type_name(item)}.", (*path, i)
                    )
                out.append(Text(item, self.loc((*path, i))))
            return tuple(out)
        raise self.error(
            "INVALID_TYPE", f"Expected a string or an array of strings, found {_type_name(node)}.", path
        )

    def principal(self, node: JsonValue, path: JsonPath) -> PrincipalSpec:
        if node == "*":
            return PrincipalSpec(anyone=True, entries=(), location=self.loc(path))
        if not isinstance(node, JsonObject):
            raise self.error(
                "INVALID_PRINCIPAL",
                'Invalid principal in policy: a principal must be "*" or an object such as {"AWS": ...}.',
                path,
            )
        self.no_duplicates(node, path)
        entries: list[PrincipalEntry] = []
        for key, value in node.pairs:
            kind = _PRINCIPAL_KINDS.get(key)
            if kind is None:
                raise self.error(
                    "INVALID_PRINCIPAL",
                    f"Invalid principal in policy: unknown principal type {key!r}.",
                    (*path, key),
                )
            for text in self.string_list(value, (*path, key)):
                entries.append(PrincipalEntry(kind, text.value, text.location))
        return PrincipalSpec(anyone=False, entries=tuple(entries), location=self.loc(path))

    # -- conditions ----------------------------------------------------------------------------------

    def conditions(self, node: JsonValue | None, path: JsonPath) -> tuple[ConditionClause, ...]:
        if node is None:
            return ()
        if not isinstance(node, JsonObject):
            raise self.error("INVALID_CONDITION", "Condition must be an object.", path)
        clauses: list[ConditionClause] = []
        for operator, block in node.pairs:
            op_path = (*path, operator)
            qualifier, base, if_exists = split_operator(operator)
            found = lookup_operator(base)
            if found is None or (if_exists and not found.allows_if_exists):
                raise self.error(
                    "INVALID_CONDITION_OPERATOR", f"Invalid Condition type : {operator}.", op_path
                )
            if not isinstance(block, JsonObject):
                raise self.error(
                    "INVALID_CONDITION", f"Condition {operator} must map condition keys to values.", op_path
                )
            for key, raw_values in block.pairs:
                key_path = (*op_path, key)
                clauses.append(
                    ConditionClause(
                        operator=operator,
                        base_operator=base,
                        qualifier=qualifier,
                        if_exists=if_exists,
                        key=key,
                        values=self.condition_values(raw_values, key_path),
                        location=self.loc(key_path),
                    )
                )
        return tuple(clauses)

    def condition_values(self, node: JsonValue, path: JsonPath) -> tuple[Text, ...]:
        items = node if isinstance(node, list) else [node]
        out = []
        for i, item in enumerate(items):
            item_path = (*path, i) if isinstance(node, list) else path
            if isinstance(item, str):
                out.append(Text(item, self.loc(item_path)))
            elif isinstance(item, bool):
                out.append(Text("true" if item else "false", self.loc(item_path)))
            elif isinstance(item, JsonNumber):
                out.append(Text(item.text, self.loc(item_path)))
            else:
                raise self.error(
                    "INVALID_CONDITION_VALUE",
                    f"Condition values must be strings, numbers or booleans, found {_type_name(item)}.",
                    item_path,
                )
        return tuple(out)


def split_operator(operator: str) -> tuple[Qualifier | None, str, bool]:
    """``ForAllValues:StringLikeIfExists`` → ``("ForAllValues", "StringLike", True)``.

    Operator names are matched case-insensitively by the registry; the qualifier prefix likewise.
    """
    qualifier: Qualifier | None = None
    base = operator
    if ":" in operator:
        prefix, _, rest = operator.partition(":")
        qualifier = _QUALIFIERS.get(prefix.lower())
        if qualifier is None:
            return None, operator, False
        base = rest
    if_exists = base.lower().endswith("ifexists") and base.lower() != "ifexists"
    if if_exists:
        base = base[: -len("IfExists")]
    return qualifier, base, if_exists
