"""IAM SAML identity providers: create, read, list, update, delete and tags.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateSAMLProvider.html and its
siblings. The ARN is ``arn:aws:iam::ACCOUNT:saml-provider/NAME``. The metadata document must be an
``EntityDescriptor`` with an ``IDPSSODescriptor`` and at least one signing certificate; its ``validUntil``
becomes the provider's ValidUntil. A document iamd cannot use is InvalidInput "Could not parse metadata",
as IAM words it. Encrypted assertions (``AssertionEncryptionMode`` Required, ``AddPrivateKey``) are not
supported by iamd and are refused with InvalidInput rather than accepted and ignored.
"""

from __future__ import annotations

import uuid
from typing import Any

from iamd.auth.saml import IdpMetadata, InvalidMetadata, parse_metadata
from iamd.errors import InvalidInput, NoSuchEntity
from iamd.model import SamlProvider
from iamd.services.call import Call, Operation, Params, Result, Target
from iamd.services.iam.common import ArnTaggedResource, request_tag_context, tags_in, tags_out

ENCRYPTION_ALLOWED = "Allowed"


def provider_arn(account_id: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:saml-provider/{name}"


def provider_uuid(provider: SamlProvider) -> str:
    """SAMLProviderUUID: stable for the life of the provider (its ARN and creation time), so that a sign-in
    URL ``.../saml/acs/<uuid>`` names this provider and not a later one of the same name."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{provider.arn}@{provider.created.isoformat()}"))


def checked_metadata(document: str) -> IdpMetadata:
    try:
        return parse_metadata(document)
    except InvalidMetadata:
        raise InvalidInput("Could not parse metadata") from None


def _refuse_encryption(params: Params) -> None:
    mode = params.get("AssertionEncryptionMode")
    if (mode is not None and mode != ENCRYPTION_ALLOWED) or params.get("AddPrivateKey"):
        raise InvalidInput("Encrypted SAML assertions are not supported by this iamd server.")


def existing(call: Call, arn: str) -> SamlProvider:
    """The provider of the caller's account named by ``arn``; another account's is NoSuchEntity."""
    provider = call.tx.saml_providers.find(arn)
    if provider is None or provider.account_id != call.account_id:
        raise NoSuchEntity(f"Manifest not found for arn {arn}")  # IAM's wording
    return provider


# -- operations ----------------------------------------------------------------------------------------


def create_provider(call: Call, params: Params) -> Result:
    _refuse_encryption(params)
    document: str = params["SAMLMetadataDocument"]
    metadata = checked_metadata(document)
    name: str = params["Name"]
    provider = SamlProvider(
        account_id=call.account_id,
        arn=provider_arn(call.account_id, name),
        name=name,
        metadata_document=document,
        created=call.now,
        valid_until=metadata.valid_until,
        tags=tags_in(params),
    )
    created = call.tx.saml_providers.create(provider)
    result: dict[str, Any] = {"SAMLProviderArn": created.arn}
    if created.tags:
        result["Tags"] = tags_out(created.tags)
    return result


def get_provider(call: Call, params: Params) -> Result:
    provider = existing(call, params["SAMLProviderArn"])
    result: dict[str, Any] = {
        "SAMLProviderUUID": provider_uuid(provider),
        "SAMLMetadataDocument": provider.metadata_document,
        "CreateDate": provider.created,
        "AssertionEncryptionMode": ENCRYPTION_ALLOWED,
        "PrivateKeyList": [],
    }
    if provider.valid_until is not None:
        result["ValidUntil"] = provider.valid_until
    if provider.tags:
        result["Tags"] = tags_out(provider.tags)
    return result


def list_providers(call: Call, _params: Params) -> Result:
    entries = []
    for provider in call.tx.saml_providers.list(call.account_id):
        entry: dict[str, Any] = {"Arn": provider.arn, "CreateDate": provider.created}
        if provider.valid_until is not None:
            entry["ValidUntil"] = provider.valid_until
        entries.append(entry)
    return {"SAMLProviderList": entries}


def update_provider(call: Call, params: Params) -> Result:
    _refuse_encryption(params)
    if params.get("RemovePrivateKey"):
        raise InvalidInput("The private key to remove does not exist on this SAML provider.")
    provider = existing(call, params["SAMLProviderArn"])
    document: str | None = params.get("SAMLMetadataDocument")
    if document is not None:
        metadata = checked_metadata(document)
        call.tx.saml_providers.update(provider.arn, document, metadata.valid_until)
    return {"SAMLProviderArn": provider.arn}


def delete_provider(call: Call, params: Params) -> Result:
    call.tx.saml_providers.delete(existing(call, params["SAMLProviderArn"]).arn)
    return {}


# -- authorization targets (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html)


def _create_target(call: Call, params: Params) -> Target:
    return Target(provider_arn(call.account_id, params["Name"]), request_tag_context(params))


def _list_target(call: Call, _params: Params) -> Target:
    return Target(f"arn:aws:iam::{call.account_id}:saml-provider/*")


_TAGGED = ArnTaggedResource("SAMLProviderArn", lambda call: call.tx.saml_providers, existing)

OPERATIONS: dict[str, Operation] = {
    "CreateSAMLProvider": Operation(create_provider, _create_target),
    "GetSAMLProvider": Operation(get_provider, _TAGGED.target, writes=False),
    "ListSAMLProviders": Operation(list_providers, _list_target, writes=False),
    "UpdateSAMLProvider": Operation(update_provider, _TAGGED.target),
    "DeleteSAMLProvider": Operation(delete_provider, _TAGGED.target),
    "TagSAMLProvider": Operation(_TAGGED.tag, _TAGGED.tagging_target),
    "UntagSAMLProvider": Operation(_TAGGED.untag, _TAGGED.untagging_target),
    "ListSAMLProviderTags": Operation(_TAGGED.list_tags, _TAGGED.target, writes=False),
}
