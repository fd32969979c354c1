"""Error documents: Query ``ErrorResponse`` XML and REST-JSON ``x-amzn-ErrorType`` + ``message``.

Sources: IAM's error form as real IAM returns it, e.g.
``<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>
<Code>ValidationError</Code><Message>...</Message></Error><RequestId>...</RequestId></ErrorResponse>``
(quoted in https://github.com/NixOS/nixops/issues/328); botocore's RestJSONParser reads the code from
``x-amzn-ErrorType`` (cut at ``:``) and the message from ``message``.
"""

from __future__ import annotations

import orjson
import pytest

from iamd import errors
from iamd.wire.errors import QUERY_NAMESPACES, REST_JSON_CODES, render_query_error, render_rest_json_error
from iamd.wire.service_model import load_service_model


def test_query_error_document() -> None:
    status, headers, body = render_query_error(
        errors.NoSuchEntity("The user with name bob cannot be found."), "rid"
    )
    assert status == 404
    assert headers == {"Content-Type": "text/xml", "x-amzn-RequestId": "rid"}
    assert body == (
        b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>'
        b"<Code>NoSuchEntity</Code><Message>The user with name bob cannot be found.</Message></Error>"
        b"<RequestId>rid</RequestId></ErrorResponse>"
    )


def test_server_faults_are_receiver() -> None:
    status, _, body = render_query_error(errors.ServiceFailure(), "rid")
    assert status == 500
    assert b"<Type>Receiver</Type><Code>ServiceFailure</Code>" in body


def test_messages_are_escaped() -> None:
    _, _, body = render_query_error(errors.MalformedPolicyDocument('Bad <"Statement"> & more'), "rid")
    assert b'<Message>Bad &lt;"Statement"&gt; &amp; more</Message>' in body


@pytest.mark.parametrize("service", ["iam", "sts"])
def test_namespaces_match_the_models(service: str) -> None:
    assert QUERY_NAMESPACES[service] == load_service_model(service).xml_namespace
    _, _, body = render_query_error(errors.AccessDenied(), "rid", service)
    assert body.startswith(f'<ErrorResponse xmlns="{QUERY_NAMESPACES[service]}">'.encode())


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (errors.ValidationError("1 validation error detected: x"), "ValidationException", 400),
        (errors.AccessDenied(), "AccessDeniedException", 403),
        (errors.NoSuchEntity("gone"), "ResourceNotFoundException", 404),
        (errors.ServiceFailure(), "InternalServerException", 500),
        (errors.SignatureDoesNotMatch(), "InvalidSignatureException", 403),
        (errors.InvalidClientTokenId(), "UnrecognizedClientException", 403),
        (errors.SerializationException(), "SerializationException", 400),
        (errors.UnknownOperationException(), "UnknownOperationException", 404),
    ],
)
def test_rest_json_error(error: errors.IamdError, code: str, status: int) -> None:
    got_status, headers, body = render_rest_json_error(error, "rid")
    assert got_status == status
    assert headers == {
        "Content-Type": "application/json",
        "x-amzn-ErrorType": code,
        "x-amzn-RequestId": "rid",
    }
    assert orjson.loads(body) == {"message": error.message}


def test_rest_json_error_codes_are_modelled_access_analyzer_errors() -> None:
    # Every JSON-side code that Access Analyzer models must be spelled as its model spells it.
    modelled = {
        name for name, shape in load_service_model("accessanalyzer").shapes.items() if shape.is_exception
    }
    for code in (
        "AccessDeniedException",
        "ValidationException",
        "ResourceNotFoundException",
        "ConflictException",
    ):
        assert code in modelled
        assert code in REST_JSON_CODES.values()


def test_rest_json_error_extra_fields() -> None:
    error = errors.ValidationError("1 validation error detected: ...")
    _, _, body = render_rest_json_error(error, "rid", {"reason": "fieldValidationFailed", "fieldList": []})
    assert orjson.loads(body) == {
        "message": error.message,
        "reason": "fieldValidationFailed",
        "fieldList": [],
    }
