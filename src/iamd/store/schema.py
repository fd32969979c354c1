"""The tables, as SQLAlchemy Core metadata. The Alembic migrations in ``migrations/`` create them.

Invariants live here, enforced by the database rather than by check-then-act in Python:

* Names of users, groups, roles, managed policies, instance profiles and MFA devices are unique per account
  case-insensitively (AWS: "you can't create groups named both ADMINS and admins"): a ``name_lower``
  column under a UNIQUE constraint.
* At most 2 access keys per user and 5 versions per policy: a ``slot`` column with a CHECK on its range
  and UNIQUE(owner, slot); an insert takes the first free slot, and when every slot is taken the database
  refuses it.
* One default version per policy: a partial UNIQUE index on ``policy_id WHERE is_default``.
* DeleteConflict: every dependent an entity must shed before AWS lets it be deleted (access keys, login
  profile, MFA devices, group memberships, inline policies, attachments, instance profile roles, use as
  a permissions boundary) references it with ON DELETE RESTRICT, so a concurrent attach cannot slip in
  between a check and the delete. Tags and a policy's versions go with their owner (CASCADE).
* One role per instance profile: the link table's primary key is the instance profile.
* Configurable quotas (users per account, policies attached per principal, ...) are counters in
  ``quota_usage`` raised by a conditional UPDATE (see ``quota_usage.py``).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from iamd.store.types import StringList, UTCDateTime

# Deterministic constraint names, so that migrations and error messages can refer to them.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ACCESS_KEY_SLOTS = 2  # AWS: access keys per user, not adjustable
POLICY_VERSION_SLOTS = 5  # AWS: versions per managed policy, not adjustable

NAME = 128  # the longest IAM name (policies); users 64, roles 64, groups 128
PATH = 512
ARN = 2048
ID = 128


def _restrict(target: str) -> ForeignKey:
    return ForeignKey(target, ondelete="RESTRICT")


def _cascade(target: str) -> ForeignKey:
    return ForeignKey(target, ondelete="CASCADE")


accounts = Table(
    "accounts",
    metadata,
    Column("id", String(12), primary_key=True),
    Column("alias", String(63), nullable=True, unique=True),  # aliases are unique across all accounts
    Column("created", UTCDateTime, nullable=False),
)


def _named_entity(name: str, *extra: Column[object] | CheckConstraint | UniqueConstraint) -> Table:
    """An account-scoped entity with AWS's id, case-insensitively unique name, path and ARN."""
    return Table(
        name,
        metadata,
        Column("id", String(ID), primary_key=True),
        Column("account_id", String(12), _restrict("accounts.id"), nullable=False),
        Column("name", String(NAME), nullable=False),
        Column("name_lower", String(NAME), nullable=False),
        Column("path", String(PATH), nullable=False),
        Column("arn", String(ARN), nullable=False, unique=True),
        Column("created", UTCDateTime, nullable=False),
        *extra,
        UniqueConstraint("account_id", "name_lower"),
    )


managed_policies = _named_entity(
    "managed_policies",
    Column("description", String(1000), nullable=True),
    Column("updated", UTCDateTime, nullable=False),
    # The number the next version gets: "v1", "v2", ... are never reused within a policy. Raising it also
    # takes the policy's row lock, which serializes version changes on PostgreSQL.
    Column("next_version", Integer, nullable=False, server_default=text("1")),
)

users = _named_entity(
    "users",
    Column("permissions_boundary_arn", String(ARN), nullable=True),
    # Set when the boundary is a customer managed policy: that policy cannot be deleted while in use.
    Column("permissions_boundary_policy_id", String(ID), _restrict("managed_policies.id"), nullable=True),
    Column("password_last_used", UTCDateTime, nullable=True),
)

groups = _named_entity("groups")

