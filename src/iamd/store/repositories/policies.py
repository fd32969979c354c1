"""Customer managed policies and their versions.

Version ids ``v1``, ``v2``, ... come from a per-policy counter and are never reused. Raising that counter
takes the policy row's lock, so version changes and DeletePolicy on one policy run one at a time on
PostgreSQL (SQLite has a single writer anyway). The 5-version limit is the schema's ``slot`` column
(CHECK 1..5, UNIQUE per policy); one default version is a partial UNIQUE index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Row,
    and_,
    bindparam,
    delete,
    func,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError

from iamd.errors import DeleteConflict, NoSuchEntity
from iamd.model import Arn, ManagedPolicy, PolicyVersion, Tag
from iamd.store import quota_usage
from iamd.store.pagination import DEFAULT_MAX_ITEMS, Page, fetch_page, path_prefix_filter
from iamd.store.quotas import policy_versions_exceeded
from iamd.store.repositories.base import Dependent, Repository
from iamd.store.repositories.tags import add_tags, list_tags, remove_tags
from iamd.store.schema import (
    POLICY_VERSION_SLOTS,
    group_attached_policies,
    groups,
    managed_policies,
    managed_policy_tags,
    policy_versions,
    role_attached_policies,
    roles,
    user_attached_policies,
    users,
)
from iamd.store.violations import Violation, attempt, classify

AWS_MANAGED_PREFIX = "arn:aws:iam::aws:policy"
ATTACHED = "Cannot delete a policy attached to entities."
POLICY_DEPENDENTS: tuple[Dependent, ...] = (
    (user_attached_policies.c.policy_id, ATTACHED),
    (group_attached_policies.c.policy_id, ATTACHED),
    (role_attached_policies.c.policy_id, ATTACHED),
    (users.c.permissions_boundary_policy_id, ATTACHED),
    (roles.c.permissions_boundary_policy_id, ATTACHED),
)


PolicyUsage = Literal["PermissionsPolicy", "PermissionsBoundary"]
"""ListPolicies' PolicyUsageFilter: attached as a permissions policy, or used as a permissions boundary."""


def not_found(arn: str) -> NoSuchEntity:
    return NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")


def version_not_found(arn: str, version_id: str) -> NoSuchEntity:
    return NoSuchEntity(f"Policy {arn} version {version_id} does not exist or is not attachable.")


def version_number(version_id: str) -> int | None:
    """``v3`` → 3; None for anything else (the wire layer validates the pattern ``v[1-9][0-9]*``)."""
    digits = version_id[1:]
    return int(digits) if version_id.startswith("v") and digits.isdigit() else None


def boundary_policy_id(connection: Connection, policy_arn: str | None) -> str | None:
    """The id of a customer managed policy used as a boundary (None for AWS managed ones)."""
    if policy_arn is None:
        return None
    policy_id = connection.execute(
        select(managed_policies.c.id).where(managed_policies.c.arn == policy_arn)
    ).scalar_one_or_none()
    if policy_id is None and Arn.parse(policy_arn).account != "aws":
        raise not_found(policy_arn)
    return policy_id


def _count(column: Any) -> Any:
    return (
        select(func.count())
        .where(column == managed_policies.c.id)
        .correlate(managed_policies)
        .scalar_subquery()
    )


_DEFAULT_VERSION = (
    select(policy_versions.c.version_number)
    .where(policy_versions.c.policy_id == managed_policies.c.id, policy_versions.c.is_default)
    .correlate(managed_policies)
    .scalar_subquery()
)
_ATTACHMENTS = (
    _count(user_attached_policies.c.policy_id)
    + _count(group_attached_policies.c.policy_id)
    + _count(role_attached_policies.c.policy_id)
)
_BOUNDARY_USES = _count(users.c.permissions_boundary_policy_id) + _count(
    roles.c.permissions_boundary_policy_id
)
_POLICY_SELECT = select(
    managed_policies,
    _DEFAULT_VERSION.label("default_version"),
    _ATTACHMENTS.label("attachment_count"),
    _BOUNDARY_USES.label("boundary_uses"),
)


