"""``iamd serve``: run the server (SQLite in the data dir by default, PostgreSQL with --database-url)."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from iamd.config import DEFAULT_PORT, ServerConfig
from iamd.services.accounts import RootCredentials

if TYPE_CHECKING:
    from iamd.app import Parts

ROOT_PROFILE = "iamd-root"


def credentials_text(root: RootCredentials) -> str:
    """``~/.aws/credentials`` lines for the root user (profile ``iamd-root``)."""
    return (
        f"[{ROOT_PROFILE}]\n"
        f"aws_access_key_id = {root.access_key_id}\n"
        f"aws_secret_access_key = {root.secret_access_key.reveal()}\n"
    )


def write_root_credentials(data_dir: Path, root: RootCredentials) -> Path:
    """Write the root credentials once, readable by the owner only (0600)."""
    path = data_dir / "root-credentials"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(credentials_text(root))
    os.chmod(path, 0o600)
    return path


def announce(config: ServerConfig, root: RootCredentials | None, credentials_file: Path | None) -> None:
    endpoint = f"http://{config.host}:{config.port}"
    lines = [f"iamd {'(ephemeral, in memory) ' if config.ephemeral else ''}listening on {endpoint}"]
    if not config.ephemeral:
        lines.append(f"database: {config.database_url}")
    if config.auth_mode == "audit":
        lines.append(
            "WARNING: --auth-mode audit: requests that policies DENY are ALLOWED and only recorded. "
            "Never use this mode to protect anything."
        )
    if root is not None:
        lines += [
            "",
            f"Root credentials of account {root.account_id} (shown once"
            + (f"; saved to {credentials_file}" if credentials_file else "")
            + "):",
            "",
            "# ~/.aws/credentials",
            credentials_text(root).rstrip(),
            "",
            "# ~/.aws/config",
            f"[profile {ROOT_PROFILE}]",
            "region = us-east-1",
            f"endpoint_url = {endpoint}",
        ]
    lines += ["", f"Use it:  aws --profile {ROOT_PROFILE} --endpoint-url {endpoint} iam list-users", ""]
    click.echo("\n".join(lines), err=True)


def check_credential_endpoints(
    instance_role_arn: str | None, container_role_arn: str | None, container_token: str | None
) -> bool:
    """Refuse malformed role ARNs; return whether a container token must be generated."""
    from iamd.credentials_endpoints.role_credentials import parse_role_arn

    for hint, arn in (
        ("--instance-role-arn", instance_role_arn),
        ("--container-role-arn", container_role_arn),
    ):
        if arn:
            try:
                parse_role_arn(arn)
            except ValueError as error:
                raise click.BadParameter(str(error), param_hint=hint) from None
    return bool(container_role_arn) and not container_token


def announce_credential_endpoints(config: ServerConfig, parts: Parts, token_generated: bool) -> None:
    from iamd.credentials_endpoints.announce import startup_lines

    endpoints = parts.credential_endpoints
    if endpoints is None or not endpoints.sources:
        return
    lines = startup_lines(
        f"http://{config.host}:{config.port}",
        instance_role_arn=config.instance_role_arn,
        container_role_arn=config.container_role_arn,
        container_token=config.container_token,
        token_generated=token_generated,
        problems=endpoints.problems(),
    )
    click.echo("\n".join([*lines, ""]), err=True)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@click.option("--database-url", envvar="IAMD_DATABASE_URL", help="sqlite:///PATH or postgresql://...")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), envvar="IAMD_DATA_DIR")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--ephemeral", is_flag=True, help="Keep everything in memory; enables POST /_iamd/reset.")
@click.option("--account-id", envvar="IAMD_ACCOUNT_ID", help="Account id to bootstrap (12 digits).")
@click.option("--root-access-key-id", envvar="IAMD_ROOT_ACCESS_KEY_ID")
@click.option("--root-secret-access-key", envvar="IAMD_ROOT_SECRET_ACCESS_KEY")
@click.option("--auth-mode", type=click.Choice(["enforce", "audit"]), default="enforce", show_default=True)
@click.option(
    "--quota",
    "quotas",
    multiple=True,
    metavar="NAME=N",
    help="Change one of AWS's default quotas, e.g. --quota UsersPerAccount=10000 (repeatable).",
)
@click.option("--max-skew", "max_skew_seconds", default=300, show_default=True, type=click.IntRange(1, 900))
@click.option(
    "--instance-role-arn",
    envvar="IAMD_INSTANCE_ROLE_ARN",
    help="Serve this role's credentials on the EC2 instance metadata paths (IMDSv2) of this port.",
)
@click.option(
    "--container-role-arn",
    envvar="IAMD_CONTAINER_ROLE_ARN",
    help="Serve this role's credentials at /_iamd/container-credentials "
    "(for AWS_CONTAINER_CREDENTIALS_FULL_URI).",
)
@click.option(
    "--container-token",
    envvar="IAMD_CONTAINER_TOKEN",
    help="Authorization token of the container endpoint (default: generated and printed at start).",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one JSON object per line (time, level, logger, message, request_id).",
)
def serve(
    host: str,
    port: int,
    database_url: str | None,
    data_dir: Path | None,
    workers: int,
    ephemeral: bool,
    account_id: str | None,
    root_access_key_id: str | None,
    root_secret_access_key: str | None,
    auth_mode: str,
    max_skew_seconds: int,
    quotas: tuple[str, ...],
    instance_role_arn: str | None,
    container_role_arn: str | None,
    container_token: str | None,
    log_format: str,
) -> None:
    """Run the IAM, STS and Access Analyzer endpoint."""
    import logging.config

    import uvicorn

    from iamd.app import StartupError, build
    from iamd.observability.logging import log_config

    logging_config = log_config("json" if log_format == "json" else "text")
    logging.config.dictConfig(logging_config)  # start-up too; uvicorn applies it again in each worker

    if ephemeral and workers > 1:
        raise click.UsageError("--ephemeral keeps state in one process; it cannot run with --workers > 1")
    if account_id is not None and not (account_id.isdigit() and len(account_id) == 12):
        raise click.BadParameter("an account id is 12 digits", param_hint="--account-id")
    if (root_access_key_id is None) != (root_secret_access_key is None):
        raise click.UsageError("--root-access-key-id and --root-secret-access-key go together")
    token_generated = check_credential_endpoints(instance_role_arn, container_role_arn, container_token)
    if token_generated:
        container_token = secrets.token_urlsafe(32)
    config = ServerConfig(
        host=host,
        port=port,
        database_url=database_url,
        data_dir=data_dir,
        workers=workers,
        ephemeral=ephemeral,
        account_id=account_id,
        root_access_key_id=root_access_key_id,
        root_secret_access_key=root_secret_access_key,
        auth_mode="audit" if auth_mode == "audit" else "enforce",
        max_skew_seconds=max_skew_seconds,
        quotas=quotas,
        instance_role_arn=instance_role_arn,
        container_role_arn=container_role_arn,
        container_token=container_token,
    ).resolved()
    try:
        parts = build(config)
    except StartupError as error:
        raise click.ClickException(str(error)) from None
    credentials_file = None
    if parts.first_root is not None and not config.ephemeral and config.data_dir is not None:
        credentials_file = write_root_credentials(config.data_dir, parts.first_root)
    announce(config, parts.first_root, credentials_file)
    announce_credential_endpoints(config, parts, token_generated)
    sys.stderr.flush()
    if ephemeral:
        uvicorn.run(
            parts.app, host=host, port=port, access_log=False, log_level="warning", log_config=logging_config
        )
        return
    parts.database.close()
    os.environ.update(config.to_env())
    uvicorn.run(
        "iamd.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
        log_config=logging_config,
    )
