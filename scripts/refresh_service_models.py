"""Refresh iamd's vendored AWS service models from the installed botocore.

Copies ``service-2.json`` (decompressed when botocore ships it gzipped) for iam, sts and accessanalyzer
into ``src/iamd/wire/models/<service>.json`` byte for byte, and records where they came from in
``src/iamd/wire/models/SOURCE.md``. Run it with the project's interpreter after upgrading botocore:

    .venv/bin/python scripts/refresh_service_models.py
"""

from __future__ import annotations

import datetime
import gzip
import json
import sys
import unicodedata
from pathlib import Path

import botocore

SERVICES = ("iam", "sts", "accessanalyzer")
MODELS_DIR = Path(__file__).resolve().parent.parent / "src" / "iamd" / "wire" / "models"
# The Unicode general categories the models' Java-style patterns name (\p{L}, \p{Z}, \p{N}); Python's
# re has no \p{..}, so iamd.wire.patterns reads these ranges instead of scanning Unicode at start-up.
UNICODE_CATEGORIES = ("L", "Z", "N")


def _latest_model_file(service: str) -> Path:
    """The newest API version's service-2.json(.gz) of one service in the installed botocore."""
    service_dir = Path(botocore.__file__).parent / "data" / service
    versions = sorted(p for p in service_dir.iterdir() if p.is_dir())
    if not versions:
        raise SystemExit(f"botocore has no model for {service} in {service_dir}")
    for candidate in ("service-2.json", "service-2.json.gz"):
        path = versions[-1] / candidate
        if path.exists():
            return path
    raise SystemExit(f"no service-2.json under {versions[-1]}")


def _read_model(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


def _unicode_category_ranges() -> dict[str, list[list[int]]]:
    """Code point ranges ``[first, last]`` of each major category in UNICODE_CATEGORIES."""
    ranges: dict[str, list[list[int]]] = {category: [] for category in UNICODE_CATEGORIES}
    for code_point in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(code_point))[0]
        if category not in ranges:
            continue
        category_ranges = ranges[category]
        if category_ranges and category_ranges[-1][1] == code_point - 1:
            category_ranges[-1][1] = code_point
        else:
            category_ranges.append([code_point, code_point])
    return ranges


def main() -> None:
    rows = []
    for service in SERVICES:
        source = _latest_model_file(service)
        content = _read_model(source)
        api_version = json.loads(content)["metadata"]["apiVersion"]
        (MODELS_DIR / f"{service}.json").write_bytes(content)
        rows.append(f"| {service} | {api_version} | `botocore/data/{service}/{api_version}/{source.name}` |")
    categories = {"unicode_version": unicodedata.unidata_version, **_unicode_category_ranges()}
    (MODELS_DIR / "unicode_categories.json").write_text(json.dumps(categories) + "\n", encoding="utf-8")
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    source_md = "\n".join(
        [
            "# Where these models come from",
            "",
            "AWS's own service models, copied unchanged (decompressed) from botocore by",
            "`scripts/refresh_service_models.py`. Do not edit them by hand; rerun the script.",
            "",
            f"- botocore version: {botocore.__version__}",
            f"- refreshed on: {today}",
            "",
            "| service | API version | source file |",
            "|---|---|---|",
            *rows,
            "",
            "`unicode_categories.json` holds the code point ranges of the Unicode categories L, Z and N",
            f"(Unicode {unicodedata.unidata_version}) that the models' patterns name as `\\p{{L}}` etc.",
            "",
        ]
    )
    (MODELS_DIR / "SOURCE.md").write_text(source_md, encoding="utf-8")
    print(f"refreshed {', '.join(SERVICES)} from botocore {botocore.__version__}")


if __name__ == "__main__":
    main()
