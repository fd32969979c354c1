"""``iamd audit``: read the trail (``events``, ``why``), export it signed (``export``) and check an export
(``verify``). Each opens the same database as ``iamd serve`` (``--database-url``, ``--data-dir`` or their
``IAMD_*`` variables)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import orjson

from iamd.config import ServerConfig
from iamd.store import Database

DATABASE_URL = click.option(
    "--database-url", envvar="IAMD_DATABASE_URL", help="sqlite:///PATH or postgresql://..."
)
DATA_DIR = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), envvar="IAMD_DATA_DIR"
)


def _config(database_url: str | None, data_dir: Path | None) -> ServerConfig:
    return ServerConfig(database_url=database_url, data_dir=data_dir).resolved()


def _open(config: ServerConfig) -> Database:
    from iamd.app import StartupError, open_database  # the composition root, as ``iamd serve`` uses it
    from iamd.audit.recorder import drain_orphans

    try:
        database = open_database(config)
    except StartupError as error:
        raise click.ClickException(str(error)) from None
    drain_orphans(database)  # events a killed server left in its spool
    return database


def _time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"not an ISO 8601 time: {value}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


@click.group()
def audit() -> None:
    """The audit trail: every request iamd received, as CloudTrail events."""


@audit.command("events")
@click.option("--principal", help="The caller's ARN (userIdentity.arn).")
@click.option("--event-name", help="The operation, e.g. CreateUser.")
@click.option("--error-code", help="e.g. AccessDenied.")
@click.option("--access-key-id")
@click.option("--start-time", help="ISO 8601, inclusive.")
@click.option("--end-time", help="ISO 8601, inclusive.")
@click.option("--max-results", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--next-token", help="From the previous page.")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@DATABASE_URL
@DATA_DIR
def events_command(
    principal: str | None,
    event_name: str | None,
    error_code: str | None,
    access_key_id: str | None,
    start_time: str | None,
    end_time: str | None,
    max_results: int,
    next_token: str | None,
    output: str,
    database_url: str | None,
    data_dir: Path | None,
) -> None:
    """Events, newest first, a page at a time (like CloudTrail LookupEvents)."""
    from iamd.audit.queries import BadNextToken, EventFilter, lookup

    event_filter = EventFilter(
        principal, event_name, error_code, access_key_id, _time(start_time), _time(end_time)
    )
    database = _open(_config(database_url, data_dir))
    try:
        with database.read() as tx:
            page = lookup(tx.connection, event_filter, max_results, next_token)
    except BadNextToken as error:
        raise click.BadParameter(str(error), param_hint="--next-token") from None
    finally:
        database.close()
    if output == "json":
        body: dict[str, Any] = {"Events": page.events}
        if page.next_token is not None:
            body["NextToken"] = page.next_token
        click.echo(orjson.dumps(body, option=orjson.OPT_INDENT_2).decode())
        return
    _print_table(page.events, page.next_token)


def _print_table(events: list[dict[str, Any]], next_token: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("Time", "Event", "Principal", "Error", "Source IP", "Request ID")
    for event in events:
        identity = event.get("userIdentity", {})
        table.add_row(
            event["eventTime"],
            event["eventName"],
            identity.get("arn") or identity.get("type", ""),
            event.get("errorCode") or "",
            event.get("sourceIPAddress") or "",
            event["requestID"],
        )
    console = Console(width=200)
    console.print(table)
    if next_token is not None:
        console.print(f"More: --next-token {next_token}")


@audit.command("why")
@click.argument("request_id")
@DATABASE_URL
@DATA_DIR
def why_command(request_id: str, database_url: str | None, data_dir: Path | None) -> None:
    """Why a request was allowed or denied: principal, action, resource, the deciding statements."""
    from iamd.audit.queries import by_request_id
    from iamd.audit.why import explain

    database = _open(_config(database_url, data_dir))
    try:
        with database.read() as tx:
            event = by_request_id(tx.connection, request_id)
    finally:
        database.close()
    if event is None:
        raise click.ClickException(f"no event with request id {request_id}")
    click.echo("\n".join(explain(event)))


@audit.command("export")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--follow", is_flag=True, help="Keep exporting new events every --interval seconds.")
@click.option("--interval", type=click.IntRange(1, 86400), default=60, show_default=True)
@click.option(
    "--settle",
    type=click.IntRange(0, 3600),
    help="Leave events younger than this (seconds) to the next run; default 60 on PostgreSQL, 0 on SQLite.",
)
@DATABASE_URL
@DATA_DIR
def export_command(
    out_dir: Path,
    follow: bool,
    interval: int,
    settle: int | None,
    database_url: str | None,
    data_dir: Path | None,
) -> None:
    """Write new events as CloudTrail log files (gzip JSON per account and hour) with signed digests.
    With --follow, keep going until SIGINT or SIGTERM, which end it between runs, never mid-export."""
    from iamd.audit.export import ExportHead, export, head_key, load_heads, save_heads
    from iamd.audit.keys import load_or_create_signing_key
    from iamd.audit.queries import in_commit_order

    config = _config(database_url, data_dir)
    assert config.data_dir is not None
    key = load_or_create_signing_key(config.data_dir)
    database = _open(config)
    if settle is None:
        settle = 60 if database.dialect == "postgresql" else 0
    stop, restore = _stop_on_signals() if follow else (threading.Event(), lambda: None)
    try:
        while True:
            heads = load_heads(config.data_dir)
            head = heads.setdefault(head_key(out_dir), ExportHead())
            now = _now()
            settled = now - timedelta(seconds=settle) if settle else None
            with database.read() as tx:
                events = in_commit_order(tx.connection, head.last_seq)
                result = export(events, out_dir, key, head, now, settled)
            save_heads(config.data_dir, heads)
            click.echo(
                f"exported {result.events} events: {len(result.log_files)} log files, "
                f"{len(result.digest_files)} digest files"
            )
            if not follow:
                return
            if stop.wait(interval):
                click.echo("stopped")
                return
    finally:
        restore()
        database.close()


def _stop_on_signals() -> tuple[threading.Event, Callable[[], None]]:
    """An event SIGINT and SIGTERM set (instead of interrupting whatever runs), and how to put the
    previous handlers back. An export cut in the middle would leave a digest its head never recorded."""
    stop = threading.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda _sig, _frame: stop.set()) for sig in signals}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return stop, restore


def _now() -> datetime:
    return datetime.now(UTC)


@audit.command("verify")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--public-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="PEM public key (default: the data dir's audit-public-key.pem).",
)
@DATA_DIR
def verify_command(out_dir: Path, public_key: Path | None, data_dir: Path | None) -> None:
    """Check an export's digests and log files; exit 1 if anything was modified, deleted, added or moved."""
    from iamd.audit.export import head_key, load_heads
    from iamd.audit.keys import PUBLIC_KEY_FILE, load_public_key
    from iamd.audit.verify import verify

    config = _config(None, data_dir)
    assert config.data_dir is not None
    key_path = public_key or config.data_dir / PUBLIC_KEY_FILE
    if not key_path.is_file():
        raise click.ClickException(f"no public key at {key_path}: pass --public-key or --data-dir")
    head = load_heads(config.data_dir).get(head_key(out_dir))
    report = verify(out_dir, load_public_key(key_path), head)
    for problem in report.problems:
        click.echo(problem)
    click.echo(
        f"{report.digests_valid} digest files valid, {report.log_files_valid} log files valid, "
        f"{len([p for p in report.problems if not p.startswith(' ')])} problems"
    )
    if not report.ok:
        raise SystemExit(1)


