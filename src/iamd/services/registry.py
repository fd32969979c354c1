"""Collect a service's operations from its resource modules: each module exports ``OPERATIONS``."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from iamd.services.call import Operation


def collect_operations(package: ModuleType) -> dict[str, Operation]:
    """Merge the ``OPERATIONS`` tables of every module in ``package``; a name defined twice is a bug."""
    operations: dict[str, Operation] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        table: dict[str, Operation] = getattr(module, "OPERATIONS", {})
        for name, operation in table.items():
            if name in operations:
                raise RuntimeError(f"operation {name} is defined twice (again in {module.__name__})")
            operations[name] = operation
    return operations
