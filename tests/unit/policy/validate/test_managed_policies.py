"""Every AWS managed policy shipped with iamd validates without an ERROR finding.

AWS wrote these documents and IAM stores them, so an ERROR on any of them is a bug in the validator (data:
src/iamd/catalog/data/aws-managed-policies.json, source in SOURCE.md beside it).
"""

from __future__ import annotations

import pytest

from iamd.catalog import managed_policies
from iamd.policy.validate import validate_for_iam, validate_policy


def test_all_1582_managed_policies_are_shipped() -> None:
    policies = managed_policies()
    assert len(policies) == 1582
    assert policies["ReadOnlyAccess"].arn == "arn:aws:iam::aws:policy/ReadOnlyAccess"


def test_no_managed_policy_has_an_error_finding() -> None:
    errors = {
        name: [f"{f.issue_code} at {f.location_path}: {f.message}" for f in findings]
        for name, findings in (
            (name, [f for f in validate_policy(policy.document) if f.finding_type == "ERROR"])
            for name, policy in managed_policies().items()
        )
        if findings
    }
    assert errors == {}


@pytest.mark.parametrize(
    "name",
    ["AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "AmazonS3FullAccess", "IAMFullAccess"],
)
def test_iam_accepts_well_known_managed_policies(name: str) -> None:
    # Managed policies may exceed the 6,144-character quota of customer policies, so no size check here.
    validate_for_iam(managed_policies()[name].document, max_size=1_000_000)
