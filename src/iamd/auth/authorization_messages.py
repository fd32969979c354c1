"""Encoded authorization messages: the opaque text AWS services put after "Encoded authorization failure
message:" and that ``sts:DecodeAuthorizationMessage`` turns back into the decision document
(https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html).

iamd seals the decision document with the master key (:class:`~iamd.auth.secrets.SecretBox`, purpose
:data:`PURPOSE`, owner the account the request was made in), so only this server (or one sharing its master
key) opens it, only for that account, and any change to the text is detected. The details stay private to
whoever may call DecodeAuthorizationMessage, which is why AWS encodes them at all.

Text (version 1): URL-safe base64 without padding (AWS's blobs use ``-`` and ``_`` too) of
``0x61 | SecretBox.seal( zlib( JSON document ) )``. Compression keeps messages well under the 10240
characters the STS service model allows for ``EncodedMessage``.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Mapping
from typing import Any, Final

import orjson

from iamd.auth.secrets import SecretBox, SecretBoxError
from iamd.errors import InvalidAuthorizationMessage

PURPOSE: Final = "sts-authorization-message"
_MAGIC: Final = 0x61
MAX_MESSAGE_CHARS: Final = 10240  # EncodedMessage's maximum length in the STS service model
_MAX_DOCUMENT_BYTES: Final = 256 * 1024  # decompression stops here: no zip bombs
_TEXT: Final = re.compile(r"[A-Za-z0-9_-]+")  # line breaks or other characters: not valid, as in AWS


def seal_message(box: SecretBox, document: Mapping[str, Any], account_id: str) -> str:
    """The encoded message for ``document``, which only ``account_id`` can have decoded."""
    plaintext = zlib.compress(orjson.dumps(document), 9)
    sealed = bytes((_MAGIC,)) + box.seal(plaintext, purpose=PURPOSE, owner=account_id)
    return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")


def open_message(box: SecretBox, text: str, account_id: str) -> str:
    """The decision document (JSON text, as DecodeAuthorizationMessage returns it) inside ``text``;
    :class:`InvalidAuthorizationMessage` if ``text`` is not a message this server sealed for
    ``account_id``, or was changed."""
    if len(text) > MAX_MESSAGE_CHARS or not _TEXT.fullmatch(text):
        raise InvalidAuthorizationMessage()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise InvalidAuthorizationMessage() from None
    if not raw or raw[0] != _MAGIC:
        raise InvalidAuthorizationMessage()
    try:
        compressed = box.open(raw[1:], purpose=PURPOSE, owner=account_id)
    except SecretBoxError:
        raise InvalidAuthorizationMessage() from None
    decompressor = zlib.decompressobj()
    try:
        plaintext = decompressor.decompress(compressed, _MAX_DOCUMENT_BYTES)
    except zlib.error:
        raise InvalidAuthorizationMessage() from None
    if decompressor.unconsumed_tail or not decompressor.eof:
        raise InvalidAuthorizationMessage()
    return plaintext.decode("utf-8")
