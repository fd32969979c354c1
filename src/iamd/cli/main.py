"""Entry point of the ``iamd`` command: the top-level group and its sub-commands.

Sub-commands are imported only when they run: ``iamd credentials`` is started by SDKs on every credential
refresh (``credential_process``) and should not pay for the server's imports.
"""

from __future__ import annotations

import importlib

import click

from iamd import __version__

# name → "module:attribute" of the click command
SUBCOMMANDS = {
    "admin": "iamd.cli.admin:admin",
    "audit": "iamd.cli.audit:audit",
    "credentials": "iamd.cli.credentials:credentials",
    "oidc": "iamd.cli.oidc:oidc",
    "policy": "iamd.cli.policy:policy",
    "serve": "iamd.cli.serve:serve",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *SUBCOMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="iamd")
def cli() -> None:
    """iamd: self-hosted IAM, STS and Access Analyzer, wire-compatible with AWS."""


def main() -> None:
    cli()
