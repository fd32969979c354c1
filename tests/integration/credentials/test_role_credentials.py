"""The role credentials behind both endpoints, in-process with a fixed clock: issued as real role sessions,
reused while fresh, renewed an hour before they expire, refused when the trust policy does not allow the
service (evaluated by the engine with the service as the principal, conditions included)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from iamd.auth.secrets import SecretBox, generate_master_key
from iamd.auth.session_tokens import SessionTokens
from iamd.clock import FixedClock
from iamd.credentials_endpoints import RoleCredentials, RoleUnavailable
from iamd.model import Role
from iamd.services.accounts import bootstrap
from iamd.store import Database

ACCOUNT = "123456789012"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/app"
START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _trust(service: str, **condition: Any) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture
def world() -> Iterator[tuple[Database, SecretBox, FixedClock]]:
    database = Database.ephemeral()
    box = SecretBox.from_master_key(generate_master_key())
    bootstrap(database, box, START, account_id=ACCOUNT)
    yield database, box, FixedClock(START)
    database.close()


def _create_role(database: Database, trust: str, name: str = "app") -> Role:
    role = Role(
        account_id=ACCOUNT,
        id="AROA" + ("ABCDEFGHIJKLMNOPQ" if name == "app" else "QPONMLKJIHGFEDCBA"),
        name=name,
        path="/",
        arn=f"arn:aws:iam::{ACCOUNT}:role/{name}",
        created=START,
        assume_role_policy_document=trust,
    )
    with database.transaction() as tx:
        return tx.roles.create(role)


def _set_trust(database: Database, trust: str) -> None:
    with database.transaction() as tx:
        tx.roles.update_assume_role_policy(ACCOUNT, "app", trust)


def test_issues_a_role_session_of_the_configured_role(world: tuple[Database, SecretBox, FixedClock]) -> None:
    database, box, clock = world
    role = _create_role(database, _trust("ec2.amazonaws.com"))
    issued = RoleCredentials(database, box, clock, ROLE_ARN, "ec2.amazonaws.com").get()
    session = SessionTokens(box).session(issued.access_key_id, issued.token, clock.now())
    assert session is not None
    assert (session.kind, session.principal_arn, session.principal_id) == ("role_session", role.arn, role.id)
    assert session.session_name is not None and session.session_name.startswith("i-0")
    assert session.secret_access_key.reveal() == issued.secret_access_key
    assert issued.expires_at == START + timedelta(hours=6)
    with database.read() as tx:
        used = tx.roles.get(ACCOUNT, "app").last_used
    assert used is not None and used.date == START


def test_container_sessions_are_named_like_task_ids(world: tuple[Database, SecretBox, FixedClock]) -> None:
    database, box, clock = world
    _create_role(database, _trust("ecs-tasks.amazonaws.com"))
    issued = RoleCredentials(database, box, clock, ROLE_ARN, "ecs-tasks.amazonaws.com").get()
    name = issued.session.session_name
    assert name is not None and len(name) == 32 and int(name, 16) >= 0


def test_reused_while_fresh_and_renewed_an_hour_before_expiry(
    world: tuple[Database, SecretBox, FixedClock],
) -> None:
    database, box, clock = world
    _create_role(database, _trust("ec2.amazonaws.com"))
    source = RoleCredentials(database, box, clock, ROLE_ARN, "ec2.amazonaws.com")
    first = source.get()
    clock.advance(timedelta(hours=4, minutes=59))
    assert source.get().access_key_id == first.access_key_id
    clock.advance(timedelta(minutes=1))  # one hour left: renewed
    second = source.get()
    assert second.access_key_id != first.access_key_id
    assert second.expires_at == clock.now() + timedelta(hours=6)
    assert second.expires_at - first.expires_at == timedelta(hours=5)


@pytest.mark.parametrize(
    ("trust", "served"),
    [
        (_trust("ec2.amazonaws.com"), True),
        (_trust("ecs-tasks.amazonaws.com"), False),
        (_trust("EC2.amazonaws.com"), True),  # service principals compare case-insensitively
        (_trust("ec2.amazonaws.com", StringEquals={"aws:SourceAccount": ACCOUNT}), True),
        (_trust("ec2.amazonaws.com", StringEquals={"aws:SourceAccount": "999999999999"}), False),
        (_trust("ec2.amazonaws.com", Bool={"aws:PrincipalIsAWSService": "true"}), True),
        (
            json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ec2.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        },
                        {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"},
                    ],
                }
            ),
            False,
        ),
        (
            json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
            False,
        ),
    ],
)
def test_trust_policy_decides(
    world: tuple[Database, SecretBox, FixedClock], trust: str, served: bool
) -> None:
    database, box, clock = world
    _create_role(database, trust)
    source = RoleCredentials(database, box, clock, ROLE_ARN, "ec2.amazonaws.com")
    if served:
        assert source.get().role.arn == ROLE_ARN
        assert source.check() is None
    else:
        with pytest.raises(RoleUnavailable) as refusal:
            source.get()
        assert not refusal.value.missing
        assert "does not allow ec2.amazonaws.com" in refusal.value.reason
        assert source.check() == refusal.value.reason


def test_trust_is_checked_on_every_request(world: tuple[Database, SecretBox, FixedClock]) -> None:
    database, box, clock = world
    _create_role(database, _trust("ec2.amazonaws.com"))
    source = RoleCredentials(database, box, clock, ROLE_ARN, "ec2.amazonaws.com")
    source.get()
    _set_trust(database, _trust("lambda.amazonaws.com"))
    with pytest.raises(RoleUnavailable):
        source.get()


def test_missing_role(world: tuple[Database, SecretBox, FixedClock]) -> None:
    database, box, clock = world
    source = RoleCredentials(database, box, clock, ROLE_ARN, "ec2.amazonaws.com")
    with pytest.raises(RoleUnavailable) as refusal:
        source.get()
    assert refusal.value.missing
    _create_role(database, _trust("ec2.amazonaws.com"))  # created later: served from then on
    assert source.get().role.name == "app"


@pytest.mark.parametrize(
    "arn",
    ["nope", "arn:aws:iam::123456789012:user/app", "arn:aws:s3:::bucket", "arn:aws:iam::aws:role/x"],
)
def test_only_role_arns_are_accepted(world: tuple[Database, SecretBox, FixedClock], arn: str) -> None:
    database, box, clock = world
    with pytest.raises(ValueError):
        RoleCredentials(database, box, clock, arn, "ec2.amazonaws.com")
