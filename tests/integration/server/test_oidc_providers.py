"""IAM OpenID Connect providers through boto3 against a real server, on SQLite and PostgreSQL.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html
(ARN ``oidc-provider/<url without scheme>``, up to 5 thumbprints of 40 hex characters, tags), the Get/List/
Delete/Update/AddClientID/RemoveClientID pages of the same reference (Get returns the URL without its
scheme; adding a client id already present and removing one that is absent change nothing), and DESIGN.md
(``http://`` issuers only on loopback addresses).
"""

from __future__ import annotations

from datetime import datetime

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, free_port, unique
from tests.integration.server.test_sts_support import error_of

THUMB = "6938fd4d98bab03faadb97b34396831e3780aea1"


def new_url() -> str:
    return f"https://{unique('idp')}.example.com"


def test_create_get_list_delete(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    url = new_url() + "/id/ABC"
    created = iam.create_open_id_connect_provider(
        Url=url,
        ClientIDList=["sts.amazonaws.com", "app"],
        ThumbprintList=[THUMB],
        Tags=[{"Key": "k", "Value": "v"}],
    )
    arn = created["OpenIDConnectProviderArn"]
    assert arn == f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{url.removeprefix('https://')}"
    assert created["Tags"] == [{"Key": "k", "Value": "v"}]
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["Url"] == url.removeprefix("https://")
    assert got["ClientIDList"] == ["sts.amazonaws.com", "app"]
    assert got["ThumbprintList"] == [THUMB]
    assert isinstance(got["CreateDate"], datetime)
    assert got["Tags"] == [{"Key": "k", "Value": "v"}]
    listed = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    assert {"Arn": arn} in listed

    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert {"Arn": arn} not in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    with pytest.raises(ClientError) as excinfo:
        iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert error_of(excinfo) == ("NoSuchEntity", 404, f"OpenIDConnect Provider not found for arn {arn}")
    with pytest.raises(ClientError) as excinfo:
        iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert error_of(excinfo)[0] == "NoSuchEntity"


def test_loopback_http_issuer_keeps_its_url_verbatim(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    url = f"http://127.0.0.1:{free_port()}/"
    arn = iam.create_open_id_connect_provider(Url=url, ClientIDList=["a"])["OpenIDConnectProviderArn"]
    assert arn == f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{url.removeprefix('http://')}"  # trailing / kept
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)


@pytest.mark.parametrize("url", ["http://idp.example.com", "ftp://idp.example.com", "idp.example.com"])
def test_urls_that_are_refused(iamd_server: RunningServer, url: str) -> None:
    iam = iamd_server.client("iam")
    before = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    with pytest.raises(ClientError) as excinfo:
        iam.create_open_id_connect_provider(Url=url)
    assert error_of(excinfo)[:2] == ("InvalidInput", 400)
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == before


def test_duplicate_url_is_entity_already_exists(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    url = new_url()
    iam.create_open_id_connect_provider(Url=url)
    with pytest.raises(ClientError) as excinfo:
        iam.create_open_id_connect_provider(Url=url)
    assert error_of(excinfo)[:2] == ("EntityAlreadyExists", 409)


def test_thumbprints_are_checked_and_replaced(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    url = new_url()
    with pytest.raises(ClientError) as excinfo:
        iam.create_open_id_connect_provider(Url=url, ThumbprintList=["z" * 40])
    assert error_of(excinfo)[:2] == ("InvalidInput", 400)
    with pytest.raises(ClientError) as excinfo:
        iam.create_open_id_connect_provider(Url=url, ThumbprintList=[f"{i:040x}" for i in range(6)])
    assert error_of(excinfo)[0] == "LimitExceeded"
    arn = iam.create_open_id_connect_provider(Url=url, ThumbprintList=[THUMB])["OpenIDConnectProviderArn"]
    new = [f"{i:040x}" for i in range(1, 6)]
    iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn, ThumbprintList=new)
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ThumbprintList"] == new
    with pytest.raises(ClientError) as excinfo:
        iam.update_open_id_connect_provider_thumbprint(
            OpenIDConnectProviderArn=arn, ThumbprintList=["g" * 40]
        )
    assert error_of(excinfo)[0] == "InvalidInput"
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ThumbprintList"] == new


def test_client_ids(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    arn = iam.create_open_id_connect_provider(Url=new_url(), ClientIDList=["a"])["OpenIDConnectProviderArn"]
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="b")
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="b")  # no change
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"] == ["a", "b"]
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="a")
    iam.remove_client_id_from_open_id_connect_provider(
        OpenIDConnectProviderArn=arn, ClientID="zzz"
    )  # no change
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"] == ["b"]
    missing = f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{unique('none')}.example.com"
    with pytest.raises(ClientError) as excinfo:
        iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=missing, ClientID="b")
    assert error_of(excinfo)[0] == "NoSuchEntity"


def test_tags(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    arn = iam.create_open_id_connect_provider(Url=new_url())["OpenIDConnectProviderArn"]
    iam.tag_open_id_connect_provider(
        OpenIDConnectProviderArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    )
    tags = iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)
    assert sorted(t["Key"] for t in tags["Tags"]) == ["a", "b"] and tags["IsTruncated"] is False
    page = iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn, MaxItems=1)
    assert len(page["Tags"]) == 1 and page["IsTruncated"] is True
    rest = iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn, Marker=page["Marker"])
    assert len(rest["Tags"]) == 1 and rest["IsTruncated"] is False
    iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=["a"])
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["Tags"] == [
        {"Key": "b", "Value": "2"}
    ]


def test_user_without_permission_is_denied_and_nothing_changes(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    arn = iam.create_open_id_connect_provider(Url=new_url(), ClientIDList=["a"])["OpenIDConnectProviderArn"]
    reader, _ = iamd_server.user_client(
        "iam",
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:GetOpenIDConnectProvider", "Resource": arn}],
        },
    )
    assert reader.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"] == ["a"]
    for call in (
        lambda: reader.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="b"),
        lambda: reader.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn),
        lambda: reader.create_open_id_connect_provider(Url=new_url()),
        reader.list_open_id_connect_providers,
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo)[:2] == ("AccessDenied", 403)
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"] == ["a"]


def test_tag_conditions_on_create(iamd_server: RunningServer) -> None:
    """aws:RequestTag on CreateOpenIDConnectProvider (Service Authorization Reference for IAM)."""
    creator, _ = iamd_server.user_client(
        "iam",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["iam:CreateOpenIDConnectProvider", "iam:TagOpenIDConnectProvider"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestTag/team": "ci"}},
                }
            ],
        },
    )
    creator.create_open_id_connect_provider(Url=new_url(), Tags=[{"Key": "team", "Value": "ci"}])
    with pytest.raises(ClientError) as excinfo:
        creator.create_open_id_connect_provider(Url=new_url(), Tags=[{"Key": "team", "Value": "other"}])
    assert error_of(excinfo)[0] == "AccessDenied"
