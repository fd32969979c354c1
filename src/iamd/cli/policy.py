"""``iamd policy``: the policy engine from the command line (simulate, validate)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TextIO, TypeVar

import click
import orjson

from iamd.policy.simulate import InputError, read_input, simulate_items

_T = TypeVar("_T")


@click.group()
def policy() -> None:
    """Evaluate and validate AWS policy documents without a server."""


def _read_source(path: str) -> str:
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from None


def _text_line(result: dict[str, Any]) -> str:
    """A readable account of one result, for people."""
    head = f"[{result['id']}] " if result.get("id") is not None else ""
    error = result.get("error")
    if error is not None:
        where = error["path"]
        if "line" in error:
            where += f" (line {error['line']}, column {error['column']})"
        return f"{head}ERROR {error['code']}: {error['message']} at {where}"
    explanation = result["explanation"]
    lines = [f"{head}{result['decision']}: {explanation['message']}"]
    missing = explanation.get("missing_allow")
    if missing is not None:
        level = f" (level {missing['level']})" if "level" in missing else ""
        lines.append(f"  no Allow in: {missing['layer']}{level}")
    for ref in explanation["statements"]:
        level = f" level {ref['level']}" if "level" in ref else ""
        sid = f" Sid {ref['sid']!r}" if ref.get("sid") else ""
        where = f"{ref['layer']}{level} policy {ref['policy']} statement {ref['statement']}"
        lines.append(f"  {ref['effect']:5} {where}{sid}")
    return "\n".join(lines)


def _policies_object(text: str) -> dict[str, Any]:
    try:
        loaded = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc}") from None
    if not isinstance(loaded, dict):
        raise InputError("a policies file holds one JSON object")
    return loaded


def _load(path: str, read: Callable[[str], _T]) -> _T:
    """Read and decode one input file; on failure say which file and exit with status 2."""
    try:
        return read(_read_source(path))
    except InputError as exc:
        message = f"{'standard input' if path == '-' else path}: {exc}"
    except click.ClickException as exc:
        message = exc.message
    click.echo(f"iamd policy simulate: {message}", err=True)
    sys.exit(2)


@policy.command()
@click.argument("source", metavar="FILE|-")
@click.option(
    "--policies",
    "policies_file",
    type=click.Path(dir_okay=False),
    help="One `policies` object used by every request that has none of its own.",
)
@click.option(
    "--format", "output_format", type=click.Choice(["json", "text"]), default="json", show_default=True
)
def simulate(source: str, policies_file: str | None, output_format: str) -> None:
    """Decide evaluation requests (docs/evaluation-request.md): one output line per request.

    Exit status: 0 when every request was evaluated, 1 when any request is an error, 2 when the input
    cannot be read.
    """
    out: TextIO = sys.stdout
    items = _load(source, read_input)
    default_policies = _load(policies_file, _policies_object) if policies_file is not None else None
    failed = False
    for result in simulate_items(items, default_policies):
        failed = failed or "error" in result
        if output_format == "json":
            out.write(orjson.dumps(result).decode() + "\n")
        else:
            out.write(_text_line(result) + "\n")
    sys.exit(1 if failed else 0)


from iamd.cli.policy_validate import validate  # noqa: E402 (registered after the group exists)

policy.add_command(validate)
