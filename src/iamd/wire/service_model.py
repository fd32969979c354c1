"""AWS service models (``service-2.json``) as small typed objects.

The vendored models live in ``iamd/wire/models/<service>.json`` (see ``models/SOURCE.md``). Loading
parses one once per process; everything the codecs need per request is a dict lookup afterwards.
"""

from __future__ import annotations

import functools
import re
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Generic, TypeVar, cast

import orjson

SERVICE_NAMES = ("iam", "sts", "accessanalyzer")

C = TypeVar("C")


@dataclass(frozen=True, slots=True)
class MemberRef:
    """One member of a structure: its name, the shape it refers to and where it travels (REST)."""

    name: str
    shape_name: str
    location: str | None = None  # "uri", "querystring", "header" or None (the body)
    location_name: str | None = None
    idempotency_token: bool = False


@dataclass(frozen=True, slots=True)
class Shape:
    """One shape of a model, with the constraints AWS declares for it."""

    name: str
    type: str
    members: dict[str, MemberRef] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    member: MemberRef | None = None  # list element
    key: MemberRef | None = None  # map key
    value: MemberRef | None = None  # map value
    min: int | None = None
    max: int | None = None
    pattern: str | None = None
    enum: tuple[str, ...] = ()
    sensitive: bool = False
    timestamp_format: str | None = None
    error_code: str | None = None
    error_status: int | None = None
    is_exception: bool = False


@dataclass(frozen=True, slots=True)
class Operation:
    name: str
    input_shape: str | None
    output_shape: str | None
    result_wrapper: str | None
    http_method: str
    request_uri: str
    response_code: int
    errors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Route:
    operation: Operation
    regex: re.Pattern[str]
    literal_length: int  # more literal characters means a more specific route


