"""STS AssumeRoleWithWebIdentity: a role session for the holder of an OIDC token, taken unsigned.

https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html. The token's ``iss``
names an IAM OIDC provider in the role's account (else InvalidIdentityToken "No OpenIDConnect provider
found in your account for ..."); :mod:`iamd.auth.oidc` verifies it against the issuer's keys. The role's
trust policy is then evaluated with the provider as the ``Federated`` principal and the token's claims as
the web identity condition keys
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif):
``<provider>:aud`` (``azp`` when present, else the ``aud`` that matched a client id), ``<provider>:oaud``
(the other audiences), ``<provider>:sub``, ``<provider>:amr``, and ``aws:FederatedProvider``. Session tags
and the source identity come from the token's ``https://aws.amazon.com/tags`` and
``https://aws.amazon.com/source_identity`` claims
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_adding-assume-role-idp)
and need ``sts:TagSession`` and ``sts:SetSourceIdentity`` in the trust policy. Credentials, session
policies, durations and PackedPolicySize are AssumeRole's (:mod:`iamd.services.sts.sessions`). The trust
decision follows ``--auth-mode`` (audit: a would-be denial is logged and the session issued); the token
checks never do (:mod:`iamd.services.sts.federation`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from iamd.auth.oidc import (
    VerifiedToken,
    provider_id,
    token_key_id,
    unverified_claims,
    verify_token,
)
from iamd.errors import IDPRejectedClaim, InvalidIdentityToken
from iamd.model import OidcProvider
from iamd.policy.variables import ContextValue
from iamd.services.call import Call, Operation, Params, Result
from iamd.services.iam.oidc_providers import provider_arn
from iamd.services.sts.federation import (
    issue_federated_session,
    trusted_role,
    unsigned_context,
    unsigned_operation,
)
from iamd.services.sts.sessions import CarriedIdentity, expiry, parse_role_arn, role_duration

ACTION: Final = "sts:AssumeRoleWithWebIdentity"
TAGS_CLAIM: Final = "https://aws.amazon.com/tags"
SOURCE_IDENTITY_CLAIM: Final = "https://aws.amazon.com/source_identity"


def _issuer(token: str) -> str:
    issuer = unverified_claims(token).get("iss")
    if not isinstance(issuer, str) or not issuer:
        raise InvalidIdentityToken("Missing a required claim: iss")
    return issuer


def _provider(call: Call, account_id: str, issuer: str) -> OidcProvider:
    provider = call.tx.oidc_providers.find(provider_arn(account_id, issuer)) if account_id.isdigit() else None
    if provider is None:
        raise InvalidIdentityToken(f"No OpenIDConnect provider found in your account for {issuer}")
    return provider


def _session_tags(claims: Mapping[str, Any]) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """Principal tags and transitive keys from the token; each tag value is a one-element list."""
    raw = claims.get(TAGS_CLAIM)
    if raw is None:
        return (), ()
    if not isinstance(raw, dict):
        raise IDPRejectedClaim(f"The {TAGS_CLAIM} claim must be an object.")
    tags: list[tuple[str, str]] = []
    for key, values in (raw.get("principal_tags") or {}).items():
        value = values[0] if isinstance(values, list) and len(values) == 1 else values
        if not isinstance(key, str) or not isinstance(value, str):
            raise IDPRejectedClaim(f"The session tag {key} must have exactly one text value.")
        tags.append((key, value))
    seen = {key.lower() for key, _ in tags}
    transitive = tuple(raw.get("transitive_tag_keys") or [])
    if not all(isinstance(k, str) and k.lower() in seen for k in transitive):
        raise IDPRejectedClaim("Every transitive tag key must name one of the principal tags.")
    return tuple(tags), transitive


def _source_identity(claims: Mapping[str, Any]) -> str | None:
    value = claims.get(SOURCE_IDENTITY_CLAIM)
    if value is None:
        return None
    if not isinstance(value, str) or not 2 <= len(value) <= 64:
        raise IDPRejectedClaim(f"The {SOURCE_IDENTITY_CLAIM} claim must be text of 2 to 64 characters.")
    return value


def trust_context(
    call: Call, provider: OidcProvider, token: VerifiedToken, session_name: str
) -> dict[str, ContextValue]:
    prefix = provider_id(provider.url)
    context: dict[str, ContextValue] = {
        **unsigned_context(call),
        "aws:FederatedProvider": provider.arn,
        "sts:RoleSessionName": session_name,
        f"{prefix}:aud": token.audience,
        f"{prefix}:sub": token.subject,
    }
    if token.other_audiences:
        context[f"{prefix}:oaud"] = token.other_audiences
    amr = token.claims.get("amr")
    if isinstance(amr, str):
        context[f"{prefix}:amr"] = amr
    elif isinstance(amr, list) and all(isinstance(item, str) for item in amr):
        context[f"{prefix}:amr"] = tuple(amr)
    return context


def assume_role_with_web_identity(call: Call, params: Params) -> Result:
    token_text: str = params["WebIdentityToken"]
    role_arn: str = params["RoleArn"]
    session_name: str = params["RoleSessionName"]
    provider = _provider(call, parse_role_arn(role_arn).account, _issuer(token_text))
    keys = call.deps.oidc_keys.keys_for(provider.url, key_id=token_key_id(token_text))
    token = verify_token(
        token_text, issuer_url=provider.url, client_ids=provider.client_ids, keys=keys, now=call.now
    )
    carried = CarriedIdentity(*_session_tags(token.claims), _source_identity(token.claims))
    context = trust_context(call, provider, token, session_name)
    role = trusted_role(call, role_arn, provider.arn, ACTION, context, carried)
    expires_at = expiry(call.now, role_duration(params, role))
    return {
        **issue_federated_session(call, params, role, session_name, expires_at, carried),
        "SubjectFromWebIdentityToken": token.subject,
        "Provider": provider.arn,
        "Audience": token.audience,
    }


OPERATIONS: dict[str, Operation] = {
    "AssumeRoleWithWebIdentity": unsigned_operation(assume_role_with_web_identity),
}
