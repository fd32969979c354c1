"""A SAML identity provider in a few lines, for tests: a self-signed certificate (``cryptography``), its
metadata document, and Responses signed with ``signxml`` as IdPs sign them (exclusive c14n, RSA-SHA256,
enveloped signature referencing the element's ``ID``).

The shape of the Response follows AWS's guide
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"
SESSION_NAME_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
AWS_AUDIENCE = "https://signin.aws.amazon.com/saml"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"

Signing = Literal["assertion", "response", "none"]


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class LocalIdp:
    entity_id: str
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @classmethod
    def new(cls, entity_id: str = "https://idp.example.test/saml") -> LocalIdp:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "iamd test idp")])
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .sign(key, hashes.SHA256())
        )
        return cls(entity_id, key, certificate)

    @property
    def certificate_base64(self) -> str:
        return base64.b64encode(self.certificate.public_bytes(serialization.Encoding.DER)).decode()

    def metadata(self, valid_until: datetime | None = None) -> str:
        until = f' validUntil="{_utc(valid_until)}"' if valid_until else ""
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
            f'entityID="{self.entity_id}"{until}>\n'
            '  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\n'
            '    <md:KeyDescriptor use="signing">\n'
            '      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>\n'
            f"        <ds:X509Certificate>{self.certificate_base64}</ds:X509Certificate>\n"
            "      </ds:X509Data></ds:KeyInfo>\n"
            "    </md:KeyDescriptor>\n"
            "    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>\n"
            '    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
            'Location="https://idp.example.test/sso"/>\n'
            "  </md:IDPSSODescriptor>\n"
            "</md:EntityDescriptor>\n"
        )

    def _sign(self, element: etree._Element) -> etree._Element:
        key_pem = self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        cert_pem = self.certificate.public_bytes(serialization.Encoding.PEM)
        signed: etree._Element = XMLSigner(c14n_algorithm=EXC_C14N).sign(
            element,
            key=key_pem,
            cert=[cert_pem.decode()],
            reference_uri="#" + element.get("ID"),
            id_attribute="ID",
        )
        return signed

    def assertion(
        self,
        *,
        roles: Sequence[str],
        session_name: str | None = "alice",
        subject: str = "alice@example.test",
        subject_format: str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        audience: str = AWS_AUDIENCE,
        recipient: str = AWS_AUDIENCE,
        issued: datetime | None = None,
        lifetime: timedelta = timedelta(minutes=5),
        attributes: Mapping[str, Sequence[str]] | None = None,
        issuer: str | None = None,
        session_not_on_or_after: datetime | None = None,
    ) -> etree._Element:
        issued = issued or datetime.now(UTC)
        ends = _utc(issued + lifetime)
        assertion = etree.Element(
            f"{{{SAML}}}Assertion",
            nsmap={"saml": SAML},
            ID="_" + uuid.uuid4().hex,
            IssueInstant=_utc(issued),
            Version="2.0",
        )
        etree.SubElement(assertion, f"{{{SAML}}}Issuer").text = issuer or self.entity_id
        subject_element = etree.SubElement(assertion, f"{{{SAML}}}Subject")
        name_id = etree.SubElement(subject_element, f"{{{SAML}}}NameID", Format=subject_format)
        name_id.text = subject
        confirmation = etree.SubElement(
            subject_element, f"{{{SAML}}}SubjectConfirmation", Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"
        )
        etree.SubElement(
            confirmation, f"{{{SAML}}}SubjectConfirmationData", NotOnOrAfter=ends, Recipient=recipient
        )
        conditions = etree.SubElement(
            assertion,
            f"{{{SAML}}}Conditions",
            NotBefore=_utc(issued - timedelta(seconds=5)),
            NotOnOrAfter=ends,
        )
        restriction = etree.SubElement(conditions, f"{{{SAML}}}AudienceRestriction")
        etree.SubElement(restriction, f"{{{SAML}}}Audience").text = audience
        authn = etree.SubElement(
            assertion, f"{{{SAML}}}AuthnStatement", AuthnInstant=_utc(issued), SessionIndex="_s1"
        )
        if session_not_on_or_after is not None:
            authn.set("SessionNotOnOrAfter", _utc(session_not_on_or_after))
        values: dict[str, Sequence[str]] = {ROLE_ATTRIBUTE: roles}
        if session_name is not None:
            values[SESSION_NAME_ATTRIBUTE] = [session_name]
        values.update(attributes or {})
        statement = etree.SubElement(assertion, f"{{{SAML}}}AttributeStatement")
        for name, items in values.items():
            attribute = etree.SubElement(statement, f"{{{SAML}}}Attribute", Name=name)
            for item in items:
                etree.SubElement(attribute, f"{{{SAML}}}AttributeValue").text = item
        return assertion

    def response_xml(self, assertion: etree._Element, signing: Signing = "assertion") -> etree._Element:
        if signing == "assertion":
            assertion = self._sign(assertion)
        response = etree.Element(
            f"{{{SAMLP}}}Response",
            nsmap={"samlp": SAMLP, "saml": SAML},
            ID="_" + uuid.uuid4().hex,
            IssueInstant=assertion.get("IssueInstant"),
            Version="2.0",
            Destination=AWS_AUDIENCE,
        )
        etree.SubElement(response, f"{{{SAML}}}Issuer").text = self.entity_id
        status = etree.SubElement(response, f"{{{SAMLP}}}Status")
        etree.SubElement(status, f"{{{SAMLP}}}StatusCode", Value="urn:oasis:names:tc:SAML:2.0:status:Success")
        response.append(assertion)
        return self._sign(response) if signing == "response" else response

    def response(self, signing: Signing = "assertion", **assertion_fields: object) -> str:
        """A base64 SAML Response, as AssumeRoleWithSAML takes it."""
        assertion = self.assertion(**assertion_fields)  # type: ignore[arg-type]
        return encode(self.response_xml(assertion, signing))


def encode(element: etree._Element) -> str:
    return base64.b64encode(etree.tostring(element)).decode()


def role_pair(role_arn: str, provider_arn: str) -> str:
    return f"{role_arn},{provider_arn}"


def test_local_idp_signs_what_signxml_verifies() -> None:
    from signxml import XMLVerifier

    idp = LocalIdp.new()
    document = base64.b64decode(idp.response(roles=["r,p"]))
    result = XMLVerifier().verify(document, x509_cert=idp.certificate)
    assert not isinstance(result, list)
    assert result.signed_xml is not None and result.signed_xml.tag == f"{{{SAML}}}Assertion"
