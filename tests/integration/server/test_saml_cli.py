"""SAML federation through the AWS CLI: ``aws iam create-saml-provider`` / ``get-saml-provider`` and
``aws sts assume-role-with-saml`` (https://docs.aws.amazon.com/cli/latest/reference/sts/assume-role-with-saml.html)
with an assertion signed by the local test IdP, and a tampered one refused with InvalidIdentityToken.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.integration.server.harness import ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, RunningServer, unique
from tests.integration.server.test_saml import saml_role
from tests.integration.server.test_saml_idp import LocalIdp, role_pair


def aws(server: RunningServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=ROOT_KEY_ID,
        AWS_SECRET_ACCESS_KEY=ROOT_SECRET,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    command = [sys.executable, "-m", "awscli", *args, "--endpoint-url", server.url, "--output", "json"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def aws_json(server: RunningServer, *args: str) -> Any:
    done = aws(server, *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


@pytest.fixture(scope="module")
def idp() -> LocalIdp:
    return LocalIdp.new(f"https://idp.example.test/{unique('cli')}")


def test_cli_provider_and_assume_role_with_saml(
    iamd_server: RunningServer, idp: LocalIdp, tmp_path: Path
) -> None:
    metadata = tmp_path / "metadata.xml"
    metadata.write_text(idp.metadata())
    name = unique("cli-idp")
    created = aws_json(
        iamd_server,
        "iam",
        "create-saml-provider",
        "--name",
        name,
        "--saml-metadata-document",
        f"file://{metadata}",
    )
    provider_arn = created["SAMLProviderArn"]
    assert provider_arn == f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/{name}"
    got = aws_json(iamd_server, "iam", "get-saml-provider", "--saml-provider-arn", provider_arn)
    assert got["SAMLMetadataDocument"] == idp.metadata()
    listed = aws_json(iamd_server, "iam", "list-saml-providers")
    assert provider_arn in {p["Arn"] for p in listed["SAMLProviderList"]}

    role_arn = saml_role(iamd_server, provider_arn)
    assertion = idp.response(roles=[role_pair(role_arn, provider_arn)], session_name="carol")
    response = aws_json(
        iamd_server,
        "sts",
        "assume-role-with-saml",
        "--role-arn",
        role_arn,
        "--principal-arn",
        provider_arn,
        "--saml-assertion",
        assertion,
        "--duration-seconds",
        "900",
    )
    assert response["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert response["AssumedRoleUser"]["Arn"].endswith("/carol")
    assert response["Issuer"] == idp.entity_id
    assert response["SubjectType"] == "persistent"

    document = base64.b64decode(assertion)
    tampered = base64.b64encode(document.replace(b">carol<", b">admin<")).decode()
    refused = aws(
        iamd_server,
        "sts",
        "assume-role-with-saml",
        "--role-arn",
        role_arn,
        "--principal-arn",
        provider_arn,
        "--saml-assertion",
        tampered,
    )
    assert refused.returncode != 0
    assert "(InvalidIdentityToken)" in refused.stderr
    assert "Response signature invalid" in refused.stderr

    aws_json(iamd_server, "iam", "delete-saml-provider", "--saml-provider-arn", provider_arn)
    assert provider_arn not in {
        p["Arn"] for p in aws_json(iamd_server, "iam", "list-saml-providers")["SAMLProviderList"]
    }
