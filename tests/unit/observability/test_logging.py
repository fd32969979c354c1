"""Structured logs: one JSON object per line with the request id, and secrets blanked in either format."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import threading
from collections.abc import Iterator

import pytest

from iamd.observability.logging import (
    REDACTED,
    JsonFormatter,
    TextFormatter,
    log_config,
    redact,
    request_context,
)

Captured = tuple[logging.Logger, io.StringIO, "logging.StreamHandler[io.StringIO]"]


@pytest.fixture
def captured() -> Iterator[Captured]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("iamd.test-observability")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream, handler
    logger.removeHandler(handler)


def test_json_lines_carry_time_level_logger_message_and_request_id(captured: Captured) -> None:
    logger, stream, handler = captured
    handler.setFormatter(JsonFormatter())
    logger.warning("outside %s", "any request")
    with request_context("1b4e28ba-2fa1-11d2-883f-0016d3cca427"):
        logger.info("inside")
    logger.info("after")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(e["level"], e["logger"], e["message"]) for e in lines] == [
        ("WARNING", "iamd.test-observability", "outside any request"),
        ("INFO", "iamd.test-observability", "inside"),
        ("INFO", "iamd.test-observability", "after"),
    ]
    assert "request_id" not in lines[0] and "request_id" not in lines[2]
    assert lines[1]["request_id"] == "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    assert lines[0]["time"].endswith("Z") and lines[0]["time"][10] == "T"


def test_request_ids_do_not_leak_between_threads(captured: Captured) -> None:
    logger, stream, handler = captured
    handler.setFormatter(JsonFormatter())
    barrier = threading.Barrier(2)

    def request(request_id: str) -> None:
        with request_context(request_id):
            barrier.wait()
            logger.info(request_id)

    threads = [threading.Thread(target=request, args=(f"req-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert sorted((e["message"], e["request_id"]) for e in entries) == [
        ("req-0", "req-0"),
        ("req-1", "req-1"),
    ]


def test_exceptions_are_one_json_line_with_the_traceback(captured: Captured) -> None:
    logger, stream, handler = captured
    handler.setFormatter(JsonFormatter())
    try:
        raise RuntimeError("boom Password=hunter2hunter2")
    except RuntimeError:
        logger.exception("request failed")
    (line,) = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["message"] == "request failed"
    assert "RuntimeError: boom" in entry["exception"]
    assert "hunter2hunter2" not in line


def test_text_format_names_the_request(captured: Captured) -> None:
    logger, stream, handler = captured
    handler.setFormatter(TextFormatter())
    with request_context("abc-123"):
        logger.warning("denied")
    assert stream.getvalue().rstrip().endswith("WARNING iamd.test-observability [abc-123]: denied")


# Names of AWS's secret-bearing parameters and fields: SecretAccessKey and SessionToken (STS Credentials,
# https://docs.aws.amazon.com/STS/latest/APIReference/API_Credentials.html), Password/OldPassword/NewPassword
# (IAM CreateLoginProfile, ChangePassword), Base32StringSeed/QRCodePNG (CreateVirtualMFADevice),
# AuthenticationCode1/2 (EnableMFADevice).
@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("SecretAccessKey=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY&x=1", "wJalrXUtnFEMI/K7MDENG"),
        ('{"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}', "wJalrXUtnFEMI/K7MDENG"),
        ("aws_secret_access_key = abcdEFGH1234/secret", "abcdEFGH1234"),
        ("SessionToken: FwoGZXIvYXdzEBYaDH", "FwoGZXIvYXdzEBYaDH"),
        ("Password=Sup3r-secret-Passw0rd!", "Sup3r-secret"),
        ("NewPassword='n3w-Secret!'", "n3w-Secret"),
        ("Base32StringSeed=JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PXP"),
        ("AuthenticationCode1=123456", "123456"),
    ],
)
def test_secret_values_are_blanked(text: str, secret: str) -> None:
    redacted = redact(text)
    assert secret not in redacted
    assert REDACTED in redacted


@pytest.mark.parametrize(
    "text", ["PasswordPolicy updated", "MinimumPasswordLength=8", "AccessKeyId=AKIAEXAMPLE"]
)
def test_other_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_log_config_applies_the_chosen_format() -> None:
    config = log_config("json")
    assert config["formatters"]["iamd"]["()"] == "iamd.observability.logging.JsonFormatter"
    assert log_config("text")["formatters"]["iamd"]["()"] == "iamd.observability.logging.TextFormatter"
    assert set(config["loggers"]) == {"iamd", "uvicorn", "uvicorn.access"}
    resolve = logging.config.BaseConfigurator({}).resolve  # as dictConfig resolves "()"
    assert resolve(config["formatters"]["iamd"]["()"]) is JsonFormatter