@audit.command("generate-policy")
@click.option("--principal", required=True, help="A user's or role's ARN (a role includes its sessions).")
@click.option("--since", default="7d", show_default=True, help="How far back: 90d, 12h, 30m.")
@DATABASE_URL
@DATA_DIR
def generate_policy_command(
    principal: str, since: str, database_url: str | None, data_dir: Path | None
) -> None:
    """A least-privilege policy from the actions and resources the principal used."""
    from iamd.audit.generate import generate_policy, principal_events
    from iamd.audit.retention import parse_age

    try:
        start = _now() - parse_age(since)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--since") from None
    database = _open(_config(database_url, data_dir))
    try:
        with database.read() as tx:
            policy = generate_policy(principal_events(tx.connection, principal, start))
    finally:
        database.close()
    click.echo(orjson.dumps(policy, option=orjson.OPT_INDENT_2).decode())


@audit.command("prune")
@click.option("--older-than", required=True, help="Delete events older than this: 90d, 12h, 30m.")
@DATABASE_URL
@DATA_DIR
def prune_command(older_than: str, database_url: str | None, data_dir: Path | None) -> None:
    """Retention: delete old events (export them first to keep them)."""
    from iamd.audit.retention import parse_age, prune

    try:
        cutoff = _now() - parse_age(older_than)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--older-than") from None
    database = _open(_config(database_url, data_dir))
    try:
        with database.transaction() as tx:
            deleted = prune(tx.connection, cutoff)
    finally:
        database.close()
    click.echo(f"deleted {deleted} events older than {cutoff:%Y-%m-%dT%H:%M:%SZ}")
