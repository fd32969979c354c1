"""Groups and membership, roles, instance profiles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from iamd.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity
from iamd.model import PrincipalKind, RoleLastUsed, Tag, User
from iamd.store import Database, Quotas

from .conftest import ACCOUNT, NOW, exactly, group, instance_profile, role


def test_group_crud_and_members(database: Database, create_user: Callable[..., User], account: str) -> None:
    alice, bob = create_user("alice"), create_user("Bob")
    admins = group("admins", "/it/")
    with database.transaction() as tx:
        tx.groups.create(admins)
        tx.groups.add_user(admins, bob, NOW)
        tx.groups.add_user(admins, alice, NOW)
        tx.groups.add_user(admins, alice, NOW)  # AddUserToGroup again is a no-op
    with database.read() as tx:
        assert tx.groups.get(account, "ADMINS") == admins
        assert [u.name for u in tx.groups.members(admins).items] == ["alice", "Bob"]
        assert [g.name for g in tx.groups.for_user(alice).items] == ["admins"]
    # AWS DeleteGroup: "Cannot delete entity, must remove users from group first."
    refused = exactly(DeleteConflict, "Cannot delete entity, must remove users from group first.")
    with refused, database.transaction() as tx:
        tx.groups.delete(account, "admins")
    with pytest.raises(DeleteConflict), database.transaction() as tx:
        tx.users.delete(account, "alice")
    with database.transaction() as tx:
        tx.groups.remove_user(admins, alice)
        tx.groups.remove_user(admins, bob)
        renamed = tx.groups.update(account, "admins", new_name="operators")
        tx.groups.delete(account, "operators")
        tx.users.delete(account, "alice")
    assert renamed.arn == f"arn:aws:iam::{ACCOUNT}:group/it/operators"
    with exactly(NoSuchEntity, "The group with name operators cannot be found."), database.read() as tx:
        tx.groups.get(account, "operators")


def test_group_names_are_unique_case_insensitively(database: Database, account: str) -> None:
    # AWS: "you can't create groups named both ADMINS and admins"
    # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)
    with database.transaction() as tx:
        tx.groups.create(group("ADMINS"))
    with exactly(EntityAlreadyExists, "Group with name admins already exists."), database.transaction() as tx:
        tx.groups.create(group("admins"))


def test_groups_per_user_quota(database: Database, create_user: Callable[..., User], account: str) -> None:
    # AWS: a user can be in 10 groups (GroupsPerUser)
    alice = create_user("alice")
    small = Database(database.engine, Quotas(groups_per_user=1))
    first, second = group("first"), group("second")
    with small.transaction() as tx:
        tx.groups.create(first)
        tx.groups.create(second)
        tx.groups.add_user(first, alice, NOW)
    with exactly(LimitExceeded, "Cannot exceed quota for GroupsPerUser: 1"), small.transaction() as tx:
        tx.groups.add_user(second, alice, NOW)


def test_role_crud(database: Database, account: str) -> None:
    ops = role("ops", "/service/")
    used_at = datetime(2026, 7, 1, tzinfo=UTC)
    with database.transaction() as tx:
        tx.roles.create(ops)
        tx.roles.update(account, "ops", description="Operations", max_session_duration=7200)
        tx.roles.update_assume_role_policy(account, "ops", "{}")
        tx.roles.record_use(ops.id, used_at, "eu-west-1")
        tx.roles.tag(account, "ops", [Tag("team", "sre")])
    with database.read() as tx:
        stored = tx.roles.get(account, "OPS")
    assert (stored.description, stored.max_session_duration, stored.assume_role_policy_document) == (
        "Operations",
        7200,
        "{}",
    )
    assert stored.last_used == RoleLastUsed(used_at, "eu-west-1")
    assert stored.tags == (Tag("team", "sre"),)
    with exactly(EntityAlreadyExists, "Role with name OPS already exists."), database.transaction() as tx:
        tx.roles.create(role("OPS"))
    with database.transaction() as tx:
        tx.inline_policies.put(PrincipalKind.ROLE, ops.id, "inline", "{}")
    with pytest.raises(DeleteConflict, match="must delete policies first"), database.transaction() as tx:
        tx.roles.delete(account, "ops")
    with database.transaction() as tx:
        tx.inline_policies.delete(PrincipalKind.ROLE, ops.id, "inline")
        tx.roles.delete(account, "ops")
    with database.read() as tx:
        assert tx.roles.find(account, "ops") is None


def test_instance_profiles_carry_one_role(database: Database, account: str) -> None:
    web, other = role("web"), role("other")
    profile = instance_profile("web-profile")
    with database.transaction() as tx:
        tx.roles.create(web)
        tx.roles.create(other)
        tx.instance_profiles.create(profile)
        tx.instance_profiles.add_role(profile, web)
    # AWS: one role per instance profile (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)
    with pytest.raises(LimitExceeded), database.transaction() as tx:
        tx.instance_profiles.add_role(profile, other)
    with database.read() as tx:
        assert [r.name for r in tx.instance_profiles.get(account, "WEB-PROFILE").roles] == ["web"]
        assert [p.name for p in tx.instance_profiles.for_role(web)] == ["web-profile"]
    # AWS DeleteRole: remove the role from its instance profiles first
    refused = pytest.raises(DeleteConflict, match="must remove roles from instance profile first")
    with refused, database.transaction() as tx:
        tx.roles.delete(account, "web")
    with pytest.raises(DeleteConflict), database.transaction() as tx:
        tx.instance_profiles.delete(account, "web-profile")
    with database.transaction() as tx:
        tx.instance_profiles.remove_role(profile, web)
        tx.instance_profiles.delete(account, "web-profile")
        tx.roles.delete(account, "web")
