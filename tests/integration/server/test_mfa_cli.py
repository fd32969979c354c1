"""Virtual MFA devices through the AWS CLI: create-virtual-mfa-device writes the seed (or the QR code PNG)
to --outfile (https://docs.aws.amazon.com/cli/latest/reference/iam/create-virtual-mfa-device.html), and
enable-mfa-device takes two consecutive codes from it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyotp

from tests.integration.server.harness import ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, RunningServer, unique


def _aws(server: RunningServer, *args: str) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {
        "AWS_ACCESS_KEY_ID": ROOT_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": ROOT_SECRET,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    command = [sys.executable, "-m", "awscli", "iam", *args, "--endpoint-url", server.url, "--output", "json"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_cli_create_enable_list(iamd_server: RunningServer, tmp_path: Path) -> None:
    name, user = unique("cli-mfa"), unique("cli-user")
    seed_file, png_file = tmp_path / "seed.txt", tmp_path / "qr.png"
    _aws(iamd_server, "create-user", "--user-name", user)
    created = _aws(
        iamd_server,
        "create-virtual-mfa-device",
        "--virtual-mfa-device-name",
        name,
        "--outfile",
        str(seed_file),
        "--bootstrap-method",
        "Base32StringSeed",
    )
    serial = created["VirtualMFADevice"]["SerialNumber"]
    assert serial == f"arn:aws:iam::{ACCOUNT_ID}:mfa/{name}"
    seed = seed_file.read_text()
    assert len(seed) == 32

    _aws(
        iamd_server,
        "create-virtual-mfa-device",
        "--virtual-mfa-device-name",
        unique("cli-qr"),
        "--outfile",
        str(png_file),
        "--bootstrap-method",
        "QRCodePNG",
    )
    assert png_file.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    app, now = pyotp.TOTP(seed), time.time()
    _aws(
        iamd_server,
        "enable-mfa-device",
        "--user-name",
        user,
        "--serial-number",
        serial,
        "--authentication-code1",
        app.at(now - 30),
        "--authentication-code2",
        app.at(now),
    )
    listed = _aws(iamd_server, "list-mfa-devices", "--user-name", user)["MFADevices"]
    assert [(d["UserName"], d["SerialNumber"]) for d in listed] == [(user, serial)]
    assigned = _aws(iamd_server, "list-virtual-mfa-devices", "--assignment-status", "Assigned")
    entry = next(d for d in assigned["VirtualMFADevices"] if d["SerialNumber"] == serial)
    assert entry["User"]["UserName"] == user
