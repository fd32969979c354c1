"""STS AssumeRoleWithWebIdentity end to end with boto3, on SQLite and PostgreSQL.

Behaviour from https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
(unsigned; response members; error codes from the STS service model: InvalidIdentityToken,
ExpiredTokenException, IDPCommunicationError), GitHub Actions' documented trust policy
(https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services:
StringEquals on ``token.actions.githubusercontent.com:aud``, StringLike on ``:sub``), the web identity
condition keys (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif)
and AWS's wording as clients report it ("No OpenIDConnect provider found in your account for ...",
"Incorrect token audience", "Not authorized to perform sts:AssumeRoleWithWebIdentity").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, free_port, start_server, unique
from tests.integration.server.test_sts_support import error_of, session_client
from tests.integration.server.test_web_identity_support import (
    GITHUB_AUDIENCE,
    LocalIssuer,
    builtin_issuer_url,
    builtin_token,
    cli_token,
    data_dir_of,
    ensure_provider,
    local_issuer,
    unsigned_sts,
    web_identity_role,
)

__all__ = ["local_issuer"]  # the fixture, imported for pytest

MAIN = "repo:org/app:ref:refs/heads/main"


def github_role(server: RunningServer, **kwargs: object) -> tuple[str, str]:
    provider = ensure_provider(server, builtin_issuer_url(server))
    prefix = provider.split("oidc-provider/", 1)[1]
    condition = {
        "StringEquals": {f"{prefix}:aud": GITHUB_AUDIENCE},
        "StringLike": {f"{prefix}:sub": "repo:org/app:*"},
    }
    return web_identity_role(server, provider, condition, **kwargs), provider  # type: ignore[arg-type]


def test_github_actions_style_with_a_token_from_iamd_oidc_token(iamd_server: RunningServer) -> None:
    role_arn, provider = github_role(
        iamd_server,
        policy={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}],
        },
    )
    token = cli_token(iamd_server, "--subject", MAIN, "--audience", GITHUB_AUDIENCE)
    before = datetime.now(UTC)
    response = unsigned_sts(iamd_server).assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="gha-run-1", WebIdentityToken=token, DurationSeconds=900
    )
    role_name = role_arn.rsplit("/", 1)[1]
    assert response["SubjectFromWebIdentityToken"] == MAIN
    assert response["Provider"] == provider
    assert response["Audience"] == GITHUB_AUDIENCE
    assert (
        response["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/gha-run-1"
    )
    credentials = response["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert (
        before + timedelta(seconds=898)
        <= credentials["Expiration"]
        <= datetime.now(UTC) + timedelta(seconds=901)
    )
    assert "PackedPolicySize" not in response and "SourceIdentity" not in response

    identity = session_client(iamd_server, "sts", credentials).get_caller_identity()
    assert identity["Arn"] == response["AssumedRoleUser"]["Arn"]
    iam = session_client(iamd_server, "iam", credentials)
    assert any(r["Arn"] == role_arn for r in iam.list_roles()["Roles"])  # the role's own permissions
    with pytest.raises(ClientError) as excinfo:
        iam.list_users()
    assert error_of(excinfo)[0] == "AccessDenied"


def test_wrong_subject_fails_the_trust_condition(iamd_server: RunningServer) -> None:
    role_arn, _ = github_role(iamd_server)
    token = builtin_token(iamd_server, "repo:evil/app:ref:refs/heads/main")
    with pytest.raises(ClientError) as excinfo:
        unsigned_sts(iamd_server).assume_role_with_web_identity(
            RoleArn=role_arn, RoleSessionName="s1", WebIdentityToken=token
        )
    assert error_of(excinfo) == (
        "AccessDenied",
        403,
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    )


def test_wrong_audience_is_an_invalid_identity_token(iamd_server: RunningServer) -> None:
    role_arn, _ = github_role(iamd_server)
    token = builtin_token(iamd_server, MAIN, audience="someone-else")
    with pytest.raises(ClientError) as excinfo:
        unsigned_sts(iamd_server).assume_role_with_web_identity(
            RoleArn=role_arn, RoleSessionName="s1", WebIdentityToken=token
        )
    assert error_of(excinfo) == ("InvalidIdentityToken", 400, "Incorrect token audience")


def test_expired_token(iamd_server: RunningServer) -> None:
    role_arn, _ = github_role(iamd_server)
    # AWS allows five minutes of clock skew past exp (id_roles_providers_oidc.html): an hour ago is expired.
    token = builtin_token(iamd_server, MAIN, ttl=-3600)
    with pytest.raises(ClientError) as excinfo:
        unsigned_sts(iamd_server).assume_role_with_web_identity(
            RoleArn=role_arn, RoleSessionName="s1", WebIdentityToken=token
        )
    code, status, message = error_of(excinfo)
    assert (code, status) == ("ExpiredTokenException", 400)
    assert message.startswith("Token expired: current date/time ")


def test_tampered_token(iamd_server: RunningServer) -> None:
    role_arn, _ = github_role(iamd_server)
    header, _, signature = builtin_token(iamd_server, MAIN).split(".")
    forged_payload = builtin_token(iamd_server, "repo:org/app:ref:refs/heads/other").split(".")[1]
    with pytest.raises(ClientError) as excinfo:
        unsigned_sts(iamd_server).assume_role_with_web_identity(
            RoleArn=role_arn, RoleSessionName="s1", WebIdentityToken=f"{header}.{forged_payload}.{signature}"
        )
    assert error_of(excinfo)[:2] == ("InvalidIdentityToken", 400)


def test_unknown_issuer(iamd_server: RunningServer) -> None:
    role_arn, _ = github_role(iamd_server)
    stranger = LocalIssuer()
    try:
        with pytest.raises(ClientError) as excinfo:
            unsigned_sts(iamd_server).assume_role_with_web_identity(
                RoleArn=role_arn, RoleSessionName="s1", WebIdentityToken=stranger.token(sub=MAIN)
            )
    finally:
        stranger.close()
    assert error_of(excinfo) == (
        "InvalidIdentityToken",
        400,
        f"No OpenIDConnect provider found in your account for {stranger.url}",
    )
    assert stranger.requests == []  # an issuer the account does not trust is never contacted


def test_unreachable_jwks_is_an_idp_communication_error(iamd_server: RunningServer) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    provider = ensure_provider(iamd_server, url)
    role_arn = web_identity_role(iamd_server, provider)
    key = RSAKey.generate_key(2048, parameters={"kid": "gone"})
    now = int(time.time())
    token = jwt.encode(
        {"alg": "RS256", "kid": "gone"},
        {"iss": url, "sub": "x", "aud": GITHUB_AUDIENCE, "iat": now, "exp": now + 600},
        key,
    )
    with pytest.raises(ClientError) as excinfo:
        unsigned_sts(iamd_server).assume_role_with_web_identity(
            RoleArn=role_arn, RoleSessionName="s1", WebIdentityToken=token
        )
    assert error_of(excinfo)[:2] == ("IDPCommunicationError", 400)


def test_irsa_style_with_a_local_key_pair(iamd_server: RunningServer, local_issuer: LocalIssuer) -> None:
    provider = ensure_provider(iamd_server, local_issuer.url)
    prefix = local_issuer.url.split("://", 1)[1]
    subject = "system:serviceaccount:payments:api"
    role_arn = web_identity_role(
        iamd_server,
        provider,
        {"StringEquals": {f"{prefix}:sub": subject, f"{prefix}:aud": GITHUB_AUDIENCE}},
    )
    response = unsigned_sts(iamd_server).assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="pod", WebIdentityToken=local_issuer.token(sub=subject)
    )
    assert response["SubjectFromWebIdentityToken"] == subject
    assert "/.well-known/openid-configuration" in local_issuer.requests and "/keys" in local_issuer.requests

    with pytest.raises(ClientError) as excinfo:
        unsigned_sts(iamd_server).assume_role_with_web_identity(
            RoleArn=role_arn,
            RoleSessionName="pod",
            WebIdentityToken=local_issuer.token(sub="system:serviceaccount:other:api"),
        )
    assert error_of(excinfo)[0] == "AccessDenied"


def test_sdk_default_chain_with_web_identity_token_file(
    iamd_server: RunningServer, local_issuer: LocalIssuer, tmp_path: object
) -> None:
    """boto3 with AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE and no keys gets role credentials itself."""
    provider = ensure_provider(iamd_server, local_issuer.url)
    role_arn = web_identity_role(iamd_server, provider)
    token_file = os.path.join(str(tmp_path), "token")
    with open(token_file, "w") as handle:
        handle.write(local_issuer.token(sub="system:serviceaccount:default:sdk"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "IAMD_"))}
    env.update(
        {
            "AWS_ROLE_ARN": role_arn,
            "AWS_WEB_IDENTITY_TOKEN_FILE": token_file,
            "AWS_ROLE_SESSION_NAME": "sdk-session",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": iamd_server.url,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    script = "import boto3, json; print(json.dumps(boto3.client('sts').get_caller_identity()['Arn']))"
    out = subprocess.run(
        [sys.executable, "-c", script], check=False, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    role_name = role_arn.rsplit("/", 1)[1]
    assert json.loads(out.stdout) == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/sdk-session"


def test_session_tags_and_source_identity_from_the_token(iamd_server: RunningServer) -> None:
    """Tags in the https://aws.amazon.com/tags claim need sts:TagSession; they become principal tags
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_adding-assume-role-idp)."""
    provider = ensure_provider(iamd_server, builtin_issuer_url(iamd_server))
    claims = {
        "https://aws.amazon.com/tags": {
            "principal_tags": {"team": ["payments"]},
            "transitive_tag_keys": ["team"],
        },
        "https://aws.amazon.com/source_identity": "alice",
    }
    untagged = web_identity_role(iamd_server, provider, actions=("sts:AssumeRoleWithWebIdentity",))
    with pytest.raises(ClientError) as excinfo:
        unsigned_sts(iamd_server).assume_role_with_web_identity(
            RoleArn=untagged,
            RoleSessionName="s1",
            WebIdentityToken=builtin_token(iamd_server, MAIN, **claims),
        )
    assert error_of(excinfo)[0] == "AccessDenied"

    role_arn = web_identity_role(
        iamd_server,
        provider,
        actions=("sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity"),
        policy={
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "iam:ListRoles",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:PrincipalTag/team": "payments"}},
                }
            ],
        },
    )
    response = unsigned_sts(iamd_server).assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="s1", WebIdentityToken=builtin_token(iamd_server, MAIN, **claims)
    )
    assert response["SourceIdentity"] == "alice"
    assert 0 < response["PackedPolicySize"] <= 100
    session_client(iamd_server, "iam", response["Credentials"]).list_roles()  # allowed by the tag


def test_missing_role_and_duration_over_the_maximum(iamd_server: RunningServer) -> None:
    role_arn, _ = github_role(iamd_server)
    token = builtin_token(iamd_server, MAIN)
    sts = unsigned_sts(iamd_server)
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role_with_web_identity(
            RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/no-such-role",
            RoleSessionName="s1",
            WebIdentityToken=token,
        )
    assert error_of(excinfo)[0] == "AccessDenied"
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role_with_web_identity(
            RoleArn=role_arn, RoleSessionName="s1", WebIdentityToken=token, DurationSeconds=7200
        )
    assert error_of(excinfo)[0] == "ValidationError"


def test_builtin_issuer_documents(iamd_server: RunningServer) -> None:
    """OpenID Connect Discovery 1.0: the issuer names itself and its jwks_uri; the JWKS holds public keys."""
    issuer = builtin_issuer_url(iamd_server)
    with urllib.request.urlopen(issuer + "/.well-known/openid-configuration", timeout=5) as response:
        discovery = json.load(response)
    assert discovery["issuer"] == issuer
    with urllib.request.urlopen(discovery["jwks_uri"], timeout=5) as response:
        keys = json.load(response)["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and "d" not in keys[0]


def test_condition_keys_azp_oaud_amr_and_federated_provider(
    iamd_server: RunningServer, local_issuer: LocalIssuer
) -> None:
    """With azp present, <provider>:aud is azp and the aud values go to <provider>:oaud; amr is
    multivalued (reference_policies_iam-condition-keys.html#condition-keys-wif)."""
    provider = ensure_provider(iamd_server, local_issuer.url, ("web-client",))
    prefix = local_issuer.url.split("://", 1)[1]
    condition = {
        "StringEquals": {
            f"{prefix}:aud": "web-client",
            f"{prefix}:oaud": "api://backend",
            "aws:FederatedProvider": provider,
        },
        "ForAnyValue:StringEquals": {f"{prefix}:amr": "mfa"},
    }
    role_arn = web_identity_role(iamd_server, provider, condition)
    claims = {"azp": "web-client", "aud": ["api://backend", "web-client"], "sub": "user-7"}
    response = unsigned_sts(iamd_server).assume_role_with_web_identity(
        RoleArn=role_arn,
        RoleSessionName="web",
        WebIdentityToken=local_issuer.token(amr=["pwd", "mfa"], **claims),
        Policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}]}
        ),
    )
    assert response["Audience"] == "web-client"
    assert 0 < response["PackedPolicySize"] <= 100  # a session policy was passed
    with pytest.raises(ClientError) as excinfo:
        unsigned_sts(iamd_server).assume_role_with_web_identity(
            RoleArn=role_arn,
            RoleSessionName="web",
            WebIdentityToken=local_issuer.token(amr=["pwd"], **claims),
        )
    assert error_of(excinfo)[0] == "AccessDenied"


