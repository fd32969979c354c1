"""``iamd admin``: operator commands that act on the database directly, beside a running server.

``iamd admin create-account`` opens the same database and master key as ``iamd serve`` (``--database-url``,
``--data-dir`` or their ``IAMD_*`` variables), adds an account with a root access key, and prints them in
``~/.aws/credentials`` form on standard output, once: only the sealed secret is stored.
"""

from __future__ import annotations

from pathlib import Path

import click

from iamd.auth.keys import SECRET_ACCESS_KEY_PATTERN, is_access_key_id, is_account_id
from iamd.clock import SystemClock
from iamd.config import ServerConfig
from iamd.errors import IamdError
from iamd.services.accounts import RootCredentials, create_account


def credentials_lines(root: RootCredentials) -> str:
    """The account as a comment, then a ``~/.aws/credentials`` profile named after it."""
    return (
        f"# iamd account {root.account_id} (root user)\n"
        f"[iamd-{root.account_id}]\n"
        f"aws_access_key_id = {root.access_key_id}\n"
        f"aws_secret_access_key = {root.secret_access_key.reveal()}\n"
    )


def _check_choices(account_id: str | None, key_id: str | None, secret: str | None) -> None:
    if account_id is not None and not is_account_id(account_id):
        raise click.BadParameter("an account id is 12 digits", param_hint="--account-id")
    if (key_id is None) != (secret is None):
        raise click.UsageError("--root-access-key-id and --root-secret-access-key go together")
    if key_id is not None and not (is_access_key_id(key_id) and key_id.startswith("AKIA")):
        raise click.BadParameter(
            "AKIA followed by 16 characters of A-Z and 2-7", param_hint="--root-access-key-id"
        )
    if secret is not None and SECRET_ACCESS_KEY_PATTERN.fullmatch(secret) is None:
        raise click.BadParameter(
            "40 characters of A-Z, a-z, 0-9, + and /", param_hint="--root-secret-access-key"
        )


@click.group()
def admin() -> None:
    """Operator commands on iamd's database (accounts)."""


@admin.command("create-account")
@click.option("--database-url", envvar="IAMD_DATABASE_URL", help="sqlite:///PATH or postgresql://...")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), envvar="IAMD_DATA_DIR")
@click.option("--account-id", help="The new account's id (12 digits); random when left out.")
@click.option("--root-access-key-id", help="The root user's access key id; random when left out.")
@click.option("--root-secret-access-key", help="The root user's secret access key; random when left out.")
def create_account_command(
    database_url: str | None,
    data_dir: Path | None,
    account_id: str | None,
    root_access_key_id: str | None,
    root_secret_access_key: str | None,
) -> None:
    """Add an account with a root access key and print the credentials once."""
    from iamd.app import open_database, secret_box  # the composition root, as ``iamd serve`` uses it

    _check_choices(account_id, root_access_key_id, root_secret_access_key)
    config = ServerConfig(database_url=database_url, data_dir=data_dir).resolved()
    database = open_database(config)
    try:
        box = secret_box(config)
        with database.transaction() as tx:
            if root_access_key_id is not None and tx.access_keys.find(root_access_key_id) is not None:
                raise click.ClickException(f"the access key id {root_access_key_id} is already in use")
            root = create_account(
                tx,
                box,
                SystemClock().now(),
                account_id=account_id,
                root_access_key_id=root_access_key_id,
                root_secret_access_key=root_secret_access_key,
            )
    except IamdError as error:
        raise click.ClickException(error.message) from None
    finally:
        database.close()
    click.echo(credentials_lines(root), nl=False)
