"""What is being asked: who (``Principal``) wants to do what (``action``) to which resource, in which context.

Mirrors ``request`` of the evaluation request format (docs/evaluation-request.md). Context keys are
lower-cased once here, because condition key names match case-insensitively.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from iamd.policy.variables import ContextValue

PrincipalType = Literal["user", "role_session", "federated_user", "root", "service", "federated", "anonymous"]
PRINCIPAL_TYPES: tuple[PrincipalType, ...] = (
    "user",
    "role_session",
    "federated_user",
    "root",
    "service",
    "federated",
    "anonymous",
)


@dataclass(frozen=True, slots=True)
class Principal:
    type: PrincipalType
    arn: str | None
    account: str | None
    role_arn: str | None = None  # role_session: the assumed role
    user_arn: str | None = None  # federated_user: the IAM user who called GetFederationToken

    def label(self) -> str:
        """How AWS names the caller in an AccessDenied message."""
        if self.type == "anonymous" or self.arn is None:
            return "anonymous"
        return self.arn


@dataclass(frozen=True, slots=True)
class Request:
    principal: Principal
    action: str
    resource: str
    resource_account: str | None
    context: Mapping[str, ContextValue] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        principal: Principal,
        action: str,
        resource: str,
        resource_account: str | None = None,
        context: Mapping[str, ContextValue] | None = None,
    ) -> Request:
        lowered = {k.lower(): (v if isinstance(v, str) else tuple(v)) for k, v in (context or {}).items()}
        return cls(principal, action, resource, resource_account, lowered)

    @property
    def is_cross_account(self) -> bool:
        owner = self.resource_account
        return owner is not None and self.principal.account is not None and owner != self.principal.account
