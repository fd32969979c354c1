"""AWS's default IAM quotas, in one place, and the LimitExceeded errors they raise.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html ("IAM object quotas"
and "IAM and STS character limits"). Adjustable quotas can be changed per deployment by passing another
:class:`Quotas` to ``Database.open``; the two fixed by AWS (2 access keys per user, 5 versions per
managed policy) are also fixed by the schema's slot constraints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace

from iamd.errors import LimitExceeded


@dataclass(frozen=True, slots=True)
class Quotas:
    users_per_account: int = 5000
    groups_per_account: int = 300
    roles_per_account: int = 1000
    managed_policies_per_account: int = 1500
    instance_profiles_per_account: int = 1000
    oidc_providers_per_account: int = 100
    saml_providers_per_account: int = 100
    groups_per_user: int = 10
    attached_policies_per_user: int = 10
    attached_policies_per_group: int = 10
    attached_policies_per_role: int = 10
    tags_per_resource: int = 50
    mfa_devices_per_user: int = 8
    client_ids_per_oidc_provider: int = 100
    thumbprints_per_oidc_provider: int = 5
    # Character limits (non-whitespace characters): aggregate inline policies per principal, one managed
    # policy document, one trust policy.
    user_inline_policy_size: int = 2048
    group_inline_policy_size: int = 5120
    role_inline_policy_size: int = 10240
    managed_policy_size: int = 6144
    assume_role_policy_size: int = 2048
    # Fixed by AWS and by the schema (slot columns); listed for GetAccountSummary.
    access_keys_per_user: int = 2
    versions_per_policy: int = 5


FIXED_QUOTAS = frozenset({"access_keys_per_user", "versions_per_policy"})


def with_overrides(quotas: Quotas, settings: Iterable[str]) -> Quotas:
    """``quotas`` with ``NAME=N`` settings applied; NAME is AWS's quota name (``UsersPerAccount``) or the
    field name (``users_per_account``). Raises ValueError for an unknown or fixed quota or a bad number."""
    by_name = {aws.lower(): field for field, aws in AWS_QUOTA_NAMES.items()}
    by_name.update({f.name: f.name for f in fields(Quotas)})
    changes: dict[str, int] = {}
    for setting in settings:
        name, sep, value = setting.partition("=")
        field = by_name.get(name.strip().lower()) or by_name.get(name.strip())
        if not sep or field is None:
            raise ValueError(f"unknown quota {name.strip()!r} (expected NAME=N, e.g. UsersPerAccount=10000)")
        if field in FIXED_QUOTAS:
            raise ValueError(f"{name.strip()} is fixed by AWS and cannot be changed")
        if not value.strip().isdigit() or int(value) < 1:
            raise ValueError(f"quota {name.strip()} needs a positive whole number, not {value.strip()!r}")
        changes[field] = int(value)
    return replace(quotas, **changes)


# The names AWS uses for its quotas in LimitExceeded messages and in GetAccountSummary.
AWS_QUOTA_NAMES: dict[str, str] = {
    "users_per_account": "UsersPerAccount",
    "groups_per_account": "GroupsPerAccount",
    "roles_per_account": "RolesPerAccount",
    "managed_policies_per_account": "PoliciesPerAccount",
    "instance_profiles_per_account": "InstanceProfilesPerAccount",
    "oidc_providers_per_account": "OpenIdConnectProvidersPerAccount",
    "saml_providers_per_account": "SAMLProvidersPerAccount",
    "groups_per_user": "GroupsPerUser",
    "attached_policies_per_user": "PoliciesPerUser",
    "attached_policies_per_group": "PoliciesPerGroup",
    "attached_policies_per_role": "PoliciesPerRole",
    "tags_per_resource": "TagsPerResource",
    "mfa_devices_per_user": "MFADevicesPerUser",
    "access_keys_per_user": "AccessKeysPerUser",
    "versions_per_policy": "VersionsPerPolicy",
}


def quota_exceeded(quotas: Quotas, quota: str) -> LimitExceeded:
    """AWS's wording: ``Cannot exceed quota for AccessKeysPerUser: 2``."""
    return LimitExceeded(f"Cannot exceed quota for {AWS_QUOTA_NAMES[quota]}: {getattr(quotas, quota)}")


def policy_versions_exceeded(quotas: Quotas) -> LimitExceeded:
    """CreatePolicyVersion's own wording when all version slots are taken."""
    return LimitExceeded(
        f"A managed policy can have up to {quotas.versions_per_policy} versions. "
        "Before you create a new version, you must delete an existing version."
    )


def non_whitespace_length(document: str) -> int:
    """AWS counts policy sizes in characters other than white space."""
    return sum(1 for char in document if not char.isspace())
