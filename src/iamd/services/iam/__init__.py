"""The IAM service: one module per resource, each exporting an ``OPERATIONS`` table."""

import sys

from iamd.services.registry import collect_operations

OPERATIONS = collect_operations(sys.modules[__name__])
