"""`iamd policy simulate` through click's runner: output lines, exit statuses, errors located in the file."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from iamd.cli.main import cli

ALICE = {"type": "user", "arn": "arn:aws:iam::111122223333:user/alice", "account": "111122223333"}
ALLOW_GET = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}


def _request(action: str, **extra: object) -> dict[str, object]:
    return {
        "request": {
            "principal": ALICE,
            "action": action,
            "resource": "arn:aws:s3:::bucket/key",
            "resource_account": "111122223333",
            "context": {},
        },
        **extra,
    }


def _run(args: list[str], stdin: str | None = None) -> tuple[int, list[dict[str, object]], str]:
    result = CliRunner().invoke(cli, ["policy", "simulate", *args], input=stdin)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, lines, result.stderr


def test_array_input_gives_one_line_per_request_in_order(tmp_path: Path) -> None:
    requests = [
        {"id": "allowed", **_request("s3:GetObject", policies={"identity": [ALLOW_GET]})},
        {"id": "implicit", **_request("s3:PutObject", policies={"identity": [ALLOW_GET]})},
    ]
    path = tmp_path / "requests.json"
    path.write_text(json.dumps(requests))
    code, lines, _ = _run([str(path)])
    assert code == 0
    assert [(line["id"], line["decision"]) for line in lines] == [
        ("allowed", "Allow"),
        ("implicit", "ImplicitDeny"),
    ]
    assert lines[1]["explanation"]["missing_allow"] == {"layer": "identity"}


def test_json_lines_from_stdin_with_shared_policies(tmp_path: Path) -> None:
    policies = tmp_path / "policies.json"
    policies.write_text(json.dumps({"identity": [ALLOW_GET]}))
    stdin = "\n".join(json.dumps(_request(a)) for a in ("s3:GetObject", "s3:getobject", "s3:DeleteObject"))
    code, lines, _ = _run(["--policies", str(policies), "-"], stdin)
    assert code == 0
    assert [line["decision"] for line in lines] == ["Allow", "Allow", "ImplicitDeny"]


def test_malformed_policy_is_an_error_line_with_location_and_exit_1() -> None:
    bad = {"Statement": [{"Effect": "Permit", "Action": "*", "Resource": "*"}]}
    stdin = json.dumps({"id": "bad", **_request("s3:GetObject", policies={"identity": [bad]})}, indent=2)
    stdin += "\n"
    code, lines, _ = _run(["-"], stdin)
    assert code == 1
    error = lines[0]["error"]
    assert error["code"] == "INVALID_EFFECT"
    assert error["path"] == "policies.identity[0].Statement[0].Effect"
    assert error["line"] > 1


def test_unreadable_input_exits_2_naming_the_file(tmp_path: Path) -> None:
    code, _, stderr = _run([str(tmp_path / "missing.json")])
    assert code == 2
    assert "missing.json" in stderr
    code, _, stderr = _run(["-"], "{not json")
    assert code == 2
    assert "line 1" in stderr
    assert "Traceback" not in stderr


def test_text_format_explains_the_decision() -> None:
    deny = {"Statement": {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}}
    stdin = json.dumps(_request("s3:DeleteObject", policies={"identity": [ALLOW_GET, deny]}))
    result = CliRunner().invoke(cli, ["policy", "simulate", "--format", "text", "-"], input=stdin)
    assert result.exit_code == 0
    assert "ExplicitDeny" in result.stdout
    assert "with an explicit deny in an identity-based policy" in result.stdout
    assert "Sid 'NoDelete'" in result.stdout
