"""The ``iamd`` command."""
