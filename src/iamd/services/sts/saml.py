"""STS AssumeRoleWithSAML: a role session for the holder of a SAML assertion, taken unsigned.

https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html. ``PrincipalArn`` names an
IAM SAML provider (else InvalidIdentityToken "Specified provider doesn't exist"); :mod:`iamd.auth.saml`
verifies the Response against the provider's metadata. The assertion's
``https://aws.amazon.com/SAML/Attributes/Role`` values must hold the pair ``RoleArn,PrincipalArn`` (either
order), ``RoleSessionName`` must be there and match ``[a-zA-Z_0-9+=,.@-]{2,64}``, and the role's trust
policy must allow ``sts:AssumeRoleWithSAML`` to the provider as the ``Federated`` principal, with the
``saml:*`` condition keys of
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-saml
(``saml:aud`` is the Recipient, not the Audience, as AWS documents). Session tags come from
``PrincipalTag:<key>`` attributes, with ``TransitiveTagKeys`` and ``SourceIdentity``
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_adding-assume-role-saml),
and need ``sts:TagSession`` and ``sts:SetSourceIdentity`` in the trust policy.

Duration: ``DurationSeconds`` (900 to the role's MaxSessionDuration), else one hour, never past the
assertion's ``SessionNotOnOrAfter``. The ``SessionDuration`` attribute is not read: AWS applies it to
console sessions only ("The DurationSeconds parameter is separate from the duration of a console session",
API_AssumeRoleWithSAML.html). Credentials, session policies and PackedPolicySize are AssumeRole's
(:mod:`iamd.services.sts.sessions`). The trust decision follows ``--auth-mode`` (audit: a would-be denial
is logged and the session issued); the checks of the assertion never do (:mod:`iamd.services.sts.federation`).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Final

from iamd.auth.saml import SAML_EXPIRED, SamlAssertion, verify_response
from iamd.errors import ExpiredIdentityToken, IDPRejectedClaim, InvalidIdentityToken
from iamd.model import Role, SamlProvider
from iamd.policy.variables import ContextValue
from iamd.services.call import Call, Operation, Params, Result
from iamd.services.iam.saml_providers import checked_metadata, provider_uuid
from iamd.services.sts.federation import (
    issue_federated_session,
    trusted_role,
    unsigned_context,
    unsigned_operation,
)
from iamd.services.sts.sessions import (
    MAX_SESSION_TAGS,
    CarriedIdentity,
    expiry,
    role_duration,
    session_request,
)

ACTION: Final = "sts:AssumeRoleWithSAML"
_ATTRIBUTES: Final = "https://aws.amazon.com/SAML/Attributes/"
ROLE_ATTRIBUTE: Final = _ATTRIBUTES + "Role"
SESSION_NAME_ATTRIBUTE: Final = _ATTRIBUTES + "RoleSessionName"
PRINCIPAL_TAG_PREFIX: Final = _ATTRIBUTES + "PrincipalTag:"
TRANSITIVE_TAGS_ATTRIBUTE: Final = _ATTRIBUTES + "TransitiveTagKeys"
SOURCE_IDENTITY_ATTRIBUTE: Final = _ATTRIBUTES + "SourceIdentity"
_SESSION_NAME: Final = re.compile(r"[a-zA-Z_0-9+=,.@-]{2,64}")

# Attributes AWS maps to saml:* keys (the "Mapping SAML attributes to AWS trust policy context keys"
# table of https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html).
_EDU_PERSON: Final = "urn:oid:1.3.6.1.4.1.5923.1.1.1."
_EDU_ORG: Final = "urn:oid:1.3.6.1.4.1.5923.1.2.1."
ATTRIBUTE_KEYS: Final[Mapping[str, str]] = {
    _EDU_PERSON + "1": "saml:edupersonaffiliation",
    _EDU_PERSON + "2": "saml:edupersonnickname",
    _EDU_PERSON + "3": "saml:edupersonorgdn",
    _EDU_PERSON + "4": "saml:edupersonorgunitdn",
    _EDU_PERSON + "5": "saml:edupersonprimaryaffiliation",
    _EDU_PERSON + "6": "saml:edupersonprincipalname",
    _EDU_PERSON + "7": "saml:edupersonentitlement",
    _EDU_PERSON + "8": "saml:edupersonprimaryorgunitdn",
    _EDU_PERSON + "9": "saml:edupersonscopedaffiliation",
    _EDU_PERSON + "10": "saml:edupersontargetedid",
    _EDU_PERSON + "11": "saml:edupersonassurance",
    _EDU_ORG + "2": "saml:eduorghomepageuri",
    _EDU_ORG + "3": "saml:eduorgidentityauthnpolicyuri",
    _EDU_ORG + "4": "saml:eduorglegalname",
    _EDU_ORG + "5": "saml:eduorgsuperioruri",
    _EDU_ORG + "6": "saml:eduorgwhitepagesuri",
    "urn:oid:2.5.4.3": "saml:cn",
    "urn:oid:2.5.4.4": "saml:surname",
    "urn:oid:2.5.4.10": "saml:organizationStatus",
    "urn:oid:2.5.4.41": "saml:name",
    "urn:oid:2.5.4.42": "saml:givenName",
    "urn:oid:2.5.4.45": "saml:x500UniqueIdentifier",
    "urn:oid:0.9.2342.19200300.100.1.1": "saml:uid",
    "urn:oid:0.9.2342.19200300.100.1.3": "saml:mail",
    "urn:oid:1.2.840.113556.1.4.98": "saml:primaryGroupSID",
}


def name_qualifier(issuer: str, account_id: str, provider_name: str) -> str:
    """``BASE64(SHA1(issuer + account id + "/" + provider name))``, as the API reference defines
    NameQualifier (and ``saml:namequalifier``)."""
    digest = hashlib.sha1(f"{issuer}{account_id}/{provider_name}".encode(), usedforsecurity=False)
    return base64.b64encode(digest.digest()).decode("ascii")


def _provider(call: Call, arn: str, now: datetime) -> SamlProvider:
    provider = call.tx.saml_providers.find(arn)
    if provider is None:
        raise InvalidIdentityToken("Specified provider doesn't exist")
    if provider.valid_until is not None and provider.valid_until <= now:
        raise InvalidIdentityToken("The metadata of the specified provider has expired")
    return provider


def _single(assertion: SamlAssertion, name: str) -> str | None:
    values = assertion.attributes.get(name)
    return values[0] if values else None


def _check_role_pair(assertion: SamlAssertion, role_arn: str, provider_arn: str) -> None:
    wanted = {role_arn, provider_arn}
    for value in assertion.attributes.get(ROLE_ATTRIBUTE, ()):
        if {part.strip() for part in value.split(",")} == wanted:
            return
    raise InvalidIdentityToken(
        "SAML Assertion doesn't contain the requested Role and Metadata in the attributes"
    )


def _session_name(assertion: SamlAssertion) -> str:
    name = _single(assertion, SESSION_NAME_ATTRIBUTE)
    if name is None or _SESSION_NAME.fullmatch(name) is None:
        raise InvalidIdentityToken("RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}")
    return name


def _session_tags(
    params: Params, assertion: SamlAssertion
) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """PrincipalTag:<key> attributes (one value each) and TransitiveTagKeys, checked by AssumeRole's rules."""
    tags = []
    for name, values in assertion.attributes.items():
        if name.startswith(PRINCIPAL_TAG_PREFIX):
            if len(values) != 1:
                raise IDPRejectedClaim(f"The session tag attribute {name} must have exactly one value.")
            tags.append({"Key": name.removeprefix(PRINCIPAL_TAG_PREFIX), "Value": values[0]})
    if len(tags) > MAX_SESSION_TAGS:
        raise IDPRejectedClaim(f"A SAML assertion may pass at most {MAX_SESSION_TAGS} session tags.")
    transitive = list(assertion.attributes.get(TRANSITIVE_TAGS_ATTRIBUTE, ()))
    request = session_request({**params, "Tags": tags, "TransitiveTagKeys": transitive}, transitive=True)
    return request.tags, request.transitive_tag_keys


