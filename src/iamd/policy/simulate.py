"""Evaluation requests in the documented JSON format (docs/evaluation-request.md) → output objects.

``run_request`` answers one request object; ``simulate_text`` answers a whole input (one object, an array
or JSON Lines) and locates errors by line and column. No I/O: the CLI reads and prints.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from iamd.policy import jsonpos
from iamd.policy.compile import CompiledPolicy, compile_json
from iamd.policy.errors import PolicySyntaxError, render_path
from iamd.policy.evaluate import PolicySet, evaluate
from iamd.policy.jsonpos import JsonPath
from iamd.policy.request import PRINCIPAL_TYPES, Principal, PrincipalType, Request
from iamd.policy.variables import ContextValue


class RequestError(Exception):
    """An evaluation request that cannot be evaluated (bad field or malformed policy)."""

    def __init__(self, code: str, message: str, path: JsonPath) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path


def _field(obj: Mapping[str, Any], key: str, path: JsonPath, *, kind: type | tuple[type, ...]) -> Any:
    if key not in obj:
        raise RequestError("MissingField", f"Missing required field {key!r}.", path)
    value = obj[key]
    if not isinstance(value, kind):
        raise RequestError("InvalidField", f"Field {key!r} has the wrong type.", (*path, key))
    return value


def _optional_str(obj: Mapping[str, Any], key: str, path: JsonPath) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise RequestError("InvalidField", f"Field {key!r} must be a string or null.", (*path, key))
    return value


def _context_value(value: Any, path: JsonPath) -> ContextValue:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        out = []
        for i, item in enumerate(value):
            item_value = _context_value(item, (*path, i))
            if not isinstance(item_value, str):
                raise RequestError("InvalidContext", "Context arrays hold strings only.", (*path, i))
            out.append(item_value)
        return tuple(out)
    raise RequestError("InvalidContext", "Context values are strings or arrays of strings (no null).", path)


def parse_request(obj: Mapping[str, Any], path: JsonPath = ("request",)) -> Request:
    principal_obj = _field(obj, "principal", path, kind=dict)
    p_path = (*path, "principal")
    p_type = _field(principal_obj, "type", p_path, kind=str)
    if p_type not in PRINCIPAL_TYPES:
        raise RequestError(
            "InvalidField",
            f"Unknown principal type {p_type!r}; expected one of {', '.join(PRINCIPAL_TYPES)}.",
            (*p_path, "type"),
        )
    principal_type: PrincipalType = p_type
    principal = Principal(
        type=principal_type,
        arn=_optional_str(principal_obj, "arn", p_path),
        account=_optional_str(principal_obj, "account", p_path),
        role_arn=_optional_str(principal_obj, "role_arn", p_path),
        user_arn=_optional_str(principal_obj, "user_arn", p_path),
    )
    action = _field(obj, "action", path, kind=str)
    resource = _field(obj, "resource", path, kind=str)
    context_obj = obj.get("context") or {}
    if not isinstance(context_obj, dict):
        raise RequestError("InvalidField", "Field 'context' must be an object.", (*path, "context"))
    context = {k: _context_value(v, (*path, "context", k)) for k, v in context_obj.items()}
    return Request.build(principal, action, resource, _optional_str(obj, "resource_account", path), context)


def _compile(document: Any, path: JsonPath, *, with_principals: bool) -> CompiledPolicy:
    if not isinstance(document, dict):
        raise RequestError("MalformedPolicyDocument", "A policy must be a JSON object.", path)
    try:
        return compile_json(document, with_principals=with_principals)
    except PolicySyntaxError as exc:
        raise RequestError(exc.issue_code, exc.message, (*path, *exc.path)) from None


def _documents(obj: Mapping[str, Any], key: str, path: JsonPath) -> list[Any]:
    value = obj.get(key) or []
    if not isinstance(value, list):
        raise RequestError("InvalidField", f"Field {key!r} must be an array.", (*path, key))
    return value


def parse_policies(obj: Mapping[str, Any], path: JsonPath = ("policies",)) -> PolicySet:
    def many(key: str, *, principals: bool = False) -> list[CompiledPolicy]:
        return [
            _compile(doc, (*path, key, i), with_principals=principals)
            for i, doc in enumerate(_documents(obj, key, path))
        ]

    def levels(key: str, *, principals: bool) -> list[list[CompiledPolicy]]:
        out = []
        for i, level in enumerate(_documents(obj, key, path)):
            if not isinstance(level, list):
                raise RequestError(
                    "InvalidField", f"Each {key} level must be an array of policies.", (*path, key, i)
                )
            out.append(
                [_compile(d, (*path, key, i, j), with_principals=principals) for j, d in enumerate(level)]
            )
        return out

    boundary_doc = obj.get("boundary")
    return PolicySet.of(
        identity=many("identity"),
        resource=many("resource", principals=True),
        boundary=_compile(boundary_doc, (*path, "boundary"), with_principals=False)
        if boundary_doc is not None
        else None,
        session=many("session"),
        scp=levels("scp", principals=False),
        rcp=levels("rcp", principals=True),
    )


def run_request(obj: Mapping[str, Any], default_policies: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Answer one evaluation request object with the spec's output object (never raises on bad input)."""
    out: dict[str, Any] = {"id": obj.get("id")} if isinstance(obj, Mapping) else {"id": None}
    try:
        if not isinstance(obj, Mapping):
            raise RequestError("InvalidRequest", "An evaluation request must be a JSON object.", ())
        request_obj = _field(obj, "request", (), kind=dict)
        request = parse_request(request_obj)
        if "policies" in obj:
            policies_obj = _field(obj, "policies", (), kind=dict)
            policies = parse_policies(policies_obj)
        elif default_policies is not None:
            policies = parse_policies(default_policies, ("--policies",))
        else:
            raise RequestError("MissingField", "Missing required field 'policies'.", ())
    except RequestError as exc:
        out["error"] = {"code": exc.code, "message": exc.message, "path": render_path(exc.path)}
        return out
    decision = evaluate(request, policies)
    out["decision"] = decision.decision
    out["explanation"] = decision.to_json()
    return out


