"""An SDK with no keys gets the configured role's credentials from the IMDSv2-compatible endpoint through its
default chain (https://docs.aws.amazon.com/sdkref/latest/guide/feature-imds-credentials.html;
``AWS_EC2_METADATA_SERVICE_ENDPOINT``: https://docs.aws.amazon.com/sdkref/latest/guide/feature-imds-client.html).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from botocore.exceptions import NoCredentialsError

from tests.integration.credentials.conftest import (
    INSTANCE_ROLE,
    default_chain_sts,
    service_trust,
)
from tests.integration.server.harness import ACCOUNT_ID, RunningServer


def test_sdk_without_keys_gets_instance_role_credentials(
    endpoints_server: RunningServer, keyless_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoints_server.url)
    identity = default_chain_sts(endpoints_server).get_caller_identity()
    # EC2 names the session after the instance id (i-...):
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html
    prefix = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{INSTANCE_ROLE}/i-"
    assert identity["Arn"].startswith(prefix)
    assert identity["Account"] == ACCOUNT_ID


def test_sdk_gets_no_credentials_when_the_role_does_not_trust_ec2(
    endpoints_server: RunningServer, keyless_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    iam = endpoints_server.client("iam")
    iam.update_assume_role_policy(
        RoleName=INSTANCE_ROLE, PolicyDocument=service_trust("lambda.amazonaws.com")
    )
    try:
        monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoints_server.url)
        with pytest.raises(NoCredentialsError):
            default_chain_sts(endpoints_server).get_caller_identity()
        deadline = time.monotonic() + 5
        expected = (
            f"refusing to serve ec2.amazonaws.com credentials: the trust policy of arn:aws:iam::{ACCOUNT_ID}"
        )
        while expected not in endpoints_server.log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert expected in endpoints_server.log_path.read_text()
    finally:
        iam.update_assume_role_policy(
            RoleName=INSTANCE_ROLE, PolicyDocument=service_trust("ec2.amazonaws.com")
        )
    # Trusted again, served again.
    arn = default_chain_sts(endpoints_server).get_caller_identity()["Arn"]
    assert arn.startswith(f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{INSTANCE_ROLE}/")


def test_sdk_with_imds_disabled_finds_nothing(
    endpoints_server: RunningServer, keyless_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The negative control: without the endpoint variable the chain has nothing to find."""
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(NoCredentialsError):
        default_chain_sts(endpoints_server).get_caller_identity()
