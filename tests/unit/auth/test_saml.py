"""iamd.auth.saml: metadata parsing and SAML Response verification, with assertions signed here.

AWS's rules: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html
(exactly one SubjectConfirmationData with Recipient and NotOnOrAfter; audience; issuer). Messages are those
AWS clients have quoted (InvalidIdentityToken "Response signature invalid", "Invalid base64 SAMLResponse",
"Issuer not present in specified provider"; ExpiredTokenException "Token must be redeemed within 5
minutes of issuance").
"""

from __future__ import annotations

import base64
import copy
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree
from tests.integration.server.test_saml_idp import SAML, LocalIdp, encode

from iamd.auth.saml import (
    InvalidMetadata,
    SamlAssertion,
    parse_metadata,
    recipient_allowed,
    verify_response,
)
from iamd.errors import ExpiredIdentityToken, InvalidIdentityToken

UUID = "6f1c2a4e-0000-4000-8000-000000000001"
ROLE = "arn:aws:iam::123456789012:role/r,arn:aws:iam::123456789012:saml-provider/p"


@pytest.fixture(scope="module")
def idp() -> LocalIdp:
    return LocalIdp.new()


@pytest.fixture(scope="module")
def other_idp() -> LocalIdp:
    return LocalIdp.new()


def verify(idp: LocalIdp, encoded: str, now: datetime | None = None) -> SamlAssertion:
    return verify_response(encoded, parse_metadata(idp.metadata()), now or datetime.now(UTC), UUID)


# -- metadata ------------------------------------------------------------------------------------------


def test_metadata_gives_entity_id_certificates_and_valid_until(idp: LocalIdp) -> None:
    until = datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC)
    metadata = parse_metadata(idp.metadata(valid_until=until))
    assert metadata.entity_id == idp.entity_id
    assert metadata.certificates == (idp.certificate,)
    assert metadata.valid_until == until


@pytest.mark.parametrize(
    "document",
    [
        "not xml at all",
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>',
        '<EntityDescriptor entityID="x"/>',
        '<!DOCTYPE d [<!ENTITY e "x">]>'
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"/>',
    ],
    ids=["not-xml", "no-idp-descriptor", "wrong-namespace", "dtd"],
)
def test_unusable_metadata_is_refused(document: str) -> None:
    with pytest.raises(InvalidMetadata):
        parse_metadata(document)


def test_metadata_without_signing_certificate_is_refused(idp: LocalIdp) -> None:
    without = idp.metadata().replace('use="signing"', 'use="encryption"')
    with pytest.raises(InvalidMetadata):
        parse_metadata(without)


# -- good responses ------------------------------------------------------------------------------------


@pytest.mark.parametrize("signing", ["assertion", "response"])
def test_signed_response_yields_its_assertion(idp: LocalIdp, signing: str) -> None:
    encoded = idp.response(
        signing, roles=[ROLE], subject="alice@example.test", attributes={"urn:oid:2.5.4.42": ["Alice"]}
    )
    assertion = verify(idp, encoded)
    assert assertion.issuer == idp.entity_id
    assert assertion.subject == "alice@example.test"
    assert assertion.subject_type == "persistent"
    assert assertion.recipient == "https://signin.aws.amazon.com/saml"
    assert assertion.attributes["https://aws.amazon.com/SAML/Attributes/Role"] == (ROLE,)
    assert assertion.attributes["urn:oid:2.5.4.42"] == ("Alice",)


@pytest.mark.parametrize(
    "audience",
    [
        "https://signin.aws.amazon.com/saml",
        "urn:amazon:webservices",
        "https://us-east-2.signin.aws.amazon.com/saml",
    ],
)
def test_aws_audiences_are_accepted(idp: LocalIdp, audience: str) -> None:
    assert verify(idp, idp.response(roles=[ROLE], audience=audience)).audiences == (audience,)


def test_session_not_on_or_after_is_read(idp: LocalIdp) -> None:
    ends = datetime(2030, 1, 1, tzinfo=UTC)
    assertion = verify(idp, idp.response(roles=[ROLE], session_not_on_or_after=ends))
    assert assertion.session_not_on_or_after == ends


def test_subject_type_keeps_formats_outside_saml2(idp: LocalIdp) -> None:
    # API_AssumeRoleWithSAML.html, SubjectType: only the SAML 2.0 nameid-format prefix is removed.
    fmt = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    assertion = verify(idp, idp.response(roles=[ROLE], subject_format=fmt))
    assert assertion.subject_type == fmt


