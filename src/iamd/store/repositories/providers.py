"""OIDC and SAML identity providers, for STS federation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, select, update

from iamd.errors import LimitExceeded, NoSuchEntity
from iamd.model import OidcProvider, SamlProvider, Tag
from iamd.store import quota_usage
from iamd.store.repositories.base import Repository
from iamd.store.repositories.tags import add_tags, list_tags, remove_tags
from iamd.store.schema import oidc_provider_tags, oidc_providers, saml_provider_tags, saml_providers


def oidc_not_found(arn: str) -> NoSuchEntity:
    return NoSuchEntity(f"OpenIDConnect Provider not found for arn {arn}")


def saml_not_found(arn: str) -> NoSuchEntity:
    return NoSuchEntity(f"Manifest not found for arn {arn}")


def to_oidc(row: Row[Any], tags: tuple[Tag, ...] = ()) -> OidcProvider:
    return OidcProvider(
        account_id=row.account_id,
        arn=row.arn,
        url=row.url,
        created=row.created,
        client_ids=row.client_ids,
        thumbprints=row.thumbprints,
        tags=tags,
    )


def to_saml(row: Row[Any], tags: tuple[Tag, ...] = ()) -> SamlProvider:
    return SamlProvider(
        account_id=row.account_id,
        arn=row.arn,
        name=row.name,
        metadata_document=row.metadata_document,
        created=row.created,
        valid_until=row.valid_until,
        tags=tags,
    )


class OidcProviders(Repository):
    def _check_lists(self, client_ids: Sequence[str], thumbprints: Sequence[str]) -> None:
        for quota, name, items in (
            (self.quotas.client_ids_per_oidc_provider, "ClientIdsPerOpenIdConnectProvider", client_ids),
            (self.quotas.thumbprints_per_oidc_provider, "ThumbprintsPerOpenIdConnectProvider", thumbprints),
        ):
            if len(items) > quota:
                raise LimitExceeded(f"Cannot exceed quota for {name}: {quota}")

    def create(self, provider: OidcProvider) -> OidcProvider:
        """CreateOpenIDConnectProvider; the caller forms the ARN from the URL without its scheme."""
        self._check_lists(provider.client_ids, provider.thumbprints)
        self._insert(
            oidc_providers.insert().values(
                arn=provider.arn,
                account_id=provider.account_id,
                url=provider.url,
                client_ids=tuple(provider.client_ids),
                thumbprints=tuple(provider.thumbprints),
                created=provider.created,
            ),
            exists_message=f"Provider with url {provider.url} already exists.",
            missing_message=f"The account {provider.account_id} cannot be found.",
        )
        self._take_quota(provider.account_id, "oidc_providers_per_account")
        add_tags(self.connection, self.quotas, oidc_provider_tags, provider.arn, provider.tags)
        return self.get(provider.arn)

    def find(self, arn: str) -> OidcProvider | None:
        row = self.connection.execute(select(oidc_providers).where(oidc_providers.c.arn == arn)).first()
        return None if row is None else to_oidc(row, list_tags(self.connection, oidc_provider_tags, arn))

    def get(self, arn: str) -> OidcProvider:
        provider = self.find(arn)
        if provider is None:
            raise oidc_not_found(arn)
        return provider

    def list(self, account_id: str) -> tuple[OidcProvider, ...]:
        """ListOpenIDConnectProviders (not paginated by AWS), by ARN."""
        rows = self.connection.execute(
            select(oidc_providers)
            .where(oidc_providers.c.account_id == account_id)
            .order_by(oidc_providers.c.arn)
        )
        return tuple(to_oidc(row) for row in rows)

    def _change(
        self, arn: str, client_ids: Sequence[str] | None = None, thumbprints: Sequence[str] | None = None
    ) -> None:
        # Lock the row (PostgreSQL) so concurrent AddClientID calls do not overwrite each other's lists.
        row = self.connection.execute(
            select(oidc_providers).where(oidc_providers.c.arn == arn).with_for_update()
        ).first()
        if row is None:
            raise oidc_not_found(arn)
        new_client_ids = tuple(client_ids) if client_ids is not None else row.client_ids
        new_thumbprints = tuple(thumbprints) if thumbprints is not None else row.thumbprints
        self._check_lists(new_client_ids, new_thumbprints)
        self.connection.execute(
            update(oidc_providers)
            .where(oidc_providers.c.arn == arn)
            .values(client_ids=new_client_ids, thumbprints=new_thumbprints)
        )

    def update_thumbprints(self, arn: str, thumbprints: Sequence[str]) -> None:
        self._change(arn, thumbprints=thumbprints)

    def add_client_id(self, arn: str, client_id: str) -> None:
        """AddClientIDToOpenIDConnectProvider; adding one already present changes nothing."""
        current = self.get(arn).client_ids
        if client_id not in current:
            self._change(arn, client_ids=(*current, client_id))

    def remove_client_id(self, arn: str, client_id: str) -> None:
        """RemoveClientIDFromOpenIDConnectProvider; removing one not present changes nothing, as in AWS."""
        current = self.get(arn).client_ids
        self._change(arn, client_ids=tuple(item for item in current if item != client_id))

    def delete(self, arn: str) -> None:
        account_id = self.get(arn).account_id
        self.connection.execute(delete(oidc_providers).where(oidc_providers.c.arn == arn))
        self._give_back_quota(account_id, "oidc_providers_per_account")
        quota_usage.forget(self.connection, arn)

    def tag(self, arn: str, tags: Sequence[Tag]) -> None:
        add_tags(self.connection, self.quotas, oidc_provider_tags, self.get(arn).arn, tags)

    def untag(self, arn: str, keys: Sequence[str]) -> None:
        remove_tags(self.connection, oidc_provider_tags, self.get(arn).arn, keys)

    def list_tags(self, arn: str) -> tuple[Tag, ...]:
        return list_tags(self.connection, oidc_provider_tags, self.get(arn).arn)


class SamlProviders(Repository):
    def create(self, provider: SamlProvider) -> SamlProvider:
        self._insert(
            saml_providers.insert().values(
                arn=provider.arn,
                account_id=provider.account_id,
                name=provider.name,
                metadata_document=provider.metadata_document,
                valid_until=provider.valid_until,
                created=provider.created,
            ),
            exists_message=f"SAMLProvider {provider.name} already exists.",
            missing_message=f"The account {provider.account_id} cannot be found.",
        )
        self._take_quota(provider.account_id, "saml_providers_per_account")
        add_tags(self.connection, self.quotas, saml_provider_tags, provider.arn, provider.tags)
        return self.get(provider.arn)

    def find(self, arn: str) -> SamlProvider | None:
        row = self.connection.execute(select(saml_providers).where(saml_providers.c.arn == arn)).first()
        return None if row is None else to_saml(row, list_tags(self.connection, saml_provider_tags, arn))

    def get(self, arn: str) -> SamlProvider:
        provider = self.find(arn)
        if provider is None:
            raise saml_not_found(arn)
        return provider

    def list(self, account_id: str) -> tuple[SamlProvider, ...]:
        """ListSAMLProviders (not paginated by AWS), by ARN."""
        rows = self.connection.execute(
            select(saml_providers)
            .where(saml_providers.c.account_id == account_id)
            .order_by(saml_providers.c.arn)
        )
        return tuple(to_saml(row) for row in rows)

    def update(self, arn: str, metadata_document: str, valid_until: datetime | None) -> SamlProvider:
        """UpdateSAMLProvider: new metadata (and the validity it states)."""
        changed = self.connection.execute(
            update(saml_providers)
            .where(saml_providers.c.arn == arn)
            .values(metadata_document=metadata_document, valid_until=valid_until)
        ).rowcount
        if not changed:
            raise saml_not_found(arn)
        return self.get(arn)

    def delete(self, arn: str) -> None:
        account_id = self.get(arn).account_id
        self.connection.execute(delete(saml_providers).where(saml_providers.c.arn == arn))
        self._give_back_quota(account_id, "saml_providers_per_account")
        quota_usage.forget(self.connection, arn)

    def tag(self, arn: str, tags: Sequence[Tag]) -> None:
        add_tags(self.connection, self.quotas, saml_provider_tags, self.get(arn).arn, tags)

    def untag(self, arn: str, keys: Sequence[str]) -> None:
        remove_tags(self.connection, saml_provider_tags, self.get(arn).arn, keys)

    def list_tags(self, arn: str) -> tuple[Tag, ...]:
        return list_tags(self.connection, saml_provider_tags, self.get(arn).arn)
