"""Login profiles, virtual MFA devices (with the TOTP replay guard), OIDC and SAML providers, accounts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from iamd.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity
from iamd.model import Account, LoginProfile, OidcProvider, SamlProvider, Tag, User, VirtualMfaDevice
from iamd.store import Database
from iamd.store.repositories.mfa import AssignmentStatus

from .conftest import ACCOUNT, NOW, exactly

SERIAL = f"arn:aws:iam::{ACCOUNT}:mfa/alice-phone"
OIDC_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
SAML_ARN = f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta"


def test_login_profile(database: Database, create_user: Callable[..., User]) -> None:
    alice = create_user("alice")
    with database.transaction() as tx:
        tx.login_profiles.create(alice, LoginProfile(alice.id, "alice", "$argon2id$one", True, NOW))
    with (
        exactly(EntityAlreadyExists, "Login Profile for user alice already exists."),
        database.transaction() as tx,
    ):
        tx.login_profiles.create(alice, LoginProfile(alice.id, "alice", "$argon2id$two", False, NOW))
    with database.transaction() as tx:
        updated = tx.login_profiles.update(
            alice, password_hash="$argon2id$three", password_reset_required=False
        )
    assert (updated.password_hash, updated.password_reset_required, updated.created) == (
        "$argon2id$three",
        False,
        NOW,
    )
    with database.transaction() as tx:
        tx.login_profiles.delete(alice)
    with exactly(NoSuchEntity, "Login Profile for User alice cannot be found."), database.read() as tx:
        tx.login_profiles.get(alice)


def test_virtual_mfa_lifecycle_and_replay_guard(database: Database, create_user: Callable[..., User]) -> None:
    alice = create_user("alice")
    device = VirtualMfaDevice(ACCOUNT, SERIAL, "alice-phone", "/", NOW, b"sealed-seed", tags=(Tag("k", "v"),))
    with database.transaction() as tx:
        tx.mfa_devices.create(device)
    with pytest.raises(EntityAlreadyExists), database.transaction() as tx:
        tx.mfa_devices.create(device)
    with database.transaction() as tx:
        tx.mfa_devices.enable(SERIAL, alice, NOW, counter=1000)
    with database.read() as tx:
        stored = tx.mfa_devices.get(SERIAL)
        assert (stored.user_id, stored.enable_date, stored.last_used_counter) == (alice.id, NOW, 1000)
        assert stored.seed_ciphertext == b"sealed-seed"
        assert [d.serial_number for d in tx.mfa_devices.for_user(alice)] == [SERIAL]
        assigned = tx.mfa_devices.list_virtual(ACCOUNT, assignment=AssignmentStatus.ASSIGNED).items
        assert [d.serial_number for d in assigned] == [SERIAL]
        assert tx.mfa_devices.list_virtual(ACCOUNT, assignment=AssignmentStatus.UNASSIGNED).items == ()
    # A TOTP code is accepted once; the same or an older time step is a replay (issue 5)
    with database.transaction() as tx:
        assert tx.mfa_devices.accept_counter(SERIAL, 1001) is True
        assert tx.mfa_devices.accept_counter(SERIAL, 1001) is False
        assert tx.mfa_devices.accept_counter(SERIAL, 999) is False
    with pytest.raises(EntityAlreadyExists), database.transaction() as tx:
        tx.mfa_devices.enable(SERIAL, alice, NOW, counter=2000)
    with pytest.raises(DeleteConflict, match="must delete MFA device first"), database.transaction() as tx:
        tx.users.delete(ACCOUNT, "alice")
    with pytest.raises(DeleteConflict), database.transaction() as tx:
        tx.mfa_devices.delete(SERIAL)
    with database.transaction() as tx:
        tx.mfa_devices.deactivate(SERIAL, alice)
        tx.mfa_devices.delete(SERIAL)
        tx.users.delete(ACCOUNT, "alice")
    with database.read() as tx:
        assert tx.mfa_devices.find(SERIAL) is None


def test_oidc_provider(database: Database, account: str) -> None:
    provider = OidcProvider(
        ACCOUNT,
        OIDC_ARN,
        "https://token.actions.githubusercontent.com",
        NOW,
        client_ids=("sts.amazonaws.com",),
        thumbprints=("a" * 40,),
        tags=(Tag("ci", "github"),),
    )
    with database.transaction() as tx:
        assert tx.oidc_providers.create(provider) == provider
    with pytest.raises(EntityAlreadyExists), database.transaction() as tx:
        tx.oidc_providers.create(provider)
    with database.transaction() as tx:
        tx.oidc_providers.add_client_id(OIDC_ARN, "my-app")
        tx.oidc_providers.add_client_id(OIDC_ARN, "my-app")
        tx.oidc_providers.remove_client_id(OIDC_ARN, "sts.amazonaws.com")
        tx.oidc_providers.update_thumbprints(OIDC_ARN, ["b" * 40, "c" * 40])
    with database.read() as tx:
        stored = tx.oidc_providers.get(OIDC_ARN)
        assert (stored.client_ids, stored.thumbprints) == (("my-app",), ("b" * 40, "c" * 40))
        assert [p.arn for p in tx.oidc_providers.list(ACCOUNT)] == [OIDC_ARN]
    # AWS: at most 5 thumbprints per OIDC provider
    refused = exactly(LimitExceeded, "Cannot exceed quota for ThumbprintsPerOpenIdConnectProvider: 5")
    with refused, database.transaction() as tx:
        tx.oidc_providers.update_thumbprints(OIDC_ARN, [str(i) * 40 for i in range(6)])
    with database.transaction() as tx:
        tx.oidc_providers.delete(OIDC_ARN)
    with pytest.raises(NoSuchEntity), database.read() as tx:
        tx.oidc_providers.get(OIDC_ARN)


def test_saml_provider(database: Database, account: str) -> None:
    valid_until = datetime(2030, 1, 1, tzinfo=UTC)
    provider = SamlProvider(ACCOUNT, SAML_ARN, "Okta", "<EntityDescriptor/>", NOW, valid_until)
    with database.transaction() as tx:
        tx.saml_providers.create(provider)
        tx.saml_providers.tag(SAML_ARN, [Tag("idp", "okta")])
    with database.transaction() as tx:
        updated = tx.saml_providers.update(SAML_ARN, "<EntityDescriptor v='2'/>", None)
    assert (updated.metadata_document, updated.valid_until, updated.tags) == (
        "<EntityDescriptor v='2'/>",
        None,
        (Tag("idp", "okta"),),
    )
    with database.transaction() as tx:
        tx.saml_providers.delete(SAML_ARN)
        assert tx.saml_providers.list(ACCOUNT) == ()


def test_accounts_and_aliases(database: Database) -> None:
    with database.transaction() as tx:
        assert tx.accounts.count() == 0
        tx.accounts.create(Account(ACCOUNT, None, NOW))
        tx.accounts.create(Account("210987654321", None, NOW))
        tx.accounts.set_alias(ACCOUNT, "example-corp")
    # AWS: an alias is unique across all accounts
    with pytest.raises(EntityAlreadyExists), database.transaction() as tx:
        tx.accounts.set_alias("210987654321", "example-corp")
    with database.read() as tx:
        assert tx.accounts.get(ACCOUNT).alias == "example-corp"
        assert [a.id for a in tx.accounts.list()] == ["123456789012", "210987654321"]
        assert tx.accounts.usage(ACCOUNT) == {"Users": 0, "Groups": 0, "Roles": 0, "Policies": 0}
