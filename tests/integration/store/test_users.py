"""Users: CRUD, case-insensitive names, DeleteConflict, tags, quotas."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from iamd.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity
from iamd.model import AccessKey, AccessKeyStatus, LoginProfile, Tag, User, iam_arn
from iamd.store import Database, Quotas

from .conftest import ACCOUNT, NOW, exactly, peers, run_concurrently, user


def test_create_get_update_delete(database: Database, account: str) -> None:
    created = user("alice", "/division/")
    with database.transaction() as tx:
        tx.users.create(created)
    with database.read() as tx:
        assert tx.users.get(account, "alice") == created
        assert tx.users.find_by_id(created.id) == created
    with database.transaction() as tx:
        renamed = tx.users.update(account, "alice", new_name="bob", new_path="/ops/")
    assert (renamed.id, renamed.name, renamed.path) == (created.id, "bob", "/ops/")
    assert renamed.arn == iam_arn(account, "user", "/ops/", "bob")
    with database.transaction() as tx:
        tx.users.delete(account, "bob")
    with database.read() as tx:
        assert tx.users.find(account, "bob") is None
        with exactly(NoSuchEntity, "The user with name bob cannot be found."):
            tx.users.get(account, "bob")


def test_dates_come_back_aware_and_exact(database: Database, account: str) -> None:
    with database.transaction() as tx:
        tx.users.create(user("alice"))
    with database.read() as tx:
        created = tx.users.get(account, "alice").created
    assert created == NOW
    assert created.tzinfo is not None


def test_names_are_unique_case_insensitively(database: Database, account: str) -> None:
    # AWS: "Names of users, groups, roles, and instance profiles must be unique within the account. They
    # aren't distinguished by case" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)
    with database.transaction() as tx:
        tx.users.create(user("Alice"))
    with exactly(EntityAlreadyExists, "User with name ALICE already exists."), database.transaction() as tx:
        tx.users.create(user("ALICE", "/other/"))
    with database.read() as tx:
        assert tx.users.get(ACCOUNT, "aLiCe").name == "Alice"
        assert len(tx.users.list(ACCOUNT).items) == 1


def test_rename_onto_an_existing_name_is_refused(
    database: Database, create_user: Callable[..., User], account: str
) -> None:
    create_user("alice")
    create_user("bob")
    with pytest.raises(EntityAlreadyExists), database.transaction() as tx:
        tx.users.update(account, "bob", new_name="ALICE")


def test_a_failed_operation_changes_nothing(database: Database, account: str) -> None:
    with pytest.raises(EntityAlreadyExists), database.transaction() as tx:
        tx.users.create(user("carol"))
        tx.users.create(user("CAROL"))
    with database.read() as tx:
        assert tx.users.find(account, "carol") is None


def test_user_in_unknown_account_is_no_such_entity(database: Database) -> None:
    with pytest.raises(NoSuchEntity), database.transaction() as tx:
        tx.users.create(user("alice", account="999999999999"))


def test_delete_conflicts_name_what_is_in_the_way(
    database: Database, create_user: Callable[..., User], account: str
) -> None:
    # AWS DeleteUser: the user must first lose password, access keys, MFA, policies and group memberships
    # (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUser.html)
    alice = create_user("alice")
    with database.transaction() as tx:
        tx.login_profiles.create(alice, LoginProfile(alice.id, "alice", "$argon2id$hash", False, NOW))
        tx.access_keys.create(
            AccessKey(
                "AKIAEXAMPLE000000001", account, alice.id, "alice", AccessKeyStatus.ACTIVE, NOW, b"sealed"
            )
        )
    with pytest.raises(DeleteConflict, match="must delete login profile first"), database.transaction() as tx:
        tx.users.delete(account, "alice")
    with database.transaction() as tx:
        tx.login_profiles.delete(alice)
    with pytest.raises(DeleteConflict, match="must delete access keys first"), database.transaction() as tx:
        tx.users.delete(account, "alice")
    with database.transaction() as tx:
        tx.access_keys.delete("AKIAEXAMPLE000000001", alice.id)
        tx.users.delete(account, "alice")


def test_tags_replace_case_insensitively_and_go_with_the_user(database: Database, account: str) -> None:
    with database.transaction() as tx:
        tx.users.create(replace(user("alice"), tags=(Tag("Env", "prod"),)))
        tx.users.tag(account, "alice", [Tag("env", "dev"), Tag("team", "core")])
    with database.read() as tx:
        assert tx.users.list_tags(account, "alice") == (Tag("env", "dev"), Tag("team", "core"))
    with database.transaction() as tx:
        tx.users.untag(account, "alice", ["TEAM", "absent"])
    with database.read() as tx:
        assert tx.users.get(account, "alice").tags == (Tag("env", "dev"),)
    with database.transaction() as tx:
        tx.users.delete(account, "alice")
        tx.users.create(user("alice"))
    with database.read() as tx:
        assert tx.users.list_tags(account, "alice") == ()


def test_tag_quota(database: Database, account: str) -> None:
    # AWS: 50 tags per IAM resource (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)
    with database.transaction() as tx:
        tx.users.create(user("alice"))
        tx.users.tag(account, "alice", [Tag(f"k{i}", "v") for i in range(50)])
        tx.users.tag(account, "alice", [Tag("K0", "replaced")])  # a replaced key takes no quota
    with pytest.raises(LimitExceeded, match="TagsPerResource: 50"), database.transaction() as tx:
        tx.users.tag(account, "alice", [Tag("one-too-many", "v")])


def test_users_per_account_quota_counts_deletes(database: Database, account: str) -> None:
    small = Database(database.engine, Quotas(users_per_account=2))
    with small.transaction() as tx:
        tx.users.create(user("a"))
        tx.users.create(user("b"))
    with exactly(LimitExceeded, "Cannot exceed quota for UsersPerAccount: 2"), small.transaction() as tx:
        tx.users.create(user("c"))
    with small.transaction() as tx:
        tx.users.delete(account, "a")
        tx.users.create(user("c"))


def test_permissions_boundary_blocks_policy_deletion(database: Database, account: str) -> None:
    from .conftest import DOCUMENT, policy

    boundary = policy("boundary")
    with database.transaction() as tx:
        tx.users.create(user("alice"))
        tx.policies.create(boundary, DOCUMENT)
        tx.users.set_permissions_boundary(account, "alice", boundary.arn)
    with database.read() as tx:
        assert tx.users.get(account, "alice").permissions_boundary_arn == boundary.arn
        assert tx.policies.get(boundary.arn).permissions_boundary_usage_count == 1
    with pytest.raises(DeleteConflict), database.transaction() as tx:
        tx.policies.delete(boundary.arn)
    with database.transaction() as tx:
        tx.users.set_permissions_boundary(account, "alice", None)
        tx.policies.delete(boundary.arn)


def test_record_password_use(database: Database, create_user: Callable[..., User], account: str) -> None:
    alice = create_user("alice")
    at = datetime(2026, 4, 1, tzinfo=UTC)
    with database.transaction() as tx:
        tx.users.record_password_use(alice.id, at)
    with database.read() as tx:
        assert tx.users.get(account, "alice").password_last_used == at


@pytest.mark.slow
def test_concurrent_creates_of_one_name_in_different_cases(database: Database, account: str) -> None:
    with peers(database, 4) as handles:

        def create(index: int) -> User:
            name = "alice" if index % 2 else "ALICE"
            with handles[index % len(handles)].transaction() as tx:
                return tx.users.create(user(name))

        results = run_concurrently(20, create)
    assert sum(isinstance(result, User) for result in results) == 1
    assert sum(isinstance(result, EntityAlreadyExists) for result in results) == 19


@pytest.mark.slow
def test_users_per_account_quota_under_concurrency(database: Database, account: str) -> None:
    with peers(database, 4) as handles:
        limited = [Database(handle.engine, Quotas(users_per_account=5)) for handle in handles]

        def create(index: int) -> User:
            with limited[index % len(limited)].transaction() as tx:
                return tx.users.create(user(f"user{index}"))

        results = run_concurrently(30, create)
    assert sum(isinstance(result, User) for result in results) == 5
    assert sum(isinstance(result, LimitExceeded) for result in results) == 25
    with database.read() as tx:
        assert len(tx.users.list(account).items) == 5