class ServiceModel:
    """One loaded service model: operations by name, shapes by name, REST routes."""

    def __init__(self, name: str, document: dict[str, Any]) -> None:
        metadata = document["metadata"]
        self.name = name
        self.api_version: str = metadata["apiVersion"]
        self.protocol: str = metadata["protocol"]
        self.xml_namespace: str | None = metadata.get("xmlNamespace")
        self.shapes: dict[str, Shape] = {
            shape_name: _shape(shape_name, raw) for shape_name, raw in document["shapes"].items()
        }
        self.operations: dict[str, Operation] = {
            op_name: _operation(op_name, raw) for op_name, raw in document["operations"].items()
        }
        self._routes: dict[str, list[_Route]] = {}
        for operation in self.operations.values():
            self._routes.setdefault(operation.http_method, []).append(_route(operation))
        for routes in self._routes.values():
            routes.sort(key=lambda route: -route.literal_length)

    def operation(self, name: str) -> Operation | None:
        return self.operations.get(name)

    def shape(self, name: str) -> Shape:
        return self.shapes[name]

    def resolve_route(self, method: str, raw_path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation whose requestUri matches ``raw_path`` (still percent-encoded) and its labels.

        Labels are percent-decoded after matching, so a label may hold an encoded ``/`` (as botocore
        sends ARNs in ``/tags/{resourceArn}``).
        """
        for route in self._routes.get(method.upper(), ()):
            match = route.regex.fullmatch(raw_path)
            if match is not None:
                labels = {name: urllib.parse.unquote(value) for name, value in match.groupdict().items()}
                return route.operation, labels
        return None

    def __repr__(self) -> str:
        return f"ServiceModel({self.name!r}, {self.api_version!r})"


@functools.cache
def load_service_model(name: str) -> ServiceModel:
    """The vendored model of ``name`` (``iam``, ``sts`` or ``accessanalyzer``), parsed once per process."""
    if name not in SERVICE_NAMES:
        raise ValueError(f"no vendored service model named {name!r}")
    raw = resources.files("iamd.wire").joinpath("models", f"{name}.json").read_bytes()
    return ServiceModel(name, orjson.loads(raw))


def _member_ref(name: str, raw: dict[str, Any]) -> MemberRef:
    return MemberRef(
        name=name,
        shape_name=raw["shape"],
        location=raw.get("location"),
        location_name=raw.get("locationName"),
        idempotency_token=bool(raw.get("idempotencyToken", False)),
    )


def _shape(name: str, raw: dict[str, Any]) -> Shape:
    error = raw.get("error", {})
    return Shape(
        name=name,
        type=raw["type"],
        members={m: _member_ref(m, ref) for m, ref in raw.get("members", {}).items()},
        required=frozenset(raw.get("required", ())),
        member=_member_ref("member", raw["member"]) if "member" in raw else None,
        key=_member_ref("key", raw["key"]) if "key" in raw else None,
        value=_member_ref("value", raw["value"]) if "value" in raw else None,
        min=raw.get("min"),
        max=raw.get("max"),
        pattern=raw.get("pattern"),
        enum=tuple(raw.get("enum", ())),
        sensitive=bool(raw.get("sensitive", False)),
        timestamp_format=raw.get("timestampFormat"),
        error_code=error.get("code"),
        error_status=error.get("httpStatusCode"),
        is_exception=bool(raw.get("exception", False)),
    )


def _operation(name: str, raw: dict[str, Any]) -> Operation:
    http = raw.get("http", {})
    output = raw.get("output", {})
    return Operation(
        name=name,
        input_shape=raw.get("input", {}).get("shape"),
        output_shape=output.get("shape"),
        result_wrapper=output.get("resultWrapper"),
        http_method=http.get("method", "POST"),
        request_uri=http.get("requestUri", "/"),
        response_code=http.get("responseCode", 200),
        errors=tuple(error["shape"] for error in raw.get("errors", ())),
    )


_LABEL = re.compile(r"\{([^}]+)\}")


def _route(operation: Operation) -> _Route:
    """A regex for the path part of a requestUri: ``{name}`` is one segment, ``{name+}`` the rest."""
    path = operation.request_uri.split("?", 1)[0]
    parts: list[str] = []
    literal_length = 0
    position = 0
    for match in _LABEL.finditer(path):
        literal = path[position : match.start()]
        parts.append(re.escape(literal))
        literal_length += len(literal)
        label = match.group(1)
        if label.endswith("+"):
            parts.append(f"(?P<{label[:-1]}>.+)")
        else:
            parts.append(f"(?P<{label}>[^/]+)")
        position = match.end()
    parts.append(re.escape(path[position:]))
    literal_length += len(path) - position
    return _Route(operation, re.compile("".join(parts)), literal_length)


class _Forward:
    """Stands in for a codec still being built, so recursive shapes can refer to themselves."""

    __slots__ = ("_built", "_name")

    def __init__(self, built: dict[str, Any], name: str) -> None:
        self._built = built
        self._name = name

    def __call__(self, *args: Any) -> Any:
        return self._built[self._name](*args)


class CodecTable(Generic[C]):
    """Codecs of one kind (decoders, encoders, validators) for one model, built once per shape.

    Building takes a lock, so threads never see a half-built codec; a recursive shape refers to
    itself through a forwarder that resolves once its codec is finished. Lookups take no lock.
    """

    def __init__(self, model: ServiceModel, build: Callable[[Shape, CodecTable[C]], C]) -> None:
        self.model = model
        self._build = build
        self._built: dict[str, C] = {}
        self._pending: dict[str, C] = {}
        self._lock = threading.RLock()

    def __call__(self, shape_name: str) -> C:
        codec = self._built.get(shape_name)
        if codec is not None:
            return codec
        with self._lock:
            codec = self._built.get(shape_name) or self._pending.get(shape_name)
            if codec is not None:
                return codec
            self._pending[shape_name] = cast(C, _Forward(self._built, shape_name))
            try:
                codec = self._build(self.model.shape(shape_name), self)
            finally:
                del self._pending[shape_name]
            self._built[shape_name] = codec
            return codec
