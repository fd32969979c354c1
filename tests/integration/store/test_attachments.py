"""Attachments repository: the permissions-boundary side of ListEntitiesForPolicy.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListEntitiesForPolicy.html: with
PolicyUsageFilter=PermissionsBoundary, the users and roles whose boundary is the policy (groups have none).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from iamd.model import PrincipalKind, User
from iamd.store import Database

from .conftest import DOCUMENT, NOW, policy, role


def test_boundary_entities(database: Database, create_user: Callable[..., User], account: str) -> None:
    bounded_user, attached_user = create_user("bob"), create_user("alice")
    create_user("carol")  # neither
    boundary = policy("fence")
    with database.transaction() as tx:
        tx.policies.create(boundary, DOCUMENT)
        tx.roles.create(dataclasses.replace(role("ops"), permissions_boundary_arn=boundary.arn))
        tx.roles.create(role("plain"))
        tx.users.set_permissions_boundary(account, bounded_user.name, boundary.arn)
        tx.attachments.attach(PrincipalKind.USER, attached_user.id, boundary.arn, NOW)
    with database.read() as tx:
        bounded = tx.attachments.boundary_entities(boundary.arn)
        assert [u.name for u in bounded.users] == ["bob"]
        assert [r.name for r in bounded.roles] == ["ops"]
        assert bounded.groups == ()
        # The attachment side stays separate.
        assert [u.name for u in tx.attachments.entities(boundary.arn).users] == ["alice"]
        assert tx.attachments.boundary_entities("arn:aws:iam::aws:policy/ReadOnlyAccess").users == ()
