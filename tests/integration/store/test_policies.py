"""Managed policies: versions (ids, default, the 5-version limit, concurrently too), attachments, deletion."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from iamd.errors import DeleteConflict, LimitExceeded, NoSuchEntity
from iamd.model import Account, AttachedPolicy, PolicyVersion, PrincipalKind, User
from iamd.store import Database, Quotas

from .conftest import ACCOUNT, DOCUMENT, NOW, exactly, group, peers, policy, role, run_concurrently, user

LATER = datetime(2026, 6, 1, tzinfo=UTC)
# CreatePolicyVersion's LimitExceeded wording
# (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html: at most five versions)
FIVE_VERSIONS = (
    "A managed policy can have up to 5 versions. "
    "Before you create a new version, you must delete an existing version."
)
AWS_MANAGED = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def test_create_get_and_first_version(database: Database, account: str) -> None:
    created = policy("reader", "/team/")
    with database.transaction() as tx:
        stored = tx.policies.create(created, DOCUMENT)
    assert (stored.id, stored.default_version_id, stored.attachment_count) == (created.id, "v1", 0)
    with database.read() as tx:
        assert tx.policies.get_version(created.arn, "v1") == PolicyVersion(
            created.arn, "v1", DOCUMENT, True, NOW
        )
        assert tx.policies.default_documents([created.arn, AWS_MANAGED]) == {created.arn: DOCUMENT}
        with exactly(NoSuchEntity, f"Policy {created.arn} version v2 does not exist or is not attachable."):
            tx.policies.get_version(created.arn, "v2")


def test_policy_names_are_unique_case_insensitively(database: Database, account: str) -> None:
    with database.transaction() as tx:
        tx.policies.create(policy("Reader"), DOCUMENT)
    with (
        pytest.raises(Exception, match="A policy called READER already exists"),
        database.transaction() as tx,
    ):
        tx.policies.create(policy("READER", "/elsewhere/"), DOCUMENT)


def test_versions_count_up_and_are_never_reused(database: Database, account: str) -> None:
    # AWS: version ids keep counting after deletions (v1, v2, delete v2, next is v3)
    # (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html)
    managed = policy("reader")
    with database.transaction() as tx:
        tx.policies.create(managed, DOCUMENT)
        v2 = tx.policies.create_version(managed.arn, DOCUMENT, set_as_default=True, created=LATER)
        tx.policies.delete_version(managed.arn, "v1")
        v3 = tx.policies.create_version(managed.arn, DOCUMENT, set_as_default=False, created=LATER)
    assert (v2.version_id, v2.is_default, v3.version_id, v3.is_default) == ("v2", True, "v3", False)
    with database.read() as tx:
        assert [v.version_id for v in tx.policies.list_versions(managed.arn)] == ["v3", "v2"]
        assert tx.policies.get(managed.arn).default_version_id == "v2"
        assert tx.policies.get(managed.arn).updated == LATER


def test_default_version_cannot_be_deleted_and_moves(database: Database, account: str) -> None:
    managed = policy("reader")
    with database.transaction() as tx:
        tx.policies.create(managed, DOCUMENT)
        tx.policies.create_version(managed.arn, DOCUMENT, set_as_default=False, created=LATER)
    with (
        exactly(DeleteConflict, "Cannot delete the default version of a policy."),
        database.transaction() as tx,
    ):
        tx.policies.delete_version(managed.arn, "v1")
    with database.transaction() as tx:
        tx.policies.set_default_version(managed.arn, "v2", LATER)
        tx.policies.delete_version(managed.arn, "v1")
    with database.read() as tx:
        assert [(v.version_id, v.is_default) for v in tx.policies.list_versions(managed.arn)] == [
            ("v2", True)
        ]


def test_five_versions_at_most(database: Database, account: str) -> None:
    managed = policy("reader")
    with database.transaction() as tx:
        tx.policies.create(managed, DOCUMENT)
        for _ in range(4):
            tx.policies.create_version(managed.arn, DOCUMENT, set_as_default=True, created=LATER)
    with exactly(LimitExceeded, FIVE_VERSIONS), database.transaction() as tx:
        tx.policies.create_version(managed.arn, DOCUMENT, set_as_default=False, created=LATER)


@pytest.mark.slow
def test_five_versions_under_concurrency(database: Database, account: str) -> None:
    managed = policy("reader")
    with database.transaction() as tx:
        tx.policies.create(managed, DOCUMENT)
    with peers(database, 4) as handles:

        def create(index: int) -> PolicyVersion:
            with handles[index % len(handles)].transaction() as tx:
                return tx.policies.create_version(
                    managed.arn, DOCUMENT, set_as_default=index % 2 == 0, created=LATER
                )

        results = run_concurrently(30, create)
    created = [result for result in results if isinstance(result, PolicyVersion)]
    assert len(created) == 4
    assert all(isinstance(result, (PolicyVersion, LimitExceeded)) for result in results)
    with database.read() as tx:
        versions = tx.policies.list_versions(managed.arn)
    assert len(versions) == 5
    assert sum(version.is_default for version in versions) == 1
    assert len({version.version_id for version in versions}) == 5


def test_delete_policy_conflicts(database: Database, create_user: Callable[..., User], account: str) -> None:
    # AWS DeletePolicy: detach from every entity and delete the non-default versions first
    # (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html)
    alice = create_user("alice")
    managed = policy("reader")
    with database.transaction() as tx:
        tx.policies.create(managed, DOCUMENT)
        tx.policies.create_version(managed.arn, DOCUMENT, set_as_default=False, created=LATER)
        tx.attachments.attach(PrincipalKind.USER, alice.id, managed.arn, NOW)
    with (
        pytest.raises(DeleteConflict, match="must delete the policy's versions"),
        database.transaction() as tx,
    ):
        tx.policies.delete(managed.arn)
    with database.transaction() as tx:
        tx.policies.delete_version(managed.arn, "v2")
    with (
        exactly(DeleteConflict, "Cannot delete a policy attached to entities."),
        database.transaction() as tx,
    ):
        tx.policies.delete(managed.arn)
    with database.transaction() as tx:
        tx.attachments.detach(PrincipalKind.USER, alice.id, managed.arn)
        tx.policies.delete(managed.arn)
    with database.read() as tx:
        assert tx.policies.find(managed.arn) is None


def test_attachments_customer_and_aws_managed(
    database: Database, create_user: Callable[..., User], account: str
) -> None:
    alice = create_user("alice")
    admins, ops = group("admins"), role("ops")
    managed = policy("reader")
    with database.transaction() as tx:
        tx.groups.create(admins)
        tx.roles.create(ops)
        tx.policies.create(managed, DOCUMENT)
        tx.attachments.attach(PrincipalKind.USER, alice.id, managed.arn, NOW)
        tx.attachments.attach(PrincipalKind.USER, alice.id, managed.arn, NOW)  # again: a no-op, as in AWS
        tx.attachments.attach(PrincipalKind.USER, alice.id, AWS_MANAGED, NOW)
        tx.attachments.attach(PrincipalKind.GROUP, admins.id, managed.arn, NOW)
        tx.attachments.attach(PrincipalKind.ROLE, ops.id, managed.arn, NOW)
    with database.read() as tx:
        assert tx.attachments.list(PrincipalKind.USER, alice.id).items == (
            AttachedPolicy(managed.arn),
            AttachedPolicy(AWS_MANAGED),
        )
        assert tx.policies.get(managed.arn).attachment_count == 3
        assert tx.attachments.count(AWS_MANAGED) == 1
        entities = tx.attachments.entities(managed.arn)
        assert (
            [u.name for u in entities.users],
            [g.name for g in entities.groups],
            [r.name for r in entities.roles],
        ) == (
            ["alice"],
            ["admins"],
            ["ops"],
        )
        assert tx.attachments.arns(PrincipalKind.USER, [alice.id]) == {alice.id: (managed.arn, AWS_MANAGED)}
    with exactly(NoSuchEntity, f"Policy {AWS_MANAGED} was not found."), database.transaction() as tx:
        tx.attachments.detach(PrincipalKind.ROLE, ops.id, AWS_MANAGED)


def test_attaching_an_unknown_customer_policy(database: Database, create_user: Callable[..., User]) -> None:
    alice = create_user("alice")
    missing = f"arn:aws:iam::{ACCOUNT}:policy/missing"
    with (
        exactly(NoSuchEntity, f"Policy {missing} does not exist or is not attachable."),
        database.transaction() as tx,
    ):
        tx.attachments.attach(PrincipalKind.USER, alice.id, missing, NOW)


def test_attached_policies_quota(database: Database, create_user: Callable[..., User]) -> None:
    # AWS: 10 managed policies per user by default (PoliciesPerUser)
    alice = create_user("alice")
    small = Database(database.engine, Quotas(attached_policies_per_user=2))
    with small.transaction() as tx:
        tx.attachments.attach(PrincipalKind.USER, alice.id, "arn:aws:iam::aws:policy/A", NOW)
        tx.attachments.attach(PrincipalKind.USER, alice.id, "arn:aws:iam::aws:policy/B", NOW)
    with exactly(LimitExceeded, "Cannot exceed quota for PoliciesPerUser: 2"), small.transaction() as tx:
        tx.attachments.attach(PrincipalKind.USER, alice.id, "arn:aws:iam::aws:policy/C", NOW)
    with small.transaction() as tx:
        tx.attachments.detach(PrincipalKind.USER, alice.id, "arn:aws:iam::aws:policy/A")
        tx.attachments.attach(PrincipalKind.USER, alice.id, "arn:aws:iam::aws:policy/C", NOW)


def test_inline_policies(database: Database, create_user: Callable[..., User], account: str) -> None:
    alice = create_user("alice")
    with database.transaction() as tx:
        tx.inline_policies.put(PrincipalKind.USER, alice.id, "b-policy", DOCUMENT)
        tx.inline_policies.put(PrincipalKind.USER, alice.id, "a-policy", DOCUMENT)
        tx.inline_policies.put(PrincipalKind.USER, alice.id, "a-policy", "{}")  # replaces
    with database.read() as tx:
        assert tx.inline_policies.names(PrincipalKind.USER, alice.id).items == ("a-policy", "b-policy")
        assert tx.inline_policies.get(PrincipalKind.USER, alice.id, "a-policy").document == "{}"
        assert len(tx.inline_policies.all_for(PrincipalKind.USER, [alice.id])) == 2
    with pytest.raises(DeleteConflict, match="must delete policies first"), database.transaction() as tx:
        tx.users.delete(account, "alice")
    with database.transaction() as tx:
        tx.inline_policies.delete(PrincipalKind.USER, alice.id, "a-policy")
    with exactly(NoSuchEntity, "The user policy with name a-policy cannot be found."), database.read() as tx:
        tx.inline_policies.get(PrincipalKind.USER, alice.id, "a-policy")


def test_inline_policy_aggregate_size(database: Database, create_user: Callable[..., User]) -> None:
    # AWS: inline policies of a user may total 2,048 non-whitespace characters
    # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)
    alice = create_user("alice")
    with database.transaction() as tx:
        tx.inline_policies.put(PrincipalKind.USER, alice.id, "one", "x" * 1500 + " " * 900)
    too_big = pytest.raises(LimitExceeded, match="Maximum policy size of 2048 bytes exceeded for user alice")
    with too_big, database.transaction() as tx:
        tx.inline_policies.put(PrincipalKind.USER, alice.id, "two", "y" * 600)


def test_list_filters_and_inclusive_start(
    database: Database, create_user: Callable[..., User], account: str
) -> None:
    # ListPolicies OnlyAttached + PolicyUsageFilter
    # (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicies.html)
    alice = create_user("alice")
    attached, boundary, idle = policy("attached"), policy("boundary"), policy("idle")
    with database.transaction() as tx:
        for managed in (attached, boundary, idle):
            tx.policies.create(managed, DOCUMENT)
        tx.attachments.attach(PrincipalKind.USER, alice.id, attached.arn, NOW)
        tx.users.set_permissions_boundary(ACCOUNT, "alice", boundary.arn)
    with database.read() as tx:

        def names(**kwargs: Any) -> list[str]:
            return [p.name for p in tx.policies.list(ACCOUNT, **kwargs).items]

        assert names() == ["attached", "boundary", "idle"]
        assert names(only_attached=True) == ["attached"]
        assert names(only_attached=True, usage="PermissionsPolicy") == ["attached"]
        assert names(only_attached=True, usage="PermissionsBoundary") == ["boundary"]
        assert names(names_from="boundary") == ["boundary", "idle"]
        assert names(names_from="b") == ["boundary", "idle"]


def test_aws_managed_usage_counts_one_account_only(
    database: Database, create_user: Callable[..., User], account: str
) -> None:
    # AWS managed policies are shared by every account; AttachmentCount is the caller's account's.
    other_account = "210987654321"
    alice = create_user("alice")
    ops = role("ops")
    stranger = user("stranger", account=other_account)
    with database.transaction() as tx:
        tx.accounts.create(Account(other_account, None, NOW))
        tx.users.create(stranger)
        tx.roles.create(ops)
        tx.attachments.attach(PrincipalKind.USER, alice.id, AWS_MANAGED, NOW)
        tx.attachments.attach(PrincipalKind.ROLE, ops.id, AWS_MANAGED, NOW)
        tx.attachments.attach(PrincipalKind.USER, stranger.id, AWS_MANAGED, NOW)
        tx.users.set_permissions_boundary(ACCOUNT, "alice", "arn:aws:iam::aws:policy/PowerUserAccess")
    with database.read() as tx:
        assert tx.policies.aws_managed_usage(ACCOUNT) == {
            AWS_MANAGED: (2, 0),
            "arn:aws:iam::aws:policy/PowerUserAccess": (0, 1),
        }
        assert tx.policies.aws_managed_usage(ACCOUNT, AWS_MANAGED) == {AWS_MANAGED: (2, 0)}
        assert tx.policies.aws_managed_usage(other_account) == {AWS_MANAGED: (1, 0)}


def test_list_orders_names_by_code_point(database: Database, account: str) -> None:
    # ListPolicies merges this list with the AWS managed policies in Python, so both must agree on order
    # whatever the database's collation (PostgreSQL's en_US would put "a-d" after "a_c" and "ab" apart).
    with database.transaction() as tx:
        for name in ("ab", "a_c", "a-d", "a.e", "a0"):
            tx.policies.create(policy(name), DOCUMENT)
    with database.read() as tx:
        names = [p.name for p in tx.policies.list(ACCOUNT).items]
        assert names == sorted(names) == ["a-d", "a.e", "a0", "a_c", "ab"]
        assert [p.name for p in tx.policies.list(ACCOUNT, names_from="a0").items] == ["a0", "a_c", "ab"]
