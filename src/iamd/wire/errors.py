"""Any IamdError as the error document AWS clients parse: Query XML for IAM/STS, JSON for REST-JSON.

Query (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html)::

    <ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
      <Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>...</Message></Error>
      <RequestId>...</RequestId>
    </ErrorResponse>

botocore's QueryParser reads ``Error/Code`` and ``Error/Message`` from it, and the HTTP status.

REST-JSON (Access Analyzer): the code in the ``x-amzn-ErrorType`` header (botocore's RestJSONParser
prefers it and cuts it at ``:``), ``{"message": ...}`` in the body. The JSON protocols name the
common errors differently (``AccessDeniedException`` ...); the table below maps iamd's Query codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from iamd.errors import IamdError
from iamd.wire.query import QUERY_CONTENT_TYPE, escape

QUERY_NAMESPACES = {
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
}

REST_JSON_CONTENT_TYPE = "application/json"

# iamd's (Query-protocol) error codes as the JSON protocols spell them. Sources: the Access Analyzer
# model's error shapes (AccessDeniedException, ResourceNotFoundException, ValidationException,
# InternalServerException) and AWS's common errors for JSON services
# (https://docs.aws.amazon.com/accessanalyzer/latest/APIReference/CommonErrors.html).
REST_JSON_CODES = {
    "AccessDenied": "AccessDeniedException",
    "ValidationError": "ValidationException",
    "NoSuchEntity": "ResourceNotFoundException",
    "EntityAlreadyExists": "ConflictException",
    "LimitExceeded": "ServiceQuotaExceededException",
    "ServiceFailure": "InternalServerException",
    "InternalFailure": "InternalServerException",
    "InvalidClientTokenId": "UnrecognizedClientException",
    "SignatureDoesNotMatch": "InvalidSignatureException",
    "MissingAuthenticationToken": "MissingAuthenticationTokenException",
    "IncompleteSignature": "IncompleteSignatureException",
    "ExpiredToken": "ExpiredTokenException",
    "MalformedInput": "SerializationException",
}


def render_query_error(
    error: IamdError, request_id: str, service: str = "iam"
) -> tuple[int, dict[str, str], bytes]:
    """``(status, headers, body)`` of AWS's Query ``ErrorResponse`` for ``error``.

    ``service`` is ``iam`` or ``sts`` and chooses the document's namespace.
    """
    fault = "Sender" if error.sender_fault else "Receiver"
    body = (
        f'<ErrorResponse xmlns="{QUERY_NAMESPACES[service]}">'
        f"<Error><Type>{fault}</Type><Code>{escape(error.code)}</Code>"
        f"<Message>{escape(error.message)}</Message></Error>"
        f"<RequestId>{escape(request_id)}</RequestId></ErrorResponse>"
    )
    headers = {"Content-Type": QUERY_CONTENT_TYPE, "x-amzn-RequestId": request_id}
    return error.status, headers, body.encode("utf-8")


def rest_json_code(error: IamdError) -> str:
    return REST_JSON_CODES.get(error.code, error.code)


def render_rest_json_error(
    error: IamdError, request_id: str, fields: Mapping[str, Any] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """``(status, headers, body)`` of a REST-JSON error for ``error``.

    ``fields`` adds members of the modelled error shape to the body (e.g. ValidationException's
    ``reason`` and ``fieldList``).
    """
    code = rest_json_code(error)
    body: dict[str, Any] = {"message": error.message}
    if fields:
        body.update(fields)
    headers = {
        "Content-Type": REST_JSON_CONTENT_TYPE,
        "x-amzn-ErrorType": code,
        "x-amzn-RequestId": request_id,
    }
    return error.status, headers, orjson.dumps(body)
