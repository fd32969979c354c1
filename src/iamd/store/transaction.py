"""One unit of work: the repositories, all on the same connection and database transaction."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy import Connection

from iamd.store.quotas import Quotas
from iamd.store.repositories.access_keys import AccessKeys
from iamd.store.repositories.accounts import Accounts
from iamd.store.repositories.attachments import Attachments
from iamd.store.repositories.groups import Groups
from iamd.store.repositories.inline_policies import InlinePolicies
from iamd.store.repositories.instance_profiles import InstanceProfiles
from iamd.store.repositories.login_profiles import LoginProfiles
from iamd.store.repositories.mfa import MfaDevices
from iamd.store.repositories.policies import Policies
from iamd.store.repositories.providers import OidcProviders, SamlProviders
from iamd.store.repositories.roles import Roles
from iamd.store.repositories.users import Users


class Transaction:
    """Repositories are created on first use. ``connection`` is there for writers outside the store
    (the audit trail records its event in the same transaction as the change it describes)."""

    def __init__(self, connection: Connection, quotas: Quotas) -> None:
        self.connection = connection
        self.quotas = quotas

    @cached_property
    def accounts(self) -> Accounts:
        return Accounts(self.connection, self.quotas)

    @cached_property
    def users(self) -> Users:
        return Users(self.connection, self.quotas)

    @cached_property
    def groups(self) -> Groups:
        return Groups(self.connection, self.quotas)

    @cached_property
    def roles(self) -> Roles:
        return Roles(self.connection, self.quotas)

    @cached_property
    def policies(self) -> Policies:
        return Policies(self.connection, self.quotas)

    @cached_property
    def attachments(self) -> Attachments:
        return Attachments(self.connection, self.quotas)

    @cached_property
    def inline_policies(self) -> InlinePolicies:
        return InlinePolicies(self.connection, self.quotas)

    @cached_property
    def access_keys(self) -> AccessKeys:
        return AccessKeys(self.connection, self.quotas)

    @cached_property
    def login_profiles(self) -> LoginProfiles:
        return LoginProfiles(self.connection, self.quotas)

    @cached_property
    def instance_profiles(self) -> InstanceProfiles:
        return InstanceProfiles(self.connection, self.quotas)

    @cached_property
    def mfa_devices(self) -> MfaDevices:
        return MfaDevices(self.connection, self.quotas)

    @cached_property
    def oidc_providers(self) -> OidcProviders:
        return OidcProviders(self.connection, self.quotas)

    @cached_property
    def saml_providers(self) -> SamlProviders:
        return SamlProviders(self.connection, self.quotas)
