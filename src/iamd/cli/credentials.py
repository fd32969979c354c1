"""``iamd credentials``: role credentials for ``credential_process`` in ``~/.aws/config``.

It calls AssumeRole at iamd with the source credentials botocore finds (``--profile``, else the
environment and default profile) and prints the document ``credential_process`` expects
(https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html): ``Version`` 1,
``AccessKeyId``, ``SecretAccessKey``, ``SessionToken`` and ``Expiration`` (ISO 8601). Failures print one
line to stderr and exit 1; the SDK that ran the process then reports it.

A profile whose ``credential_process`` runs ``iamd credentials`` without ``--profile`` (or with its own
name) would start itself again and again; the profiles in progress travel in ``IAMD_CREDENTIALS_CHAIN``
so that a loop is refused at its second turn.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    import botocore.session

CHAIN_ENV = "IAMD_CREDENTIALS_CHAIN"
DEFAULT_REGION = "us-east-1"


def _iso8601(value: Any) -> str:
    """AssumeRole's Expiration (botocore parses it to a datetime) as ``2026-01-01T12:00:00Z``."""
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def process_document(credentials: dict[str, Any]) -> dict[str, Any]:
    return {
        "Version": 1,
        "AccessKeyId": credentials["AccessKeyId"],
        "SecretAccessKey": credentials["SecretAccessKey"],
        "SessionToken": credentials["SessionToken"],
        "Expiration": _iso8601(credentials["Expiration"]),
    }


def enter_chain(profile: str | None) -> None:
    """Record this profile as in progress; refuse one that is already (a credential_process loop)."""
    name = profile or os.environ.get("AWS_PROFILE") or "default"
    chain = [p for p in os.environ.get(CHAIN_ENV, "").split(",") if p]
    if name in chain:
        raise click.ClickException(
            f"profile {name!r} gets its credentials from 'iamd credentials' itself; pass the source "
            "credentials' profile with --profile"
        )
    os.environ[CHAIN_ENV] = ",".join([*chain, name])


def botocore_session(profile: str | None) -> botocore.session.Session:
    import botocore.session
    from botocore.exceptions import ProfileNotFound

    session = botocore.session.Session(profile=profile)
    try:
        session.get_scoped_config()  # an unknown profile fails here, before any request
    except ProfileNotFound as error:
        raise click.ClickException(str(error)) from None
    return session


def assume_role(
    session: botocore.session.Session,
    endpoint_url: str | None,
    params: dict[str, Any],
) -> dict[str, Any]:
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        client = session.create_client(
            "sts",
            region_name=session.get_config_variable("region") or DEFAULT_REGION,
            endpoint_url=endpoint_url,
            config=Config(retries={"max_attempts": 2, "mode": "standard"}),
        )
        response: dict[str, Any] = client.assume_role(**params)
    except ClientError as error:
        details = error.response.get("Error", {})
        raise click.ClickException(
            f"AssumeRole failed: {details.get('Code', 'Error')}: {details.get('Message', '')}".rstrip(": ")
        ) from None
    except BotoCoreError as error:
        raise click.ClickException(f"AssumeRole failed: {error}") from None
    return response


@click.command()
@click.option("--role-arn", required=True, help="The role to assume.")
@click.option("--role-session-name", help="Default: iamd-credentials-<unix time>.")
@click.option(
    "--duration-seconds", type=click.IntRange(900, 43200), help="Default: the role's default (1 h)."
)
@click.option("--endpoint-url", help="iamd's URL (default: the profile's endpoint_url or AWS_ENDPOINT_URL).")
@click.option(
    "--profile", help="Profile with the source credentials (default: environment, default profile)."
)
def credentials(
    role_arn: str,
    role_session_name: str | None,
    duration_seconds: int | None,
    endpoint_url: str | None,
    profile: str | None,
) -> None:
    """Print role credentials for credential_process in ~/.aws/config."""
    enter_chain(profile)
    params: dict[str, Any] = {
        "RoleArn": role_arn,
        "RoleSessionName": role_session_name or f"iamd-credentials-{int(time.time())}",
    }
    if duration_seconds is not None:
        params["DurationSeconds"] = duration_seconds
    response = assume_role(botocore_session(profile), endpoint_url, params)
    click.echo(json.dumps(process_document(response["Credentials"]), indent=2))
