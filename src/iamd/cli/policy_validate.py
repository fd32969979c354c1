"""``iamd policy validate FILE...``: Access Analyzer-style findings for policy documents.

Exit status: 0 when no file has an ERROR finding, 1 when any has, 2 when a file cannot be read (the other
files are still validated and reported).
"""

from __future__ import annotations

import sys
from typing import get_args

import click
import orjson
from rich.console import Console
from rich.table import Table

from iamd.policy.validate import Finding, PolicyType, validate_policy

_STYLES = {"ERROR": "bold red", "SECURITY_WARNING": "bold magenta", "WARNING": "yellow", "SUGGESTION": "cyan"}


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _location(finding: Finding) -> str:
    where = finding.location_path
    if finding.line is not None:
        where = f"{finding.line}:{finding.column} {where}"
    return where


def _table(results: list[tuple[str, list[Finding]]]) -> Table:
    table = Table(expand=False)
    for column in ("File", "Type", "Code", "Location"):
        table.add_column(column, no_wrap=True)
    table.add_column("Message", overflow="fold")
    for path, findings in results:
        for finding in findings:
            table.add_row(
                path,
                f"[{_STYLES[finding.finding_type]}]{finding.finding_type}[/]",
                finding.issue_code,
                _location(finding),
                finding.message,
            )
    return table


def _summary(results: list[tuple[str, list[Finding]]]) -> str:
    counts = dict.fromkeys(_STYLES, 0)
    for _, findings in results:
        for finding in findings:
            counts[finding.finding_type] += 1
    files = f"{len(results)} file{'s' if len(results) != 1 else ''}"
    parts = ", ".join(
        f"{n} {kind.lower().replace('_', ' ')}{'s' if n != 1 else ''}" for kind, n in counts.items()
    )
    return f"{files}: {parts}"


@click.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option(
    "--type",
    "policy_type",
    type=click.Choice(list(get_args(PolicyType))),
    default="identity",
    show_default=True,
    help="The kind of policy the files hold (a session policy validates as identity).",
)
@click.option(
    "--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def validate(files: tuple[str, ...], policy_type: PolicyType, output_format: str) -> None:
    """Validate policy documents like IAM Access Analyzer's ValidatePolicy.

    Exit status: 0 without ERROR findings, 1 with any, 2 when a file cannot be read.
    """
    results: list[tuple[str, list[Finding]]] = []
    unreadable = False
    for path in files:
        name = "standard input" if path == "-" else path
        try:
            text = _read(path)
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            click.echo(f"iamd policy validate: cannot read {name}: {reason}", err=True)
            unreadable = True
            continue
        results.append((name, validate_policy(text, policy_type)))
    out = sys.stdout
    if output_format == "json":
        payload = [{"file": path, **finding.to_json()} for path, findings in results for finding in findings]
        out.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        # Off a terminal (pipes, CI logs) rich would assume 80 columns; findings read better wider.
        console = Console(file=out, highlight=False, width=None if out.isatty() else 200)
        if any(findings for _, findings in results):
            console.print(_table(results))
        console.print(_summary(results))
    if unreadable:
        sys.exit(2)
    has_error = any(f.finding_type == "ERROR" for _, findings in results for f in findings)
    sys.exit(1 if has_error else 0)
