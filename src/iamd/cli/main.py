"""Entry point of the ``iamd`` command: the top-level group and its sub-commands."""

from __future__ import annotations

import click

from iamd import __version__
from iamd.cli.admin import admin
from iamd.cli.audit import audit
from iamd.cli.credentials import credentials
from iamd.cli.oidc import oidc
from iamd.cli.policy import policy
from iamd.cli.serve import serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="iamd")
def cli() -> None:
    """iamd: self-hosted IAM, STS and Access Analyzer, wire-compatible with AWS."""


cli.add_command(admin)
cli.add_command(oidc)
cli.add_command(audit)
cli.add_command(credentials)
cli.add_command(policy)
cli.add_command(serve)


def main() -> None:
    cli()
