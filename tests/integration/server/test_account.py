"""Account aliases and GetAccountSummary through boto3 against a real server.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccountAlias.html,
API_DeleteAccountAlias.html, API_ListAccountAliases.html, API_GetAccountSummary.html and the quotas page
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import RunningServer, unique

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
