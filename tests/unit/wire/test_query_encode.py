"""encode_query_response: the exact XML AWS's Query services return.

Sources: IAM API reference response examples (e.g.
https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html#API_CreateUser_Examples):
``<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateUserResult>...``
``<ResponseMetadata><RequestId>``; operations without output carry only ResponseMetadata; lists as
``<member>``, maps as ``<entry><key/><value/></entry>``; IAM policy documents URL-encoded
(botocore's ``json_decode_policies`` undoes it for ``policyDocumentType``).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from iamd.wire.query import encode_query_response, escape
from iamd.wire.service_model import ServiceModel, load_service_model

UTC = datetime.UTC


def result_xml(model: ServiceModel, result: dict[str, Any]) -> str:
    body = encode_query_response(model, "Put", result, "rid").decode()
    head = '<PutResponse xmlns="https://example.com/doc/"><PutResult>'
    tail = "</PutResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></PutResponse>"
    assert body.startswith(head)
    assert body.endswith(tail)
    return body[len(head) : -len(tail)]


CASES: list[tuple[str, dict[str, Any], str]] = [
    ("nothing", {}, ""),
    ("None members are left out", {"Name": None, "Flag": None}, ""),
    ("members in model order, not dict order", {"Count": 3, "Name": "a"}, "<Name>a</Name><Count>3</Count>"),
    ("lower-case booleans", {"Flag": True}, "<Flag>true</Flag>"),
    ("false is written, not dropped", {"Flag": False}, "<Flag>false</Flag>"),
    ("zero is written", {"Count": 0}, "<Count>0</Count>"),
    ("double", {"Ratio": 0.5}, "<Ratio>0.5</Ratio>"),
    (
        "timestamp whole seconds",
        {"When": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)},
        "<When>2024-01-02T03:04:05Z</When>",
    ),
    (
        "timestamp milliseconds",
        {"When": datetime.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)},
        "<When>2024-01-02T03:04:05.123Z</When>",
    ),
    (
        "timestamp converted to UTC",
        {
            "When": datetime.datetime(
                2024, 1, 2, 5, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
            )
        },
        "<When>2024-01-02T03:04:05Z</When>",
    ),
    (
        "naive timestamp taken as UTC",
        {"When": datetime.datetime(2024, 1, 2, 3, 4, 5)},
        "<When>2024-01-02T03:04:05Z</When>",
    ),
    ("blob as base64", {"Data": b"\x00\xff"}, "<Data>AP8=</Data>"),
    ("list as member", {"Names": ["a", "b"]}, "<Names><member>a</member><member>b</member></Names>"),
    ("empty list", {"Names": []}, "<Names></Names>"),
    (
        "list of structures",
        {"Pairs": [{"Value": "v", "Key": "k"}]},
        "<Pairs><member><Key>k</Key><Value>v</Value></member></Pairs>",
    ),
    (
        "map as entry/key/value",
        {"Counts": {"a": 1, "b": 2}},
        "<Counts><entry><key>a</key><value>1</value></entry><entry><key>b</key><value>2</value></entry></Counts>",
    ),
    (
        "recursive structure",
        {"Tree": {"Label": "r", "Children": [{"Label": "c"}]}},
        "<Tree><Label>r</Label><Children><member><Label>c</Label></member></Children></Tree>",
    ),
    ("text escaped", {"Name": "a&b<c>d"}, "<Name>a&amp;b&lt;c&gt;d</Name>"),
    ("quotes need no escaping in text", {"Name": "\"'"}, "<Name>\"'</Name>"),
    ("carriage return kept as a reference", {"Name": "a\r\nb"}, "<Name>a&#xD;\nb</Name>"),
    ("unknown keys ignored", {"Nope": 1}, ""),
]


@pytest.mark.parametrize(("note", "result", "xml"), CASES, ids=[case[0] for case in CASES])
def test_encoding(query_model: ServiceModel, note: str, result: dict[str, Any], xml: str) -> None:
    assert result_xml(query_model, result) == xml


def test_operation_without_output_has_only_metadata(query_model: ServiceModel) -> None:
    body = encode_query_response(query_model, "Ping", {}, "r&1")
    assert body == (
        b'<PingResponse xmlns="https://example.com/doc/"><ResponseMetadata><RequestId>r&amp;1</RequestId>'
        b"</ResponseMetadata></PingResponse>"
    )


def test_iam_delete_user_response() -> None:
    body = encode_query_response(
        load_service_model("iam"), "DeleteUser", {}, "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE"
    )
    assert body == (
        b'<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata>'
        b"<RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata></DeleteUserResponse>"
    )


def test_iam_policy_documents_are_url_encoded() -> None:
    document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
    body = encode_query_response(
        load_service_model("iam"),
        "GetUserPolicy",
        {"UserName": "a", "PolicyName": "p", "PolicyDocument": document},
        "rid",
    ).decode()
    assert (
        "<PolicyDocument>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow"
        "%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D</PolicyDocument>"
    ) in body
    assert "<GetUserPolicyResult><UserName>a</UserName><PolicyName>p</PolicyName>" in body


def test_sts_namespace() -> None:
    body = encode_query_response(
        load_service_model("sts"), "GetCallerIdentity", {"UserId": "u", "Account": "1", "Arn": "a"}, "rid"
    )
    assert body.startswith(
        b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>'
        b"<UserId>u</UserId><Account>1</Account><Arn>a</Arn></GetCallerIdentityResult>"
    )


@pytest.mark.parametrize(
    ("text", "escaped"), [("", ""), ("plain", "plain"), ("<&>", "&lt;&amp;&gt;"), ("\r", "&#xD;")]
)
def test_escape(text: str, escaped: str) -> None:
    assert escape(text) == escaped
