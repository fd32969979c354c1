"""``python -m iamd``: the same as the ``iamd`` command."""

from iamd.cli.main import main

main()