def _aws_usage_statement(*, one: bool) -> CompoundSelect[Any]:
    """(policy ARN, 0 for attachments or 1 for boundaries, count) per AWS managed policy in one account.

    Prebuilt once (ListPolicies runs it on every page): building five statements per call cost more than
    running them.
    """
    parts = []
    for link_column, entity, owner_column, slot in (
        (user_attached_policies.c.policy_arn, users, user_attached_policies.c.owner_id, 0),
        (group_attached_policies.c.policy_arn, groups, group_attached_policies.c.owner_id, 0),
        (role_attached_policies.c.policy_arn, roles, role_attached_policies.c.owner_id, 0),
        (users.c.permissions_boundary_arn, users, None, 1),
        (roles.c.permissions_boundary_arn, roles, None, 1),
    ):
        source: Any = entity
        if owner_column is not None:  # a link table: its rows name the entity by id
            source = owner_column.table.join(entity, owner_column == entity.c.id)
        wanted = link_column == bindparam("arn") if one else link_column.startswith(AWS_MANAGED_PREFIX + "/")
        parts.append(
            select(link_column.label("arn"), literal(slot).label("slot"), func.count().label("uses"))
            .select_from(source)
            .where(entity.c.account_id == bindparam("account_id"), wanted)
            .group_by(link_column)
        )
    return union_all(*parts)


_AWS_USAGE_ALL = _aws_usage_statement(one=False)
_AWS_USAGE_ONE = _aws_usage_statement(one=True)


def to_policy(row: Row[Any], tags: tuple[Tag, ...] = ()) -> ManagedPolicy:
    return ManagedPolicy(
        account_id=row.account_id,
        id=row.id,
        name=row.name,
        path=row.path,
        arn=row.arn,
        created=row.created,
        updated=row.updated,
        default_version_id=f"v{row.default_version}",
        description=row.description,
        attachment_count=int(row.attachment_count),
        permissions_boundary_usage_count=int(row.boundary_uses),
        tags=tags,
    )


def to_version(policy_arn: str, row: Row[Any]) -> PolicyVersion:
    return PolicyVersion(
        policy_arn=policy_arn,
        version_id=f"v{row.version_number}",
        document=row.document,
        is_default=bool(row.is_default),
        created=row.created,
    )


