"""Store behaviour added for the roles and instance profile operations, on SQLite and PostgreSQL.

Trust policy size: "Role trust policy length: 2,048 characters" (non-whitespace), reported as
``Cannot exceed quota for ACLSizePerRole: 2048``
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
ListInstanceProfilesForRole pages like every IAM list
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListInstanceProfilesForRole.html).
"""

from __future__ import annotations

import dataclasses
import json

from iamd.errors import LimitExceeded, NoSuchEntity
from iamd.store import Database, Quotas

from .conftest import ACCOUNT, TRUST, exactly, instance_profile, role


def _trust_of_size(size: int) -> str:
    """A trust policy of exactly ``size`` non-whitespace characters, written with indentation."""
    statement = {"Sid": "", "Effect": "Allow", "Principal": {"Service": "ec2"}, "Action": "sts:AssumeRole"}
    compact = json.dumps({"Version": "2012-10-17", "Statement": [statement]}, separators=(",", ":"))
    statement["Sid"] = "S" * (size - len(compact))
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=4)


def test_trust_policy_size_counts_non_whitespace_characters(database: Database, account: str) -> None:
    small = Database(database.engine, Quotas(assume_role_policy_size=300))
    with small.transaction() as tx:
        tx.roles.create(dataclasses.replace(role("fits"), assume_role_policy_document=_trust_of_size(300)))
    with exactly(LimitExceeded, "Cannot exceed quota for ACLSizePerRole: 300"), small.transaction() as tx:
        tx.roles.create(dataclasses.replace(role("too-big"), assume_role_policy_document=_trust_of_size(301)))
    with exactly(LimitExceeded, "Cannot exceed quota for ACLSizePerRole: 300"), small.transaction() as tx:
        tx.roles.update_assume_role_policy(ACCOUNT, "fits", _trust_of_size(301))
    with small.read() as tx:
        assert tx.roles.find(ACCOUNT, "too-big") is None
        assert tx.roles.get(ACCOUNT, "fits").assume_role_policy_document == _trust_of_size(300)


def test_list_for_role_pages_by_name(database: Database, account: str) -> None:
    with database.transaction() as tx:
        shared = tx.roles.create(role("shared"))
        tx.roles.create(role("other"))
        for name in ("ip-c", "IP-a", "ip-b"):
            tx.instance_profiles.create(instance_profile(name))
            tx.instance_profiles.add_role(tx.instance_profiles.get(ACCOUNT, name), shared)
        tx.instance_profiles.create(instance_profile("ip-unrelated"))
    with database.read() as tx:
        first = tx.instance_profiles.list_for_role(shared, max_items=2)
        assert [p.name for p in first.items] == ["IP-a", "ip-b"] and first.is_truncated
        rest = tx.instance_profiles.list_for_role(shared, marker=first.marker, max_items=2)
        assert [p.name for p in rest.items] == ["ip-c"] and not rest.is_truncated
        assert all([r.name for r in p.roles] == ["shared"] for p in first.items + rest.items)
        other = tx.roles.get(ACCOUNT, "other")
        assert tx.instance_profiles.list_for_role(other).items == ()


def test_removing_a_role_that_is_not_there(database: Database, account: str) -> None:
    with database.transaction() as tx:
        tx.roles.create(dataclasses.replace(role("lonely"), assume_role_policy_document=TRUST))
        tx.instance_profiles.create(instance_profile("empty"))
    with exactly(NoSuchEntity, "The role with name lonely cannot be found."), database.transaction() as tx:
        tx.instance_profiles.remove_role(
            tx.instance_profiles.get(ACCOUNT, "empty"), tx.roles.get(ACCOUNT, "lonely")
        )
