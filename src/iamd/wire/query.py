"""AWS's Query protocol (IAM, STS): flat form parameters in, XML out.

Requests arrive as ``Action=CreateUser&Version=2010-05-08&UserName=alice&Tags.member.1.Key=k`` in a
form body (``POST /``) or the query string (``GET /?...``). :func:`decode_query` turns them into the
operation's input as Python values keyed by the model's member names, then validates them.
:func:`encode_query_response` writes the result as the XML AWS returns. Both work from codecs built
once per shape and model; a request costs dict lookups and string joins, never a model walk.

Request encoding (botocore ``QuerySerializer``): nested members join with ``.``; list elements are
``Name.member.N`` (N from 1), an empty list is ``Name=`` with no elements; map entries are
``Name.entry.N.key`` / ``Name.entry.N.value``; booleans ``true``/``false``; timestamps ISO 8601;
blobs base64. Unknown parameters are ignored, as AWS does.

IAM policy documents: services pass documents as plain JSON text; the encoder URL-encodes every
member whose shape is ``policyDocumentType``, as IAM does on the wire (botocore decodes them again).
"""

from __future__ import annotations

import datetime
import functools
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from iamd.errors import InvalidAction, MissingAction
from iamd.wire import scalars
from iamd.wire.service_model import CodecTable, ServiceModel, Shape, load_service_model
from iamd.wire.validation import validate_input

# A parsed parameter tree: "Tags.member.1.Key=k" becomes {"Tags": {"member": {"1": {"Key": "k"}}}}.
Node: TypeAlias = str | dict[str, "Node"]
Decoder = Callable[[Node, str], Any]
Encoder = Callable[[Any, list[str]], None]

QUERY_CONTENT_TYPE = "text/xml"
NO_VERSION = "NO_VERSION_SPECIFIED"

# Shapes whose string values IAM sends URL-encoded in its XML (see botocore's json_decode_policies).
URL_ENCODED_SHAPES: dict[str, frozenset[str]] = {"iam": frozenset({"policyDocumentType"})}