class Policies(Repository):
    def create(self, policy: ManagedPolicy, document: str) -> ManagedPolicy:
        """CreatePolicy: the policy and its default version v1 (``policy.default_version_id`` is ignored)."""
        self._insert(
            managed_policies.insert().values(
                id=policy.id,
                account_id=policy.account_id,
                name=policy.name,
                name_lower=policy.name.lower(),
                path=policy.path,
                arn=policy.arn,
                created=policy.created,
                updated=policy.created,
                description=policy.description,
                next_version=2,
            ),
            exists_message=f"A policy called {policy.name} already exists. Duplicate names are not allowed.",
            missing_message=f"The account {policy.account_id} cannot be found.",
        )
        self._take_quota(policy.account_id, "managed_policies_per_account")
        self.connection.execute(
            policy_versions.insert().values(
                policy_id=policy.id,
                version_number=1,
                slot=1,
                document=document,
                is_default=True,
                created=policy.created,
            )
        )
        add_tags(self.connection, self.quotas, managed_policy_tags, policy.id, policy.tags)
        return self.get(policy.arn)

    def find(self, arn: str) -> ManagedPolicy | None:
        row = self.connection.execute(_POLICY_SELECT.where(managed_policies.c.arn == arn)).first()
        return (
            None if row is None else to_policy(row, list_tags(self.connection, managed_policy_tags, row.id))
        )

    def get(self, arn: str) -> ManagedPolicy:
        policy = self.find(arn)
        if policy is None:
            raise not_found(arn)
        return policy

    def list(
        self,
        account_id: str,
        *,
        path_prefix: str = "/",
        only_attached: bool = False,
        usage: PolicyUsage | None = None,
        marker: str | None = None,
        names_from: str | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> Page[ManagedPolicy]:
        """ListPolicies with Scope=Local (AWS managed policies come from the catalog), by lower-cased name.

        With ``only_attached``, ``usage`` picks policies used as a boundary (``PermissionsBoundary``)
        instead of attached ones. ``names_from`` starts the page at that lower-cased name, inclusively (a
        caller merging this list with another one needs that; ``marker`` starts strictly after its name).
        Names compare by code point on both dialects (PostgreSQL: COLLATE "C"), as Python compares them, so
        such a merge agrees with the database whatever the database's collation.
        """
        name_key: Any = managed_policies.c.name_lower
        if self.connection.dialect.name == "postgresql":
            name_key = name_key.collate("C")
        statement = _POLICY_SELECT.where(
            managed_policies.c.account_id == account_id,
            path_prefix_filter(managed_policies.c.path, path_prefix),
        )
        if only_attached:
            statement = statement.where(
                (_BOUNDARY_USES if usage == "PermissionsBoundary" else _ATTACHMENTS) > 0
            )
        if names_from is not None:
            statement = statement.where(name_key >= names_from)
        return fetch_page(
            self.connection,
            statement,
            name_key,
            to_policy,
            marker=marker,
            max_items=max_items,
        )

    def aws_managed_usage(self, account_id: str, arn: str | None = None) -> dict[str, tuple[int, int]]:
        """(AttachmentCount, PermissionsBoundaryUsageCount) of AWS managed policies within one account.

        AWS managed policies are shared by every account, so their counts are taken over the account's own
        users, groups and roles only. Policies in use by nothing are left out. ``arn`` narrows it to one.
        """
        statement = _AWS_USAGE_ALL if arn is None else _AWS_USAGE_ONE
        usage: dict[str, list[int]] = {}
        for policy_arn, slot, count in self.connection.execute(
            statement, {"account_id": account_id, "arn": arn}
        ):
            usage.setdefault(policy_arn, [0, 0])[slot] += int(count)
        return {policy_arn: (counts[0], counts[1]) for policy_arn, counts in usage.items()}

    def _lock(self, arn: str, at: datetime | None = None, *, new_version: bool = False) -> tuple[str, int]:
        """Take the policy row's lock; (policy id, the version number a new version gets).

        With ``new_version`` the counter moves on, so that number is used up whatever happens next.
        """
        step = 1 if new_version else 0
        values: dict[str, Any] = {"next_version": managed_policies.c.next_version + step}
        if at is not None:
            values["updated"] = at
        row = self.connection.execute(
            update(managed_policies)
            .where(managed_policies.c.arn == arn)
            .values(values)
            .returning(managed_policies.c.id, managed_policies.c.next_version)
        ).first()
        if row is None:
            raise not_found(arn)
        return row.id, row.next_version - step

    def delete(self, arn: str) -> None:
        """DeletePolicy; DeleteConflict while attached, used as a boundary, or with non-default versions."""
        policy_id, _ = self._lock(arn)
        extra_versions = self.connection.execute(
            select(func.count()).where(
                policy_versions.c.policy_id == policy_id, ~policy_versions.c.is_default
            )
        ).scalar_one()
        if extra_versions:
            raise DeleteConflict(
                "This policy has more than one version. Before you delete a policy, you must delete the "
                "policy's versions. The default version is deleted with the policy."
            )
        account_id = Arn.parse(arn).account
        self._delete(
            delete(managed_policies).where(managed_policies.c.id == policy_id), policy_id, POLICY_DEPENDENTS
        )
        self._give_back_quota(account_id, "managed_policies_per_account")
        quota_usage.forget(self.connection, policy_id)

    def create_version(
        self, arn: str, document: str, *, set_as_default: bool, created: datetime
    ) -> PolicyVersion:
        """CreatePolicyVersion; LimitExceeded when the policy already has 5 versions."""
        policy_id, number = self._lock(arn, created, new_version=True)
        taken = set(
            self.connection.execute(
                select(policy_versions.c.slot).where(policy_versions.c.policy_id == policy_id)
            ).scalars()
        )
        for slot in (slot for slot in range(1, POLICY_VERSION_SLOTS + 1) if slot not in taken):
            outcome = attempt(
                self.connection,
                policy_versions.insert().values(
                    policy_id=policy_id,
                    version_number=number,
                    slot=slot,
                    document=document,
                    is_default=False,
                    created=created,
                ),
            )
            if isinstance(outcome, IntegrityError):
                if classify(outcome) is Violation.UNIQUE:
                    continue
                raise outcome
            if set_as_default:
                self._make_default(policy_id, number)
            return self.get_version(arn, f"v{number}")
        raise policy_versions_exceeded(self.quotas)

    def _make_default(self, policy_id: str, number: int) -> None:
        # Two statements: the partial unique index must never see two defaults, even within one UPDATE.
        self.connection.execute(
            update(policy_versions)
            .where(policy_versions.c.policy_id == policy_id, policy_versions.c.is_default)
            .values(is_default=False)
        )
        self.connection.execute(
            update(policy_versions)
            .where(policy_versions.c.policy_id == policy_id, policy_versions.c.version_number == number)
            .values(is_default=True)
        )

    def get_version(self, arn: str, version_id: str) -> PolicyVersion:
        number = version_number(version_id)
        row = self.connection.execute(
            select(policy_versions)
            .join(managed_policies, managed_policies.c.id == policy_versions.c.policy_id)
            .where(managed_policies.c.arn == arn, policy_versions.c.version_number == number)
        ).first()
        if row is None:
            raise version_not_found(arn, version_id)
        return to_version(arn, row)

    def list_versions(self, arn: str) -> tuple[PolicyVersion, ...]:
        """ListPolicyVersions: newest first (at most 5, so never truncated)."""
        policy = self.get(arn)
        rows = self.connection.execute(
            select(policy_versions)
            .where(policy_versions.c.policy_id == policy.id)
            .order_by(policy_versions.c.version_number.desc())
        )
        return tuple(to_version(arn, row) for row in rows)

    def set_default_version(self, arn: str, version_id: str, at: datetime) -> None:
        policy_id, _ = self._lock(arn, at)
        number = version_number(version_id)
        exists = self.connection.execute(
            select(policy_versions.c.slot).where(
                policy_versions.c.policy_id == policy_id, policy_versions.c.version_number == number
            )
        ).first()
        if exists is None or number is None:
            raise version_not_found(arn, version_id)
        self._make_default(policy_id, number)

    def delete_version(self, arn: str, version_id: str) -> None:
        """DeletePolicyVersion; DeleteConflict for the default version."""
        policy_id, _ = self._lock(arn)
        number = version_number(version_id)
        deleted = self.connection.execute(
            delete(policy_versions).where(
                and_(
                    policy_versions.c.policy_id == policy_id,
                    policy_versions.c.version_number == number,
                    ~policy_versions.c.is_default,
                )
            )
        ).rowcount
        if deleted:
            return
        self.get_version(arn, version_id)  # NoSuchEntity when it does not exist at all
        raise DeleteConflict("Cannot delete the default version of a policy.")

    def default_documents(self, arns: Iterable[str]) -> dict[str, str]:
        """The default document of each customer managed policy among ``arns`` (for authorization)."""
        wanted = sorted(set(arns))
        if not wanted:
            return {}
        rows = self.connection.execute(
            select(managed_policies.c.arn, policy_versions.c.document)
            .join(policy_versions, policy_versions.c.policy_id == managed_policies.c.id)
            .where(managed_policies.c.arn.in_(wanted), policy_versions.c.is_default)
        )
        return {row.arn: row.document for row in rows}

    def tag(self, arn: str, tags: Sequence[Tag]) -> None:
        add_tags(self.connection, self.quotas, managed_policy_tags, self.get(arn).id, tags)

    def untag(self, arn: str, keys: Sequence[str]) -> None:
        remove_tags(self.connection, managed_policy_tags, self.get(arn).id, keys)

    def list_tags(self, arn: str) -> tuple[Tag, ...]:
        return list_tags(self.connection, managed_policy_tags, self.get(arn).id)
