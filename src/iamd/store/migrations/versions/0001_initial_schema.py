"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 15:03:37.232688
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(length=12), nullable=False),
        sa.Column("alias", sa.String(length=63), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("alias", name=op.f("uq_accounts_alias")),
    )
    op.create_table(
        "quota_usage",
        sa.Column("scope_id", sa.String(length=2048), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.CheckConstraint("used >= 0", name=op.f("ck_quota_usage_used_not_negative")),
        sa.PrimaryKeyConstraint("scope_id", "kind", name=op.f("pk_quota_usage")),
    )
    op.create_table(
        "groups",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("account_id", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("name_lower", sa.String(length=128), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("arn", sa.String(length=2048), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_groups_account_id_accounts"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groups")),
        sa.UniqueConstraint("account_id", "name_lower", name=op.f("uq_groups_account_id_name_lower")),
        sa.UniqueConstraint("arn", name=op.f("uq_groups_arn")),
    )
    op.create_table(
        "instance_profiles",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("account_id", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("name_lower", sa.String(length=128), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("arn", sa.String(length=2048), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_instance_profiles_account_id_accounts"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instance_profiles")),
        sa.UniqueConstraint(
            "account_id", "name_lower", name=op.f("uq_instance_profiles_account_id_name_lower")
        ),
        sa.UniqueConstraint("arn", name=op.f("uq_instance_profiles_arn")),
    )
    op.create_table(
        "managed_policies",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("account_id", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("name_lower", sa.String(length=128), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("arn", sa.String(length=2048), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_managed_policies_account_id_accounts"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_managed_policies")),
        sa.UniqueConstraint(
            "account_id", "name_lower", name=op.f("uq_managed_policies_account_id_name_lower")
        ),
        sa.UniqueConstraint("arn", name=op.f("uq_managed_policies_arn")),
    )
    op.create_table(
        "oidc_providers",
        sa.Column("arn", sa.String(length=2048), nullable=False),
        sa.Column("account_id", sa.String(length=12), nullable=False),
        sa.Column("url", sa.String(length=255), nullable=False),
        sa.Column("client_ids", sa.Text(), nullable=False),
        sa.Column("thumbprints", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_oidc_providers_account_id_accounts"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("arn", name=op.f("pk_oidc_providers")),
    )
    with op.batch_alter_table("oidc_providers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oidc_providers_account_id"), ["account_id"], unique=False)

    op.create_table(
        "saml_providers",
        sa.Column("arn", sa.String(length=2048), nullable=False),
        sa.Column("account_id", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("metadata_document", sa.Text(), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_saml_providers_account_id_accounts"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("arn", name=op.f("pk_saml_providers")),
    )
    with op.batch_alter_table("saml_providers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saml_providers_account_id"), ["account_id"], unique=False)

    op.create_table(
        "group_attached_policies",
        sa.Column("owner_id", sa.String(length=128), nullable=False),
        sa.Column("policy_arn", sa.String(length=2048), nullable=False),
        sa.Column("policy_id", sa.String(length=128), nullable=True),
        sa.Column("attached", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["groups.id"],
            name=op.f("fk_group_attached_policies_owner_id_groups"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["managed_policies.id"],
            name=op.f("fk_group_attached_policies_policy_id_managed_policies"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("owner_id", "policy_arn", name=op.f("pk_group_attached_policies")),
    )
    with op.batch_alter_table("group_attached_policies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_attached_policies_policy_arn"), ["policy_arn"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_group_attached_policies_policy_id"), ["policy_id"], unique=False)

    op.create_table(
        "group_inline_policies",
        sa.Column("owner_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["groups.id"],
            name=op.f("fk_group_inline_policies_owner_id_groups"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("owner_id", "name", name=op.f("pk_group_inline_policies")),
    )
    op.create_table(
        "instance_profile_tags",
        sa.Column("owner_id", sa.String(length=2048), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("key_lower", sa.String(length=128), nullable=False),
        sa.Column("value", sa.String(length=256), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["instance_profiles.id"],
            name=op.f("fk_instance_profile_tags_owner_id_instance_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("owner_id", "key_lower", name=op.f("pk_instance_profile_tags")),
    )
    op.create_table(
        "managed_policy_tags",
        sa.Column("owner_id", sa.String(length=2048), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("key_lower", sa.String(length=128), nullable=False),
        sa.Column("value", sa.String(length=256), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["managed_policies.id"],
            name=op.f("fk_managed_policy_tags_owner_id_managed_policies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("owner_id", "key_lower", name=op.f("pk_managed_policy_tags")),
    )
    op.create_table(
        "oidc_provider_tags",
        sa.Column("owner_id", sa.String(length=2048), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("key_lower", sa.String(length=128), nullable=False),
        sa.Column("value", sa.String(length=256), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["oidc_providers.arn"],
            name=op.f("fk_oidc_provider_tags_owner_id_oidc_providers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("owner_id", "key_lower", name=op.f("pk_oidc_provider_tags")),
    )
    op.create_table(
        "policy_versions",
        sa.Column("policy_id", sa.String(length=128), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("slot BETWEEN 1 AND 5", name=op.f("ck_policy_versions_slot_range")),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["managed_policies.id"],
            name=op.f("fk_policy_versions_policy_id_managed_policies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("policy_id", "version_number", name=op.f("pk_policy_versions")),
        sa.UniqueConstraint("policy_id", "slot", name=op.f("uq_policy_versions_policy_id_slot")),
    )
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.create_index(
            "uq_policy_versions_one_default",
            ["policy_id"],
            unique=True,
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        )

    op.create_table(
        "roles",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("account_id", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("name_lower", sa.String(length=128), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("arn", sa.String(length=2048), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assume_role_policy_document", sa.Text(), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("max_session_duration", sa.Integer(), nullable=False),
        sa.Column("permissions_boundary_arn", sa.String(length=2048), nullable=True),
        sa.Column("permissions_boundary_policy_id", sa.String(length=128), nullable=True),
        sa.Column("last_used_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_region", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_roles_account_id_accounts"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["permissions_boundary_policy_id"],
            ["managed_policies.id"],
            name=op.f("fk_roles_permissions_boundary_policy_id_managed_policies"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roles")),
        sa.UniqueConstraint("account_id", "name_lower", name=op.f("uq_roles_account_id_name_lower")),
        sa.UniqueConstraint("arn", name=op.f("uq_roles_arn")),
    )
    op.create_table(
        "saml_provider_tags",
        sa.Column("owner_id", sa.String(length=2048), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("key_lower", sa.String(length=128), nullable=False),
        sa.Column("value", sa.String(length=256), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["saml_providers.arn"],
            name=op.f("fk_saml_provider_tags_owner_id_saml_providers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("owner_id", "key_lower", name=op.f("pk_saml_provider_tags")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("account_id", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("name_lower", sa.String(length=128), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("arn", sa.String(length=2048), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("permissions_boundary_arn", sa.String(length=2048), nullable=True),
        sa.Column("permissions_boundary_policy_id", sa.String(length=128), nullable=True),
        sa.Column("password_last_used", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_users_account_id_accounts"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["permissions_boundary_policy_id"],
            ["managed_policies.id"],
            name=op.f("fk_users_permissions_boundary_policy_id_managed_policies"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("account_id", "name_lower", name=op.f("uq_users_account_id_name_lower")),
        sa.UniqueConstraint("arn", name=op.f("uq_users_arn")),
    )
    op.create_table(
        "access_keys",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("account_id", sa.String(length=12), nullable=False),
        sa.Column("owner_id", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=True),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("secret_ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("last_used_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_service", sa.String(length=64), nullable=True),
        sa.Column("last_used_region", sa.String(length=64), nullable=True),
        sa.CheckConstraint("status IN ('Active', 'Inactive')", name=op.f("ck_access_keys_status")),
        sa.CheckConstraint("slot BETWEEN 1 AND 2", name=op.f("ck_access_keys_slot_range")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_access_keys_account_id_accounts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_access_keys_user_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_keys")),
        sa.UniqueConstraint("owner_id", "slot", name=op.f("uq_access_keys_owner_id_slot")),
    )
    op.create_table(
        "group_members",
        sa.Column("group_id", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("added", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_group_members_group_id_groups"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_group_members_user_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("group_id", "user_id", name=op.f("pk_group_members")),
    )
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "instance_profile_roles",
        sa.Column("instance_profile_id", sa.String(length=128), nullable=False),
        sa.Column("role_id", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_profile_id"],
            ["instance_profiles.id"],
            name=op.f("fk_instance_profile_roles_instance_profile_id_instance_profiles"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["roles.id"],
            name=op.f("fk_instance_profile_roles_role_id_roles"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("instance_profile_id", name=op.f("pk_instance_profile_roles")),
    )
    with op.batch_alter_table("instance_profile_roles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_instance_profile_roles_role_id"), ["role_id"], unique=False)

    op.create_table(
        "login_profiles",
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("password_reset_required", sa.Boolean(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_login_profiles_user_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_login_profiles")),
    )
    op.create_table(
        "mfa_devices",
        sa.Column("serial_number", sa.String(length=2048), nullable=False),
        sa.Column("account_id", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("name_lower", sa.String(length=128), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seed_ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=True),
        sa.Column("enable_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_counter", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_mfa_devices_account_id_accounts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_mfa_devices_user_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("serial_number", name=op.f("pk_mfa_devices")),
        sa.UniqueConstraint("account_id", "name_lower", name=op.f("uq_mfa_devices_account_id_name_lower")),
    )
    with op.batch_alter_table("mfa_devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mfa_devices_user_id"), ["user_id"], unique=False)

    op.create_table(
        "role_attached_policies",
        sa.Column("owner_id", sa.String(length=128), nullable=False),
        sa.Column("policy_arn", sa.String(length=2048), nullable=False),
        sa.Column("policy_id", sa.String(length=128), nullable=True),
        sa.Column("attached", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["roles.id"],
            name=op.f("fk_role_attached_policies_owner_id_roles"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["managed_policies.id"],
            name=op.f("fk_role_attached_policies_policy_id_managed_policies"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("owner_id", "policy_arn", name=op.f("pk_role_attached_policies")),
    )
    with op.batch_alter_table("role_attached_policies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_role_attached_policies_policy_arn"), ["policy_arn"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_role_attached_policies_policy_id"), ["policy_id"], unique=False)

    op.create_table(
        "role_inline_policies",
        sa.Column("owner_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["roles.id"],
            name=op.f("fk_role_inline_policies_owner_id_roles"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("owner_id", "name", name=op.f("pk_role_inline_policies")),
    )
    op.create_table(
        "role_tags",
        sa.Column("owner_id", sa.String(length=2048), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("key_lower", sa.String(length=128), nullable=False),
        sa.Column("value", sa.String(length=256), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["roles.id"], name=op.f("fk_role_tags_owner_id_roles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("owner_id", "key_lower", name=op.f("pk_role_tags")),
    )
    op.create_table(
        "user_attached_policies",
        sa.Column("owner_id", sa.String(length=128), nullable=False),
        sa.Column("policy_arn", sa.String(length=2048), nullable=False),
        sa.Column("policy_id", sa.String(length=128), nullable=True),
        sa.Column("attached", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_user_attached_policies_owner_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["managed_policies.id"],
            name=op.f("fk_user_attached_policies_policy_id_managed_policies"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("owner_id", "policy_arn", name=op.f("pk_user_attached_policies")),
    )
    with op.batch_alter_table("user_attached_policies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_attached_policies_policy_arn"), ["policy_arn"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_user_attached_policies_policy_id"), ["policy_id"], unique=False)

    op.create_table(
        "user_inline_policies",
        sa.Column("owner_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_user_inline_policies_owner_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("owner_id", "name", name=op.f("pk_user_inline_policies")),
    )
    op.create_table(
        "user_tags",
        sa.Column("owner_id", sa.String(length=2048), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("key_lower", sa.String(length=128), nullable=False),
        sa.Column("value", sa.String(length=256), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_user_tags_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("owner_id", "key_lower", name=op.f("pk_user_tags")),
    )
    op.create_table(
        "mfa_device_tags",
        sa.Column("owner_id", sa.String(length=2048), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("key_lower", sa.String(length=128), nullable=False),
        sa.Column("value", sa.String(length=256), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["mfa_devices.serial_number"],
            name=op.f("fk_mfa_device_tags_owner_id_mfa_devices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("owner_id", "key_lower", name=op.f("pk_mfa_device_tags")),
    )


def downgrade() -> None:
    op.drop_table("mfa_device_tags")
    op.drop_table("user_tags")
    op.drop_table("user_inline_policies")
    with op.batch_alter_table("user_attached_policies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_attached_policies_policy_id"))
        batch_op.drop_index(batch_op.f("ix_user_attached_policies_policy_arn"))

    op.drop_table("user_attached_policies")
    op.drop_table("role_tags")
    op.drop_table("role_inline_policies")
    with op.batch_alter_table("role_attached_policies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_role_attached_policies_policy_id"))
        batch_op.drop_index(batch_op.f("ix_role_attached_policies_policy_arn"))

    op.drop_table("role_attached_policies")
    with op.batch_alter_table("mfa_devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mfa_devices_user_id"))

    op.drop_table("mfa_devices")
    op.drop_table("login_profiles")
    with op.batch_alter_table("instance_profile_roles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instance_profile_roles_role_id"))

    op.drop_table("instance_profile_roles")
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_members_user_id"))

    op.drop_table("group_members")
    op.drop_table("access_keys")
    op.drop_table("users")
    op.drop_table("saml_provider_tags")
    op.drop_table("roles")
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_policy_versions_one_default",
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        )

    op.drop_table("policy_versions")
    op.drop_table("oidc_provider_tags")
    op.drop_table("managed_policy_tags")
    op.drop_table("instance_profile_tags")
    op.drop_table("group_inline_policies")
    with op.batch_alter_table("group_attached_policies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_attached_policies_policy_id"))
        batch_op.drop_index(batch_op.f("ix_group_attached_policies_policy_arn"))

    op.drop_table("group_attached_policies")
    with op.batch_alter_table("saml_providers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saml_providers_account_id"))

    op.drop_table("saml_providers")
    with op.batch_alter_table("oidc_providers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oidc_providers_account_id"))

    op.drop_table("oidc_providers")
    op.drop_table("managed_policies")
    op.drop_table("instance_profiles")
    op.drop_table("groups")
    op.drop_table("quota_usage")
    op.drop_table("accounts")