def _source_identity(assertion: SamlAssertion) -> str | None:
    value = _single(assertion, SOURCE_IDENTITY_ATTRIBUTE)
    if value is not None and not 2 <= len(value) <= 64:
        raise IDPRejectedClaim("The SourceIdentity attribute must be text of 2 to 64 characters.")
    return value


def saml_context(call: Call, provider: SamlProvider, assertion: SamlAssertion) -> dict[str, ContextValue]:
    """The saml:* keys of the assertion, and the global keys an unsigned request has."""
    context: dict[str, ContextValue] = {
        **unsigned_context(call),
        "saml:aud": assertion.recipient,
        "saml:iss": assertion.issuer,
        "saml:sub": assertion.subject,
        "saml:sub_type": assertion.subject_type,
        "saml:doc": f"{provider.account_id}/{provider.name}",
        "saml:namequalifier": name_qualifier(assertion.issuer, provider.account_id, provider.name),
    }
    for attribute, key in ATTRIBUTE_KEYS.items():
        values = assertion.attributes.get(attribute)
        if values:
            context[key] = values[0] if len(values) == 1 else tuple(values)
    return context


def _duration(params: Params, assertion: SamlAssertion, role: Role, now: datetime) -> datetime:
    ends = expiry(now, role_duration(params, role))
    session_end = assertion.session_not_on_or_after
    if session_end is not None:
        if session_end <= now:
            raise ExpiredIdentityToken(SAML_EXPIRED)
        ends = min(ends, session_end.replace(microsecond=0))
    return ends


def assume_role_with_saml(call: Call, params: Params) -> Result:
    role_arn: str = params["RoleArn"]
    provider = _provider(call, params["PrincipalArn"], call.now)
    metadata = checked_metadata(provider.metadata_document)
    assertion = verify_response(params["SAMLAssertion"], metadata, call.now, provider_uuid(provider))
    _check_role_pair(assertion, role_arn, provider.arn)
    session_name = _session_name(assertion)
    carried = CarriedIdentity(*_session_tags(params, assertion), _source_identity(assertion))
    context = {**saml_context(call, provider, assertion), "sts:RoleSessionName": session_name}
    role = trusted_role(call, role_arn, provider.arn, ACTION, context, carried)
    expires_at = _duration(params, assertion, role, call.now)
    return {
        **issue_federated_session(call, params, role, session_name, expires_at, carried),
        "Subject": assertion.subject,
        "SubjectType": assertion.subject_type,
        "Issuer": assertion.issuer,
        "Audience": assertion.recipient,  # the Recipient, as the API reference defines Audience
        "NameQualifier": name_qualifier(assertion.issuer, provider.account_id, provider.name),
    }


OPERATIONS: dict[str, Operation] = {
    "AssumeRoleWithSAML": unsigned_operation(assume_role_with_saml),
}
