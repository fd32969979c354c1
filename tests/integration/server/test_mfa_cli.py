"""Virtual MFA devices through the AWS CLI: create-virtual-mfa-device writes the seed (or the QR code PNG)
to --outfile (https://docs.aws.amazon.com/cli/latest/reference/iam/create-virtual-mfa-device.html), and
enable-mfa-device takes two consecutive codes from it."""

from __future__ import annotations

import time
from pathlib import Path

import pyotp

from tests.integration.server.awscli import aws_iam
from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique


def test_cli_create_enable_list(iamd_cli_server: RunningServer, tmp_path: Path) -> None:
    name, user = unique("cli-mfa"), unique("cli-user")
    seed_file, png_file = tmp_path / "seed.txt", tmp_path / "qr.png"
    aws_iam(iamd_cli_server, "create-user", "--user-name", user)
    created = aws_iam(
        iamd_cli_server,
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

    aws_iam(
        iamd_cli_server,
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
    aws_iam(
        iamd_cli_server,
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
    listed = aws_iam(iamd_cli_server, "list-mfa-devices", "--user-name", user)["MFADevices"]
    assert [(d["UserName"], d["SerialNumber"]) for d in listed] == [(user, serial)]
    assigned = aws_iam(iamd_cli_server, "list-virtual-mfa-devices", "--assignment-status", "Assigned")
    entry = next(d for d in assigned["VirtualMFADevices"] if d["SerialNumber"] == serial)
    assert entry["User"]["UserName"] == user
