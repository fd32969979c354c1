"""iamd.auth.authorization_messages: sealing and opening encoded authorization messages.

What a valid message is follows STS's DecodeAuthorizationMessage
(https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html): at most 10240
characters; a message with invalid characters (line breaks) or changed is
InvalidAuthorizationMessageException.
"""

from __future__ import annotations

import base64
import json
import re
import zlib

import pytest

from iamd.auth.authorization_messages import MAX_MESSAGE_CHARS, PURPOSE, open_message, seal_message
from iamd.auth.secrets import SecretBox
from iamd.errors import InvalidAuthorizationMessage

BOX = SecretBox.from_master_key(bytes(range(32)))
OTHER_BOX = SecretBox.from_master_key(bytes(range(32, 64)))
ACCOUNT = "123456789012"
DOCUMENT = {
    "allowed": False,
    "explicitDeny": True,
    "matchedStatements": {"items": [{"statementId": "NoUsers", "effect": "DENY"}]},
    "failures": {"items": []},
    "context": {"principal": {"id": "AIDAEXAMPLE", "arn": "arn:aws:iam::123456789012:user/ana"}},
}


def test_a_sealed_message_opens_to_the_same_document() -> None:
    text = seal_message(BOX, DOCUMENT, ACCOUNT)
    assert json.loads(open_message(BOX, text, ACCOUNT)) == DOCUMENT


def test_the_text_is_url_safe_base64_and_reveals_nothing() -> None:
    text = seal_message(BOX, DOCUMENT, ACCOUNT)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", text)
    assert "NoUsers" not in text and "AIDAEXAMPLE" not in text
    assert b"NoUsers" not in base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_each_sealing_differs_yet_opens() -> None:
    first, second = seal_message(BOX, DOCUMENT, ACCOUNT), seal_message(BOX, DOCUMENT, ACCOUNT)
    assert first != second  # a fresh nonce each time
    assert open_message(BOX, first, ACCOUNT) == open_message(BOX, second, ACCOUNT)


def test_a_large_decision_stays_within_the_length_sts_allows() -> None:
    conditions = [
        {"key": f"aws:PrincipalTag/k{i}", "values": {"items": [{"value": "v" * 40}]}} for i in range(50)
    ]
    document = {**DOCUMENT, "context": {"conditions": {"items": conditions}}}
    assert len(seal_message(BOX, document, ACCOUNT)) < MAX_MESSAGE_CHARS


def _flip(text: str, index: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    replacement = alphabet[(alphabet.index(text[index]) + 1) % len(alphabet)]
    return text[:index] + replacement + text[index + 1 :]


@pytest.mark.parametrize("index", [0, 1, 5, 20, -20, -1])
def test_any_changed_character_is_refused(index: int) -> None:
    text = seal_message(BOX, DOCUMENT, ACCOUNT)
    with pytest.raises(InvalidAuthorizationMessage):
        open_message(BOX, _flip(text, index % len(text)), ACCOUNT)


def test_another_server_key_does_not_open_it() -> None:
    text = seal_message(BOX, DOCUMENT, ACCOUNT)
    with pytest.raises(InvalidAuthorizationMessage):
        open_message(OTHER_BOX, text, ACCOUNT)


def test_another_account_does_not_open_it() -> None:
    text = seal_message(BOX, DOCUMENT, ACCOUNT)
    with pytest.raises(InvalidAuthorizationMessage):
        open_message(BOX, text, "210987654321")


def test_a_value_sealed_for_another_purpose_is_refused() -> None:
    # Same key and owner, but sealed as something else (e.g. a session token's payload).
    sealed = BOX.seal(
        zlib.compress(json.dumps(DOCUMENT).encode()), purpose="sts-session-token", owner=ACCOUNT
    )
    text = base64.urlsafe_b64encode(b"\x61" + sealed).rstrip(b"=").decode()
    with pytest.raises(InvalidAuthorizationMessage):
        open_message(BOX, text, ACCOUNT)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not base64 at all!",
        "abc\ndef",  # line breaks: AWS's example of an invalid message
        "AAAA",
        "x" * (MAX_MESSAGE_CHARS + 1),
        # A real AWS message (from the AWS CLI documentation): not iamd's.
        "EXAMPLEWodyRNrtlQARDip-eTA6i6DrlUhHhPQrLWB_lAbl5pAKxl9mPDLexYcGBreyIKQC1BGBIpBKr3dFDkwqeO7e2NMk5j",
    ],
)
def test_text_that_is_not_an_iamd_message_is_refused(text: str) -> None:
    with pytest.raises(InvalidAuthorizationMessage) as raised:
        open_message(BOX, text, ACCOUNT)
    assert raised.value.code == "InvalidAuthorizationMessageException"
    assert raised.value.status == 400


def test_a_truncated_message_is_refused() -> None:
    text = seal_message(BOX, DOCUMENT, ACCOUNT)
    with pytest.raises(InvalidAuthorizationMessage):
        open_message(BOX, text[:-4], ACCOUNT)


def test_a_decompression_bomb_is_refused() -> None:
    bomb = zlib.compress(b"[" + b" " * (4 * 1024 * 1024) + b"]", 9)
    sealed = BOX.seal(bomb, purpose=PURPOSE, owner=ACCOUNT)
    text = base64.urlsafe_b64encode(b"\x61" + sealed).rstrip(b"=").decode()
    assert len(text) < MAX_MESSAGE_CHARS
    with pytest.raises(InvalidAuthorizationMessage):
        open_message(BOX, text, ACCOUNT)
