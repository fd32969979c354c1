"""Builders for the store tests: an account and entities with AWS-shaped ids and ARNs."""

from __future__ import annotations

import contextlib
import itertools
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from iamd.model import (
    Account,
    Group,
    InstanceProfile,
    ManagedPolicy,
    Role,
    User,
    iam_arn,
)
from iamd.store import Database

ACCOUNT = "123456789012"
NOW = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
TRUST = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
    '"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
)
DOCUMENT = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'

_ids = itertools.count(1)


def exactly(error: type[Exception], message: str) -> pytest.RaisesExc[Exception]:
    """pytest.raises for an error whose message must be exactly ``message`` (AWS's wording)."""
    return pytest.raises(error, match=f"^{re.escape(message)}$")


def unique_id(prefix: str) -> str:
    return f"{prefix}{next(_ids):017d}"


@pytest.fixture
def account(database: Database) -> str:
    with database.transaction() as tx:
        tx.accounts.create(Account(ACCOUNT, None, NOW))
    return ACCOUNT


def user(name: str, path: str = "/", account: str = ACCOUNT) -> User:
    return User(account, unique_id("AIDA"), name, path, iam_arn(account, "user", path, name), NOW)


def group(name: str, path: str = "/", account: str = ACCOUNT) -> Group:
    return Group(account, unique_id("AGPA"), name, path, iam_arn(account, "group", path, name), NOW)


def role(name: str, path: str = "/", account: str = ACCOUNT) -> Role:
    return Role(account, unique_id("AROA"), name, path, iam_arn(account, "role", path, name), NOW, TRUST)


def policy(name: str, path: str = "/", account: str = ACCOUNT) -> ManagedPolicy:
    arn = iam_arn(account, "policy", path, name)
    return ManagedPolicy(account, unique_id("ANPA"), name, path, arn, NOW, NOW, "v1")


def instance_profile(name: str, path: str = "/", account: str = ACCOUNT) -> InstanceProfile:
    arn = iam_arn(account, "instance-profile", path, name)
    return InstanceProfile(account, unique_id("AIPA"), name, path, arn, NOW)


@pytest.fixture
def create_user(database: Database, account: str) -> Callable[..., User]:
    def create(name: str, path: str = "/") -> User:
        with database.transaction() as tx:
            return tx.users.create(user(name, path))

    return create


@contextlib.contextmanager
def peers(database: Database, count: int) -> Iterator[list[Database]]:
    """Handles on the same database for concurrency tests. On SQLite each has its own engine and lock,
    like separate ``--workers`` processes, so the database itself must arbitrate; PostgreSQL's pool
    already gives every thread its own connection."""
    if database.dialect != "sqlite":
        yield [database] * count
        return
    url = database.engine.url.render_as_string(hide_password=False)
    handles = [Database.open(url, migrate=False) for _ in range(count)]
    try:
        yield handles
    finally:
        for handle in handles:
            handle.close()


def run_concurrently(count: int, work: Callable[[int], object]) -> list[object]:
    """Start ``count`` threads at once; each result is ``work(i)``'s return value or its exception."""
    barrier = threading.Barrier(count)

    def task(index: int) -> object:
        barrier.wait()
        try:
            return work(index)
        except Exception as error:
            return error

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(task, range(count)))
