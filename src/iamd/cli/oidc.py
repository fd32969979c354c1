"""``iamd oidc``: the built-in OIDC test issuer, for web identity flows without any internet.

``iamd oidc token --subject S --audience A [--claim k=v] [--ttl 3600]`` prints a JWT signed with the
issuer key in the data dir (the server serves the matching JWKS under ``/_iamd/oidc``). Its ``iss`` is
``<endpoint>/_iamd/oidc``: ``--endpoint-url`` (or ``IAMD_ENDPOINT_URL``), by default
``http://127.0.0.1:8137``; ``--issuer`` sets it outright. Create the IAM OIDC provider with the same URL.

``iamd oidc issuer-url`` prints that URL, and ``iamd oidc jwks`` the public keys, e.g. to configure them
statically for another iamd as ``<data dir>/oidc-keys/<name>.json`` (see ``iamd.auth.oidc``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from iamd.config import DEFAULT_PORT, ServerConfig
from iamd.oidc_issuer import BuiltinIssuer, issuer_url_of

DEFAULT_ENDPOINT = f"http://127.0.0.1:{DEFAULT_PORT}"

_data_dir = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), envvar="IAMD_DATA_DIR"
)
_endpoint = click.option(
    "--endpoint-url",
    envvar="IAMD_ENDPOINT_URL",
    default=DEFAULT_ENDPOINT,
    show_default=True,
    help="The iamd server whose /_iamd/oidc serves the keys.",
)


def _issuer(data_dir: Path | None) -> BuiltinIssuer:
    resolved = ServerConfig(data_dir=data_dir).resolved().data_dir
    assert resolved is not None
    return BuiltinIssuer(resolved)


def _claim_value(text: str) -> Any:
    """``--claim k=v``: v as JSON when it parses (numbers, lists, objects), else as text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_claims(items: tuple[str, ...]) -> dict[str, Any]:
    claims: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--claim")
        claims[name] = _claim_value(value)
    return claims


@click.group()
def oidc() -> None:
    """The built-in OIDC test issuer (tokens for AssumeRoleWithWebIdentity)."""


@oidc.command("token")
@click.option("--subject", required=True, help="The sub claim, e.g. repo:org/app:ref:refs/heads/main.")
@click.option("--audience", required=True, multiple=True, help="The aud claim (repeat for several).")
@click.option("--claim", "claims", multiple=True, help="Another claim as NAME=VALUE (VALUE may be JSON).")
@click.option("--ttl", default=3600, show_default=True, type=click.IntRange(-86400 * 365, 86400 * 365))
@click.option("--issuer", "issuer_url", help="The iss claim; default <endpoint-url>/_iamd/oidc.")
@_endpoint
@_data_dir
def token_command(
    subject: str,
    audience: tuple[str, ...],
    claims: tuple[str, ...],
    ttl: int,
    issuer_url: str | None,
    endpoint_url: str,
    data_dir: Path | None,
) -> None:
    """Print a signed JWT from the built-in issuer (a negative --ttl makes an expired one)."""
    token = _issuer(data_dir).token(
        issuer_url=issuer_url or issuer_url_of(endpoint_url),
        subject=subject,
        audience=audience[0] if len(audience) == 1 else list(audience),
        ttl_seconds=ttl,
        claims=parse_claims(claims),
    )
    click.echo(token)


@oidc.command("issuer-url")
@_endpoint
def issuer_url_command(endpoint_url: str) -> None:
    """Print the built-in issuer's URL (for CreateOpenIDConnectProvider --url)."""
    click.echo(issuer_url_of(endpoint_url))


@oidc.command("jwks")
@_data_dir
def jwks_command(data_dir: Path | None) -> None:
    """Print the built-in issuer's public keys as a JWKS document."""
    click.echo(json.dumps(_issuer(data_dir).jwks(), indent=2))