def test_whitespace_in_base64_is_tolerated(idp: LocalIdp) -> None:
    encoded = idp.response(roles=[ROLE])
    wrapped = "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    assert verify(idp, wrapped).subject == "alice@example.test"


@pytest.mark.parametrize(
    "recipient",
    [
        "https://signin.aws.amazon.com/saml",
        "https://signin.aws.amazon.com/static/saml",
        "https://eu-west-1.signin.aws.amazon.com/saml",
        f"https://signin.aws.amazon.com/saml/acs/{UUID}",
    ],
)
def test_aws_signin_endpoints_are_recipients(recipient: str) -> None:
    assert recipient_allowed(recipient, UUID)


@pytest.mark.parametrize(
    "recipient",
    [
        "https://evil.example/saml",
        "https://signin.aws.amazon.com/saml/acs/another-id",
        "http://signin.aws.amazon.com/saml",
    ],
)
def test_other_recipients_are_not(recipient: str) -> None:
    assert not recipient_allowed(recipient, UUID)


# -- refused responses ---------------------------------------------------------------------------------


def refused(idp: LocalIdp, encoded: str, message: str, now: datetime | None = None) -> None:
    with pytest.raises(InvalidIdentityToken) as caught:
        verify(idp, encoded, now)
    assert caught.value.code == "InvalidIdentityToken"
    assert message in caught.value.message


def test_unsigned_response_is_refused(idp: LocalIdp) -> None:
    refused(idp, idp.response("none", roles=[ROLE]), "Response signature invalid")


@pytest.mark.parametrize("signing", ["assertion", "response"])
def test_response_signed_by_another_key_is_refused(idp: LocalIdp, other_idp: LocalIdp, signing: str) -> None:
    forged = LocalIdp(idp.entity_id, other_idp.key, other_idp.certificate)
    refused(idp, forged.response(signing, roles=[ROLE]), "Response signature invalid")


@pytest.mark.parametrize("signing", ["assertion", "response"])
def test_tampered_assertion_is_refused(idp: LocalIdp, signing: str) -> None:
    document = base64.b64decode(idp.response(signing, roles=[ROLE], subject="alice@example.test"))
    tampered = document.replace(b"alice@example.test", b"admin@example.test")
    assert tampered != document
    refused(idp, base64.b64encode(tampered).decode(), "Response signature invalid")


def test_signature_wrapping_with_a_second_assertion_is_refused(idp: LocalIdp) -> None:
    # The classic wrapping attack: the signed assertion stays (so its signature verifies) and an
    # unsigned one with the attacker's subject is placed where a naive reader looks first.
    response = idp.response_xml(idp.assertion(roles=[ROLE], subject="alice@example.test"), "assertion")
    signed = response.find(f"{{{SAML}}}Assertion")
    evil = copy.deepcopy(signed)
    evil.find(f"{{{SAML}}}Subject/{{{SAML}}}NameID").text = "admin@example.test"
    for signature in evil.findall("{http://www.w3.org/2000/09/xmldsig#}Signature"):
        evil.remove(signature)
    evil.set("ID", "_evil")
    signed.addprevious(evil)
    refused(idp, encode(response), "exactly one Assertion")


def test_signature_moved_to_wrap_another_assertion_is_refused(idp: LocalIdp) -> None:
    # Wrapping with one assertion: the evil assertion carries the signature of the genuine one, which is
    # hidden inside the evil assertion's Advice; the signature verifies (its reference resolves to the
    # hidden genuine assertion), but what iamd reads is only what was signed.
    genuine = idp._sign(idp.assertion(roles=[ROLE], subject="alice@example.test"))
    evil = copy.deepcopy(genuine)
    evil.set("ID", "_evil")
    evil.find(f"{{{SAML}}}Subject/{{{SAML}}}NameID").text = "admin@example.test"
    advice = etree.SubElement(evil, f"{{{SAML}}}Advice")
    advice.append(genuine)
    response = idp.response_xml(evil, "none")
    refused(idp, encode(response), "exactly one Assertion")


