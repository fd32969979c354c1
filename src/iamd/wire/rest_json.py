"""AWS's REST-JSON protocol (IAM Access Analyzer): routes by method and path, JSON bodies.

Each operation's ``http.requestUri`` (``/policy/validation``, ``/analyzer/{analyzerName}``) picks the
operation; input members travel in the path (``location: uri``), the query string
(``querystring``), headers (``header``) or the JSON body (the rest). :func:`decode_rest_json` gathers
them into one dict keyed by member names and validates it like the Query decoder does;
:func:`encode_rest_json_response` writes the output as JSON. Timestamps follow the shape's
``timestampFormat`` (Access Analyzer uses ISO 8601), blobs are base64.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from iamd.errors import SerializationException, UnknownOperationException
from iamd.wire import scalars
from iamd.wire.service_model import CodecTable, ServiceModel, Shape
from iamd.wire.validation import validate_input

JsonDecoder = Callable[[Any, str], Any]
JsonEncoder = Callable[[Any], Any]
TextDecoder = Callable[[str, str], Any]

REST_JSON_CONTENT_TYPE = "application/json"


def decode_rest_json(
    model: ServiceModel,
    method: str,
    path: str,
    query: Mapping[str, list[str]],
    headers: Mapping[str, str],
    body: bytes,
) -> tuple[str, dict[str, Any]]:
    """The operation that ``method`` and ``path`` address and its validated input.

    ``path`` is the raw, still percent-encoded request path (Starlette's ``raw_path``), so that an
    ARN label with an encoded ``/`` stays one label. ``headers`` are looked up by the model's name and
    by its lower-case form. Raises UnknownOperationException, SerializationException,
    MalformedInput or ValidationError.
    """
    resolved = model.resolve_route(method, path)
    if resolved is None:
        raise UnknownOperationException()
    operation, labels = resolved
    if operation.input_shape is None:
        return operation.name, {}
    shape = model.shape(operation.input_shape)
    result: dict[str, Any] = {}
    text_decoder = _text_decoders(model)
    body_members: list[str] = []
    for name, ref in shape.members.items():
        wire_name = ref.location_name or name
        if ref.location == "uri":
            if wire_name in labels:
                result[name] = text_decoder(ref.shape_name)(labels[wire_name], wire_name)
        elif ref.location == "querystring":
            values = query.get(wire_name)
            if values:
                member_shape = model.shape(ref.shape_name)
                if member_shape.type == "list":
                    assert member_shape.member is not None
                    element = text_decoder(member_shape.member.shape_name)
                    result[name] = [element(value, wire_name) for value in values]
                else:
                    result[name] = text_decoder(ref.shape_name)(values[0], wire_name)
        elif ref.location == "header":
            header = headers.get(wire_name)
            if header is None:
                header = headers.get(wire_name.lower())
            if header is not None:
                result[name] = text_decoder(ref.shape_name)(header, wire_name)
        else:
            body_members.append(name)
    if body_members and body.strip():
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise SerializationException("The request body is not valid JSON.") from None
        if not isinstance(document, dict):
            raise SerializationException("The request body must be a JSON object.")
        decode_member = json_decoder_table(model)
        for name in body_members:
            ref = shape.members[name]
            raw = document.get(ref.location_name or name)
            if raw is not None:
                result[name] = decode_member(ref.shape_name)(raw, name)
    validate_input(model, operation.input_shape, result)
    return operation.name, result


def encode_rest_json_response(
    model: ServiceModel, operation_name: str, result: Mapping[str, Any], request_id: str
) -> tuple[int, dict[str, str], bytes]:
    """``(status, headers, body)`` of a successful REST-JSON response.

    ``result`` maps output member names to values; absent or None members are left out.
    """
    operation = model.operations[operation_name]
    headers = {"Content-Type": REST_JSON_CONTENT_TYPE, "x-amzn-RequestId": request_id}
    if operation.output_shape is None:
        return operation.response_code, headers, b"{}"
    shape = model.shape(operation.output_shape)
    encoder = json_encoder_table(model)
    document: dict[str, Any] = {}
    for name, ref in shape.members.items():
        value = result.get(name)
        if value is None:
            continue
        if ref.location == "header":
            headers[ref.location_name or name] = str(encoder(ref.shape_name)(value))
        else:
            document[ref.location_name or name] = encoder(ref.shape_name)(value)
    return operation.response_code, headers, orjson.dumps(document)


def _type_error(name: str, expected: str) -> SerializationException:
    return SerializationException(f"Expected {expected} for member '{name}'.")


@functools.cache
def _text_decoders(model: ServiceModel) -> Callable[[str], TextDecoder]:
    """Decoders of scalars that arrive as text (path labels, query strings, headers)."""

    @functools.cache
    def decoder_for(shape_name: str) -> TextDecoder:
        kind = model.shape(shape_name).type
        if kind in ("integer", "long"):
            return lambda text, name: scalars.parse_integer(text, name, kind)
        if kind in ("float", "double"):
            return scalars.parse_float
        if kind == "boolean":
            return scalars.parse_boolean
        if kind == "timestamp":
            return scalars.parse_timestamp
        if kind == "blob":
            return scalars.parse_blob
        return lambda text, name: text

    return decoder_for


@functools.cache
def json_decoder_table(model: ServiceModel) -> CodecTable[JsonDecoder]:
    return CodecTable(model, _build_json_decoder)


def _build_json_decoder(shape: Shape, decoder_for: Callable[[str], JsonDecoder]) -> JsonDecoder:
    kind = shape.type
    if kind == "structure":
        members = [
            (ref.location_name or name, name, decoder_for(ref.shape_name))
            for name, ref in shape.members.items()
        ]

        def decode_structure(value: Any, name: str) -> Any:
            if not isinstance(value, dict):
                raise _type_error(name, "an object")
            result: dict[str, Any] = {}
            for wire_name, member_name, decode in members:
                raw = value.get(wire_name)
                if raw is not None:
                    result[member_name] = decode(raw, member_name)
            return result

        return decode_structure
    if kind == "list":
        assert shape.member is not None
        decode_element = decoder_for(shape.member.shape_name)

        def decode_list(value: Any, name: str) -> Any:
            if not isinstance(value, list):
                raise _type_error(name, "a list")
            return [decode_element(item, name) for item in value]

        return decode_list
    if kind == "map":
        assert shape.value is not None
        decode_value = decoder_for(shape.value.shape_name)

        def decode_map(value: Any, name: str) -> Any:
            if not isinstance(value, dict):
                raise _type_error(name, "a map")
            return {key: None if item is None else decode_value(item, name) for key, item in value.items()}

        return decode_map
    return _json_scalar_decoder(kind)


def _json_scalar_decoder(kind: str) -> JsonDecoder:
    def expect(python_type: type | tuple[type, ...], expected: str) -> JsonDecoder:
        def decode(value: Any, name: str) -> Any:
            if (isinstance(value, bool) and python_type is not bool) or not isinstance(value, python_type):
                raise _type_error(name, expected)
            return value

        return decode

    if kind == "string":
        return expect(str, "a string")
    if kind == "boolean":
        return expect(bool, "a boolean")
    if kind in ("integer", "long"):
        low, high = scalars.integer_range(kind)

        def decode_integer(value: Any, name: str) -> Any:
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise _type_error(name, f"an {kind} in [{low}, {high}]")
            return value

        return decode_integer
    if kind in ("float", "double"):
        return expect((int, float), "a number")

    if kind == "timestamp":

        def decode_timestamp(value: Any, name: str) -> Any:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return datetime.datetime.fromtimestamp(value, datetime.UTC)
            if isinstance(value, str):
                return scalars.parse_timestamp(value, name)
            raise _type_error(name, "a timestamp")

        return decode_timestamp
    if kind == "blob":

        def decode_blob(value: Any, name: str) -> Any:
            if not isinstance(value, str):
                raise _type_error(name, "base64-encoded data")
            return scalars.parse_blob(value, name)

        return decode_blob
    raise ValueError(f"shape type {kind!r} is not part of the REST-JSON protocol")


@functools.cache
def json_encoder_table(model: ServiceModel) -> CodecTable[JsonEncoder]:
    return CodecTable(model, _build_json_encoder)


def _identity(value: Any) -> Any:
    return value


def _build_json_encoder(shape: Shape, encoder_for: Callable[[str], JsonEncoder]) -> JsonEncoder:
    kind = shape.type
    if kind == "structure":
        members = [
            (name, ref.location_name or name, encoder_for(ref.shape_name))
            for name, ref in shape.members.items()
        ]

        def encode_structure(value: Any) -> Any:
            get = value.get
            return {
                wire_name: encode(member_value)
                for name, wire_name, encode in members
                if (member_value := get(name)) is not None
            }

        return encode_structure
    if kind == "list":
        assert shape.member is not None
        encode_element = encoder_for(shape.member.shape_name)
        return lambda value: [encode_element(item) for item in value]
    if kind == "map":
        assert shape.value is not None
        encode_value = encoder_for(shape.value.shape_name)
        return lambda value: {key: encode_value(item) for key, item in value.items()}
    if kind == "timestamp":
        if shape.timestamp_format == "iso8601":
            return lambda value: scalars.format_timestamp(_as_datetime(value))
        return lambda value: _as_datetime(value).timestamp()  # rest-json's default: epoch seconds
    if kind == "blob":
        return scalars.format_blob
    return _identity


def _as_datetime(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=datetime.UTC)
    return datetime.datetime.fromtimestamp(float(value), datetime.UTC)
