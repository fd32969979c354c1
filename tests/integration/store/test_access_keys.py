"""Access keys: the 2-key limit (also under 100 concurrent creates), status, last use, root keys, resolver."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from iamd.auth.authenticate import KeyStatus
from iamd.auth.secrets import Secret, SecretBox
from iamd.errors import LimitExceeded, NoSuchEntity
from iamd.model import AccessKey, AccessKeyLastUsed, AccessKeyStatus, User
from iamd.store import Database
from iamd.store.resolver import ACCESS_KEY_SECRET_PURPOSE, StoreAccessKeyResolver

from .conftest import ACCOUNT, NOW, exactly, peers, run_concurrently, unique_id

# AWS: "Cannot exceed quota for AccessKeysPerUser: 2" (LimitExceeded), 2 keys per user
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)
TWO_KEYS = "Cannot exceed quota for AccessKeysPerUser: 2"


def key_for(owner: User | None, secret: bytes = b"sealed") -> AccessKey:
    return AccessKey(
        unique_id("AKIA"),
        ACCOUNT,
        owner.id if owner else None,
        owner.name if owner else None,
        AccessKeyStatus.ACTIVE,
        NOW,
        secret,
    )


def test_two_keys_per_user_then_limit_exceeded(database: Database, create_user: Callable[..., User]) -> None:
    alice = create_user("alice")
    with database.transaction() as tx:
        first = tx.access_keys.create(key_for(alice))
        second = tx.access_keys.create(key_for(alice))
    with exactly(LimitExceeded, TWO_KEYS), database.transaction() as tx:
        tx.access_keys.create(key_for(alice))
    with database.read() as tx:
        listed = tx.access_keys.list(ACCOUNT, alice.id).items
    assert {key.id for key in listed} == {first.id, second.id}
    assert all(key.user_name == "alice" and key.secret_ciphertext == b"sealed" for key in listed)
    # Deleting one frees its slot.
    with database.transaction() as tx:
        tx.access_keys.delete(first.id, alice.id)
        tx.access_keys.create(key_for(alice))


def test_root_keys_count_against_the_account(database: Database, account: str) -> None:
    with database.transaction() as tx:
        root_key = tx.access_keys.create(key_for(None))
        tx.access_keys.create(key_for(None))
    with exactly(LimitExceeded, TWO_KEYS), database.transaction() as tx:
        tx.access_keys.create(key_for(None))
    with database.read() as tx:
        found = tx.access_keys.get(root_key.id)
    assert (found.user_id, found.user_name, found.account_id) == (None, None, account)


@pytest.mark.slow
def test_100_concurrent_creates_yield_exactly_two_keys(
    database: Database, create_user: Callable[..., User]
) -> None:
    alice = create_user("alice")
    with peers(database, 4) as handles:

        def create(index: int) -> AccessKey:
            with handles[index % len(handles)].transaction() as tx:
                return tx.access_keys.create(key_for(alice))

        results = run_concurrently(100, create)
    created = [result for result in results if isinstance(result, AccessKey)]
    refused = [result for result in results if isinstance(result, LimitExceeded)]
    assert len(created) == 2, [r for r in results if not isinstance(r, (AccessKey, LimitExceeded))][:3]
    assert len(refused) == 98
    assert all(error.message == TWO_KEYS for error in refused)
    with database.read() as tx:
        assert {key.id for key in tx.access_keys.list(ACCOUNT, alice.id).items} == {key.id for key in created}


def test_status_and_last_used(database: Database, create_user: Callable[..., User]) -> None:
    alice = create_user("alice")
    at = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)
    with database.transaction() as tx:
        key = tx.access_keys.create(key_for(alice))
        tx.access_keys.update_status(key.id, alice.id, AccessKeyStatus.INACTIVE)
        tx.access_keys.record_use(key.id, at, "iam", "us-east-1")
    with database.read() as tx:
        found = tx.access_keys.get(key.id)
    assert found.status is AccessKeyStatus.INACTIVE
    assert found.last_used == AccessKeyLastUsed(at, "iam", "us-east-1")


def test_recent_use_is_not_written_again(database: Database, create_user: Callable[..., User]) -> None:
    alice = create_user("alice")
    first = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)
    with database.transaction() as tx:
        key = tx.access_keys.create(key_for(alice))
        assert tx.access_keys.record_use(key.id, first, "iam", "us-east-1", unless_used_since=first)
        # Used at 08:30; a write "unless used since 08:29:30" is skipped, one "since 08:30:01" is not.
        skipped = tx.access_keys.record_use(
            key.id,
            first.replace(second=30),
            "sts",
            "eu-west-1",
            unless_used_since=first.replace(minute=29, second=30),
        )
        assert not skipped
        assert tx.access_keys.get(key.id).last_used == AccessKeyLastUsed(first, "iam", "us-east-1")
        later = first.replace(minute=31, second=1)
        assert tx.access_keys.record_use(
            key.id, later, "sts", "eu-west-1", unless_used_since=first.replace(second=1)
        )
        assert tx.access_keys.get(key.id).last_used == AccessKeyLastUsed(later, "sts", "eu-west-1")
        assert not tx.access_keys.record_use("AKIANOSUCHKEY0000000", later, "iam", "us-east-1")


def test_a_key_is_only_changed_through_its_owner(
    database: Database, create_user: Callable[..., User]
) -> None:
    alice, bob = create_user("alice"), create_user("bob")
    with database.transaction() as tx:
        key = tx.access_keys.create(key_for(alice))
    # AWS: "The Access Key with id ... cannot be found." when the key is not the named user's
    with (
        exactly(NoSuchEntity, f"The Access Key with id {key.id} cannot be found."),
        database.transaction() as tx,
    ):
        tx.access_keys.delete(key.id, bob.id)


def test_resolver_opens_the_secret(database: Database, create_user: Callable[..., User]) -> None:
    alice = create_user("alice")
    box = SecretBox({1: os.urandom(32)}, 1)
    key = key_for(alice)
    sealed = box.seal_secret(
        Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), purpose=ACCESS_KEY_SECRET_PURPOSE, owner=key.id
    )
    with database.transaction() as tx:
        tx.access_keys.create(
            AccessKey(key.id, ACCOUNT, alice.id, "alice", AccessKeyStatus.ACTIVE, NOW, sealed)
        )
    resolver = StoreAccessKeyResolver(database, box)
    resolved = resolver.resolve(key.id)
    assert resolved is not None
    assert resolved.secret_access_key.reveal() == "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    assert (resolved.status, resolved.principal_id, resolved.account_id) == (
        KeyStatus.ACTIVE,
        alice.id,
        ACCOUNT,
    )
    assert resolver.resolve("AKIANOSUCHKEY0000000") is None


def test_record_key_use_writes_at_most_once_a_minute(
    database: Database, create_user: Callable[..., User]
) -> None:
    # iamd.services.iam.access_keys.record_key_use: what the gateway calls for each accepted request.
    from datetime import timedelta

    from iamd.services.iam.access_keys import key_use_is_stale, record_key_use

    alice = create_user("alice")
    at = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)
    with database.transaction() as tx:
        key = tx.access_keys.create(key_for(alice))
        assert key_use_is_stale(None, at)
        assert record_key_use(tx, key.id, at, "iam", "us-east-1")
        assert not record_key_use(tx, key.id, at + timedelta(seconds=59), "sts", "eu-west-1")
        last_used = tx.access_keys.get(key.id).last_used
        assert last_used == AccessKeyLastUsed(at, "iam", "us-east-1")
        assert not key_use_is_stale(last_used, at + timedelta(seconds=59))
        assert key_use_is_stale(last_used, at + timedelta(seconds=61))
        assert record_key_use(tx, key.id, at + timedelta(seconds=61), "sts", "eu-west-1")
        assert tx.access_keys.get(key.id).last_used == AccessKeyLastUsed(
            at + timedelta(seconds=61), "sts", "eu-west-1"
        )
