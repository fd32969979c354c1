"""Accounts: a 12-digit id, an optional alias (unique across all accounts), a creation date, and the
account's custom password policy (at most one)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from sqlalchemy import Row, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from iamd.errors import NoSuchEntity
from iamd.model import Account, PolicyVersion, Tag
from iamd.store import quota_usage
from iamd.store.repositories.base import Repository
from iamd.store.schema import (
    access_keys,
    accounts,
    group_members,
    groups,
    instance_profiles,
    managed_policies,
    mfa_devices,
    oidc_providers,
    password_policies,
    policy_versions,
    role_tags,
    roles,
    saml_providers,
    user_tags,
    users,
)

_BY_ID = select(accounts).where(accounts.c.id == bindparam("id"))


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    """An account's custom password policy; ``None`` fields were not set (AWS leaves them out)."""

    minimum_password_length: int = 8
    require_symbols: bool = False
    require_numbers: bool = False
    require_uppercase_characters: bool = False
    require_lowercase_characters: bool = False
    allow_users_to_change_password: bool = False
    max_password_age: int | None = None
    password_reuse_prevention: int | None = None
    hard_expiry: bool | None = None


def _account(row: Row[Any]) -> Account:
    return Account(id=row.id, alias=row.alias, created=row.created)


class Accounts(Repository):
    def create(self, account: Account) -> Account:
        self._insert(
            accounts.insert().values(id=account.id, alias=account.alias, created=account.created),
            exists_message=f"Account {account.id} already exists.",
            missing_message="",
        )
        return account

    def find(self, account_id: str) -> Account | None:
        row = self.connection.execute(_BY_ID, {"id": account_id}).first()
        return None if row is None else _account(row)

    def get(self, account_id: str) -> Account:
        account = self.find(account_id)
        if account is None:
            raise NoSuchEntity(f"The account {account_id} cannot be found.")
        return account

    def list(self) -> tuple[Account, ...]:
        rows = self.connection.execute(select(accounts).order_by(accounts.c.id))
        return tuple(_account(row) for row in rows)

    def count(self) -> int:
        """How many accounts exist; zero means the database still needs bootstrapping."""
        return int(self.connection.execute(select(func.count()).select_from(accounts)).scalar_one())

    def set_alias(self, account_id: str, alias: str | None) -> None:
        """CreateAccountAlias (replaces any alias: AWS allows one) and DeleteAccountAlias (``None``)."""
        self._insert(
            update(accounts).where(accounts.c.id == account_id).values(alias=alias),
            exists_message=f"The account alias {alias} already exists.",
            missing_message=f"The account {account_id} cannot be found.",
        )

    def usage(self, account_id: str) -> dict[str, int]:
        """Entity counts for GetAccountSummary (Users, Groups, Roles, Policies)."""
        counted = {"Users": users, "Groups": groups, "Roles": roles, "Policies": managed_policies}
        return {
            key: int(
                self.connection.execute(
                    select(func.count()).select_from(table).where(table.c.account_id == account_id)
                ).scalar_one()
            )
            for key, table in counted.items()
        }

    def summary_counts(self, account_id: str) -> dict[str, int]:
        """Every count GetAccountSummary reports, in one round trip of scalar subqueries."""

        def count(table: Any, *conditions: Any) -> Any:
            return select(func.count()).select_from(table).where(*conditions).scalar_subquery()

        in_account = {
            name: count(table, table.c.account_id == account_id)
            for name, table in {
                "Users": users,
                "Groups": groups,
                "Roles": roles,
                "Policies": managed_policies,
                "InstanceProfiles": instance_profiles,
                "MFADevices": mfa_devices,
                "OidcProviders": oidc_providers,
                "SamlProviders": saml_providers,
            }.items()
        }
        versions = (
            select(func.count())
            .select_from(
                policy_versions.join(managed_policies, managed_policies.c.id == policy_versions.c.policy_id)
            )
            .where(managed_policies.c.account_id == account_id)
            .scalar_subquery()
        )
        columns = {
            **in_account,
            "MFADevicesInUse": count(
                mfa_devices, mfa_devices.c.account_id == account_id, mfa_devices.c.user_id.is_not(None)
            ),
            "PolicyVersionsInUse": versions,
            "RootAccessKeys": count(access_keys, access_keys.c.owner_id == account_id),
        }
        row = self.connection.execute(select(*(value.label(name) for name, value in columns.items()))).one()
        return {name: int(value) for name, value in row._mapping.items()}

    def quota_used(self, scope_id: str, quota: str) -> int:
        """The counter behind a quota (for tests and GetAccountSummary)."""
        return quota_usage.used(self.connection, scope_id, quota)

    def password_policy(self, account_id: str) -> PasswordPolicy | None:
        """The custom password policy, or None when the account has none (AWS's default applies)."""
        row = self.connection.execute(
            select(password_policies).where(password_policies.c.account_id == account_id)
        ).first()
        if row is None:
            return None
        values = dict(row._mapping)
        del values["account_id"]
        return PasswordPolicy(**values)

    def set_password_policy(self, account_id: str, policy: PasswordPolicy) -> None:
        """UpdateAccountPasswordPolicy: replace the whole policy (unset fields take their defaults).

        One upsert, so concurrent updates never collide on the primary key."""
        values = asdict(policy)
        dialect = postgresql if self.connection.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(password_policies)
            .values(account_id=account_id, **values)
            .on_conflict_do_update(index_elements=[password_policies.c.account_id], set_=values)
        )
        self._insert(
            statement,
            exists_message="",  # the upsert cannot collide
            missing_message=f"The account {account_id} cannot be found.",
        )

    def delete_password_policy(self, account_id: str) -> bool:
        """DeleteAccountPasswordPolicy; False when there was none."""
        removed = self.connection.execute(
            delete(password_policies).where(password_policies.c.account_id == account_id)
        ).rowcount
        return bool(removed)

    # -- batched reads for GetAccountAuthorizationDetails: one query per page instead of one per entity --

    def group_names_by_user(self, user_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """The names of each user's groups, by group name."""
        found: dict[str, list[str]] = {user_id: [] for user_id in user_ids}
        if user_ids:
            rows = self.connection.execute(
                select(group_members.c.user_id, groups.c.name)
                .join(groups, groups.c.id == group_members.c.group_id)
                .where(group_members.c.user_id.in_(list(user_ids)))
                .order_by(groups.c.name_lower)
            )
            for user_id, name in rows:
                found[user_id].append(name)
        return {user_id: tuple(names) for user_id, names in found.items()}

    def tags_by_owner(
        self, kind: Literal["user", "role"], owner_ids: Sequence[str]
    ) -> dict[str, tuple[Tag, ...]]:
        """Each user's or role's tags, by lower-cased key (as ListUserTags and ListRoleTags order them)."""
        table = user_tags if kind == "user" else role_tags
        found: dict[str, list[Tag]] = {owner_id: [] for owner_id in owner_ids}
        if owner_ids:
            rows = self.connection.execute(
                select(table.c.owner_id, table.c.key, table.c.value)
                .where(table.c.owner_id.in_(list(owner_ids)))
                .order_by(table.c.key_lower)
            )
            for owner_id, key, value in rows:
                found[owner_id].append(Tag(key, value))
        return {owner_id: tuple(tags) for owner_id, tags in found.items()}

    def versions_by_policy(self, policies: Sequence[tuple[str, str]]) -> dict[str, tuple[PolicyVersion, ...]]:
        """Every version of each customer managed policy, newest first; ``policies`` are (id, ARN) pairs
        and the answer is keyed by ARN."""
        arn_of = dict(policies)
        found: dict[str, list[PolicyVersion]] = {arn: [] for arn in arn_of.values()}
        if arn_of:
            rows = self.connection.execute(
                select(policy_versions)
                .where(policy_versions.c.policy_id.in_(list(arn_of)))
                .order_by(policy_versions.c.policy_id, policy_versions.c.version_number.desc())
            )
            for row in rows:
                arn = arn_of[row.policy_id]
                found[arn].append(
                    PolicyVersion(
                        arn, f"v{row.version_number}", row.document, bool(row.is_default), row.created
                    )
                )
        return {arn: tuple(versions) for arn, versions in found.items()}