def test_static_keys_in_the_data_dir_serve_an_offline_issuer(iamd_server: RunningServer) -> None:
    """Keys configured as <data dir>/oidc-keys/<name>.json: the issuer is never contacted (iamd's own
    offline mode; the issuer host below does not resolve)."""
    host = f"{unique('offline')}.invalid"
    url = f"https://{host}"
    key = RSAKey.generate_key(2048, parameters={"kid": "offline-1"})
    keys_dir = data_dir_of(iamd_server) / "oidc-keys"
    keys_dir.mkdir(exist_ok=True)
    (keys_dir / f"{host}.json").write_text(json.dumps({"keys": [key.as_dict(private=False)]}))
    provider = ensure_provider(iamd_server, url)
    role_arn = web_identity_role(iamd_server, provider)
    now = int(time.time())
    token = jwt.encode(
        {"alg": "RS256", "kid": "offline-1"},
        {"iss": url, "sub": "job-1", "aud": GITHUB_AUDIENCE, "iat": now, "exp": now + 600},
        key,
    )
    response = unsigned_sts(iamd_server).assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="offline", WebIdentityToken=token
    )
    assert response["SubjectFromWebIdentityToken"] == "job-1"


def test_audit_mode_issues_what_the_trust_policy_would_deny(tmp_path: Path) -> None:
    """--auth-mode audit (DESIGN.md) records the trust policy's would-be denial instead of refusing; the
    token itself is still checked."""
    server = start_server(tmp_path, None, "sqlite", "--auth-mode", "audit")
    try:
        role_arn, _ = github_role(server)
        sts = unsigned_sts(server)
        response = sts.assume_role_with_web_identity(
            RoleArn=role_arn,
            RoleSessionName="s1",
            WebIdentityToken=builtin_token(server, "repo:evil/x:ref:main"),
        )
        assert response["SubjectFromWebIdentityToken"] == "repo:evil/x:ref:main"
        with pytest.raises(ClientError) as excinfo:
            sts.assume_role_with_web_identity(
                RoleArn=role_arn,
                RoleSessionName="s1",
                WebIdentityToken=builtin_token(server, MAIN, ttl=-3600),
            )
        assert error_of(excinfo)[0] == "ExpiredTokenException"
    finally:
        server.stop()
