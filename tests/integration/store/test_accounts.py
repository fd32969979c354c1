"""Accounts: aliases (unique across accounts), entity counts, and the custom password policy."""

from __future__ import annotations

from collections.abc import Callable

from iamd.errors import EntityAlreadyExists
from iamd.model import Account, Tag, User
from iamd.store import Database
from iamd.store.repositories.accounts import PasswordPolicy

from .conftest import ACCOUNT, DOCUMENT, NOW, exactly, group, policy, role

OTHER = "210987654321"


def test_alias_is_unique_across_accounts(database: Database, account: str) -> None:
    with database.transaction() as tx:
        tx.accounts.create(Account(OTHER, None, NOW))
        tx.accounts.set_alias(ACCOUNT, "acme")
    with database.transaction() as tx, exactly(EntityAlreadyExists, "The account alias acme already exists."):
        tx.accounts.set_alias(OTHER, "acme")
    with database.transaction() as tx:
        tx.accounts.set_alias(ACCOUNT, None)
        tx.accounts.set_alias(OTHER, "acme")
        assert (tx.accounts.get(ACCOUNT).alias, tx.accounts.get(OTHER).alias) == (None, "acme")


def test_usage_counts_entities(database: Database, create_user: Callable[..., User]) -> None:
    create_user("alice")
    create_user("bob")
    with database.read() as tx:
        assert tx.accounts.usage(ACCOUNT) == {"Users": 2, "Groups": 0, "Roles": 0, "Policies": 0}
        counts = tx.accounts.summary_counts(ACCOUNT)
    assert counts == {
        "Users": 2,
        "Groups": 0,
        "Roles": 0,
        "Policies": 0,
        "InstanceProfiles": 0,
        "MFADevices": 0,
        "OidcProviders": 0,
        "SamlProviders": 0,
        "MFADevicesInUse": 0,
        "PolicyVersionsInUse": 0,
        "RootAccessKeys": 0,
    }


def test_password_policy_set_replace_delete(database: Database, account: str) -> None:
    strict = PasswordPolicy(14, True, True, True, True, True, 90, 24, True)
    with database.transaction() as tx:
        assert tx.accounts.password_policy(ACCOUNT) is None
        tx.accounts.set_password_policy(ACCOUNT, strict)
    with database.read() as tx:
        assert tx.accounts.password_policy(ACCOUNT) == strict
    with database.transaction() as tx:
        tx.accounts.set_password_policy(ACCOUNT, PasswordPolicy(minimum_password_length=10))
        assert tx.accounts.password_policy(ACCOUNT) == PasswordPolicy(minimum_password_length=10)
        assert tx.accounts.delete_password_policy(ACCOUNT)
        assert not tx.accounts.delete_password_policy(ACCOUNT)
        assert tx.accounts.password_policy(ACCOUNT) is None


def test_batched_reads_for_authorization_details(
    database: Database, create_user: Callable[..., User]
) -> None:
    alice, bob = create_user("alice"), create_user("bob")
    with database.transaction() as tx:
        admins, ops = tx.groups.create(group("Admins")), tx.groups.create(group("ops"))
        tx.groups.add_user(ops, alice, NOW)
        tx.groups.add_user(admins, alice, NOW)
        tx.users.tag(ACCOUNT, "alice", [Tag("team", "blue"), Tag("Env", "prod")])
        deploy = tx.roles.create(role("deploy"))
        tx.roles.tag(ACCOUNT, "deploy", [Tag("k", "v")])
        managed = tx.policies.create(policy("p"), DOCUMENT)
        tx.policies.create_version(
            managed.arn, DOCUMENT.replace("GetObject", "PutObject"), set_as_default=True, created=NOW
        )
        other = tx.policies.create(policy("q"), DOCUMENT)
    with database.read() as tx:
        assert tx.accounts.group_names_by_user([alice.id, bob.id]) == {
            alice.id: ("Admins", "ops"),
            bob.id: (),
        }
        assert tx.accounts.tags_by_owner("user", [alice.id, bob.id]) == {
            alice.id: (Tag("Env", "prod"), Tag("team", "blue")),
            bob.id: (),
        }
        assert tx.accounts.tags_by_owner("role", [deploy.id]) == {deploy.id: (Tag("k", "v"),)}
        versions = tx.accounts.versions_by_policy([(managed.id, managed.arn), (other.id, other.arn)])
        assert versions == {
            managed.arn: tx.policies.list_versions(managed.arn),
            other.arn: tx.policies.list_versions(other.arn),
        }
        assert [v.version_id for v in versions[managed.arn]] == ["v2", "v1"]
        assert tx.accounts.group_names_by_user([]) == {}
