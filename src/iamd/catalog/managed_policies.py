"""AWS-published documents shipped as data: the AWS managed policies (``data/aws-managed-policies.json``,
refreshed by ``scripts/refresh_managed_policies.py``) and Access Analyzer's check codes
(``data/access-analyzer-checks.json``). Sources and dates in ``data/SOURCE.md``."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import orjson


@dataclass(frozen=True, slots=True)
class ManagedPolicy:
    name: str
    path: str
    default_version_id: str
    create_date: str  # ISO 8601, as AWS reports it
    update_date: str
    document: str  # the policy document as JSON text

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::aws:policy{self.path}{self.name}"


@functools.cache
def managed_policies() -> dict[str, ManagedPolicy]:
    """Every shipped AWS managed policy by name, read once."""
    raw = orjson.loads(
        resources.files("iamd.catalog").joinpath("data/aws-managed-policies.json").read_bytes()
    )
    return {
        name: ManagedPolicy(
            name=name,
            path=entry.get("Path", "/"),
            default_version_id=entry.get("DefaultVersionId", "v1"),
            create_date=entry.get("CreateDate", ""),
            update_date=entry.get("UpdateDate", ""),
            document=orjson.dumps(entry["Document"], option=orjson.OPT_INDENT_2).decode(),
        )
        for name, entry in raw.items()
    }


def managed_policy(name: str) -> ManagedPolicy | None:
    return managed_policies().get(name)


@functools.cache
def access_analyzer_checks() -> dict[str, str]:
    """Access Analyzer's policy check issue codes → the finding-type part of their anchor on the check
    reference page (``error``, ``general-warning``, ``security-warning``, ``suggestion``)."""
    raw = orjson.loads(
        resources.files("iamd.catalog").joinpath("data/access-analyzer-checks.json").read_bytes()
    )
    checks: dict[str, str] = raw["checks"]
    return checks
