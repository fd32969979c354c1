"""Account aliases and GetAccountSummary through boto3 against a real server.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccountAlias.html,
API_DeleteAccountAlias.html, API_ListAccountAliases.html, API_GetAccountSummary.html and the quotas page
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html.
"""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique

# Every key of summaryKeyType in the IAM service model; GetAccountSummary answers each of them.
SUMMARY_KEYS = {
    "Users", "UsersQuota", "Groups", "GroupsQuota", "ServerCertificates", "ServerCertificatesQuota",
    "UserPolicySizeQuota", "GroupPolicySizeQuota", "GroupsPerUserQuota", "SigningCertificatesPerUserQuota",
    "AccessKeysPerUserQuota", "MFADevices", "MFADevicesInUse", "AccountMFAEnabled",
    "AccountAccessKeysPresent", "AccountPasswordPresent",
    "AccountSigningCertificatesPresent", "AttachedPoliciesPerGroupQuota", "AttachedPoliciesPerRoleQuota",
    "AttachedPoliciesPerUserQuota", "Policies", "PoliciesQuota", "PolicySizeQuota", "PolicyVersionsInUse",
    "PolicyVersionsInUseQuota", "VersionsPerPolicyQuota", "GlobalEndpointTokenVersion",
    "AssumeRolePolicySizeQuota", "InstanceProfiles", "InstanceProfilesQuota", "Providers",
    "RolePolicySizeQuota", "Roles", "RolesQuota",
}  # fmt: skip


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def test_alias_lifecycle(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    first, second = unique("acme"), unique("acme")
    iam.create_account_alias(AccountAlias=first)
    try:
        assert iam.list_account_aliases()["AccountAliases"] == [first]
        with pytest.raises(ClientError) as excinfo:  # the alias is taken, if only by this account
            iam.create_account_alias(AccountAlias=first)
        assert _error(excinfo) == ("EntityAlreadyExists", 409, f"The account alias {first} already exists.")
        iam.create_account_alias(AccountAlias=second)  # an account has one alias: the new one replaces it
        assert iam.list_account_aliases()["AccountAliases"] == [second]

        with pytest.raises(ClientError) as excinfo:
            iam.delete_account_alias(AccountAlias=first)
        assert _error(excinfo) == ("NoSuchEntity", 404, f"The account alias {first} cannot be found.")
        assert iam.list_account_aliases()["AccountAliases"] == [second]
    finally:
        for alias in iam.list_account_aliases()["AccountAliases"]:
            iam.delete_account_alias(AccountAlias=alias)
    assert iam.list_account_aliases()["AccountAliases"] == []
    assert iam.list_account_aliases()["IsTruncated"] is False


def test_invalid_alias_is_a_validation_error(iamd_server: RunningServer) -> None:
    # accountAliasType: 3 to 63 characters, lower-case letters, digits and single inner hyphens.
    iam = iamd_server.client("iam")
    for alias in ("Upper-Case", "double--hyphen", "-leading"):
        with pytest.raises(ClientError) as excinfo:
            iam.create_account_alias(AccountAlias=alias)
        assert _error(excinfo)[:2] == ("ValidationError", 400)
    assert iam.list_account_aliases()["AccountAliases"] == []


def test_alias_needs_permission(iamd_server: RunningServer) -> None:
    user_iam, _ = iamd_server.user_client("iam", None)
    with pytest.raises(ClientError) as excinfo:
        user_iam.create_account_alias(AccountAlias=unique("denied"))
    assert _error(excinfo)[:2] == ("AccessDenied", 403)
    with pytest.raises(ClientError) as excinfo:
        user_iam.get_account_summary()
    assert _error(excinfo)[:2] == ("AccessDenied", 403)


def test_summary_has_every_key_and_aws_default_quotas(iamd_server: RunningServer) -> None:
    summary = iamd_server.client("iam").get_account_summary()["SummaryMap"]
    assert set(summary) == SUMMARY_KEYS
    assert {
        key: summary[key]
        for key in (
            "UsersQuota",
            "GroupsQuota",
            "RolesQuota",
            "PoliciesQuota",
            "InstanceProfilesQuota",
            "AccessKeysPerUserQuota",
            "AttachedPoliciesPerUserQuota",
            "AttachedPoliciesPerGroupQuota",
            "AttachedPoliciesPerRoleQuota",
            "GroupsPerUserQuota",
            "VersionsPerPolicyQuota",
            "UserPolicySizeQuota",
            "GroupPolicySizeQuota",
            "RolePolicySizeQuota",
            "PolicySizeQuota",
            "AssumeRolePolicySizeQuota",
        )
    } == {
        "UsersQuota": 5000,
        "GroupsQuota": 300,
        "RolesQuota": 1000,
        "PoliciesQuota": 1500,
        "InstanceProfilesQuota": 1000,
        "AccessKeysPerUserQuota": 2,
        "AttachedPoliciesPerUserQuota": 10,
        "AttachedPoliciesPerGroupQuota": 10,
        "AttachedPoliciesPerRoleQuota": 10,
        "GroupsPerUserQuota": 10,
        "VersionsPerPolicyQuota": 5,
        "UserPolicySizeQuota": 2048,
        "GroupPolicySizeQuota": 5120,
        "RolePolicySizeQuota": 10240,
        "PolicySizeQuota": 6144,
        "AssumeRolePolicySizeQuota": 2048,
    }
    assert summary["AccountAccessKeysPresent"] == 1  # the bootstrapped root key
    assert summary["AccountMFAEnabled"] == 0


def test_summary_counts_follow_changes(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    before = iam.get_account_summary()["SummaryMap"]
    name = unique("counted")
    iam.create_user(UserName=name)
    after = iam.get_account_summary()["SummaryMap"]
    assert after["Users"] == before["Users"] + 1
    iam.delete_user(UserName=name)
    assert iam.get_account_summary()["SummaryMap"]["Users"] == before["Users"]


def _second_account(iamd_server: RunningServer) -> tuple[str, Any]:
    """A new account made by ``iamd admin create-account`` on the server's database; its root IAM client."""
    args = [str(arg) for arg in iamd_server.process.args]  # type: ignore[union-attr]
    command = [
        sys.executable,
        "-m",
        "iamd",
        "admin",
        "create-account",
        "--data-dir",
        args[args.index("--data-dir") + 1],
    ]
    if "--database-url" in args:
        command += ["--database-url", args[args.index("--database-url") + 1]]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IAMD_", "AWS_"))}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=True)
    parser = configparser.ConfigParser()
    parser.read_string(done.stdout)
    [profile] = parser.sections()
    credentials = parser[profile]
    client = iamd_server.client("iam", credentials["aws_access_key_id"], credentials["aws_secret_access_key"])
    return profile.removeprefix("iamd-"), client


def test_accounts_are_apart(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    other_id, other = _second_account(iamd_server)
    assert other_id != ACCOUNT_ID

    # Aliases are unique across all accounts.
    alias = unique("shared")
    other.create_account_alias(AccountAlias=alias)
    with pytest.raises(ClientError) as excinfo:
        iam.create_account_alias(AccountAlias=alias)
    assert _error(excinfo) == ("EntityAlreadyExists", 409, f"The account alias {alias} already exists.")
    assert iam.list_account_aliases()["AccountAliases"] == []
    other.delete_account_alias(AccountAlias=alias)

    # Another account's keys do not exist for this one.
    name = unique("apart")
    iam.create_user(UserName=name)
    key_id = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    attempts: list[tuple[str, dict[str, str]]] = [
        ("get_access_key_last_used", {"AccessKeyId": key_id}),
        ("update_access_key", {"AccessKeyId": key_id, "Status": "Inactive"}),
        ("delete_access_key", {"AccessKeyId": key_id}),
    ]
    for operation, kwargs in attempts:
        with pytest.raises(ClientError) as excinfo:
            getattr(other, operation)(**kwargs)
        assert _error(excinfo) == ("NoSuchEntity", 404, f"The Access Key with id {key_id} cannot be found.")
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"][0]["Status"] == "Active"
    assert len(other.list_access_keys()["AccessKeyMetadata"]) == 1  # its own root key only

    summary = other.get_account_summary()["SummaryMap"]
    assert (summary["Users"], summary["Roles"], summary["AccountAccessKeysPresent"]) == (0, 0, 1)
    details = other.get_account_authorization_details()
    assert not details["UserDetailList"] and not details["RoleDetailList"] and not details["Policies"]
