"""The account itself: CreateAccountAlias, DeleteAccountAlias, ListAccountAliases, GetAccountSummary.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccountAlias.html, its
siblings and API_GetAccountSummary.html; quotas from
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html. These actions have no resource
type in the Service Authorization Reference, so they are authorized on ``*``.
"""

from __future__ import annotations

from iamd.errors import EntityAlreadyExists, NoSuchEntity
from iamd.services.call import Call, Operation, Params, Result, Target

# Quotas AWS reports that iamd has no entity for (server and signing certificates) or does not limit
# separately (policy versions in use); the values are AWS's defaults.
SERVER_CERTIFICATES_QUOTA = 20
SIGNING_CERTIFICATES_PER_USER_QUOTA = 2
POLICY_VERSIONS_IN_USE_QUOTA = 10000
GLOBAL_ENDPOINT_TOKEN_VERSION = 1  # STS global endpoint tokens: version 1 (valid only in default regions)


def _account_target(call: Call, params: Params) -> Target:
    return Target("*")


def create_account_alias(call: Call, params: Params) -> Result:
    """One alias per account: a new alias replaces the old one. An alias that is taken, by another account
    or by this one already, is EntityAlreadyExists (observed on AWS, floci-io/floci#2103)."""
    alias = params["AccountAlias"]
    if call.tx.accounts.get(call.account_id).alias == alias:
        raise EntityAlreadyExists(f"The account alias {alias} already exists.")
    call.tx.accounts.set_alias(call.account_id, alias)
    return {}


def delete_account_alias(call: Call, params: Params) -> Result:
    alias = params["AccountAlias"]
    if call.tx.accounts.get(call.account_id).alias != alias:
        raise NoSuchEntity(f"The account alias {alias} cannot be found.")
    call.tx.accounts.set_alias(call.account_id, None)
    return {}


def list_account_aliases(call: Call, params: Params) -> Result:
    alias = call.tx.accounts.get(call.account_id).alias
    return {"AccountAliases": [alias] if alias is not None else [], "IsTruncated": False}


def get_account_summary(call: Call, params: Params) -> Result:
    counts = call.tx.accounts.summary_counts(call.account_id)
    quotas = call.tx.quotas
    summary = {
        "Users": counts["Users"],
        "UsersQuota": quotas.users_per_account,
        "Groups": counts["Groups"],
        "GroupsQuota": quotas.groups_per_account,
        "Roles": counts["Roles"],
        "RolesQuota": quotas.roles_per_account,
        "Policies": counts["Policies"],
        "PoliciesQuota": quotas.managed_policies_per_account,
        "InstanceProfiles": counts["InstanceProfiles"],
        "InstanceProfilesQuota": quotas.instance_profiles_per_account,
        "Providers": counts["OidcProviders"] + counts["SamlProviders"],
        "MFADevices": counts["MFADevices"],
        "MFADevicesInUse": counts["MFADevicesInUse"],
        "PolicyVersionsInUse": counts["PolicyVersionsInUse"],
        "PolicyVersionsInUseQuota": POLICY_VERSIONS_IN_USE_QUOTA,
        "ServerCertificates": 0,
        "ServerCertificatesQuota": SERVER_CERTIFICATES_QUOTA,
        "AccessKeysPerUserQuota": quotas.access_keys_per_user,
        "SigningCertificatesPerUserQuota": SIGNING_CERTIFICATES_PER_USER_QUOTA,
        "GroupsPerUserQuota": quotas.groups_per_user,
        "AttachedPoliciesPerUserQuota": quotas.attached_policies_per_user,
        "AttachedPoliciesPerGroupQuota": quotas.attached_policies_per_group,
        "AttachedPoliciesPerRoleQuota": quotas.attached_policies_per_role,
        "VersionsPerPolicyQuota": quotas.versions_per_policy,
        "UserPolicySizeQuota": quotas.user_inline_policy_size,
        "GroupPolicySizeQuota": quotas.group_inline_policy_size,
        "RolePolicySizeQuota": quotas.role_inline_policy_size,
        "PolicySizeQuota": quotas.managed_policy_size,
        "AssumeRolePolicySizeQuota": quotas.assume_role_policy_size,
        "AccountMFAEnabled": 0,  # MFA for the root user is not modelled in iamd
        "AccountAccessKeysPresent": 1 if counts["RootAccessKeys"] else 0,
        "AccountPasswordPresent": 0,  # the root user signs in with access keys only
        "AccountSigningCertificatesPresent": 0,
        "GlobalEndpointTokenVersion": GLOBAL_ENDPOINT_TOKEN_VERSION,
    }
    return {"SummaryMap": summary}


OPERATIONS: dict[str, Operation] = {
    "CreateAccountAlias": Operation(create_account_alias, _account_target),
    "DeleteAccountAlias": Operation(delete_account_alias, _account_target),
    "ListAccountAliases": Operation(list_account_aliases, _account_target, writes=False),
    "GetAccountSummary": Operation(get_account_summary, _account_target, writes=False),
}
