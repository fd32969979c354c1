"""`iamd admin create-account` through click's runner, on a SQLite database in a temporary data dir."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from iamd.auth.secrets import SecretBox, load_master_key
from iamd.cli.main import cli
from iamd.store import Database
from iamd.store.resolver import StoreAccessKeyResolver

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IAMD_DATABASE_URL", "IAMD_DATA_DIR", "IAMD_MASTER_KEY", "IAMD_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)


def _run(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["admin", "create-account", "--data-dir", str(data_dir), *args])


def _profile(output: str) -> tuple[str, configparser.SectionProxy]:
    parser = configparser.ConfigParser()
    parser.read_string(output)
    [section] = parser.sections()
    return section, parser[section]


def test_creates_an_account_whose_key_the_server_can_open(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert result.exit_code == 0, result.output
    name, profile = _profile(result.output)
    account_id = name.removeprefix("iamd-")
    assert re.fullmatch(r"[0-9]{12}", account_id)
    assert f"# iamd account {account_id}" in result.output
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", profile["aws_access_key_id"])
    assert re.fullmatch(r"[A-Za-z0-9+/]{40}", profile["aws_secret_access_key"])

    # The server's way in: the same database and master key resolve the key to the new root user.
    database = Database.open(f"sqlite:///{tmp_path / 'iamd.db'}")
    try:
        box = SecretBox.from_master_key(load_master_key(tmp_path, {}))
        resolved = StoreAccessKeyResolver(database, box).resolve(profile["aws_access_key_id"])
        with database.read() as tx:
            assert tx.accounts.get(account_id).id == account_id
    finally:
        database.close()
    assert resolved is not None
    assert (resolved.account_id, resolved.principal_id) == (account_id, account_id)
    assert resolved.secret_access_key.reveal() == profile["aws_secret_access_key"]
    # Only the sealed secret is stored.
    for path in tmp_path.glob("iamd.db*"):
        assert profile["aws_secret_access_key"].encode() not in path.read_bytes()


def test_chosen_ids_and_a_second_account(tmp_path: Path) -> None:
    first = _run(
        tmp_path,
        "--account-id",
        "111122223333",
        "--root-access-key-id",
        KEY_ID,
        "--root-secret-access-key",
        SECRET,
    )
    assert first.exit_code == 0, first.output
    assert first.output == (
        "# iamd account 111122223333 (root user)\n"
        "[iamd-111122223333]\n"
        f"aws_access_key_id = {KEY_ID}\n"
        f"aws_secret_access_key = {SECRET}\n"
    )
    second = _run(tmp_path)
    assert second.exit_code == 0, second.output
    assert _profile(second.output)[0] != "iamd-111122223333"


def test_taken_account_id_or_key_id_is_refused(tmp_path: Path) -> None:
    assert _run(tmp_path, "--account-id", "111122223333").exit_code == 0
    again = _run(tmp_path, "--account-id", "111122223333")
    assert again.exit_code == 1
    assert "Account 111122223333 already exists." in again.output

    assert _run(tmp_path, "--root-access-key-id", KEY_ID, "--root-secret-access-key", SECRET).exit_code == 0
    reused = _run(tmp_path, "--root-access-key-id", KEY_ID, "--root-secret-access-key", SECRET)
    assert reused.exit_code == 1
    assert f"the access key id {KEY_ID} is already in use" in reused.output
    database = Database.open(f"sqlite:///{tmp_path / 'iamd.db'}")
    try:
        with database.read() as tx:
            assert tx.accounts.count() == 2  # the refused attempts added nothing
    finally:
        database.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--account-id", "12345"], "an account id is 12 digits"),
        (["--root-access-key-id", KEY_ID], "go together"),
        (["--root-access-key-id", "ASIAIOSFODNN7EXAMPLE", "--root-secret-access-key", SECRET], "AKIA"),
        (["--root-access-key-id", KEY_ID, "--root-secret-access-key", "short"], "40 characters"),
    ],
)
def test_bad_choices_are_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = _run(tmp_path, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "iamd.db").exists()
