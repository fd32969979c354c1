"""REST-JSON: requests from path labels, query strings, headers and JSON bodies; JSON responses.

Sources: botocore ``serialize.RestJSONSerializer`` (labels percent-encoded, list query parameters
repeated, epoch-second timestamps by default), the Access Analyzer model (``timestampFormat:
iso8601``), and the JSON protocols' SerializationException for bodies of the wrong shape.
"""

from __future__ import annotations

import datetime
from typing import Any

import orjson
import pytest

from iamd import errors
from iamd.wire.rest_json import decode_rest_json, encode_rest_json_response
from iamd.wire.service_model import ServiceModel, load_service_model

UTC = datetime.UTC


def decode(
    model: ServiceModel,
    body: Any = None,
    *,
    path: str = "/things/abc",
    query: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[str, dict[str, Any]]:
    raw = b"" if body is None else orjson.dumps(body)
    return decode_rest_json(model, "PUT", path, query or {}, headers or {}, raw)


def test_labels_query_headers_and_body(rest_model: ServiceModel) -> None:
    operation, decoded = decode(
        rest_model,
        {"Name": "abc", "Flag": True, "Names": ["a"], "Counts": {"a": 2}, "When": 0, "Ignored": 1},
        query={"limit": ["5"], "key": ["x", "y"]},
        headers={"x-token": "t"},
    )
    assert operation == "Put"
    assert decoded == {
        "Path": "abc",
        "Limit": 5,
        "Keys": ["x", "y"],
        "Token": "t",
        "Name": "abc",
        "Flag": True,
        "Names": ["a"],
        "Counts": {"a": 2},
        "When": datetime.datetime(1970, 1, 1, tzinfo=UTC),
    }


def test_encoded_label_is_one_segment(rest_model: ServiceModel) -> None:
    operation, decoded = decode(rest_model, {"Name": "abc"}, path="/things/abc/tags/arn%3Aaws%3Ax%2Fy")
    assert operation == "PutTagged"
    assert decoded["Arn"] == "arn:aws:x/y"


def test_empty_body_is_no_members(rest_model: ServiceModel) -> None:
    assert decode(rest_model) == ("Put", {"Path": "abc"})


def test_required_body_members_are_checked() -> None:
    model = load_service_model("accessanalyzer")
    with pytest.raises(errors.ValidationError) as caught:
        decode_rest_json(model, "POST", "/policy/validation", {}, {}, b"{}")
    assert caught.value.message == (
        "2 validation errors detected: Value at 'policyDocument' failed to satisfy constraint: Member must "
        "not be null; Value at 'policyType' failed to satisfy constraint: Member must not be null"
    )


@pytest.mark.parametrize(
    ("note", "body"),
    [
        ("string expected", {"Name": 5}),
        ("integer expected", {"Name": "a", "Count": "5"}),
        ("boolean is not an integer", {"Name": "a", "Count": True}),
        ("integer beyond 32 bits", {"Name": "a", "Count": 2**31}),
        ("fraction is not an integer", {"Name": "a", "Count": 1.5}),
        ("boolean expected", {"Name": "a", "Flag": "true"}),
        ("list expected", {"Name": "a", "Names": "a"}),
        ("object expected", {"Name": "a", "Tree": []}),
        ("map expected", {"Name": "a", "Counts": ["a"]}),
        ("timestamp expected", {"Name": "a", "When": [1]}),
    ],
)
def test_wrong_json_types_are_serialization_errors(rest_model: ServiceModel, note: str, body: Any) -> None:
    with pytest.raises(errors.SerializationException):
        decode(rest_model, body)


@pytest.mark.parametrize("raw", [b"{", b"[1]", b'"text"'])
def test_bodies_that_are_not_objects(rest_model: ServiceModel, raw: bytes) -> None:
    with pytest.raises(errors.SerializationException):
        decode_rest_json(rest_model, "PUT", "/things/abc", {}, {}, raw)


def test_unknown_path(rest_model: ServiceModel) -> None:
    with pytest.raises(errors.UnknownOperationException) as caught:
        decode_rest_json(rest_model, "GET", "/things/abc", {}, {}, b"")
    assert caught.value.status == 404


def test_query_string_values_are_typed(rest_model: ServiceModel) -> None:
    with pytest.raises(errors.MalformedInput):
        decode(rest_model, {"Name": "a"}, query={"limit": ["many"]})


def test_validation_covers_every_location(rest_model: ServiceModel) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        decode(rest_model, {"Name": "a"}, path="/things/ABC", query={"limit": ["50"]})
    assert caught.value.message == (
        "2 validation errors detected: Value at 'path' failed to satisfy constraint: Member must satisfy "
        "regular expression pattern: [a-z]+; Value at 'limit' failed to satisfy constraint: Member must have "
        "value less than or equal to 10"
    )


def test_access_analyzer_validate_policy_request() -> None:
    model = load_service_model("accessanalyzer")
    body = orjson.dumps({"policyDocument": "{}", "policyType": "IDENTITY_POLICY", "locale": "EN"})
    operation, decoded = decode_rest_json(
        model, "POST", "/policy/validation", {"maxResults": ["10"], "nextToken": ["t"]}, {}, body
    )
    assert operation == "ValidatePolicy"
    assert decoded == {
        "policyDocument": "{}",
        "policyType": "IDENTITY_POLICY",
        "locale": "EN",
        "maxResults": 10,
        "nextToken": "t",
    }


def test_response_body_status_and_headers(rest_model: ServiceModel) -> None:
    when = datetime.datetime(2024, 1, 2, 3, 4, 5, 250000, tzinfo=UTC)
    status, headers, body = encode_rest_json_response(
        rest_model,
        "Put",
        {
            "Name": "a",
            "Flag": False,
            "When": when,
            "WhenIso": when,
            "Data": b"\x00",
            "Names": [],
            "Nope": 1,
            "Count": None,
        },
        "rid",
    )
    assert status == 201
    assert headers == {"Content-Type": "application/json", "x-amzn-RequestId": "rid"}
    assert orjson.loads(body) == {
        "Name": "a",
        "Flag": False,
        "When": when.timestamp(),
        "WhenIso": "2024-01-02T03:04:05.250Z",
        "Data": "AA==",
        "Names": [],
    }


def test_response_without_output_shape(rest_model: ServiceModel) -> None:
    assert encode_rest_json_response(rest_model, "PutTagged", {}, "rid")[2] == b"{}"


def test_access_analyzer_timestamps_are_iso8601() -> None:
    model = load_service_model("accessanalyzer")
    created = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    _, _, body = encode_rest_json_response(
        model,
        "GetAnalyzer",
        {"analyzer": {"arn": "a", "name": "n", "type": "ACCOUNT", "createdAt": created, "status": "ACTIVE"}},
        "rid",
    )
    assert orjson.loads(body) == {
        "analyzer": {
            "arn": "a",
            "name": "n",
            "type": "ACCOUNT",
            "createdAt": "2024-01-02T03:04:05Z",
            "status": "ACTIVE",
        }
    }
