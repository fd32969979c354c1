"""The STS service: one module per concern, each exporting an ``OPERATIONS`` table."""

import sys

from iamd.services.registry import collect_operations

OPERATIONS = collect_operations(sys.modules[__name__])