def decode_query(model: ServiceModel, params: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    """The operation named by ``Action`` and its validated input.

    ``params`` holds each parameter once (the first value where a name repeats, as AWS reads it).
    Raises MissingAction, InvalidAction (unknown Action or a Version other than the model's, with
    AWS's message ``Could not find operation X for version Y``), MalformedInput or ValidationError.
    """
    action = params.get("Action")
    if action is None:
        raise MissingAction()
    version = params.get("Version")
    operation = model.operations.get(action)
    if operation is None or version != model.api_version:
        raise InvalidAction(
            f"Could not find operation {action} for version {NO_VERSION if version is None else version}"
        )
    if operation.input_shape is None:
        return operation.name, {}
    decoded = decoder_table(model)(operation.input_shape)(_tree(params), "")
    result: dict[str, Any] = decoded if isinstance(decoded, dict) else {}
    validate_input(model, operation.input_shape, result)
    return operation.name, result


def parse_query_params(text: str) -> dict[str, str]:
    """A form body or query string as the flat parameters :func:`decode_query` takes.

    ``+`` is a space and blank values are kept (``Tags=`` is an empty list). Where a name repeats,
    the first value wins: AWS STS answers ``Action=GetCallerIdentity&Action=NoSuchAction`` as
    GetCallerIdentity, and ``Action=NoSuchAction&Action=GetCallerIdentity`` with InvalidAction.
    """
    params: dict[str, str] = {}
    for key, value in urllib.parse.parse_qsl(text, keep_blank_values=True):
        params.setdefault(key, value)
    return params


QUERY_SERVICES = ("iam", "sts")


def query_service_for(params: Mapping[str, str]) -> str:
    """Which Query service (``iam`` or ``sts``) a request on iamd's single endpoint is for.

    AWS tells them apart by host; iamd serves both on one port, so it goes by ``Version`` (each
    service has exactly one), then by whose operation ``Action`` names, then IAM (whose error
    message the caller then gets).
    """
    version = params.get("Version")
    action = params.get("Action")
    models = [load_service_model(name) for name in QUERY_SERVICES]
    for model in models:
        if version == model.api_version:
            return model.name
    for model in models:
        if action in model.operations:
            return model.name
    return "iam"


def encode_query_response(
    model: ServiceModel, operation_name: str, result: Mapping[str, Any], request_id: str
) -> bytes:
    """The XML document AWS returns for a successful call.

    ``result`` maps output member names to values (str, int, bool, datetime, bytes, lists, dicts,
    nested mappings); members that are absent or None are left out. Members are written in model
    order, lists as ``<member>``, maps as ``<entry><key/><value/></entry>``.
    """
    operation = model.operations[operation_name]
    out = [f'<{operation_name}Response xmlns="{model.xml_namespace}">']
    if operation.output_shape is not None:
        wrapper = operation.result_wrapper or f"{operation_name}Result"
        out.append(f"<{wrapper}>")
        encoder_table(model)(operation.output_shape)(result, out)
        out.append(f"</{wrapper}>")
    out.append(f"<ResponseMetadata><RequestId>{escape(request_id)}</RequestId></ResponseMetadata>")
    out.append(f"</{operation_name}Response>")
    return "".join(out).encode("utf-8")


def escape(text: str) -> str:
    """Text content for XML; a carriage return is written as a reference so parsers keep it."""
    # Plain replace calls beat str.translate with a table by far on the (usual) text with nothing to escape.
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#xD;")
    return text


def _tree(params: Mapping[str, str]) -> dict[str, Node]:
    root: dict[str, Node] = {}
    for key, value in params.items():
        if "." not in key:
            root.setdefault(key, value)  # already there only as a dict, from "Key.member..."
            continue
        parts = key.split(".")
        node = root
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child  # a nested value wins over "Name=" given for the same name
            node = child
        if not isinstance(node.get(parts[-1]), dict):
            node[parts[-1]] = value
    return root


def _indexed(node: dict[str, Node]) -> list[Node]:
    """The children of ``member`` or ``entry`` in index order (1, 2, ... 10), ignoring non-indices."""
    pairs = [(int(index), child) for index, child in node.items() if index.isdigit() and index != "0"]
    pairs.sort(key=lambda pair: pair[0])
    return [child for _, child in pairs]


@functools.cache
def decoder_table(model: ServiceModel) -> CodecTable[Decoder]:
    return CodecTable(model, _build_decoder)


def _build_decoder(shape: Shape, decoder_for: Callable[[str], Decoder]) -> Decoder:
    kind = shape.type
    if kind == "structure":
        members = [
            (ref.location_name or name, name, decoder_for(ref.shape_name))
            for name, ref in shape.members.items()
        ]

        def decode_structure(node: Node, name: str) -> Any:
            if not isinstance(node, dict):
                return {}
            result: dict[str, Any] = {}
            for wire_name, member_name, decode in members:
                child = node.get(wire_name)
                if child is not None:
                    value = decode(child, f"{name}.{wire_name}" if name else wire_name)
                    if value is not None:
                        result[member_name] = value
            return result

        return decode_structure
    if kind == "list":
        assert shape.member is not None
        element_name = shape.member.location_name or "member"
        decode_element = decoder_for(shape.member.shape_name)

        def decode_list(node: Node, name: str) -> Any:
            if not isinstance(node, dict):
                return []  # "Name=" is the empty list
            elements = node.get(element_name)
            if not isinstance(elements, dict):
                return []
            return [decode_element(child, f"{name}.{element_name}") for child in _indexed(elements)]

        return decode_list
    if kind == "map":
        assert shape.key is not None and shape.value is not None
        key_name = shape.key.location_name or "key"
        value_name = shape.value.location_name or "value"
        decode_key = decoder_for(shape.key.shape_name)
        decode_value = decoder_for(shape.value.shape_name)

        def decode_map(node: Node, name: str) -> Any:
            if not isinstance(node, dict) or not isinstance(node.get("entry"), dict):
                return {}
            entries = node["entry"]
            assert isinstance(entries, dict)
            result: dict[Any, Any] = {}
            for entry in _indexed(entries):
                if isinstance(entry, dict) and key_name in entry:
                    key = decode_key(entry[key_name], f"{name}.entry.key")
                    value_node = entry.get(value_name)
                    result[key] = (
                        None if value_node is None else decode_value(value_node, f"{name}.entry.value")
                    )
            return result

        return decode_map
    return _scalar_decoder(kind)


def _scalar_decoder(kind: str) -> Decoder:
    def text_of(node: Node) -> str | None:
        return node if isinstance(node, str) else None

    if kind == "string":
        return lambda node, name: text_of(node)
    if kind in ("integer", "long"):
        return lambda node, name: (
            None if (t := text_of(node)) is None else scalars.parse_integer(t, name, kind)
        )
    if kind in ("float", "double"):
        return lambda node, name: None if (t := text_of(node)) is None else scalars.parse_float(t, name)
    if kind == "boolean":
        return lambda node, name: None if (t := text_of(node)) is None else scalars.parse_boolean(t, name)
    if kind == "timestamp":
        return lambda node, name: None if (t := text_of(node)) is None else scalars.parse_timestamp(t, name)
    if kind == "blob":
        return lambda node, name: None if (t := text_of(node)) is None else scalars.parse_blob(t, name)
    raise ValueError(f"shape type {kind!r} is not part of the Query protocol")


@functools.cache
def encoder_table(model: ServiceModel) -> CodecTable[Encoder]:
    url_encoded = URL_ENCODED_SHAPES.get(model.name, frozenset())
    return CodecTable(model, functools.partial(_build_encoder, url_encoded=url_encoded))


def _build_encoder(shape: Shape, encoder_for: CodecTable[Encoder], url_encoded: frozenset[str]) -> Encoder:
    kind = shape.type
    if kind == "structure":
        return _structure_encoder(shape, encoder_for, url_encoded)
    if kind == "list":
        assert shape.member is not None
        element = shape.member.location_name or "member"
        open_tag, close_tag = f"<{element}>", f"</{element}>"
        element_shape = encoder_for.model.shape(shape.member.shape_name)
        if element_shape.type in _SCALAR_TYPES:
            text_of = _scalar_text(element_shape.type, element_shape.name in url_encoded)
            return lambda value, out: out.extend(f"{open_tag}{text_of(item)}{close_tag}" for item in value)
        encode_element = encoder_for(shape.member.shape_name)

        def encode_list(value: Any, out: list[str]) -> None:
            for item in value:
                out.append(open_tag)
                encode_element(item, out)
                out.append(close_tag)

        return encode_list
    if kind == "map":
        assert shape.key is not None and shape.value is not None
        key_tag = shape.key.location_name or "key"
        value_tag = shape.value.location_name or "value"
        encode_key = encoder_for(shape.key.shape_name)
        encode_value = encoder_for(shape.value.shape_name)

        def encode_map(value: Any, out: list[str]) -> None:
            for key, item in value.items():
                out.append(f"<entry><{key_tag}>")
                encode_key(key, out)
                out.append(f"</{key_tag}><{value_tag}>")
                if item is not None:
                    encode_value(item, out)
                out.append(f"</{value_tag}></entry>")

        return encode_map
    text_of = _scalar_text(kind, shape.name in url_encoded)
    return lambda value, out: out.append(text_of(value))


def _structure_encoder(
    shape: Shape, encoder_for: CodecTable[Encoder], url_encoded: frozenset[str]
) -> Encoder:
    """Straight-line code for one structure, generated once: most of a response is this loop (a
    ListUsers page of 100 users writes ~600 members), and unrolling it halves its cost."""
    namespace: dict[str, Any] = {}
    lines = ["def encode_structure(value, out):", "    get = value.get", "    append = out.append"]
    for index, (name, ref) in enumerate(shape.members.items()):
        tag = ref.location_name or name
        open_tag, close_tag = f"<{tag}>", f"</{tag}>"
        member_shape = encoder_for.model.shape(ref.shape_name)
        lines += [f"    v = get({name!r})", "    if v is not None:"]
        if member_shape.type in _SCALAR_TYPES:
            namespace[f"text{index}"] = _scalar_text(member_shape.type, member_shape.name in url_encoded)
            lines.append(f"        append({open_tag!r} + text{index}(v) + {close_tag!r})")
        else:
            namespace[f"encode{index}"] = encoder_for(ref.shape_name)
            lines.append(f"        append({open_tag!r}); encode{index}(v, out); append({close_tag!r})")
    # Names and tags enter the source only through repr(); the model is AWS's vendored data.
    exec("\n".join(lines), namespace)
    encode: Encoder = namespace["encode_structure"]
    return encode


_SCALAR_TYPES = frozenset({"string", "boolean", "integer", "long", "float", "double", "timestamp", "blob"})


def _url_encode(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _boolean_text(value: Any) -> str:
    return "true" if value else "false"


def _integer_text(value: Any) -> str:
    return str(int(value))


def _float_text(value: Any) -> str:
    return repr(float(value))


def _scalar_text(kind: str, url_encode: bool) -> Callable[[Any], str]:
    """The XML text of one scalar value."""
    if kind == "string":
        return _url_encode if url_encode else escape
    if kind == "boolean":
        return _boolean_text
    if kind in ("integer", "long"):
        return _integer_text
    if kind in ("float", "double"):
        return _float_text
    if kind == "timestamp":
        return _timestamp_text
    if kind == "blob":
        return scalars.format_blob
    raise ValueError(f"shape type {kind!r} is not part of the Query protocol")


def _timestamp_text(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return scalars.format_timestamp(value)
    if isinstance(value, int | float):
        return scalars.format_timestamp(datetime.datetime.fromtimestamp(value, datetime.UTC))
    return escape(str(value))
