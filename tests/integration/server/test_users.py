"""IAM users through boto3 against a real server, on SQLite and PostgreSQL.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html, API_GetUser.html,
API_ListUsers.html, API_UpdateUser.html, API_DeleteUser.html and the IAM service model.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def test_create_get_list_update_delete(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = unique("alice")
    created = iam.create_user(UserName=name, Path="/eng/", Tags=[{"Key": "team", "Value": "infra"}])["User"]
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/eng/{name}"
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21
    assert created["Tags"] == [{"Key": "team", "Value": "infra"}]

    fetched = iam.get_user(UserName=name.upper())["User"]  # names are case-insensitive in lookups
    assert (fetched["UserName"], fetched["Path"], fetched["UserId"]) == (name, "/eng/", created["UserId"])

    listed = iam.list_users(PathPrefix="/eng/")["Users"]
    assert name in [u["UserName"] for u in listed]
    assert all("Tags" not in u for u in listed)  # ListUsers leaves tags out, as AWS does

    renamed = name + "-b"
    iam.update_user(UserName=name, NewUserName=renamed, NewPath="/ops/")
    assert iam.get_user(UserName=renamed)["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/ops/{renamed}"
    iam.delete_user(UserName=renamed)
    with pytest.raises(ClientError) as excinfo:
        iam.get_user(UserName=renamed)
    assert _error(excinfo) == ("NoSuchEntity", 404, f"The user with name {renamed} cannot be found.")


def test_names_are_unique_case_insensitively(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = unique("bob")
    iam.create_user(UserName=name)
    with pytest.raises(ClientError) as excinfo:
        iam.create_user(UserName=name.upper())
    assert _error(excinfo) == ("EntityAlreadyExists", 409, f"User with name {name.upper()} already exists.")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"UserName": "x" * 65},
            "1 validation error detected: Value at 'userName' failed to satisfy constraint: "
            "Member must have length less than or equal to 64",
        ),
        # IAM's own sentences for bad name and path characters (quoted from AWS responses in public issues).
        ({"UserName": "bad name"}, "The specified value for userName is invalid."),
        ({"UserName": "ok", "Path": "no-slashes"}, "The specified value for path is invalid."),
    ],
)
def test_invalid_input_is_a_validation_error_and_creates_nothing(
    iamd_server: RunningServer, kwargs: dict[str, str], message: str
) -> None:
    iam = iamd_server.client("iam")
    before = {u["UserName"] for u in iam.list_users(MaxItems=1000)["Users"]}
    with pytest.raises(ClientError) as excinfo:
        iam.create_user(**kwargs)
    code, status, text = _error(excinfo)
    assert (code, status) == ("ValidationError", 400)
    assert message in text
    assert {u["UserName"] for u in iam.list_users(MaxItems=1000)["Users"]} == before


def test_list_users_pages_with_marker(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    path = f"/{unique('page')}/"
    names = sorted(unique("p") for _ in range(5))
    for name in names:
        iam.create_user(UserName=name, Path=path)
    seen: list[str] = []
    page = iam.list_users(PathPrefix=path, MaxItems=2)
    while True:
        seen += [u["UserName"] for u in page["Users"]]
        assert len(page["Users"]) <= 2
        if not page["IsTruncated"]:
            assert "Marker" not in page
            break
        page = iam.list_users(PathPrefix=path, MaxItems=2, Marker=page["Marker"])
    assert seen == names


def test_get_user_without_name_describes_the_caller(iamd_server: RunningServer) -> None:
    root = iamd_server.client("iam").get_user()["User"]
    assert root["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    assert root["UserId"] == ACCOUNT_ID


def test_caller_identity_for_root(iamd_server: RunningServer) -> None:
    identity = iamd_server.client("sts").get_caller_identity()
    assert (identity["Account"], identity["Arn"], identity["UserId"]) == (
        ACCOUNT_ID,
        f"arn:aws:iam::{ACCOUNT_ID}:root",
        ACCOUNT_ID,
    )


def test_wrong_secret_is_signature_does_not_match(iamd_server: RunningServer) -> None:
    from tests.integration.server.harness import ROOT_KEY_ID

    iam = iamd_server.client("iam", ROOT_KEY_ID, "not-the-secret")
    with pytest.raises(ClientError) as excinfo:
        iam.list_users()
    assert _error(excinfo)[:2] == ("SignatureDoesNotMatch", 403)


def test_unknown_key_is_invalid_client_token_id(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam", "AKIAAAAAAAAAAAAAAAAA", "whatever")
    with pytest.raises(ClientError) as excinfo:
        iam.list_users()
    assert _error(excinfo) == (
        "InvalidClientTokenId",
        403,
        "The security token included in the request is invalid.",
    )