def test_expired_assertion_is_expired_token(idp: LocalIdp) -> None:
    issued = datetime.now(UTC) - timedelta(hours=1)
    with pytest.raises(ExpiredIdentityToken) as caught:
        verify(idp, idp.response(roles=[ROLE], issued=issued))
    assert caught.value.code == "ExpiredTokenException"
    assert caught.value.message == "Token must be redeemed within 5 minutes of issuance"


def test_small_clock_skew_is_tolerated(idp: LocalIdp) -> None:
    issued = datetime.now(UTC) - timedelta(minutes=7)  # expired two minutes ago: within the skew
    assert verify(idp, idp.response(roles=[ROLE], issued=issued)).subject == "alice@example.test"


def test_assertion_from_the_future_is_refused(idp: LocalIdp) -> None:
    issued = datetime.now(UTC) + timedelta(hours=1)
    refused(idp, idp.response(roles=[ROLE], issued=issued, lifetime=timedelta(hours=2)), "not yet valid")


def test_wrong_audience_is_refused(idp: LocalIdp) -> None:
    refused(idp, idp.response(roles=[ROLE], audience="https://app.example.test"), "Audience")


def test_wrong_recipient_is_refused(idp: LocalIdp) -> None:
    refused(idp, idp.response(roles=[ROLE], recipient="https://app.example.test/acs"), "Recipient")


def test_wrong_issuer_is_refused(idp: LocalIdp) -> None:
    refused(
        idp,
        idp.response(roles=[ROLE], issuer="https://other.example.test"),
        "Issuer not present in specified provider",
    )


def test_bad_base64_is_refused(idp: LocalIdp) -> None:
    refused(idp, "%%% not base64 %%%", "Invalid base64 SAMLResponse")


def test_not_a_response_is_refused(idp: LocalIdp) -> None:
    refused(idp, base64.b64encode(b"<hello/>").decode(), "Invalid SAML response")


def test_entities_are_not_expanded(idp: LocalIdp) -> None:
    bomb = (
        b'<!DOCTYPE r [<!ENTITY a "aaaa">]>'
        b'<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&a;</samlp:Response>'
    )
    refused(idp, base64.b64encode(bomb).decode(), "Invalid SAML response")


def test_failed_status_is_refused(idp: LocalIdp) -> None:
    response = idp.response_xml(idp.assertion(roles=[ROLE]), "assertion")
    status = response.find(
        "{urn:oasis:names:tc:SAML:2.0:protocol}Status/{urn:oasis:names:tc:SAML:2.0:protocol}StatusCode"
    )
    status.set("Value", "urn:oasis:names:tc:SAML:2.0:status:Requester")
    refused(idp, encode(response), "success")


def test_signature_of_another_signed_element_lends_nothing(idp: LocalIdp) -> None:
    # Wrapping with a single assertion: a Response the IdP really signed (an assertion-less one) is hidden
    # in Extensions and its signature moved to a new Response holding the attacker's unsigned assertion.
    # The signature verifies, but it covers the hidden Response, and that is all iamd reads.
    samlp = "urn:oasis:names:tc:SAML:2.0:protocol"
    genuine = etree.Element(f"{{{samlp}}}Response", nsmap={"samlp": samlp}, ID="_genuine", Version="2.0")
    genuine = idp._sign(genuine)
    signature = genuine.find("{http://www.w3.org/2000/09/xmldsig#}Signature")
    genuine.remove(signature)
    outer = idp.response_xml(idp.assertion(roles=[ROLE], subject="admin@example.test"), "none")
    outer.insert(0, signature)
    extensions = etree.SubElement(outer, f"{{{samlp}}}Extensions")
    extensions.append(genuine)
    refused(idp, encode(outer), "exactly one Assertion")


def test_any_signing_certificate_of_the_metadata_verifies(idp: LocalIdp, other_idp: LocalIdp) -> None:
    # Certificate rollover: metadata may list the old and the new signing certificate side by side.
    second = f"<ds:X509Certificate>{other_idp.certificate_base64}</ds:X509Certificate>"
    first = f"<ds:X509Certificate>{idp.certificate_base64}</ds:X509Certificate>"
    both = parse_metadata(idp.metadata().replace(first, first + "</ds:X509Data><ds:X509Data>" + second))
    assert len(both.certificates) == 2
    rolled = LocalIdp(idp.entity_id, other_idp.key, other_idp.certificate)
    assert verify_response(rolled.response(roles=[ROLE]), both, datetime.now(UTC), UUID).subject
