"""An EC2 instance-metadata compatible endpoint (IMDSv2 only) serving a configured role's credentials.

SDKs find it with ``AWS_EC2_METADATA_SERVICE_ENDPOINT=http://HOST:PORT`` (or ``ec2_metadata_service_endpoint``
in the config file). Behaviour, from https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-v2-how-it-works.html,
https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html and
https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-categories.html:

- ``PUT /latest/api/token`` with ``X-aws-ec2-metadata-token-ttl-seconds`` (1 to 21,600) returns a session
  token; a missing or invalid TTL is 400, a request that carries ``X-Forwarded-For`` is refused (403).
- every ``GET`` needs a valid token in ``X-aws-ec2-metadata-token``: as on an instance that requires
  IMDSv2, a missing, expired or foreign token is 401.
- ``/latest/meta-data/iam/security-credentials/`` lists the role name; ``.../<role name>`` returns the
  credentials JSON; ``/latest/meta-data/iam/info`` the instance profile. A role that exists but does not
  trust ``ec2.amazonaws.com`` gets the 200 JSON error EC2 itself returns (Code
  ``AssumeRoleUnauthorizedAccess``); a role that does not exist is like an instance without a profile (404).

Tokens are self-contained (sealed with the master key, like session tokens), so every worker process
accepts every other's.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from datetime import datetime
from typing import Final

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from iamd.auth.secrets import SecretBox, SecretBoxError
from iamd.clock import Clock
from iamd.credentials_endpoints.role_credentials import RoleCredentials, RoleUnavailable

TTL_HEADER: Final = "x-aws-ec2-metadata-token-ttl-seconds"
TOKEN_HEADER: Final = "x-aws-ec2-metadata-token"
MAX_TTL_SECONDS: Final = 21600
_PURPOSE: Final = "imds-session-token"
_OWNER: Final = "imds"
_MAX_TOKEN_CHARS: Final = 512

CREDENTIALS_PATH: Final = "/latest/meta-data/iam/security-credentials/"
INFO_PATH: Final = "/latest/meta-data/iam/info"
TOKEN_PATH: Final = "/latest/api/token"


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _json(document: dict[str, str]) -> Response:
    # IMDS answers with text/plain even for JSON documents; SDKs parse the body regardless.
    return Response(orjson.dumps(document, option=orjson.OPT_INDENT_2), media_type="text/plain")


def _status(status: int, text: str) -> Response:
    return Response(text, status_code=status, media_type="text/plain")


class MetadataTokens:
    """IMDSv2 session tokens: the expiry time sealed with the master key."""

    def __init__(self, box: SecretBox, clock: Clock) -> None:
        self._box = box
        self._clock = clock

    def issue(self, ttl_seconds: int) -> str:
        expires = int(self._clock.now().timestamp()) + ttl_seconds
        sealed = self._box.seal(struct.pack(">Q", expires), purpose=_PURPOSE, owner=_OWNER)
        return base64.urlsafe_b64encode(sealed).decode("ascii")

    def remaining_seconds(self, token: str) -> int | None:
        """Seconds the token has left; None for a token that is not ours, tampered or expired."""
        if not token or len(token) > _MAX_TOKEN_CHARS:
            return None
        try:
            raw = base64.urlsafe_b64decode(token.encode("ascii"))
            (expires,) = struct.unpack(">Q", self._box.open(raw, purpose=_PURPOSE, owner=_OWNER))
        except (binascii.Error, ValueError, UnicodeEncodeError, SecretBoxError, struct.error):
            return None
        remaining = int(expires - self._clock.now().timestamp())
        return remaining if remaining > 0 else None


def parse_ttl(value: str | None) -> int | None:
    if value is None or not value.isascii() or not value.isdigit():
        return None
    ttl = int(value)
    return ttl if 1 <= ttl <= MAX_TTL_SECONDS else None


def instance_profile_id(role_id: str) -> str:
    """A stable ``AIPA...`` id for the pretend instance profile of a role without a stored one."""
    digest = base64.b32encode(hashlib.sha256(role_id.encode()).digest()).decode("ascii")
    return "AIPA" + digest[:17]


def imds_routes(source: RoleCredentials, tokens: MetadataTokens) -> list[Route]:
    async def token(request: Request) -> Response:
        if "x-forwarded-for" in request.headers:
            return _status(403, "Forbidden")
        ttl = parse_ttl(request.headers.get(TTL_HEADER))
        if ttl is None:
            return _status(400, "Missing or Invalid Parameters")
        return Response(
            tokens.issue(ttl),
            media_type="text/plain",
            headers={"X-aws-ec2-metadata-token-ttl-seconds": str(ttl)},
        )

    def authorized(request: Request) -> int | None:
        return tokens.remaining_seconds(request.headers.get(TOKEN_HEADER, ""))

    async def role_names(request: Request) -> Response:
        if authorized(request) is None:
            return _status(401, "Unauthorized")
        try:
            await run_in_threadpool(source.get)
        except RoleUnavailable as refusal:
            if refusal.missing:
                return _status(404, "Not Found")
        return Response(source.role_name, media_type="text/plain")

    async def role_credentials(request: Request) -> Response:
        if authorized(request) is None:
            return _status(401, "Unauthorized")
        if request.path_params["role"] != source.role_name:
            return _status(404, "Not Found")
        try:
            issued = await run_in_threadpool(source.get)
        except RoleUnavailable as refusal:
            if refusal.missing:
                return _status(404, "Not Found")
            return _json(
                {
                    "Code": "AssumeRoleUnauthorizedAccess",
                    "Message": f"EC2 cannot assume the role {source.role_name}: {refusal.reason}.",
                    "LastUpdated": _timestamp(source.now()),
                }
            )
        return _json(
            {
                "Code": "Success",
                "LastUpdated": _timestamp(issued.issued_at),
                "Type": "AWS-HMAC",
                "AccessKeyId": issued.access_key_id,
                "SecretAccessKey": issued.secret_access_key,
                "Token": issued.token,
                "Expiration": _timestamp(issued.expires_at),
            }
        )

    async def info(request: Request) -> Response:
        if authorized(request) is None:
            return _status(401, "Unauthorized")
        try:
            issued = await run_in_threadpool(source.get)
        except RoleUnavailable:
            return _status(404, "Not Found")
        profile = await run_in_threadpool(source.instance_profile, issued.role)
        if profile is not None:
            arn, profile_id = profile.arn, profile.id
        else:
            role = issued.role
            arn = f"arn:aws:iam::{role.account_id}:instance-profile/{role.name}"
            profile_id = instance_profile_id(role.id)
        return _json(
            {
                "Code": "Success",
                "LastUpdated": _timestamp(issued.issued_at),
                "InstanceProfileArn": arn,
                "InstanceProfileId": profile_id,
            }
        )

    return [
        Route(TOKEN_PATH, token, methods=["PUT"]),
        Route(CREDENTIALS_PATH, role_names, methods=["GET"]),
        Route(CREDENTIALS_PATH + "{role}", role_credentials, methods=["GET"]),
        Route(INFO_PATH, info, methods=["GET"]),
    ]
