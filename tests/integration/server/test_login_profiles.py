"""Login profiles and the account password policy through boto3 against a real server.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html,
API_GetLoginProfile.html, API_UpdateLoginProfile.html, API_DeleteLoginProfile.html,
API_GetAccountPasswordPolicy.html, API_UpdateAccountPasswordPolicy.html, API_DeleteAccountPasswordPolicy.html
and https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html.

The password policy is one per account and the server is shared, so the tests that set it run in one
function and delete it at the end.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, RunningServer, unique
from tests.integration.server.test_sts_support import unvalidated_client

GOOD = "Correct-Horse-9-Battery"


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


@pytest.fixture
def user_name(iamd_server: RunningServer) -> str:
    name = unique("console")
    iamd_server.client("iam").create_user(UserName=name)
    return name


@pytest.fixture
def no_password_policy(iamd_server: RunningServer) -> Iterator[None]:
    iam = iamd_server.client("iam")
    with contextlib.suppress(ClientError):
        iam.delete_account_password_policy()
    yield
    with contextlib.suppress(ClientError):
        iam.delete_account_password_policy()


def test_create_get_update_delete(
    iamd_server: RunningServer, user_name: str, no_password_policy: None
) -> None:
    iam = iamd_server.client("iam")
    created = iam.create_login_profile(UserName=user_name, Password=GOOD, PasswordResetRequired=True)
    assert created["LoginProfile"]["UserName"] == user_name
    assert created["LoginProfile"]["PasswordResetRequired"] is True
    assert set(created["LoginProfile"]) == {"UserName", "CreateDate", "PasswordResetRequired"}

    fetched = iam.get_login_profile(UserName=user_name)["LoginProfile"]
    assert fetched == created["LoginProfile"]

    iam.update_login_profile(UserName=user_name, PasswordResetRequired=False)
    assert iam.get_login_profile(UserName=user_name)["LoginProfile"]["PasswordResetRequired"] is False
    iam.update_login_profile(UserName=user_name, Password=GOOD + "!")

    iam.delete_login_profile(UserName=user_name)
    with pytest.raises(ClientError) as excinfo:
        iam.get_login_profile(UserName=user_name)
    assert _error(excinfo) == ("NoSuchEntity", 404, f"Login Profile for User {user_name} cannot be found.")


def test_second_profile_is_entity_already_exists(
    iamd_server: RunningServer, user_name: str, no_password_policy: None
) -> None:
    iam = iamd_server.client("iam")
    iam.create_login_profile(UserName=user_name, Password=GOOD)
    with pytest.raises(ClientError) as excinfo:
        iam.create_login_profile(UserName=user_name, Password=GOOD)
    assert _error(excinfo) == (
        "EntityAlreadyExists",
        409,
        f"Login Profile for user {user_name} already exists.",
    )


def test_user_with_profile_cannot_be_deleted(
    iamd_server: RunningServer, user_name: str, no_password_policy: None
) -> None:
    iam = iamd_server.client("iam")
    iam.create_login_profile(UserName=user_name, Password=GOOD)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName=user_name)
    assert _error(excinfo)[0] == "DeleteConflict"
    iam.delete_login_profile(UserName=user_name)
    iam.delete_user(UserName=user_name)


@pytest.mark.parametrize("operation", ["get_login_profile", "delete_login_profile", "update_login_profile"])
def test_missing_user_or_profile_is_no_such_entity(
    iamd_server: RunningServer, user_name: str, operation: str
) -> None:
    iam = iamd_server.client("iam")
    with pytest.raises(ClientError) as excinfo:
        getattr(iam, operation)(UserName=user_name)
    assert _error(excinfo) == ("NoSuchEntity", 404, f"Login Profile for User {user_name} cannot be found.")
    ghost = unique("ghost")
    with pytest.raises(ClientError) as excinfo:
        getattr(iam, operation)(UserName=ghost)
    assert _error(excinfo) == ("NoSuchEntity", 404, f"The user with name {ghost} cannot be found.")


def test_default_policy_wants_three_character_types(
    iamd_server: RunningServer, user_name: str, no_password_policy: None
) -> None:
    # Without a custom policy: at least 8 characters and three of uppercase, lowercase, numbers, symbols.
    # AWS's wording seen in a CloudFormation failure (redhat-cop/agnosticd#6594): "Password should meet 1 more
    # of the following requirements: Password should have at least one uppercase letter, ...".
    iam = iamd_server.client("iam")
    with pytest.raises(ClientError) as excinfo:
        iam.create_login_profile(UserName=user_name, Password="lowercase123")
    assert _error(excinfo) == (
        "PasswordPolicyViolation",
        400,
        "Password should meet 1 more of the following requirements: "
        "Password should have at least one uppercase letter, Password should have at least one symbol",
    )
    with pytest.raises(ClientError) as excinfo:
        iam.create_login_profile(UserName=user_name, Password="Ab1!")
    assert _error(excinfo)[:2] == ("PasswordPolicyViolation", 400)
    with pytest.raises(ClientError):
        iam.get_login_profile(UserName=user_name)  # nothing was created
    iam.create_login_profile(UserName=user_name, Password="lowercase123!")


def test_password_policy_lifecycle_and_enforcement(
    iamd_server: RunningServer, no_password_policy: None
) -> None:
    iam = iamd_server.client("iam")
    with pytest.raises(ClientError) as excinfo:
        iam.get_account_password_policy()
    # The API reference's own example error for an account without a custom policy.
    message = f"The Password Policy with domain name {ACCOUNT_ID} cannot be found."
    assert _error(excinfo) == ("NoSuchEntity", 404, message)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_account_password_policy()
    assert _error(excinfo) == ("NoSuchEntity", 404, message)

    iam.update_account_password_policy(
        MinimumPasswordLength=12, RequireNumbers=True, RequireSymbols=True, MaxPasswordAge=90
    )
    assert iam.get_account_password_policy()["PasswordPolicy"] == {
        "MinimumPasswordLength": 12,
        "RequireSymbols": True,
        "RequireNumbers": True,
        "RequireUppercaseCharacters": False,
        "RequireLowercaseCharacters": False,
        "AllowUsersToChangePassword": False,
        "ExpirePasswords": True,
        "MaxPasswordAge": 90,
    }

    name = unique("console")
    iam.create_user(UserName=name)
    for password, text in [
        ("Short-1", "Password should have a minimum length of 12"),
        ("no-numbers-here!", "Password should have at least one number"),
        ("nosymbols12345", "Password should have at least one symbol"),
    ]:
        with pytest.raises(ClientError) as excinfo:
            iam.create_login_profile(UserName=name, Password=password)
        assert _error(excinfo) == ("PasswordPolicyViolation", 400, text)
    iam.create_login_profile(UserName=name, Password="all lower 12 !")  # only numbers and symbols required
    with pytest.raises(ClientError) as excinfo:
        iam.update_login_profile(UserName=name, Password="too-short-1")
    assert _error(excinfo)[0] == "PasswordPolicyViolation"

    # An update replaces the whole policy: left-out fields return to their defaults.
    iam.update_account_password_policy(RequireUppercaseCharacters=True)
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert (policy["MinimumPasswordLength"], policy["RequireNumbers"], policy["ExpirePasswords"]) == (
        8,
        False,
        False,
    )
    assert "MaxPasswordAge" not in policy
    iam.delete_account_password_policy()
    with pytest.raises(ClientError):
        iam.get_account_password_policy()


def test_users_manage_their_own_profile_only(iamd_server: RunningServer, no_password_policy: None) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["iam:*LoginProfile"],
                "Resource": "arn:aws:iam::*:user/${aws:username}",
            }
        ],
    }
    user_iam, name = iamd_server.user_client("iam", policy)
    other = unique("console")
    iamd_server.client("iam").create_user(UserName=other)
    user_iam.create_login_profile(Password=GOOD)  # without UserName: its own
    assert user_iam.get_login_profile()["LoginProfile"]["UserName"] == name
    with pytest.raises(ClientError) as excinfo:
        user_iam.create_login_profile(UserName=other, Password=GOOD)
    assert _error(excinfo)[0] == "AccessDenied"
    with pytest.raises(ClientError) as excinfo:
        user_iam.get_account_password_policy()
    assert _error(excinfo)[0] == "AccessDenied"


def test_password_never_appears_in_responses_or_logs(
    iamd_server: RunningServer, user_name: str, no_password_policy: None
) -> None:
    iam = iamd_server.client("iam", use_ssl=False)  # a fresh client (extra arguments): its own event hooks
    bodies: list[bytes] = []
    iam.meta.events.register(
        "after-call.iam", lambda http_response, **_: bodies.append(http_response.content)
    )
    password = "Unique-Pa55word-" + unique("pw")
    iam.create_login_profile(UserName=user_name, Password=password)
    iam.get_login_profile(UserName=user_name)
    assert bodies and all(password.encode() not in body for body in bodies)
    assert password.encode() not in iamd_server.log_path.read_bytes()
    if iamd_server.backend == "sqlite":
        for path in iamd_server.log_path.parent.glob("iamd.db*"):
            assert password.encode() not in path.read_bytes()


def test_password_policy_range_is_validated_by_the_server(
    iamd_server: RunningServer, no_password_policy: None
) -> None:
    # minimumPasswordLengthType is 6..128 in the IAM service model; botocore would refuse 5 before sending.
    iam = unvalidated_client(iamd_server, "iam", ROOT_KEY_ID, ROOT_SECRET)
    with pytest.raises(ClientError) as excinfo:
        iam.update_account_password_policy(MinimumPasswordLength=5)
    code, status, message = _error(excinfo)
    assert (code, status) == ("ValidationError", 400)
    assert "minimumPasswordLength" in message
    with pytest.raises(ClientError):
        iam.get_account_password_policy()  # nothing was set
