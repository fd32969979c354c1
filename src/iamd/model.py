"""The entities iamd keeps, as frozen dataclasses shared by every package.

These are plain values: no I/O, no behaviour beyond formatting, and nothing of iamd imported. The store
returns them, services build and read them, the wire layer serializes them. Field names follow AWS's
response shapes (``UserId`` → ``id``, ``CreateDate`` → ``created``). Every datetime is timezone-aware UTC.
Secrets appear only as ciphertext (``bytes``); the clear text never enters the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

ARN_PREFIX = "arn:"


@dataclass(frozen=True, slots=True)
class Arn:
    """``arn:partition:service:region:account:resource``; ``resource`` may itself contain colons."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @classmethod
    def parse(cls, text: str) -> Arn:
        """Split an ARN into its parts; raise ValueError when ``text`` is not an ARN."""
        parts = text.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2] or not parts[5]:
            raise ValueError(f"not an ARN: {text!r}")
        return cls(parts[1], parts[2], parts[3], parts[4], parts[5])

    @classmethod
    def iam(cls, account: str, resource: str, partition: str = "aws") -> Arn:
        """An IAM ARN (IAM is global: the region is always empty)."""
        return cls(partition, "iam", "", account, resource)

    @property
    def resource_type(self) -> str:
        """``user`` for ``user/path/alice``; the whole resource when it has no type prefix."""
        return self.resource.split("/", 1)[0]

    @property
    def resource_name(self) -> str:
        """The last path segment: ``alice`` for ``user/path/alice``."""
        return self.resource.rsplit("/", 1)[-1]

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def iam_arn(account_id: str, kind: str, path: str, name: str, partition: str = "aws") -> str:
    """The ARN AWS gives a pathed IAM entity: ``arn:aws:iam::123456789012:user/division/alice``."""
    return str(Arn.iam(account_id, f"{kind}{path}{name}", partition))


class PrincipalKind(StrEnum):
    """Who may own inline policies and attachments."""

    USER = "user"
    GROUP = "group"
    ROLE = "role"


class AccessKeyStatus(StrEnum):
    ACTIVE = "Active"
    INACTIVE = "Inactive"


@dataclass(frozen=True, slots=True)
class Tag:
    key: str
    value: str


def root_arn(account_id: str) -> str:
    """The ARN of an account's root user."""
    return f"arn:aws:iam::{account_id}:root"


@dataclass(frozen=True, slots=True)
class Account:
    id: str  # 12 digits
    alias: str | None
    created: datetime

    @property
    def root_arn(self) -> str:
        return root_arn(self.id)


@dataclass(frozen=True, slots=True)
class User:
    account_id: str
    id: str  # AIDA...
    name: str
    path: str
    arn: str
    created: datetime
    permissions_boundary_arn: str | None = None
    password_last_used: datetime | None = None
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True, slots=True)
class Group:
    account_id: str
    id: str  # AGPA...
    name: str
    path: str
    arn: str
    created: datetime


@dataclass(frozen=True, slots=True)
class RoleLastUsed:
    date: datetime
    region: str


@dataclass(frozen=True, slots=True)
class Role:
    account_id: str
    id: str  # AROA...
    name: str
    path: str
    arn: str
    created: datetime
    assume_role_policy_document: str
    description: str | None = None
    max_session_duration: int = 3600  # seconds, 3600..43200
    permissions_boundary_arn: str | None = None
    last_used: RoleLastUsed | None = None
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True, slots=True)
class ManagedPolicy:
    """A customer managed policy. AWS managed policies come from the catalog, not the store."""

    account_id: str
    id: str  # ANPA...
    name: str
    path: str
    arn: str
    created: datetime
    updated: datetime
    default_version_id: str  # "v1", "v2", ...
    description: str | None = None
    attachment_count: int = 0
    permissions_boundary_usage_count: int = 0
    is_attachable: bool = True
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    policy_arn: str
    version_id: str  # "v1", "v2", ... never reused within a policy
    document: str
    is_default: bool
    created: datetime


@dataclass(frozen=True, slots=True)
class InlinePolicy:
    owner_kind: PrincipalKind
    owner_id: str
    name: str
    document: str


@dataclass(frozen=True, slots=True)
class AttachedPolicy:
    """A managed policy (customer or AWS managed) attached to a user, group or role."""

    arn: str

    @property
    def name(self) -> str:
        return self.arn.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class PolicyEntities:
    """The principals a managed policy is attached to, for ListEntitiesForPolicy."""

    users: tuple[User, ...] = ()
    groups: tuple[Group, ...] = ()
    roles: tuple[Role, ...] = ()


@dataclass(frozen=True, slots=True)
class AccessKeyLastUsed:
    date: datetime
    service: str
    region: str


@dataclass(frozen=True, slots=True)
class AccessKey:
    id: str  # AKIA...
    account_id: str
    user_id: str | None  # None: the account's root user
    user_name: str | None
    status: AccessKeyStatus
    created: datetime
    secret_ciphertext: bytes = field(repr=False)
    last_used: AccessKeyLastUsed | None = None


@dataclass(frozen=True, slots=True)
class LoginProfile:
    user_id: str
    user_name: str
    password_hash: str = field(repr=False)  # Argon2id encoded hash
    password_reset_required: bool = False
    created: datetime | None = None


@dataclass(frozen=True, slots=True)
class InstanceProfile:
    account_id: str
    id: str  # AIPA...
    name: str
    path: str
    arn: str
    created: datetime
    roles: tuple[Role, ...] = ()
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True, slots=True)
class VirtualMfaDevice:
    account_id: str
    serial_number: str  # arn:aws:iam::123456789012:mfa/path/name
    name: str
    path: str
    created: datetime
    seed_ciphertext: bytes = field(repr=False)
    user_id: str | None = None  # the user it is enabled for (None: unassigned)
    enable_date: datetime | None = None
    last_used_counter: int | None = None  # TOTP time step of the last accepted code (replay guard)
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True, slots=True)
class OidcProvider:
    account_id: str
    arn: str  # arn:aws:iam::123456789012:oidc-provider/host/path
    url: str  # as given, e.g. https://token.actions.githubusercontent.com
    created: datetime
    client_ids: tuple[str, ...] = ()
    thumbprints: tuple[str, ...] = ()
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True, slots=True)
class SamlProvider:
    account_id: str
    arn: str  # arn:aws:iam::123456789012:saml-provider/Name
    name: str
    metadata_document: str
    created: datetime
    valid_until: datetime | None = None
    tags: tuple[Tag, ...] = ()
