"""Helpers for the web identity tests (no tests here): a local OIDC issuer, providers, roles, tokens."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from joserfc import jwt
from joserfc.jwk import RSAKey

from iamd.oidc_issuer import BuiltinIssuer, issuer_url_of
from tests.integration.server.harness import RunningServer, unique

GITHUB_AUDIENCE = "sts.amazonaws.com"


class LocalIssuer:
    """A key pair made here and an HTTP server on 127.0.0.1 serving its discovery document and JWKS."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "local-1", "use": "sig", "alg": "RS256"})
        self.requests: list[str] = []
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                issuer.requests.append(self.path)
                if self.path == "/.well-known/openid-configuration":
                    body: dict[str, Any] = {"issuer": issuer.url, "jwks_uri": issuer.url + "/keys"}
                elif self.path == "/keys":
                    body = {"keys": [issuer.key.as_dict(private=False)]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def token(self, **claims: Any) -> str:
        now = int(time.time())
        payload = {"iss": self.url, "sub": "system:serviceaccount:default:app", "aud": GITHUB_AUDIENCE}
        payload.update({"iat": now, "nbf": now, "exp": now + 3600})
        payload.update(claims)
        return jwt.encode({"alg": "RS256", "kid": self.key.kid, "typ": "JWT"}, payload, self.key)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def local_issuer() -> Iterator[LocalIssuer]:
    issuer = LocalIssuer()
    yield issuer
    issuer.close()


def data_dir_of(server: RunningServer) -> Path:
    return server.log_path.parent


def builtin_issuer_url(server: RunningServer) -> str:
    return issuer_url_of(server.url)


def builtin_token(server: RunningServer, subject: str, audience: str = GITHUB_AUDIENCE, **claims: Any) -> str:
    """A token of the server's built-in issuer, signed here with the key in its data dir."""
    issuer = BuiltinIssuer(data_dir_of(server))
    ttl = claims.pop("ttl", 3600)
    return issuer.token(
        issuer_url=builtin_issuer_url(server),
        subject=subject,
        audience=audience,
        ttl_seconds=ttl,
        claims=claims,
    )


def cli_token(server: RunningServer, *args: str) -> str:
    """``iamd oidc token ...`` against the server's data dir and endpoint."""
    where = ("--data-dir", str(data_dir_of(server)), "--endpoint-url", server.url)
    out = subprocess.run(
        [sys.executable, "-m", "iamd", "oidc", "token", *args, *where],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return out.stdout.strip()


def ensure_provider(server: RunningServer, url: str, client_ids: tuple[str, ...] = (GITHUB_AUDIENCE,)) -> str:
    """The ARN of the account's provider for ``url`` (created once; client ids added as needed)."""
    iam = server.client("iam")
    arn = f"arn:aws:iam::{server.account_id}:oidc-provider/{url.split('://', 1)[1]}"
    existing = [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    if arn not in existing:
        iam.create_open_id_connect_provider(Url=url, ClientIDList=list(client_ids))
    for client_id in client_ids:
        iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID=client_id)
    return arn


def web_identity_role(
    server: RunningServer,
    provider_arn: str,
    condition: dict[str, Any] | None = None,
    *,
    actions: tuple[str, ...] = ("sts:AssumeRoleWithWebIdentity",),
    policy: dict[str, Any] | None = None,
) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": list(actions),
    }
    if condition:
        statement["Condition"] = condition
    iam = server.client("iam")
    name = unique("wif")
    document = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=document)["Role"]["Arn"]
    if policy is not None:
        iam.put_role_policy(RoleName=name, PolicyName="permissions", PolicyDocument=json.dumps(policy))
    return arn


def unsigned_sts(server: RunningServer) -> Any:
    """An STS client with no credentials at all: AssumeRoleWithWebIdentity needs none."""
    return boto3.client(
        "sts",
        endpoint_url=server.url,
        region_name="us-east-1",
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )
