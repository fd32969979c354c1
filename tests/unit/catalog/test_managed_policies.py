"""The shipped AWS managed policies (data/aws-managed-policies.json)."""

from __future__ import annotations

import json

from iamd.catalog import managed_policies, managed_policy


def test_managed_policy_fields() -> None:
    policy = managed_policy("AdministratorAccess")
    assert policy is not None
    assert policy.path == "/"
    assert policy.arn == "arn:aws:iam::aws:policy/AdministratorAccess"
    assert policy.default_version_id.startswith("v")
    document = json.loads(policy.document)
    assert document["Statement"][0]["Action"] == "*"


def test_paths_are_part_of_the_arn() -> None:
    service_role = [p for p in managed_policies().values() if p.path == "/service-role/"]
    assert service_role
    assert service_role[0].arn.startswith("arn:aws:iam::aws:policy/service-role/")


def test_unknown_policy() -> None:
    assert managed_policy("NoSuchPolicy") is None
