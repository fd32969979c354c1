"""IAM OpenID Connect identity providers: create, read, list, delete, thumbprints, client ids and tags.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html and
its siblings. The ARN is ``arn:aws:iam::ACCOUNT:oidc-provider/<URL without its scheme>``, verbatim, and Get
returns the URL in that form too. iamd accepts ``https://`` URLs as AWS does, and ``http://`` URLs on a
loopback address for local and CI test issuers (DESIGN.md). Thumbprints are no longer used to verify
tokens (AWS verifies well-known issuers' certificates itself), but their format is still checked: 40
hexadecimal characters, at most five.
"""

from __future__ import annotations

import re
from typing import Any

from iamd.auth.oidc import issuer_url_allowed, provider_id
from iamd.errors import InvalidInput, NoSuchEntity
from iamd.model import OidcProvider
from iamd.services.call import Call, Operation, Params, Result, Target
from iamd.services.iam.common import ArnTaggedResource, request_tag_context, tags_in, tags_out

_THUMBPRINT = re.compile(r"[0-9A-Fa-f]{40}")


def provider_arn(account_id: str, url: str) -> str:
    return f"arn:aws:iam::{account_id}:oidc-provider/{provider_id(url)}"


def _checked_url(url: str) -> str:
    if not issuer_url_allowed(url):
        raise InvalidInput(
            "Invalid Url: an OpenID Connect provider URL must begin with https:// "
            "(iamd also accepts http:// on a loopback address) and have no query or fragment."
        )
    return url


def _checked_thumbprints(params: Params) -> tuple[str, ...]:
    thumbprints = tuple(params.get("ThumbprintList") or [])
    for thumbprint in thumbprints:
        if _THUMBPRINT.fullmatch(thumbprint) is None:
            raise InvalidInput(f"Thumbprint {thumbprint} is not 40 hexadecimal characters.")
    return tuple(dict.fromkeys(thumbprints))


def _existing(call: Call, arn: str) -> OidcProvider:
    """The provider of the caller's account named by ``arn``; another account's is NoSuchEntity."""
    provider = call.tx.oidc_providers.find(arn)
    if provider is None or provider.account_id != call.account_id:
        raise NoSuchEntity(f"OpenIDConnect Provider not found for arn {arn}")
    return provider


# -- operations ----------------------------------------------------------------------------------------


def create_provider(call: Call, params: Params) -> Result:
    url = _checked_url(params["Url"])
    client_ids = tuple(dict.fromkeys(params.get("ClientIDList") or []))
    provider = OidcProvider(
        account_id=call.account_id,
        arn=provider_arn(call.account_id, url),
        url=url,
        created=call.now,
        client_ids=client_ids,
        thumbprints=_checked_thumbprints(params),
        tags=tags_in(params),
    )
    created = call.tx.oidc_providers.create(provider)
    result: dict[str, Any] = {"OpenIDConnectProviderArn": created.arn}
    if created.tags:
        result["Tags"] = tags_out(created.tags)
    return result


def get_provider(call: Call, params: Params) -> Result:
    provider = _existing(call, params["OpenIDConnectProviderArn"])
    result: dict[str, Any] = {
        "Url": provider_id(provider.url),
        "ClientIDList": list(provider.client_ids),
        "ThumbprintList": list(provider.thumbprints),
        "CreateDate": provider.created,
    }
    if provider.tags:
        result["Tags"] = tags_out(provider.tags)
    return result


def list_providers(call: Call, _params: Params) -> Result:
    providers = call.tx.oidc_providers.list(call.account_id)
    return {"OpenIDConnectProviderList": [{"Arn": p.arn} for p in providers]}


def delete_provider(call: Call, params: Params) -> Result:
    call.tx.oidc_providers.delete(_existing(call, params["OpenIDConnectProviderArn"]).arn)
    return {}


def update_thumbprints(call: Call, params: Params) -> Result:
    arn = _existing(call, params["OpenIDConnectProviderArn"]).arn
    call.tx.oidc_providers.update_thumbprints(arn, _checked_thumbprints(params))
    return {}


def add_client_id(call: Call, params: Params) -> Result:
    arn = _existing(call, params["OpenIDConnectProviderArn"]).arn
    call.tx.oidc_providers.add_client_id(arn, params["ClientID"])
    return {}


def remove_client_id(call: Call, params: Params) -> Result:
    arn = _existing(call, params["OpenIDConnectProviderArn"]).arn
    call.tx.oidc_providers.remove_client_id(arn, params["ClientID"])
    return {}


# -- authorization targets -----------------------------------------------------------------------------


def _create_target(call: Call, params: Params) -> Target:
    return Target(provider_arn(call.account_id, params["Url"]), request_tag_context(params))


def _list_target(call: Call, _params: Params) -> Target:
    return Target(f"arn:aws:iam::{call.account_id}:oidc-provider/*")


_TAGGED = ArnTaggedResource("OpenIDConnectProviderArn", lambda call: call.tx.oidc_providers, _existing)

OPERATIONS: dict[str, Operation] = {
    "CreateOpenIDConnectProvider": Operation(create_provider, _create_target),
    "GetOpenIDConnectProvider": Operation(get_provider, _TAGGED.target, writes=False),
    "ListOpenIDConnectProviders": Operation(list_providers, _list_target, writes=False),
    "DeleteOpenIDConnectProvider": Operation(delete_provider, _TAGGED.target),
    "UpdateOpenIDConnectProviderThumbprint": Operation(update_thumbprints, _TAGGED.target),
    "AddClientIDToOpenIDConnectProvider": Operation(add_client_id, _TAGGED.target),
    "RemoveClientIDFromOpenIDConnectProvider": Operation(remove_client_id, _TAGGED.target),
    "TagOpenIDConnectProvider": Operation(_TAGGED.tag, _TAGGED.tagging_target),
    "UntagOpenIDConnectProvider": Operation(_TAGGED.untag, _TAGGED.untagging_target),
    "ListOpenIDConnectProviderTags": Operation(_TAGGED.list_tags, _TAGGED.target, writes=False),
}
