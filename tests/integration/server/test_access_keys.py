"""IAM access keys through boto3 against a real server, on SQLite and PostgreSQL.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html,
API_ListAccessKeys.html, API_UpdateAccessKey.html, API_DeleteAccessKey.html, API_GetAccessKeyLastUsed.html
and the quotas page https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique
from tests.integration.server.test_sts_support import allow, make_role, session_client, trust, user_arn

# AWS answers a deactivated or deleted key like an unknown one
# (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html: InvalidClientTokenId, 403).
INVALID_TOKEN = ("InvalidClientTokenId", 403, "The security token included in the request is invalid.")

SELF_SERVICE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "iam:CreateAccessKey",
                "iam:ListAccessKeys",
                "iam:UpdateAccessKey",
                "iam:DeleteAccessKey",
                "iam:GetAccessKeyLastUsed",
            ],
            "Resource": "arn:aws:iam::*:user/${aws:username}",
        }
    ],
}


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def _user(iamd_server: RunningServer) -> str:
    name = unique("keys")
    iamd_server.client("iam").create_user(UserName=name)
    return name


def test_create_list_delete(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = _user(iamd_server)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", key["AccessKeyId"])
    assert re.fullmatch(r"[A-Za-z0-9+/]{40}", key["SecretAccessKey"])
    assert (key["UserName"], key["Status"]) == (name, "Active")

    listed = iam.list_access_keys(UserName=name)
    assert listed["IsTruncated"] is False
    assert [(k["AccessKeyId"], k["UserName"], k["Status"]) for k in listed["AccessKeyMetadata"]] == [
        (key["AccessKeyId"], name, "Active")
    ]
    assert listed["AccessKeyMetadata"][0]["CreateDate"] == key["CreateDate"]
    assert "SecretAccessKey" not in listed["AccessKeyMetadata"][0]

    iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"] == []


def test_third_key_is_limit_exceeded_and_changes_nothing(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = _user(iamd_server)
    ids = {iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"] for _ in range(2)}
    with pytest.raises(ClientError) as excinfo:
        iam.create_access_key(UserName=name)
    # The quota's name and value as AWS words them (quotas page: "Access keys assigned to an IAM user: 2").
    assert _error(excinfo) == ("LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2")
    assert {k["AccessKeyId"] for k in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]} == ids
    # Deleting one frees a slot.
    iam.delete_access_key(UserName=name, AccessKeyId=sorted(ids)[0])
    iam.create_access_key(UserName=name)


def test_inactive_key_is_refused_on_the_next_request_and_works_again(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    user_iam, name = iamd_server.user_client("iam", SELF_SERVICE)
    key_id = iam.list_access_keys(UserName=name)["AccessKeyMetadata"][0]["AccessKeyId"]
    user_iam.list_access_keys()  # works while Active

    iam.update_access_key(UserName=name, AccessKeyId=key_id, Status="Inactive")
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"][0]["Status"] == "Inactive"
    with pytest.raises(ClientError) as excinfo:
        user_iam.list_access_keys()
    assert _error(excinfo) == INVALID_TOKEN

    iam.update_access_key(UserName=name, AccessKeyId=key_id, Status="Active")
    assert user_iam.list_access_keys()["AccessKeyMetadata"][0]["Status"] == "Active"


def test_a_user_can_deactivate_its_own_key_and_is_locked_out(iamd_server: RunningServer) -> None:
    user_iam, name = iamd_server.user_client("iam", SELF_SERVICE)
    key_id = user_iam.list_access_keys()["AccessKeyMetadata"][0]["AccessKeyId"]
    user_iam.update_access_key(AccessKeyId=key_id, Status="Inactive")  # without UserName: its own key
    with pytest.raises(ClientError) as excinfo:
        user_iam.list_access_keys()
    assert _error(excinfo) == INVALID_TOKEN
    iamd_server.client("iam").update_access_key(UserName=name, AccessKeyId=key_id, Status="Active")
    user_iam.list_access_keys()


def test_deleted_key_is_refused(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    user_iam, name = iamd_server.user_client("iam", SELF_SERVICE)
    key_id = user_iam.list_access_keys()["AccessKeyMetadata"][0]["AccessKeyId"]
    iam.delete_access_key(UserName=name, AccessKeyId=key_id)
    with pytest.raises(ClientError) as excinfo:
        user_iam.list_access_keys()
    assert _error(excinfo) == INVALID_TOKEN


def test_user_without_user_name_manages_its_own_keys_only(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    user_iam, name = iamd_server.user_client("iam", SELF_SERVICE)
    other = _user(iamd_server)

    created = user_iam.create_access_key()["AccessKey"]  # no UserName: the caller's own user
    assert created["UserName"] == name
    assert len(iam.list_access_keys(UserName=name)["AccessKeyMetadata"]) == 2
    assert {k["UserName"] for k in user_iam.list_access_keys()["AccessKeyMetadata"]} == {name}
    user_iam.delete_access_key(AccessKeyId=created["AccessKeyId"])
    user_iam.create_access_key(UserName=name)  # naming itself is the same resource

    with pytest.raises(ClientError) as excinfo:
        user_iam.create_access_key(UserName=other)
    code, status, message = _error(excinfo)
    assert (code, status) == ("AccessDenied", 403)
    resource = f"arn:aws:iam::{ACCOUNT_ID}:user/{other}"
    assert f"is not authorized to perform: iam:CreateAccessKey on resource: {resource}" in message
    assert iam.list_access_keys(UserName=other)["AccessKeyMetadata"] == []
    with pytest.raises(ClientError) as excinfo:
        user_iam.list_access_keys(UserName=other)
    assert _error(excinfo)[0] == "AccessDenied"


def test_user_without_permission_is_denied(iamd_server: RunningServer) -> None:
    user_iam, name = iamd_server.user_client("iam", None)
    with pytest.raises(ClientError) as excinfo:
        user_iam.create_access_key()
    code, _, message = _error(excinfo)
    assert code == "AccessDenied"
    assert (
        f"arn:aws:iam::{ACCOUNT_ID}:user/{name} is not authorized to perform: iam:CreateAccessKey" in message
    )
    assert len(iamd_server.client("iam").list_access_keys(UserName=name)["AccessKeyMetadata"]) == 1


def test_root_without_user_name_manages_root_keys(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    before = {k["AccessKeyId"] for k in iam.list_access_keys()["AccessKeyMetadata"]}
    key = iam.create_access_key()["AccessKey"]
    try:
        after = {k["AccessKeyId"] for k in iam.list_access_keys()["AccessKeyMetadata"]}
        assert after == before | {key["AccessKeyId"]}
        root_client = iamd_server.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
        assert root_client.get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    finally:
        iam.delete_access_key(AccessKeyId=key["AccessKeyId"])
    assert {k["AccessKeyId"] for k in iam.list_access_keys()["AccessKeyMetadata"]} == before


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("create_access_key", {}),
        ("list_access_keys", {}),
        ("update_access_key", {"AccessKeyId": "AKIAIOSFODNN7EXAMPLX", "Status": "Inactive"}),
        ("delete_access_key", {"AccessKeyId": "AKIAIOSFODNN7EXAMPLX"}),
    ],
)
def test_missing_user_is_no_such_entity(
    iamd_server: RunningServer, operation: str, kwargs: dict[str, Any]
) -> None:
    name = unique("ghost")
    with pytest.raises(ClientError) as excinfo:
        getattr(iamd_server.client("iam"), operation)(UserName=name, **kwargs)
    assert _error(excinfo) == ("NoSuchEntity", 404, f"The user with name {name} cannot be found.")


def test_unknown_or_foreign_key_is_no_such_entity(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    alice, bob = _user(iamd_server), _user(iamd_server)
    bobs_key = iam.create_access_key(UserName=bob)["AccessKey"]["AccessKeyId"]
    for key_id in ("AKIAIOSFODNN7EXAMPLX", bobs_key):
        message = f"The Access Key with id {key_id} cannot be found."
        with pytest.raises(ClientError) as excinfo:
            iam.update_access_key(UserName=alice, AccessKeyId=key_id, Status="Inactive")
        assert _error(excinfo) == ("NoSuchEntity", 404, message)
        with pytest.raises(ClientError) as excinfo:
            iam.delete_access_key(UserName=alice, AccessKeyId=key_id)
        assert _error(excinfo) == ("NoSuchEntity", 404, message)
    # Bob's key is untouched.
    assert iam.list_access_keys(UserName=bob)["AccessKeyMetadata"][0]["Status"] == "Active"


def test_invalid_status_is_a_validation_error(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = _user(iamd_server)
    key_id = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    with pytest.raises(ClientError) as excinfo:
        iam.update_access_key(UserName=name, AccessKeyId=key_id, Status="Disabled")
    code, status, _ = _error(excinfo)
    assert (code, status) == ("ValidationError", 400)
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"][0]["Status"] == "Active"


def test_last_used_is_not_applicable_before_use(iamd_server: RunningServer) -> None:
    # API_AccessKeyLastUsed.html: ServiceName and Region are "N/A" and LastUsedDate is null for an unused key.
    iam = iamd_server.client("iam")
    name = _user(iamd_server)
    key_id = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    answer = iam.get_access_key_last_used(AccessKeyId=key_id)
    assert answer["UserName"] == name
    assert answer["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}


def test_last_used_records_service_and_region(iamd_server: RunningServer) -> None:
    # Relies on the gateway calling iamd.services.iam.access_keys.record_key_use for accepted requests.
    iam = iamd_server.client("iam")
    user_iam, name = iamd_server.user_client("iam", SELF_SERVICE)
    key_id = iam.list_access_keys(UserName=name)["AccessKeyMetadata"][0]["AccessKeyId"]
    user_iam.list_access_keys()
    answer = iam.get_access_key_last_used(AccessKeyId=key_id)
    assert answer["UserName"] == name
    used = answer["AccessKeyLastUsed"]
    assert (used["ServiceName"], used["Region"]) == ("iam", "us-east-1")
    assert "LastUsedDate" in used
    # The user may ask about its own key; it is authorized on the owning user's ARN.
    assert user_iam.get_access_key_last_used(AccessKeyId=key_id)["UserName"] == name


def test_last_used_of_unknown_key(iamd_server: RunningServer) -> None:
    with pytest.raises(ClientError) as excinfo:
        iamd_server.client("iam").get_access_key_last_used(AccessKeyId="AKIAIOSFODNN7EXAMPLX")
    assert _error(excinfo) == (
        "NoSuchEntity",
        404,
        "The Access Key with id AKIAIOSFODNN7EXAMPLX cannot be found.",
    )


def test_secret_is_returned_once_and_never_stored_or_logged(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam", use_ssl=False)  # a fresh client (extra arguments): its own event hooks
    bodies: list[bytes] = []
    iam.meta.events.register(
        "after-call.iam", lambda http_response, **_: bodies.append(http_response.content)
    )
    name = _user(iamd_server)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    secret = key["SecretAccessKey"].encode()
    assert secret in bodies[-1]

    iam.list_access_keys(UserName=name)
    iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    assert all(secret not in body for body in bodies[1:])
    assert len(bodies) == 4

    assert secret not in iamd_server.log_path.read_bytes()
    if iamd_server.backend == "sqlite":  # the database files hold only the sealed secret
        for path in iamd_server.log_path.parent.glob("iamd.db*"):
            assert secret not in path.read_bytes()


def test_role_session_must_name_the_user(iamd_server: RunningServer) -> None:
    # Without UserName, IAM takes the user from the signing key; a role session has none. The ValidationError
    # is AWS's, as quoted by the Terraform AWS provider (aws_iam_access_key import notes).
    sts, name = iamd_server.user_client("sts", None)
    role_arn = make_role(iamd_server, trust({"AWS": user_arn(iamd_server, name)}), allow("iam:*AccessKey*"))
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="keys")["Credentials"]
    role_iam = session_client(iamd_server, "iam", credentials)
    for operation in ("list_access_keys", "create_access_key"):
        with pytest.raises(ClientError) as excinfo:
            getattr(role_iam, operation)()
        assert _error(excinfo) == (
            "ValidationError",
            400,
            "Must specify userName when calling with non-User credentials",
        )
    target = _user(iamd_server)
    assert role_iam.create_access_key(UserName=target)["AccessKey"]["UserName"] == target


def test_concurrent_creates_yield_exactly_two_keys(iamd_server: RunningServer) -> None:
    # The 2-key quota holds under concurrency because the database enforces it (issue 4, section 4).
    name = _user(iamd_server)
    clients = [iamd_server.client("iam", use_ssl=False) for _ in range(12)]  # one client per thread

    def create(client: Any) -> str:
        try:
            return str(client.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"])
        except ClientError as error:
            return str(error.response["Error"]["Code"])

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        outcomes = list(pool.map(create, clients))
    created = [o for o in outcomes if o.startswith("AKIA")]
    assert len(created) == 2
    assert sorted(set(outcomes) - set(created)) == ["LimitExceeded"]
    listed = iamd_server.client("iam").list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert sorted(k["AccessKeyId"] for k in listed) == sorted(created)
