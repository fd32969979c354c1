"""Secrets out, CloudTrail's key style in: request parameters and response elements as the trail keeps them.

AWS never writes secret access keys, session tokens, passwords, MFA seeds or codes, private keys or
identity-provider tokens to CloudTrail. A value is hidden when the service model marks its shape
``sensitive`` or its member name is in :data:`SECRET_MEMBERS` (the model does not flag session tokens,
MFA codes or seeds). Hidden values read ``HIDDEN_DUE_TO_SECURITY_REASONS``, the marker CloudTrail itself
writes (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
Keys become lower camel case (``UserName`` → ``userName``), as CloudTrail writes IAM and STS parameters.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from iamd.wire.service_model import ServiceModel, Shape

HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"

SECRET_MEMBERS = frozenset(
    {
        "SecretAccessKey",
        "SessionToken",
        "Password",
        "OldPassword",
        "NewPassword",
        "AuthenticationCode1",
        "AuthenticationCode2",
        "TokenCode",
        "Base32StringSeed",
        "QRCodePNG",
        "PrivateKey",
        "ServicePassword",
        "ServiceCredentialSecret",
        "SAMLAssertion",
        "WebIdentityToken",
        "EncodedMessage",
        "DecodedMessage",
    }
)


def lower_camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def scalar(value: Any) -> Any:
    """A JSON value: datetimes as ISO 8601 UTC, bytes as base64."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


class Redactor:
    """Walks values along one service model's shapes, hiding secrets and renaming keys."""

    def __init__(self, model: ServiceModel) -> None:
        self._model = model

    def structure(self, shape_name: str | None, value: Mapping[str, Any]) -> dict[str, Any]:
        shape = self._shape(shape_name)
        out: dict[str, Any] = {}
        for name, item in value.items():
            if item is None:
                continue
            member = shape.members.get(name) if shape is not None else None
            member_shape = member.shape_name if member is not None else None
            out[lower_camel(name)] = self._value(name, member_shape, item)
        return out

    def _shape(self, shape_name: str | None) -> Shape | None:
        return self._model.shapes.get(shape_name) if shape_name is not None else None

    def _value(self, name: str, shape_name: str | None, value: Any) -> Any:
        shape = self._shape(shape_name)
        if name in SECRET_MEMBERS or (shape is not None and shape.sensitive):
            return HIDDEN
        if isinstance(value, Mapping):
            if shape is not None and shape.type == "map":
                value_shape = shape.value.shape_name if shape.value else None
                return {str(k): self._value("value", value_shape, v) for k, v in value.items()}
            return self.structure(shape_name, value)
        if isinstance(value, list | tuple):
            element = shape.member.shape_name if shape is not None and shape.member else None
            return [self._value("member", element, v) for v in value]
        return scalar(value)
