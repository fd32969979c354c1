"""The IMDSv2 wire protocol as EC2 documents it: the token flow and its errors
(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-v2-how-it-works.html,
https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html: 400 for a PUT
without a valid TTL, 401 for a GET without a valid token when IMDSv2 is required, 403 for a token PUT
carrying X-Forwarded-For) and the documents of the iam/ category
(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-categories.html).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from tests.integration.credentials.conftest import INSTANCE_ROLE, INSTANCE_ROLE_ARN
from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique

TTL = "X-aws-ec2-metadata-token-ttl-seconds"
TOKEN = "X-aws-ec2-metadata-token"
CREDENTIALS = "/latest/meta-data/iam/security-credentials/"


def _call(server: RunningServer, method: str, path: str, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(server.url + path, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _token(server: RunningServer, ttl: str = "21600") -> str:
    status, body = _call(server, "PUT", "/latest/api/token", {TTL: ttl})
    assert status == 200
    return body


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 400),  # no TTL
        ({TTL: "0"}, 400),
        ({TTL: "21601"}, 400),  # the maximum is six hours
        ({TTL: "abc"}, 400),
        ({TTL: "60", "X-Forwarded-For": "10.0.0.1"}, 403),
        ({TTL: "1"}, 200),
        ({TTL: "21600"}, 200),
    ],
)
def test_token_requests(endpoints_server: RunningServer, headers: dict[str, str], status: int) -> None:
    assert _call(endpoints_server, "PUT", "/latest/api/token", headers)[0] == status


@pytest.mark.parametrize("path", [CREDENTIALS, CREDENTIALS + INSTANCE_ROLE, "/latest/meta-data/iam/info"])
@pytest.mark.parametrize("token", [None, "", "not-a-token", "QUJD"])
def test_reads_without_a_valid_token_are_401(
    endpoints_server: RunningServer, path: str, token: str | None
) -> None:
    headers = {} if token is None else {TOKEN: token}
    assert _call(endpoints_server, "GET", path, headers)[0] == 401


def test_role_name_credentials_and_info(endpoints_server: RunningServer) -> None:
    token = _token(endpoints_server)
    status, body = _call(endpoints_server, "GET", CREDENTIALS, {TOKEN: token})
    assert (status, body) == (200, INSTANCE_ROLE)

    status, body = _call(endpoints_server, "GET", CREDENTIALS + INSTANCE_ROLE, {TOKEN: token})
    assert status == 200
    document = json.loads(body)
    assert set(document) == {
        "Code",
        "LastUpdated",
        "Type",
        "AccessKeyId",
        "SecretAccessKey",
        "Token",
        "Expiration",
    }
    assert document["Code"] == "Success" and document["Type"] == "AWS-HMAC"
    assert document["AccessKeyId"].startswith("ASIA")
    expiration = datetime.strptime(document["Expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    # Instance credentials last about six hours and are renewed well before they run out.
    assert timedelta(hours=1) < expiration - datetime.now(UTC) <= timedelta(hours=6, seconds=5)

    # Asked again, the same credentials (not a new session per request).
    again = json.loads(_call(endpoints_server, "GET", CREDENTIALS + INSTANCE_ROLE, {TOKEN: token})[1])
    assert again["AccessKeyId"] == document["AccessKeyId"]

    status, body = _call(endpoints_server, "GET", "/latest/meta-data/iam/info", {TOKEN: token})
    assert status == 200
    info = json.loads(body)
    assert info["Code"] == "Success"
    assert info["InstanceProfileArn"] == f"arn:aws:iam::{ACCOUNT_ID}:instance-profile/{INSTANCE_ROLE}"
    assert info["InstanceProfileId"].startswith("AIPA")


def test_info_names_a_stored_instance_profile_of_the_role(endpoints_server: RunningServer) -> None:
    iam = endpoints_server.client("iam")
    name = unique("profile")
    profile = iam.create_instance_profile(InstanceProfileName=name)["InstanceProfile"]
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=INSTANCE_ROLE)
    try:
        info = json.loads(
            _call(endpoints_server, "GET", "/latest/meta-data/iam/info", {TOKEN: _token(endpoints_server)})[1]
        )
        assert info["InstanceProfileArn"] == profile["Arn"]
        assert info["InstanceProfileId"] == profile["InstanceProfileId"]
    finally:
        iam.remove_role_from_instance_profile(InstanceProfileName=name, RoleName=INSTANCE_ROLE)
        iam.delete_instance_profile(InstanceProfileName=name)


def test_another_role_name_is_404(endpoints_server: RunningServer) -> None:
    token = _token(endpoints_server)
    assert _call(endpoints_server, "GET", CREDENTIALS + "other-role", {TOKEN: token})[0] == 404


def test_credentials_are_those_of_the_role(endpoints_server: RunningServer) -> None:
    token = _token(endpoints_server)
    document = json.loads(_call(endpoints_server, "GET", CREDENTIALS + INSTANCE_ROLE, {TOKEN: token})[1])
    client = boto3.client(
        "sts",
        endpoint_url=endpoints_server.url,
        region_name="us-east-1",
        aws_access_key_id=document["AccessKeyId"],
        aws_secret_access_key=document["SecretAccessKey"],
        aws_session_token=document["Token"],
    )
    arn = client.get_caller_identity()["Arn"]
    assert arn.startswith(INSTANCE_ROLE_ARN.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/"))