# -- whole inputs --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InputItem:
    value: Any
    text: str  # the JSON text this item came from (the whole file, or one line)
    base: JsonPath  # where the item sits in that text
    line_offset: int


class InputError(ValueError):
    """The input as a whole cannot be read (exit status 2)."""


def read_input(text: str) -> list[InputItem]:
    """One JSON object, a JSON array of objects, or JSON Lines."""
    try:
        whole = orjson.loads(text)
    except orjson.JSONDecodeError:
        whole = None
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) <= 1:
            _raise_syntax(text, 0)
    else:
        if isinstance(whole, list):
            return [InputItem(v, text, (i,), 0) for i, v in enumerate(whole)]
        return [InputItem(whole, text, (), 0)]
    items = []
    for number, line in enumerate(text.splitlines()):
        if not line.strip():
            continue
        try:
            items.append(InputItem(orjson.loads(line), line, (), number))
        except orjson.JSONDecodeError:
            _raise_syntax(line, number)
    return items


def _raise_syntax(text: str, line_offset: int) -> None:
    try:
        jsonpos.loads(text, line_offset=line_offset)
    except jsonpos.JsonSyntaxError as exc:
        raise InputError(f"invalid JSON: {exc}") from None
    raise InputError("invalid JSON")


def locate(item: InputItem, path: JsonPath) -> jsonpos.Position | None:
    """Line and column of ``path`` inside an item (parsed again with positions, only for errors)."""
    try:
        located = jsonpos.loads(item.text, line_offset=item.line_offset)
    except jsonpos.JsonSyntaxError:
        return None
    return located.position((*item.base, *path))


def simulate_items(
    items: Sequence[InputItem], default_policies: Mapping[str, Any] | None = None
) -> Iterator[dict[str, Any]]:
    for item in items:
        result = run_request(item.value, default_policies)
        error = result.get("error")
        if error is not None and not error["path"].startswith("--policies"):
            position = locate(item, _parse_rendered_path(error["path"]))
            if position is not None:
                error["line"] = position.line
                error["column"] = position.column
        yield result


def _parse_rendered_path(rendered: str) -> JsonPath:
    """Inverse of render_path for the paths this module produces."""
    path: list[str | int] = []
    for chunk in rendered.replace("[", ".[").split("."):
        if not chunk or chunk == "$":
            continue
        if chunk.startswith("[") and chunk.endswith("]") and chunk[1:-1].isdigit():
            path.append(int(chunk[1:-1]))
        else:
            path.append(chunk)
    return tuple(path)
