"""decode_query: flat Query parameters to typed input, as botocore's QuerySerializer writes them.

Sources: botocore ``serialize.QuerySerializer`` (``member.N``, ``entry.N.key``, ``Name=`` for an empty
list, ISO 8601 timestamps, base64 blobs); AWS STS probes of Action/Version handling, e.g. "Could not
find operation GetCallerIdentity for version NO_VERSION_SPECIFIED" (InvalidAction) for a request
without Version, and unknown parameters ignored.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from iamd import errors
from iamd.wire.query import decode_query, parse_query_params, query_service_for
from iamd.wire.service_model import ServiceModel, load_service_model

BASE = {"Action": "Put", "Version": "2020-01-01", "Name": "abc"}
UTC = datetime.UTC


def decode(model: ServiceModel, **params: str) -> dict[str, Any]:
    operation, decoded = decode_query(model, {**BASE, **params})
    assert operation == "Put"
    return decoded


CASES: list[tuple[str, dict[str, str], dict[str, Any]]] = [
    ("plain string", {"Free": "x y"}, {"Free": "x y"}),
    ("empty string stays a string", {"Free": ""}, {"Free": ""}),
    ("integer", {"Count": "7"}, {"Count": 7}),
    ("signed integer", {"Count": "+7"}, {"Count": 7}),
    ("long beyond 32 bits", {"Big": "9007199254740993"}, {"Big": 9007199254740993}),
    ("double", {"Ratio": "0.25"}, {"Ratio": 0.25}),
    ("boolean true", {"Flag": "true"}, {"Flag": True}),
    ("boolean false", {"Flag": "false"}, {"Flag": False}),
    ("xsd boolean 1", {"Flag": "1"}, {"Flag": True}),
    ("xsd boolean 0", {"Flag": "0"}, {"Flag": False}),
    (
        "timestamp ISO 8601 Z",
        {"When": "2024-05-06T07:08:09Z"},
        {"When": datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)},
    ),
    (
        "timestamp with offset to UTC",
        {"When": "2024-05-06T09:08:09.5+02:00"},
        {"When": datetime.datetime(2024, 5, 6, 7, 8, 9, 500000, tzinfo=UTC)},
    ),
    ("timestamp epoch seconds", {"When": "0"}, {"When": datetime.datetime(1970, 1, 1, tzinfo=UTC)}),
    ("blob base64", {"Data": "AP8="}, {"Data": b"\x00\xff"}),
    (
        "list in index order, 10 after 2",
        {"Names.member.10": "c", "Names.member.2": "b", "Names.member.1": "a"},
        {"Names": ["a", "b", "c"]},
    ),
    ("list with a gap keeps order", {"Names.member.3": "c", "Names.member.1": "a"}, {"Names": ["a", "c"]}),
    ("empty list as Name=", {"Names": ""}, {"Names": []}),
    ("members win over Name=", {"Names": "", "Names.member.1": "a"}, {"Names": ["a"]}),
    ("non-index list keys ignored", {"Names.member.x": "a", "Names.member.0": "b"}, {"Names": []}),
    (
        "list of structures",
        {"Pairs.member.1.Key": "k", "Pairs.member.1.Value": "v", "Pairs.member.2.Key": "j"},
        {"Pairs": [{"Key": "k", "Value": "v"}, {"Key": "j"}]},
    ),
    (
        "map entries",
        {
            "Counts.entry.1.key": "a",
            "Counts.entry.1.value": "1",
            "Counts.entry.2.key": "b",
            "Counts.entry.2.value": "2",
        },
        {"Counts": {"a": 1, "b": 2}},
    ),
    ("map entry without key ignored", {"Counts.entry.1.value": "1"}, {"Counts": {}}),
    (
        "recursive structure",
        {"Tree.Label": "root", "Tree.Children.member.1.Label": "leaf", "Tree.Children.member.1.Children": ""},
        {"Tree": {"Label": "root", "Children": [{"Label": "leaf", "Children": []}]}},
    ),
    ("unknown parameters ignored", {"Nope": "1", "Free.Deeper": "x"}, {}),
]


@pytest.mark.parametrize(("note", "params", "expected"), CASES, ids=[case[0] for case in CASES])
def test_decoding(
    query_model: ServiceModel, note: str, params: dict[str, str], expected: dict[str, Any]
) -> None:
    assert decode(query_model, **params) == {"Name": "abc", **expected}


MALFORMED = [
    ("not an integer", {"Count": "seven"}),
    ("integer with underscores (Python would accept)", {"Count": "1_0"}),
    ("integer with spaces", {"Count": " 5"}),
    ("integer beyond 32 bits", {"Count": "2147483648"}),
    ("long beyond 64 bits", {"Big": "9223372036854775808"}),
    ("thousands of digits (Python's int() would refuse them with ValueError)", {"Big": "9" * 5000}),
    ("boolean that is neither", {"Flag": "yes"}),
    ("xsd booleans are case-sensitive", {"Flag": "TRUE"}),
    ("timestamp that is not one", {"When": "yesterday"}),
    ("blob that is not base64", {"Data": "***"}),
    ("double that is not a number", {"Ratio": "half"}),
]


@pytest.mark.parametrize(("note", "params"), MALFORMED, ids=[case[0] for case in MALFORMED])
def test_values_not_of_their_type_are_malformed_input(
    query_model: ServiceModel, note: str, params: dict[str, str]
) -> None:
    with pytest.raises(errors.MalformedInput) as caught:
        decode(query_model, **params)
    assert caught.value.status == 400
    assert next(iter(params)) in caught.value.message


def test_operation_without_input() -> None:
    sts = load_service_model("sts")
    assert decode_query(sts, {"Action": "GetCallerIdentity", "Version": "2011-06-15"}) == (
        "GetCallerIdentity",
        {},
    )


ACTION_VERSION = [
    ({"Action": "Nope", "Version": "2011-06-15"}, "Could not find operation Nope for version 2011-06-15"),
    (
        {"Action": "GetCallerIdentity"},
        "Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED",
    ),
    (
        {"Action": "GetCallerIdentity", "Version": ""},
        "Could not find operation GetCallerIdentity for version ",
    ),
    (
        {"Action": "GetCallerIdentity", "Version": "2010-05-08"},
        "Could not find operation GetCallerIdentity for version 2010-05-08",
    ),
    ({"Action": "", "Version": "2011-06-15"}, "Could not find operation  for version 2011-06-15"),
]


@pytest.mark.parametrize(("params", "message"), ACTION_VERSION)
def test_unknown_action_or_version_is_invalid_action(params: dict[str, str], message: str) -> None:
    with pytest.raises(errors.InvalidAction) as caught:
        decode_query(load_service_model("sts"), params)
    assert caught.value.message == message
    assert caught.value.status == 400


def test_missing_action() -> None:
    with pytest.raises(errors.MissingAction):
        decode_query(load_service_model("iam"), {"Version": "2010-05-08"})


def test_iam_create_user_with_tags() -> None:
    params = {
        "Action": "CreateUser",
        "Version": "2010-05-08",
        "UserName": "alice",
        "Tags.member.1.Key": "team",
        "Tags.member.1.Value": "infra",
    }
    assert decode_query(load_service_model("iam"), params) == (
        "CreateUser",
        {"UserName": "alice", "Tags": [{"Key": "team", "Value": "infra"}]},
    )


def test_sts_policy_arns_use_lower_case_member() -> None:
    # Model: PolicyDescriptorType has the member "arn" (lower case), so the wire name is .arn.
    params = {
        "Action": "AssumeRole",
        "Version": "2011-06-15",
        "RoleArn": "arn:aws:iam::123456789012:role/app",
        "RoleSessionName": "s1",
        "PolicyArns.member.1.arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
    }
    _, decoded = decode_query(load_service_model("sts"), params)
    assert decoded["PolicyArns"] == [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]


@pytest.mark.parametrize(
    ("text", "params"),
    [
        ("Action=ListUsers&Version=2010-05-08", {"Action": "ListUsers", "Version": "2010-05-08"}),
        ("Tags=&Path=%2Fa%2F", {"Tags": "", "Path": "/a/"}),
        ("Description=a+b%2Bc", {"Description": "a b+c"}),
        # STS probes: with a repeated name the first value is the one AWS acts on.
        ("Action=GetCallerIdentity&Action=NoSuchAction", {"Action": "GetCallerIdentity"}),
        ("", {}),
    ],
)
def test_parse_query_params(text: str, params: dict[str, str]) -> None:
    assert parse_query_params(text) == params


@pytest.mark.parametrize(
    ("params", "service"),
    [
        ({"Action": "GetCallerIdentity", "Version": "2011-06-15"}, "sts"),
        ({"Action": "ListUsers", "Version": "2010-05-08"}, "iam"),
        ({"Action": "GetCallerIdentity"}, "sts"),
        ({"Action": "ListUsers", "Version": "1999-01-01"}, "iam"),
        ({"Action": "Nope"}, "iam"),
        ({}, "iam"),
    ],
)
def test_query_service_for(params: dict[str, str], service: str) -> None:
    assert query_service_for(params) == service