roles = _named_entity(
    "roles",
    Column("assume_role_policy_document", Text, nullable=False),
    Column("description", String(1000), nullable=True),
    Column("max_session_duration", Integer, nullable=False),
    Column("permissions_boundary_arn", String(ARN), nullable=True),
    Column("permissions_boundary_policy_id", String(ID), _restrict("managed_policies.id"), nullable=True),
    Column("last_used_date", UTCDateTime, nullable=True),
    Column("last_used_region", String(64), nullable=True),
)

instance_profiles = _named_entity("instance_profiles")

policy_versions = Table(
    "policy_versions",
    metadata,
    Column("policy_id", String(ID), _cascade("managed_policies.id"), nullable=False),
    Column("version_number", Integer, nullable=False),
    Column("slot", Integer, nullable=False),
    Column("document", Text, nullable=False),
    Column("is_default", Boolean, nullable=False),
    Column("created", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("policy_id", "version_number"),
    UniqueConstraint("policy_id", "slot"),
    CheckConstraint(f"slot BETWEEN 1 AND {POLICY_VERSION_SLOTS}", name="slot_range"),
)
Index(
    "uq_policy_versions_one_default",
    policy_versions.c.policy_id,
    unique=True,
    sqlite_where=policy_versions.c.is_default,
    postgresql_where=policy_versions.c.is_default,
)

group_members = Table(
    "group_members",
    metadata,
    Column("group_id", String(ID), _restrict("groups.id"), nullable=False),
    Column("user_id", String(ID), _restrict("users.id"), nullable=False, index=True),
    Column("added", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("group_id", "user_id"),
)


def _inline_policies(owner: str) -> Table:
    return Table(
        f"{owner}_inline_policies",
        metadata,
        Column("owner_id", String(ID), _restrict(f"{owner}s.id"), nullable=False),
        Column("name", String(NAME), nullable=False),
        Column("document", Text, nullable=False),
        PrimaryKeyConstraint("owner_id", "name"),
    )


def _attachments(owner: str) -> Table:
    return Table(
        f"{owner}_attached_policies",
        metadata,
        Column("owner_id", String(ID), _restrict(f"{owner}s.id"), nullable=False),
        Column("policy_arn", String(ARN), nullable=False, index=True),
        # Set for customer managed policies (DeletePolicy is refused while attached); NULL for AWS managed.
        Column("policy_id", String(ID), _restrict("managed_policies.id"), nullable=True, index=True),
        Column("attached", UTCDateTime, nullable=False),
        PrimaryKeyConstraint("owner_id", "policy_arn"),
    )


def _tags(name: str, owner: str) -> Table:
    return Table(
        name,
        metadata,
        Column("owner_id", String(ARN), _cascade(owner), nullable=False),
        Column("key", String(128), nullable=False),
        Column("key_lower", String(128), nullable=False),  # IAM tag keys are unique case-insensitively
        Column("value", String(256), nullable=False),
        PrimaryKeyConstraint("owner_id", "key_lower"),
    )


user_inline_policies = _inline_policies("user")
group_inline_policies = _inline_policies("group")
role_inline_policies = _inline_policies("role")

user_attached_policies = _attachments("user")
group_attached_policies = _attachments("group")
role_attached_policies = _attachments("role")

access_keys = Table(
    "access_keys",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("account_id", String(12), _restrict("accounts.id"), nullable=False),
    # The user's id, or the account id for the root user's keys; the slot is unique per owner.
    Column("owner_id", String(ID), nullable=False),
    Column("user_id", String(ID), _restrict("users.id"), nullable=True),
    Column("slot", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created", UTCDateTime, nullable=False),
    Column("secret_ciphertext", LargeBinary, nullable=False),
    Column("last_used_date", UTCDateTime, nullable=True),
    Column("last_used_service", String(64), nullable=True),
    Column("last_used_region", String(64), nullable=True),
    UniqueConstraint("owner_id", "slot"),
    CheckConstraint(f"slot BETWEEN 1 AND {ACCESS_KEY_SLOTS}", name="slot_range"),
    CheckConstraint("status IN ('Active', 'Inactive')", name="status"),
)

login_profiles = Table(
    "login_profiles",
    metadata,
    Column("user_id", String(ID), _restrict("users.id"), primary_key=True),
    Column("password_hash", String(256), nullable=False),
    Column("password_reset_required", Boolean, nullable=False),
    Column("created", UTCDateTime, nullable=False),
)

instance_profile_roles = Table(
    "instance_profile_roles",
    metadata,
    # The primary key is the profile: AWS allows one role per instance profile.
    Column("instance_profile_id", String(ID), _restrict("instance_profiles.id"), primary_key=True),
    Column("role_id", String(ID), _restrict("roles.id"), nullable=False, index=True),
)

mfa_devices = Table(
    "mfa_devices",
    metadata,
    Column("serial_number", String(ARN), primary_key=True),
    Column("account_id", String(12), _restrict("accounts.id"), nullable=False),
    Column("name", String(NAME), nullable=False),
    Column("name_lower", String(NAME), nullable=False),
    Column("path", String(PATH), nullable=False),
    Column("created", UTCDateTime, nullable=False),
    Column("seed_ciphertext", LargeBinary, nullable=False),
    Column("user_id", String(ID), _restrict("users.id"), nullable=True, index=True),
    Column("enable_date", UTCDateTime, nullable=True),
    Column("last_used_counter", Integer, nullable=True),
    UniqueConstraint("account_id", "name_lower"),
)

oidc_providers = Table(
    "oidc_providers",
    metadata,
    Column("arn", String(ARN), primary_key=True),
    Column("account_id", String(12), _restrict("accounts.id"), nullable=False, index=True),
    Column("url", String(255), nullable=False),
    Column("client_ids", StringList, nullable=False),
    Column("thumbprints", StringList, nullable=False),
    Column("created", UTCDateTime, nullable=False),
)

saml_providers = Table(
    "saml_providers",
    metadata,
    Column("arn", String(ARN), primary_key=True),
    Column("account_id", String(12), _restrict("accounts.id"), nullable=False, index=True),
    Column("name", String(NAME), nullable=False),
    Column("metadata_document", Text, nullable=False),
    Column("valid_until", UTCDateTime, nullable=True),
    Column("created", UTCDateTime, nullable=False),
)

user_tags = _tags("user_tags", "users.id")
role_tags = _tags("role_tags", "roles.id")
managed_policy_tags = _tags("managed_policy_tags", "managed_policies.id")
instance_profile_tags = _tags("instance_profile_tags", "instance_profiles.id")
mfa_device_tags = _tags("mfa_device_tags", "mfa_devices.serial_number")
oidc_provider_tags = _tags("oidc_provider_tags", "oidc_providers.arn")
saml_provider_tags = _tags("saml_provider_tags", "saml_providers.arn")

quota_usage = Table(
    "quota_usage",
    metadata,
    Column("scope_id", String(ARN), nullable=False),  # an account id, or the principal the quota is per
    Column("kind", String(64), nullable=False),
    Column("used", Integer, nullable=False),
    PrimaryKeyConstraint("scope_id", "kind"),
    CheckConstraint("used >= 0", name="used_not_negative"),
)

# One custom password policy per account (UpdateAccountPasswordPolicy); no row: AWS's default applies.
# NULL max age, reuse prevention and hard expiry mean "not set", as GetAccountPasswordPolicy leaves them out.
password_policies = Table(
    "password_policies",
    metadata,
    Column("account_id", String(12), _cascade("accounts.id"), primary_key=True),
    Column("minimum_password_length", Integer, nullable=False),
    Column("require_symbols", Boolean, nullable=False),
    Column("require_numbers", Boolean, nullable=False),
    Column("require_uppercase_characters", Boolean, nullable=False),
    Column("require_lowercase_characters", Boolean, nullable=False),
    Column("allow_users_to_change_password", Boolean, nullable=False),
    Column("max_password_age", Integer, nullable=True),
    Column("password_reuse_prevention", Integer, nullable=True),
    Column("hard_expiry", Boolean, nullable=True),
)
