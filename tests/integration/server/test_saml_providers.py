"""IAM SAML providers end to end with boto3, on SQLite and PostgreSQL.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateSAMLProvider.html,
API_GetSAMLProvider.html, API_ListSAMLProviders.html, API_UpdateSAMLProvider.html,
API_DeleteSAMLProvider.html and the tagging pages; the IAM service model's shapes (metadata document of
1,000 to 10,000,000 characters, names ``[\\w._-]+`` of at most 128). NoSuchEntity says "Manifest not found
for arn ..." and unusable metadata is InvalidInput "Could not parse metadata", as IAM words them.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, RunningServer, unique
from tests.integration.server.test_saml_idp import LocalIdp
from tests.integration.server.test_sts_support import error_of, unvalidated_client


@pytest.fixture(scope="module")
def idp() -> LocalIdp:
    return LocalIdp.new()


def create(server: RunningServer, idp: LocalIdp, **extra: object) -> tuple[str, str]:
    name = unique("saml")
    arn: str = server.client("iam").create_saml_provider(
        Name=name, SAMLMetadataDocument=idp.metadata(), **extra
    )["SAMLProviderArn"]
    return name, arn


def test_create_get_list_delete(iamd_server: RunningServer, idp: LocalIdp) -> None:
    iam = iamd_server.client("iam")
    until = datetime(2035, 6, 1, tzinfo=UTC)
    name = unique("saml")
    created = iam.create_saml_provider(
        Name=name, SAMLMetadataDocument=idp.metadata(valid_until=until), Tags=[{"Key": "team", "Value": "a"}]
    )
    arn = created["SAMLProviderArn"]
    assert arn == f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/{name}"
    assert created["Tags"] == [{"Key": "team", "Value": "a"}]

    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["SAMLMetadataDocument"] == idp.metadata(valid_until=until)
    assert got["ValidUntil"] == until
    assert got["Tags"] == [{"Key": "team", "Value": "a"}]
    assert len(got["SAMLProviderUUID"]) == 36
    assert abs((datetime.now(UTC) - got["CreateDate"]).total_seconds()) < 60

    listed = {p["Arn"]: p for p in iam.list_saml_providers()["SAMLProviderList"]}
    assert listed[arn]["ValidUntil"] == until

    iam.delete_saml_provider(SAMLProviderArn=arn)
    with pytest.raises(ClientError) as caught:
        iam.get_saml_provider(SAMLProviderArn=arn)
    assert error_of(caught) == ("NoSuchEntity", 404, f"Manifest not found for arn {arn}")
    assert arn not in {p["Arn"] for p in iam.list_saml_providers()["SAMLProviderList"]}


def test_same_name_twice_is_entity_already_exists(iamd_server: RunningServer, idp: LocalIdp) -> None:
    name, _ = create(iamd_server, idp)
    with pytest.raises(ClientError) as caught:
        iamd_server.client("iam").create_saml_provider(Name=name, SAMLMetadataDocument=idp.metadata())
    code, status, _ = error_of(caught)
    assert (code, status) == ("EntityAlreadyExists", 409)


def test_unusable_metadata_is_invalid_input_and_creates_nothing(
    iamd_server: RunningServer, idp: LocalIdp
) -> None:
    iam = iamd_server.client("iam")
    name = unique("saml")
    no_certificate = idp.metadata().replace('use="signing"', 'use="encryption"')
    for document in ("<not-metadata>" + "x" * 1000 + "</not-metadata>", no_certificate):
        with pytest.raises(ClientError) as caught:
            iam.create_saml_provider(Name=name, SAMLMetadataDocument=document)
        assert error_of(caught) == ("InvalidInput", 400, "Could not parse metadata")
    arn = f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/{name}"
    assert arn not in {p["Arn"] for p in iam.list_saml_providers()["SAMLProviderList"]}


def test_short_metadata_is_a_validation_error(iamd_server: RunningServer) -> None:
    # SAMLMetadataDocumentType: min 1000 (IAM service model), checked by the server as well as botocore.
    iam = unvalidated_client(iamd_server, "iam", ROOT_KEY_ID, ROOT_SECRET)
    with pytest.raises(ClientError) as caught:
        iam.create_saml_provider(Name=unique("saml"), SAMLMetadataDocument="<x/>")
    code, status, _ = error_of(caught)
    assert (code, status) == ("ValidationError", 400)


def test_update_replaces_metadata_and_keeps_the_rest(iamd_server: RunningServer, idp: LocalIdp) -> None:
    iam = iamd_server.client("iam")
    _, arn = create(iamd_server, idp)
    rotated = LocalIdp.new(idp.entity_id)
    until = datetime(2040, 1, 1, tzinfo=UTC)
    assert (
        iam.update_saml_provider(
            SAMLProviderArn=arn, SAMLMetadataDocument=rotated.metadata(valid_until=until)
        )["SAMLProviderArn"]
        == arn
    )
    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["SAMLMetadataDocument"] == rotated.metadata(valid_until=until)
    assert got["ValidUntil"] == until

    with pytest.raises(ClientError) as caught:
        iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument="<bad/>" + " " * 1000)
    assert error_of(caught) == ("InvalidInput", 400, "Could not parse metadata")
    assert iam.get_saml_provider(SAMLProviderArn=arn)["SAMLMetadataDocument"] == rotated.metadata(
        valid_until=until
    )


def test_missing_provider_is_no_such_entity(iamd_server: RunningServer, idp: LocalIdp) -> None:
    iam = iamd_server.client("iam")
    arn = f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/{unique('absent')}"
    for call in (
        lambda: iam.get_saml_provider(SAMLProviderArn=arn),
        lambda: iam.delete_saml_provider(SAMLProviderArn=arn),
        lambda: iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=idp.metadata()),
        lambda: iam.list_saml_provider_tags(SAMLProviderArn=arn),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert error_of(caught) == ("NoSuchEntity", 404, f"Manifest not found for arn {arn}")


def test_tags(iamd_server: RunningServer, idp: LocalIdp) -> None:
    iam = iamd_server.client("iam")
    _, arn = create(iamd_server, idp)
    iam.tag_saml_provider(SAMLProviderArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    iam.untag_saml_provider(SAMLProviderArn=arn, TagKeys=["a"])
    assert iam.list_saml_provider_tags(SAMLProviderArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    with pytest.raises(ClientError) as caught:
        iam.tag_saml_provider(
            SAMLProviderArn=arn, Tags=[{"Key": "k", "Value": "1"}, {"Key": "K", "Value": "2"}]
        )
    assert error_of(caught)[0] == "InvalidInput"
    assert iam.list_saml_provider_tags(SAMLProviderArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]


def test_encrypted_assertions_are_refused_not_ignored(iamd_server: RunningServer, idp: LocalIdp) -> None:
    with pytest.raises(ClientError) as caught:
        create(iamd_server, idp, AssertionEncryptionMode="Required")
    assert error_of(caught)[0] == "InvalidInput"


def test_user_without_permission_is_denied_and_tag_conditions_apply(
    iamd_server: RunningServer, idp: LocalIdp
) -> None:
    # Resource type saml-provider with aws:RequestTag/aws:ResourceTag (Service Authorization Reference, IAM).
    client, _ = iamd_server.user_client(
        "iam",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "iam:CreateSAMLProvider",
                    "Resource": f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/*",
                    "Condition": {"StringEquals": {"aws:RequestTag/team": "a"}},
                },
                {"Effect": "Allow", "Action": "iam:ListSAMLProviders", "Resource": "*"},
            ],
        },
    )
    name = unique("saml")
    with pytest.raises(ClientError) as caught:
        client.create_saml_provider(Name=name, SAMLMetadataDocument=idp.metadata())
    assert error_of(caught)[:2] == ("AccessDenied", 403)
    arn = client.create_saml_provider(
        Name=name, SAMLMetadataDocument=idp.metadata(), Tags=[{"Key": "team", "Value": "a"}]
    )["SAMLProviderArn"]
    assert arn in {p["Arn"] for p in client.list_saml_providers()["SAMLProviderList"]}
    with pytest.raises(ClientError) as caught:
        client.delete_saml_provider(SAMLProviderArn=arn)
    assert error_of(caught)[:2] == ("AccessDenied", 403)
