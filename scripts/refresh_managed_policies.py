"""Refresh iamd's copy of the AWS managed policies.

AWS publishes no bulk download of its managed policies; the moto project collects them (``moto/iam/
aws_managed_policies.py``, Apache-2.0) from AWS's ListPolicies/GetPolicyVersion. This script reads that
collection from the installed moto (or from a file given on the command line: a moto module, or plain JSON
of name → {Path, DefaultVersionId, CreateDate, UpdateDate, Document}), re-serialises it as plain JSON into
``src/iamd/catalog/data/aws-managed-policies.json`` and records source and date in ``SOURCE.md`` beside it:

    .venv/bin/python scripts/refresh_managed_policies.py [PATH]
"""

from __future__ import annotations

import ast
import datetime
import json
import sys
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "src" / "iamd" / "catalog" / "data"
REQUIRED = ("Path", "DefaultVersionId", "CreateDate", "UpdateDate", "Document")


def _from_moto_module(text: str) -> dict[str, object]:
    """The JSON string assigned to ``aws_managed_policies_data`` (read as data, never imported)."""
    for node in ast.parse(text).body:
        if not isinstance(node, ast.Assign):
            continue
        named = any(isinstance(t, ast.Name) and t.id == "aws_managed_policies_data" for t in node.targets)
        if named and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            loaded: dict[str, object] = json.loads(node.value.value)
            return loaded
    raise SystemExit("no aws_managed_policies_data string found in the module")


def load(source: Path | None) -> tuple[dict[str, object], str]:
    if source is None:
        try:
            import moto
        except ImportError:
            raise SystemExit("moto is not installed; pass the path of aws_managed_policies.py") from None
        path = Path(moto.__file__).parent / "iam" / "aws_managed_policies.py"
        return _from_moto_module(
            path.read_text()
        ), f"moto {moto.__version__} (`moto/iam/aws_managed_policies.py`)"
    text = source.read_text()
    if source.suffix == ".py":
        return _from_moto_module(text), f"`{source.name}` (moto's aws_managed_policies module)"
    loaded: dict[str, object] = json.loads(text)
    return loaded, f"`{source.name}`"


def check(policies: dict[str, object]) -> None:
    for name, entry in policies.items():
        if not isinstance(entry, dict) or any(key not in entry for key in REQUIRED):
            raise SystemExit(f"{name}: expected the fields {', '.join(REQUIRED)}")


def main(argv: list[str]) -> None:
    policies, origin = load(Path(argv[1]) if len(argv) > 1 else None)
    check(policies)
    target = DATA_DIR / "aws-managed-policies.json"
    target.write_text(json.dumps(policies, indent=1, sort_keys=True) + "\n")
    today = datetime.date.today().isoformat()
    row = (
        f"| `aws-managed-policies.json` | the {len(policies)} AWS managed policies: name → `{{Path, "
        "DefaultVersionId, CreateDate, UpdateDate, PermissionsBoundaryUsageCount, Document}` | "
        f"AWS's published managed policies as collected by {origin}, Apache-2.0, re-serialised as "
        f"plain JSON by `scripts/refresh_managed_policies.py` | {today} |"
    )
    source = DATA_DIR / "SOURCE.md"
    lines = source.read_text().splitlines()
    # Replace this file's row and keep the rows of the other data files.
    lines = [row if line.startswith("| `aws-managed-policies.json`") else line for line in lines]
    source.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(policies)} policies to {target}")


if __name__ == "__main__":
    main(sys.argv)
