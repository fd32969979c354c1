"""Loading the vendored models and looking things up in them.

Source: the models themselves (src/iamd/wire/models/*.json, AWS's service-2.json from botocore).
"""

from __future__ import annotations

import threading
from importlib import resources

import orjson
import pytest

from iamd.wire.query import decode_query, encode_query_response
from iamd.wire.service_model import ServiceModel, load_service_model
from iamd.wire.warmup import warm_up


def test_models_load_once() -> None:
    assert load_service_model("iam") is load_service_model("iam")


@pytest.mark.parametrize(
    ("service", "api_version", "protocol"),
    [
        ("iam", "2010-05-08", "query"),
        ("sts", "2011-06-15", "query"),
        ("accessanalyzer", "2019-11-01", "rest-json"),
    ],
)
def test_metadata(service: str, api_version: str, protocol: str) -> None:
    model = load_service_model(service)
    assert (model.api_version, model.protocol) == (api_version, protocol)


def test_unknown_service() -> None:
    with pytest.raises(ValueError, match="ec2"):
        load_service_model("ec2")


def test_operations_and_shapes() -> None:
    iam = load_service_model("iam")
    create_user = iam.operation("CreateUser")
    assert create_user is not None
    assert (create_user.input_shape, create_user.output_shape) == ("CreateUserRequest", "CreateUserResponse")
    assert create_user.result_wrapper == "CreateUserResult"
    assert "EntityAlreadyExistsException" in create_user.errors
    assert iam.operation("NoSuchOperation") is None
    user_name = iam.shape(iam.shape("CreateUserRequest").members["UserName"].shape_name)
    assert (user_name.min, user_name.max, user_name.pattern) == (1, 64, r"[\w+=,.@-]+")
    assert iam.shape("CreateUserRequest").required == frozenset({"UserName"})
    no_such_entity = iam.shape("NoSuchEntityException")
    assert (no_such_entity.error_code, no_such_entity.error_status) == ("NoSuchEntity", 404)


ROUTES = [
    ("POST", "/policy/validation", "ValidatePolicy", {}),
    ("GET", "/analyzer/main", "GetAnalyzer", {"analyzerName": "main"}),
    ("DELETE", "/analyzer/main", "DeleteAnalyzer", {"analyzerName": "main"}),
    ("POST", "/analyzer/findings/statistics", "GetFindingsStatistics", {}),
    ("GET", "/analyzer/main/archive-rule/r1", "GetArchiveRule", {"analyzerName": "main", "ruleName": "r1"}),
    ("GET", "/access-preview/p-1", "GetAccessPreview", {"accessPreviewId": "p-1"}),
    ("POST", "/access-preview/p-1", "ListAccessPreviewFindings", {"accessPreviewId": "p-1"}),
    (
        "GET",
        "/tags/arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa",
        "ListTagsForResource",
        {"resourceArn": "arn:aws:iam::1:role/a"},
    ),
    ("get", "/analyzer", "ListAnalyzers", {}),
]


@pytest.mark.parametrize(("method", "path", "operation", "labels"), ROUTES)
def test_rest_routes(method: str, path: str, operation: str, labels: dict[str, str]) -> None:
    resolved = load_service_model("accessanalyzer").resolve_route(method, path)
    assert resolved is not None
    assert (resolved[0].name, resolved[1]) == (operation, labels)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/policy/validation"),
        ("POST", "/nowhere"),
        ("GET", "/analyzer/a/b/c/d"),
        ("PATCH", "/analyzer"),
    ],
)
def test_rest_routes_that_do_not_exist(method: str, path: str) -> None:
    assert load_service_model("accessanalyzer").resolve_route(method, path) is None


def test_literal_routes_win_over_labels(rest_model: ServiceModel) -> None:
    resolved = rest_model.resolve_route("PUT", "/things/stats")
    assert resolved is not None
    assert resolved[0].name == "PutStats"


def test_codec_tables_are_safe_to_build_from_many_threads() -> None:
    # A fresh model, so eight threads race to build the same (nested) codecs at the same moment.
    raw = orjson.loads(resources.files("iamd.wire").joinpath("models", "iam.json").read_bytes())
    fresh = ServiceModel("iam", raw)
    params = {
        "Action": "GetAccountAuthorizationDetails",
        "Version": "2010-05-08",
        "Filter.member.1": "User",
        "MaxItems": "5",
    }
    decoded: list[object] = []
    encoded: list[bytes] = []
    barrier = threading.Barrier(8)

    def work() -> None:
        barrier.wait()
        decoded.append(decode_query(fresh, params))
        encoded.append(
            encode_query_response(fresh, "GetAccountAuthorizationDetails", {"IsTruncated": False}, "r")
        )

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert decoded == [("GetAccountAuthorizationDetails", {"Filter": ["User"], "MaxItems": 5})] * 8
    assert len(encoded) == 8
    assert len(set(encoded)) == 1


def test_warm_up_builds_every_codec_of_every_service() -> None:
    # Every input and output shape of every operation in AWS's three models must yield a codec.
    assert [model.name for model in warm_up()] == ["iam", "sts", "accessanalyzer"]
