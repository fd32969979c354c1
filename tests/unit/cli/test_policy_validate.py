"""`iamd policy validate` through click's runner: table and JSON output, policy types, exit statuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from iamd.cli.main import cli

GOOD = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}],
}
WITH_PRINCIPAL = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
        }
    ],
}


def _write(tmp_path: Path, name: str, content: Any) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))
    return str(path)


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["policy", "validate", *args])


def test_clean_file_exits_0_with_a_summary(tmp_path: Path) -> None:
    result = _run(_write(tmp_path, "good.json", GOOD))
    assert result.exit_code == 0
    assert "1 file: 0 errors" in result.stdout


def test_json_format_is_one_array_of_findings_with_file(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.json", GOOD)
    bad = _write(tmp_path, "bad.json", WITH_PRINCIPAL)
    result = _run("--format", "json", good, bad)
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert findings == [
        {
            "file": bad,
            "findingType": "ERROR",
            "issueCode": "UNSUPPORTED_PRINCIPAL",
            "message": "The policy type IDENTITY_POLICY does not support the Principal element. "
            "Remove the Principal element.",
            "location": {"path": "Statement[0].Principal", "line": 6, "column": 20},
        }
    ]


def test_type_option_changes_the_rules(tmp_path: Path) -> None:
    path = _write(tmp_path, "bucket-policy.json", WITH_PRINCIPAL)
    result = _run("--type", "resource", "--format", "json", path)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_invalid_json_is_an_error_finding(tmp_path: Path) -> None:
    path = _write(tmp_path, "broken.json", '{"Version": "2012-10-17",\n "Statement": [}')
    result = _run("--format", "json", path)
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)
    assert finding["issueCode"] == "JSON_SYNTAX_ERROR"
    assert finding["location"]["line"] == 2


def test_table_names_file_code_and_location(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.json", WITH_PRINCIPAL)
    result = _run(path)
    assert result.exit_code == 1
    assert "UNSUPPORTED_PRINCIPAL" in result.stdout
    assert "6:20 Statement[0].Principal" in result.stdout
    assert "bad.json" in result.stdout
    assert "1 file: 1 error, 0 security warnings, 0 warnings, 0 suggestions" in result.stdout


def test_warnings_alone_exit_0(tmp_path: Path) -> None:
    path = _write(tmp_path, "old.json", {"Statement": GOOD["Statement"]})
    result = _run("--format", "json", path)
    assert result.exit_code == 0
    assert [f["issueCode"] for f in json.loads(result.stdout)] == ["MISSING_VERSION"]


def test_unreadable_file_exits_2_naming_it_without_traceback(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.json", GOOD)
    missing = str(tmp_path / "missing.json")
    result = _run("--format", "json", good, missing)
    assert result.exit_code == 2
    assert f"cannot read {missing}" in result.stderr
    assert "Traceback" not in result.output
    assert json.loads(result.stdout) == []


def test_non_utf8_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"Sid": "caf\xe9"}')
    result = _run(str(path))
    assert result.exit_code == 2
    assert "latin1.json" in result.stderr


def test_unknown_type_is_a_usage_error(tmp_path: Path) -> None:
    result = _run("--type", "session", _write(tmp_path, "good.json", GOOD))
    assert result.exit_code == 2
    assert "Invalid value for '--type'" in result.stderr


def test_reads_standard_input() -> None:
    result = CliRunner().invoke(cli, ["policy", "validate", "--format", "json", "-"], input=json.dumps(GOOD))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
