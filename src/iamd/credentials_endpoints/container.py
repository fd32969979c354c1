"""The container credentials endpoint (as the ECS agent and EKS Pod Identity serve it) for a configured role.

SDKs find it with ``AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:PORT/_iamd/container-credentials``
and send ``AWS_CONTAINER_AUTHORIZATION_TOKEN`` (or the contents of ``AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE``)
verbatim as the ``Authorization`` header
(https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html). The answer is the
document the ECS agent returns
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html): ``AccessKeyId``,
``SecretAccessKey``, ``Token``, ``Expiration`` and ``RoleArn``. A missing or wrong token is 401; a role
that does not exist is 404 and one that does not trust ``ecs-tasks.amazonaws.com`` 403, each with a JSON
``code``/``message`` body like the agent's errors.
"""

from __future__ import annotations

import hmac
from typing import Final

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from iamd.credentials_endpoints.role_credentials import RoleCredentials, RoleUnavailable

CONTAINER_CREDENTIALS_PATH: Final = "/_iamd/container-credentials"


def _error(status: int, code: str, message: str) -> Response:
    return JSONResponse({"code": code, "message": message}, status_code=status)


def token_matches(presented: str, expected: str) -> bool:
    """Constant-time comparison, so the token cannot be guessed a character at a time."""
    return hmac.compare_digest(presented.encode("utf-8", "surrogateescape"), expected.encode("utf-8"))


def container_routes(source: RoleCredentials, authorization_token: str) -> list[Route]:
    if not authorization_token:
        raise ValueError("the container credentials endpoint needs an authorization token")

    async def credentials(request: Request) -> Response:
        if not token_matches(request.headers.get("authorization", ""), authorization_token):
            return _error(401, "Unauthorized", "The Authorization header does not carry the expected token.")
        try:
            issued = await run_in_threadpool(source.get)
        except RoleUnavailable as refusal:
            if refusal.missing:
                return _error(404, "NoSuchEntity", f"Cannot serve credentials: {refusal.reason}.")
            return _error(403, "AccessDenied", f"Cannot serve credentials: {refusal.reason}.")
        return JSONResponse(
            {
                "RoleArn": issued.role.arn,
                "AccessKeyId": issued.access_key_id,
                "SecretAccessKey": issued.secret_access_key,
                "Token": issued.token,
                "Expiration": issued.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )

    return [Route(CONTAINER_CREDENTIALS_PATH, credentials, methods=["GET"])]
