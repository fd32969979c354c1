"""``iamd policy``: the policy engine from the command line (simulate, validate)."""

from __future__ import annotations

import click


@click.group()
def policy() -> None:
    """Evaluate and validate AWS policy documents without a server."""
