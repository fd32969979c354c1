"""SAML 2.0: IdP metadata documents, and Responses verified the way STS AssumeRoleWithSAML verifies them.

:func:`parse_metadata` reads an ``EntityDescriptor`` (https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf):
the entity id, the IdP's signing certificates and ``validUntil``.

:func:`verify_response` takes the base64 text of a ``samlp:Response`` and returns the facts of its one
assertion, but only from what the XML signature covers: the signature (on the Response or on the
Assertion) is checked with ``signxml`` against the provider's certificates, and every value is read from
the element signxml returns as signed, never from the document as received (so XML signature wrapping
finds nothing to wrap). Then the checks AWS documents
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html): the
issuer is the provider's entity id, exactly one ``SubjectConfirmationData`` with a ``Recipient`` that is an
AWS sign-in SAML endpoint and a ``NotOnOrAfter`` not past, an ``AudienceRestriction`` naming AWS, and the
``Conditions`` validity window, each with :data:`CLOCK_SKEW` of tolerance. Messages are AWS's where
clients have quoted them.

Pure: no network, no database; the XML parser resolves no entities and fetches nothing.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final

from cryptography import x509
from lxml import etree  # type: ignore[import-untyped]  # signxml's XML library
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidSignature
from signxml.exceptions import InvalidInput as SignxmlInvalidInput
from signxml.verifier import SignatureConfiguration, XMLVerifier

from iamd.errors import ExpiredIdentityToken, InvalidIdentityToken

SAML: Final = "urn:oasis:names:tc:SAML:2.0:assertion"
SAMLP: Final = "urn:oasis:names:tc:SAML:2.0:protocol"
MD: Final = "urn:oasis:names:tc:SAML:2.0:metadata"
DS: Final = "http://www.w3.org/2000/09/xmldsig#"
SUCCESS: Final = "urn:oasis:names:tc:SAML:2.0:status:Success"
NAMEID_FORMAT_PREFIX: Final = "urn:oasis:names:tc:SAML:2.0:nameid-format:"

CLOCK_SKEW: Final = timedelta(minutes=5)
# AudienceRestriction values AWS accepts (brief; the AWS guide names the sign-in endpoint).
AUDIENCES: Final = frozenset({"https://signin.aws.amazon.com/saml", "urn:amazon:webservices"})
_REGIONAL_SIGNIN: Final = re.compile(r"https://(?:[a-z0-9-]+\.)?signin\.aws\.amazon\.com/(?:static/)?saml")
_MAX_DOCUMENT_BYTES: Final = 1024 * 1024


# AWS's message for an expired SAML response.
SAML_EXPIRED = "Token must be redeemed within 5 minutes of issuance"


class InvalidMetadata(ValueError):
    """A metadata document iamd cannot use; IAM answers it with InvalidInput."""


@dataclass(frozen=True, slots=True)
class IdpMetadata:
    entity_id: str
    certificates: tuple[x509.Certificate, ...]
    valid_until: datetime | None


@dataclass(frozen=True, slots=True)
class SamlAssertion:
    """What a verified assertion says."""

    issuer: str
    subject: str
    subject_format: str | None
    recipient: str
    audiences: tuple[str, ...]
    not_on_or_after: datetime
    session_not_on_or_after: datetime | None
    attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def subject_type(self) -> str:
        """SubjectType as AWS reports it: persistent/transient without the SAML 2.0 prefix, else the URI
        (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html)."""
        fmt = self.subject_format or "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
        return fmt.removeprefix(NAMEID_FORMAT_PREFIX)


def _parser() -> etree.XMLParser:
    # No DTD entities, no network, no comments (a comment inside a NameID must not cut its text short).
    return etree.XMLParser(
        resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True, huge_tree=False
    )


def _parse(document: bytes) -> etree._Element:
    if len(document) > _MAX_DOCUMENT_BYTES:
        raise ValueError("document too large")
    root = etree.fromstring(document, parser=_parser())
    if root.getroottree().docinfo.internalDTD is not None:  # billion laughs and friends
        raise ValueError("DTDs are not accepted")
    return root


def parse_time(text: str | None) -> datetime | None:
    """An xs:dateTime as SAML writes it (UTC, ``Z``, optional fractions)."""
    if text is None:
        return None
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# -- metadata ------------------------------------------------------------------------------------------


def _certificate(text: str) -> x509.Certificate:
    der = base64.b64decode("".join(text.split()), validate=True)
    return x509.load_der_x509_certificate(der)


def parse_metadata(text: str) -> IdpMetadata:
    """The IdP of an EntityDescriptor (or the first IdP of an EntitiesDescriptor)."""
    try:
        root = _parse(text.encode("utf-8"))
    except (etree.XMLSyntaxError, ValueError) as error:
        raise InvalidMetadata(str(error)) from None
    if root.tag == f"{{{MD}}}EntitiesDescriptor":
        root = next(iter(root.iter(f"{{{MD}}}EntityDescriptor")), root)
    if root.tag != f"{{{MD}}}EntityDescriptor" or not root.get("entityID"):
        raise InvalidMetadata("no EntityDescriptor with an entityID")
    idp = root.find(f"{{{MD}}}IDPSSODescriptor")
    if idp is None:
        raise InvalidMetadata("no IDPSSODescriptor")
    certificates = []
    for descriptor in idp.findall(f"{{{MD}}}KeyDescriptor"):
        if descriptor.get("use", "signing") != "signing":
            continue
        for element in descriptor.iterfind(f".//{{{DS}}}X509Certificate"):
            try:
                certificates.append(_certificate(element.text or ""))
            except (ValueError, binascii.Error) as error:
                raise InvalidMetadata(f"unreadable certificate: {error}") from None
    if not certificates:
        raise InvalidMetadata("no signing certificate")
    try:
        valid_until = parse_time(root.get("validUntil"))
    except ValueError:
        raise InvalidMetadata("unreadable validUntil") from None
    return IdpMetadata(str(root.get("entityID")), tuple(certificates), valid_until)


# -- responses -----------------------------------------------------------------------------------------


def decode_response(encoded: str) -> bytes:
    try:
        return base64.b64decode("".join(encoded.split()), validate=True)
    except (ValueError, binascii.Error):
        raise InvalidIdentityToken("Invalid base64 SAMLResponse") from None


def _signed(
    document: bytes, location: str, certificates: Iterable[x509.Certificate], now: datetime
) -> etree._Element | None:
    """The element a signature at ``location`` covers, verified with one of ``certificates``."""
    config = SignatureConfiguration(location=location, verification_time=now)
    for certificate in certificates:
        try:
            result = XMLVerifier().verify(
                document, x509_cert=certificate, parser=_parser(), expect_config=config
            )
        except (InvalidSignature, InvalidDigest, InvalidCertificate, SignxmlInvalidInput):
            continue
        if isinstance(result, list) or result.signed_xml is None:
            return None
        return result.signed_xml
    return None


def _verified_assertion(
    document: bytes, root: etree._Element, idp: IdpMetadata, now: datetime
) -> etree._Element:
    if root.find(f"{{{DS}}}Signature") is not None:
        response = _signed(document, "./", idp.certificates, now)
        if response is None or response.tag != f"{{{SAMLP}}}Response":
            raise InvalidIdentityToken("Response signature invalid")
        assertions = response.findall(f"{{{SAML}}}Assertion")
        if len(assertions) != 1:
            raise InvalidIdentityToken("Responses must contain exactly one Assertion")
        return assertions[0]
    if root.find(f"{{{SAML}}}Assertion/{{{DS}}}Signature") is not None:
        assertion = _signed(document, f"./{{{SAML}}}Assertion/", idp.certificates, now)
        if assertion is None or assertion.tag != f"{{{SAML}}}Assertion":
            raise InvalidIdentityToken("Response signature invalid")
        return assertion
    raise InvalidIdentityToken("Response signature invalid")


def _text(element: etree._Element | None) -> str | None:
    return None if element is None else "".join(element.itertext()).strip()


def _attributes(assertion: etree._Element) -> dict[str, tuple[str, ...]]:
    attributes: dict[str, list[str]] = {}
    for attribute in assertion.iterfind(f"{{{SAML}}}AttributeStatement/{{{SAML}}}Attribute"):
        name = attribute.get("Name")
        if name:
            values = attributes.setdefault(name, [])
            values += [_text(v) or "" for v in attribute.findall(f"{{{SAML}}}AttributeValue")]
    return {name: tuple(values) for name, values in attributes.items()}


def _check_status(root: etree._Element) -> None:
    status = root.find(f"{{{SAMLP}}}Status/{{{SAMLP}}}StatusCode")
    if status is not None and status.get("Value") != SUCCESS:
        raise InvalidIdentityToken("The SAML response does not report success")


def _confirmation(assertion: etree._Element, now: datetime) -> tuple[str, datetime]:
    data = assertion.findall(
        f"{{{SAML}}}Subject/{{{SAML}}}SubjectConfirmation/{{{SAML}}}SubjectConfirmationData"
    )
    recipient = data[0].get("Recipient") if len(data) == 1 else None
    not_on_or_after = data[0].get("NotOnOrAfter") if len(data) == 1 else None
    if recipient is None or not_on_or_after is None:
        # AWS's wording, typo included, as clients have quoted it.
        raise InvalidIdentityToken(
            "Responses must contain SubjectConfirmatonData with a Recipient and NotOnOrAfter"
        )
    expires = _time(not_on_or_after)
    if now >= expires + CLOCK_SKEW:
        raise ExpiredIdentityToken(SAML_EXPIRED)
    return recipient, expires


def _time(text: str) -> datetime:
    try:
        moment = parse_time(text)
    except ValueError:
        moment = None
    if moment is None:
        raise InvalidIdentityToken(f"Invalid time in SAML response: {text}")
    return moment


def _check_conditions(assertion: etree._Element, now: datetime) -> tuple[str, ...]:
    conditions = assertion.find(f"{{{SAML}}}Conditions")
    if conditions is None:
        raise InvalidIdentityToken("Responses must contain an AudienceRestriction")
    not_before, not_after = conditions.get("NotBefore"), conditions.get("NotOnOrAfter")
    if not_before is not None and now + CLOCK_SKEW < _time(not_before):
        raise InvalidIdentityToken("The SAML assertion is not yet valid")
    if not_after is not None and now >= _time(not_after) + CLOCK_SKEW:
        raise ExpiredIdentityToken(SAML_EXPIRED)
    audiences = tuple(
        _text(a) or "" for a in conditions.iterfind(f"{{{SAML}}}AudienceRestriction/{{{SAML}}}Audience")
    )
    if not any(a in AUDIENCES or _REGIONAL_SIGNIN.fullmatch(a) for a in audiences):
        raise InvalidIdentityToken("Audience restriction does not name AWS")
    return audiences


def recipient_allowed(recipient: str, provider_uuid: str) -> bool:
    """AWS sign-in SAML endpoints: global, regional, ``/static/saml``, or ``/saml/acs/<provider id>``."""
    if _REGIONAL_SIGNIN.fullmatch(recipient):
        return True
    base, _, tail = recipient.rpartition("/acs/")
    return tail == provider_uuid and _REGIONAL_SIGNIN.fullmatch(base) is not None


def verify_response(encoded: str, idp: IdpMetadata, now: datetime, provider_uuid: str) -> SamlAssertion:
    """The one assertion of a base64 SAML Response, verified; InvalidIdentityToken or ExpiredToken else."""
    document = decode_response(encoded)
    try:
        root = _parse(document)
    except (etree.XMLSyntaxError, ValueError):
        raise InvalidIdentityToken("Invalid SAML response: not well-formed XML") from None
    if root.tag != f"{{{SAMLP}}}Response":
        raise InvalidIdentityToken("Invalid SAML response: no samlp:Response")
    if root.find(f".//{{{SAML}}}EncryptedAssertion") is not None:
        raise InvalidIdentityToken("Encrypted SAML assertions are not supported by this iamd server")
    if len(root.findall(f".//{{{SAML}}}Assertion")) != 1:
        raise InvalidIdentityToken("Responses must contain exactly one Assertion")
    _check_status(root)  # unsigned when only the assertion is signed: it can only refuse, never admit
    assertion = _verified_assertion(document, root, idp, now)
    issuer = _text(assertion.find(f"{{{SAML}}}Issuer"))
    if issuer != idp.entity_id:
        raise InvalidIdentityToken("Issuer not present in specified provider")
    name_id = assertion.find(f"{{{SAML}}}Subject/{{{SAML}}}NameID")
    subject = _text(name_id)
    if name_id is None or not subject:
        raise InvalidIdentityToken("Responses must contain a Subject with a NameID")
    recipient, expires = _confirmation(assertion, now)
    if not recipient_allowed(recipient, provider_uuid):
        raise InvalidIdentityToken("Recipient is not an AWS sign-in SAML endpoint")
    audiences = _check_conditions(assertion, now)
    session_end = assertion.find(f"{{{SAML}}}AuthnStatement")
    session_not_on_or_after = session_end.get("SessionNotOnOrAfter") if session_end is not None else None
    return SamlAssertion(
        issuer=issuer,
        subject=subject,
        subject_format=name_id.get("Format"),
        recipient=recipient,
        audiences=audiences,
        not_on_or_after=expires,
        session_not_on_or_after=_time(session_not_on_or_after) if session_not_on_or_after else None,
        attributes=_attributes(assertion),
    )
