"""STS AssumeRoleWithSAML end to end with boto3 (unsigned), on SQLite and PostgreSQL, with assertions signed
by a local IdP (:mod:`tests.integration.server.test_saml_idp`).

Behaviour from https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html (response
members: Audience is the Recipient, NameQualifier is BASE64(SHA1(issuer + account id + "/" + provider
name)), SubjectType without the SAML 2.0 prefix; errors from the STS service model), the assertion rules of
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html, the saml:*
condition keys (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-saml),
session tags from SAML (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html) and AWS's
wording as clients quote it ("Response signature invalid", "Specified provider doesn't exist", "SAML
Assertion doesn't contain the requested Role and Metadata in the attributes", "RoleSessionName in
AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}", "Token must be redeemed within 5 minutes of issuance",
"Not authorized to perform sts:AssumeRoleWithSAML").
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, start_server, unique
from tests.integration.server.test_saml_idp import AWS_AUDIENCE, LocalIdp, role_pair
from tests.integration.server.test_sts_support import error_of, session_client

ATTR = "https://aws.amazon.com/SAML/Attributes/"
ALLOW_LIST_ROLES = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}],
}


@pytest.fixture(scope="module")
def idp() -> LocalIdp:
    return LocalIdp.new(f"https://idp.example.test/{unique('entity')}")


def unsigned_sts(server: RunningServer) -> Any:
    """An STS client with no credentials: AssumeRoleWithSAML needs none."""
    return boto3.client(
        "sts",
        endpoint_url=server.url,
        region_name="us-east-1",
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )


def provider(server: RunningServer, idp: LocalIdp) -> tuple[str, str]:
    name = unique("idp")
    arn: str = server.client("iam").create_saml_provider(Name=name, SAMLMetadataDocument=idp.metadata())[
        "SAMLProviderArn"
    ]
    return name, arn


def saml_role(
    server: RunningServer,
    provider_arn: str,
    condition: dict[str, Any] | None = None,
    *,
    actions: tuple[str, ...] = ("sts:AssumeRoleWithSAML",),
    max_session_duration: int = 3600,
) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": list(actions),
    }
    if condition:
        statement["Condition"] = condition
    iam = server.client("iam")
    name = unique("saml-role")
    arn: str = iam.create_role(
        RoleName=name,
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
        MaxSessionDuration=max_session_duration,
    )["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(ALLOW_LIST_ROLES))
    return arn


def assume(server: RunningServer, role_arn: str, provider_arn: str, assertion: str, **extra: Any) -> Any:
    return unsigned_sts(server).assume_role_with_saml(
        RoleArn=role_arn, PrincipalArn=provider_arn, SAMLAssertion=assertion, **extra
    )


def refused(server: RunningServer, role: str, provider_arn: str, assertion: str) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as caught:
        assume(server, role, provider_arn, assertion)
    return error_of(caught)


# -- success -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("signing", ["assertion", "response"])
def test_assume_role_with_saml_gives_working_credentials(
    iamd_server: RunningServer, idp: LocalIdp, signing: str
) -> None:
    name, provider_arn = provider(iamd_server, idp)
    role_arn = saml_role(iamd_server, provider_arn, {"StringEquals": {"SAML:aud": AWS_AUDIENCE}})
    before = datetime.now(UTC)
    # Role pairs in either order; ours is the second value (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html).
    roles = [f"{provider_arn},arn:aws:iam::{ACCOUNT_ID}:role/other", f"{provider_arn}, {role_arn}"]
    response = assume(
        iamd_server, role_arn, provider_arn, idp.response(signing, roles=roles, session_name="alice")
    )

    role_name = role_arn.rsplit("/", 1)[1]
    assert response["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/alice"
    assert response["AssumedRoleUser"]["AssumedRoleId"].endswith(":alice")
    assert response["Subject"] == "alice@example.test"
    assert response["SubjectType"] == "persistent"
    assert response["Issuer"] == idp.entity_id
    assert response["Audience"] == AWS_AUDIENCE
    expected = hashlib.sha1(f"{idp.entity_id}{ACCOUNT_ID}/{name}".encode()).digest()
    assert response["NameQualifier"] == base64.b64encode(expected).decode()
    assert "PackedPolicySize" not in response
    credentials = response["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert before + timedelta(seconds=3590) <= credentials["Expiration"] <= before + timedelta(seconds=3610)

    sts = session_client(iamd_server, "sts", credentials)
    assert sts.get_caller_identity()["Arn"] == response["AssumedRoleUser"]["Arn"]
    iam = session_client(iamd_server, "iam", credentials)
    iam.list_roles(MaxItems=1)
    with pytest.raises(ClientError) as caught:
        iam.list_users()
    assert error_of(caught)[0] == "AccessDenied"


def test_duration_session_policy_tags_and_source_identity(iamd_server: RunningServer, idp: LocalIdp) -> None:
    _, provider_arn = provider(iamd_server, idp)
    role_arn = saml_role(
        iamd_server,
        provider_arn,
        {"StringEquals": {"aws:RequestTag/dept": "eng", "sts:SourceIdentity": "alice"}},
        actions=("sts:AssumeRoleWithSAML", "sts:TagSession", "sts:SetSourceIdentity"),
        max_session_duration=7200,
    )
    assertion = idp.response(
        roles=[role_pair(role_arn, provider_arn)],
        attributes={
            ATTR + "PrincipalTag:dept": ["eng"],
            ATTR + "PrincipalTag:cost": ["42"],
            ATTR + "TransitiveTagKeys": ["dept"],
            ATTR + "SourceIdentity": ["alice"],
            ATTR + "SessionDuration": ["5400"],
        },
    )
    only_sts = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}]}
    )
    before = datetime.now(UTC)
    response = assume(iamd_server, role_arn, provider_arn, assertion, Policy=only_sts)
    assert response["SourceIdentity"] == "alice"
    assert 0 < response["PackedPolicySize"] <= 100
    # The SessionDuration attribute is for console sessions; the API's default stays one hour
    # ("By default, the value is set to 3600 seconds", API_AssumeRoleWithSAML.html DurationSeconds).
    expiration = response["Credentials"]["Expiration"]
    assert before + timedelta(seconds=3590) <= expiration <= before + timedelta(seconds=3610)
    # The session policy leaves nothing of IAM: ListRoles is denied now.
    with pytest.raises(ClientError) as caught:
        session_client(iamd_server, "iam", response["Credentials"]).list_roles()
    assert error_of(caught)[0] == "AccessDenied"

    explicit = assume(iamd_server, role_arn, provider_arn, assertion, DurationSeconds=900)
    assert explicit["Credentials"]["Expiration"] <= datetime.now(UTC) + timedelta(seconds=905)


def test_tags_without_tag_session_in_trust_are_denied(iamd_server: RunningServer, idp: LocalIdp) -> None:
    _, provider_arn = provider(iamd_server, idp)
    role_arn = saml_role(iamd_server, provider_arn)
    assertion = idp.response(
        roles=[role_pair(role_arn, provider_arn)], attributes={ATTR + "PrincipalTag:dept": ["eng"]}
    )
    assert refused(iamd_server, role_arn, provider_arn, assertion) == (
        "AccessDenied",
        403,
        "Not authorized to perform sts:AssumeRoleWithSAML",
    )


def test_saml_attribute_condition_keys(iamd_server: RunningServer, idp: LocalIdp) -> None:
    name, provider_arn = provider(iamd_server, idp)
    role_arn = saml_role(
        iamd_server,
        provider_arn,
        {
            "StringEquals": {
                "saml:iss": idp.entity_id,
                "saml:sub": "bob@example.test",
                "saml:sub_type": "persistent",
                "saml:doc": f"{ACCOUNT_ID}/{name}",
                "saml:edupersonorgdn": "o=Example",
            },
            "ForAnyValue:StringEquals": {"saml:edupersonaffiliation": "staff"},
        },
    )
    attributes = {
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.3": ["o=Example"],
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.1": ["member", "staff"],
    }
    good = idp.response(
        roles=[role_pair(role_arn, provider_arn)], subject="bob@example.test", attributes=attributes
    )
    assert assume(iamd_server, role_arn, provider_arn, good)["Subject"] == "bob@example.test"
    other = idp.response(
        roles=[role_pair(role_arn, provider_arn)], subject="eve@example.test", attributes=attributes
    )
    assert refused(iamd_server, role_arn, provider_arn, other)[0] == "AccessDenied"


# -- refusals ------------------------------------------------------------------------------------------


def test_tampered_assertion_is_invalid_identity_token(iamd_server: RunningServer, idp: LocalIdp) -> None:
    _, provider_arn = provider(iamd_server, idp)
    role_arn = saml_role(iamd_server, provider_arn)
    document = base64.b64decode(idp.response(roles=[role_pair(role_arn, provider_arn)], session_name="alice"))
    tampered = base64.b64encode(document.replace(b">alice<", b">admin<")).decode()
    assert refused(iamd_server, role_arn, provider_arn, tampered) == (
        "InvalidIdentityToken",
        400,
        "Response signature invalid",
    )


def test_wrong_certificate_is_invalid_identity_token(iamd_server: RunningServer, idp: LocalIdp) -> None:
    _, provider_arn = provider(iamd_server, idp)
    role_arn = saml_role(iamd_server, provider_arn)
    impostor = LocalIdp.new(idp.entity_id)
    assertion = impostor.response(roles=[role_pair(role_arn, provider_arn)])
    assert refused(iamd_server, role_arn, provider_arn, assertion)[:2] == ("InvalidIdentityToken", 400)


def test_expired_assertion_is_expired_token(iamd_server: RunningServer, idp: LocalIdp) -> None:
    _, provider_arn = provider(iamd_server, idp)
    role_arn = saml_role(iamd_server, provider_arn)
    old = datetime.now(UTC) - timedelta(hours=1)
    assertion = idp.response(roles=[role_pair(role_arn, provider_arn)], issued=old)
    assert refused(iamd_server, role_arn, provider_arn, assertion) == (
        "ExpiredTokenException",
        400,
        "Token must be redeemed within 5 minutes of issuance",
    )


def test_wrong_audience_is_invalid_identity_token(iamd_server: RunningServer, idp: LocalIdp) -> None:
    _, provider_arn = provider(iamd_server, idp)
    role_arn = saml_role(iamd_server, provider_arn)
    assertion = idp.response(roles=[role_pair(role_arn, provider_arn)], audience="https://app.example.test")
    assert refused(iamd_server, role_arn, provider_arn, assertion)[:2] == ("InvalidIdentityToken", 400)


def test_role_not_in_the_role_attribute(iamd_server: RunningServer, idp: LocalIdp) -> None:
    _, provider_arn = provider(iamd_server, idp)
    role_arn = saml_role(iamd_server, provider_arn)
    other_role = saml_role(iamd_server, provider_arn)
    assertion = idp.response(roles=[role_pair(other_role, provider_arn)])
    assert refused(iamd_server, role_arn, provider_arn, assertion) == (
        "InvalidIdentityToken",
        400,
        "SAML Assertion doesn't contain the requested Role and Metadata in the attributes",
    )


def test_trust_condition_on_saml_aud_failing_is_access_denied(
    iamd_server: RunningServer, idp: LocalIdp
) -> None:
    _, provider_arn = provider(iamd_server, idp)
    # saml:aud is the Recipient; this trust policy wants the regional endpoint.
    role_arn = saml_role(
        iamd_server,
        provider_arn,
        {"StringEquals": {"saml:aud": "https://eu-west-1.signin.aws.amazon.com/saml"}},
    )
    assertion = idp.response(roles=[role_pair(role_arn, provider_arn)])
    assert refused(iamd_server, role_arn, provider_arn, assertion) == (
        "AccessDenied",
        403,
        "Not authorized to perform sts:AssumeRoleWithSAML",
    )
    regional = idp.response(
        roles=[role_pair(role_arn, provider_arn)], recipient="https://eu-west-1.signin.aws.amazon.com/saml"
    )
    assert assume(iamd_server, role_arn, provider_arn, regional)["Audience"].startswith("https://eu-west-1.")


def test_missing_role_session_name(iamd_server: RunningServer, idp: LocalIdp) -> None:
    _, provider_arn = provider(iamd_server, idp)
    role_arn = saml_role(iamd_server, provider_arn)
    for session_name in (None, "x", "bad name!"):
        assertion = idp.response(roles=[role_pair(role_arn, provider_arn)], session_name=session_name)
        assert refused(iamd_server, role_arn, provider_arn, assertion) == (
            "InvalidIdentityToken",
            400,
            "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}",
        )


def test_unknown_provider(iamd_server: RunningServer, idp: LocalIdp) -> None:
    _, provider_arn = provider(iamd_server, idp)
    role_arn = saml_role(iamd_server, provider_arn)
    absent = f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/{unique('absent')}"
    assertion = idp.response(roles=[role_pair(role_arn, absent)])
    assert refused(iamd_server, role_arn, absent, assertion) == (
        "InvalidIdentityToken",
        400,
        "Specified provider doesn't exist",
    )


def test_trust_policy_naming_another_provider_is_access_denied(
    iamd_server: RunningServer, idp: LocalIdp
) -> None:
    _, provider_arn = provider(iamd_server, idp)
    _, other_provider = provider(iamd_server, idp)
    role_arn = saml_role(iamd_server, other_provider)
    assertion = idp.response(roles=[role_pair(role_arn, provider_arn)])
    assert refused(iamd_server, role_arn, provider_arn, assertion)[:2] == ("AccessDenied", 403)


def test_duration_over_the_role_maximum(iamd_server: RunningServer, idp: LocalIdp) -> None:
    _, provider_arn = provider(iamd_server, idp)
    role_arn = saml_role(iamd_server, provider_arn)
    assertion = idp.response(roles=[role_pair(role_arn, provider_arn)])
    with pytest.raises(ClientError) as caught:
        assume(iamd_server, role_arn, provider_arn, assertion, DurationSeconds=7200)
    assert error_of(caught) == (
        "ValidationError",
        400,
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )


def test_session_ends_with_the_idp_session(iamd_server: RunningServer, idp: LocalIdp) -> None:
    # "Your role session lasts for the duration that you specify for the DurationSeconds parameter, or
    # until the time specified in the SAML authentication response's SessionNotOnOrAfter value, whichever
    # is shorter." (API_AssumeRoleWithSAML.html, DurationSeconds)
    _, provider_arn = provider(iamd_server, idp)
    role_arn = saml_role(iamd_server, provider_arn)
    ends = (datetime.now(UTC) + timedelta(minutes=20)).replace(microsecond=0)
    assertion = idp.response(roles=[role_pair(role_arn, provider_arn)], session_not_on_or_after=ends)
    response = assume(iamd_server, role_arn, provider_arn, assertion, DurationSeconds=3600)
    assert response["Credentials"]["Expiration"] == ends


def test_audit_mode_issues_what_the_trust_policy_would_deny(tmp_path: Path) -> None:
    """--auth-mode audit (DESIGN.md) logs the trust policy's would-be denial instead of refusing; the
    assertion itself is still checked."""
    server = start_server(tmp_path, None, "sqlite", "--auth-mode", "audit")
    try:
        idp = LocalIdp.new()
        _, provider_arn = provider(server, idp)
        role_arn = saml_role(server, provider_arn, {"StringEquals": {"saml:sub": "somebody-else"}})
        assertion = idp.response(roles=[role_pair(role_arn, provider_arn)])
        assert assume(server, role_arn, provider_arn, assertion)["Subject"] == "alice@example.test"
        tampered = base64.b64encode(base64.b64decode(assertion).replace(b">alice<", b">admin<")).decode()
        assert refused(server, role_arn, provider_arn, tampered)[0] == "InvalidIdentityToken"
    finally:
        server.stop()
