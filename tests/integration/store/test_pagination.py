"""AWS-style listing: ordered by name regardless of case, PathPrefix, MaxItems, opaque markers."""

from __future__ import annotations

import pytest

from iamd.errors import InvalidInput
from iamd.model import User
from iamd.store import Database, Page

from .conftest import ACCOUNT, user

NAMES = ["delta", "Alpha", "charlie", "Echo", "bravo", "golf", "Foxtrot"]


@pytest.fixture
def seven_users(database: Database, account: str) -> None:
    with database.transaction() as tx:
        for index, name in enumerate(NAMES):
            tx.users.create(user(name, "/team/" if index % 2 else "/"))


def all_pages(database: Database, max_items: int, path_prefix: str = "/") -> list[Page[User]]:
    pages: list[Page[User]] = []
    marker: str | None = None
    while True:
        with database.read() as tx:
            page = tx.users.list(ACCOUNT, path_prefix=path_prefix, marker=marker, max_items=max_items)
        pages.append(page)
        if not page.is_truncated:
            return pages
        marker = page.marker


@pytest.mark.usefixtures("seven_users")
def test_pages_in_name_order_ignoring_case(database: Database) -> None:
    # AWS list operations return IsTruncated and a Marker to pass back; MaxItems caps each page
    # (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html)
    pages = all_pages(database, max_items=3)
    assert [len(page.items) for page in pages] == [3, 3, 1]
    assert [page.is_truncated for page in pages] == [True, True, False]
    names = [u.name for page in pages for u in page.items]
    assert names == sorted(NAMES, key=str.lower)
    assert pages[-1].marker is None
    assert all(
        page.marker not in NAMES and page.marker.lower() not in map(str.lower, NAMES) for page in pages[:-1]
    )


@pytest.mark.usefixtures("seven_users")
def test_exact_fit_is_not_truncated(database: Database) -> None:
    pages = all_pages(database, max_items=7)
    assert len(pages) == 1 and not pages[0].is_truncated


@pytest.mark.usefixtures("seven_users")
def test_path_prefix(database: Database) -> None:
    names = [u.name for page in all_pages(database, 2, "/team/") for u in page.items]
    assert names == ["Alpha", "Echo", "golf"]  # NAMES[1], [3], [5] live under /team/
    assert [u.name for page in all_pages(database, 10, "/te") for u in page.items] == names
    # Prefix characters are literal (no LIKE wildcards) and compared exactly.
    assert all_pages(database, 10, "/t_am/")[0].items == ()
    assert all_pages(database, 10, "/TEAM/")[0].items == ()


@pytest.mark.usefixtures("seven_users")
def test_marker_survives_deleting_the_last_returned_entity(database: Database) -> None:
    with database.read() as tx:
        first = tx.users.list(ACCOUNT, max_items=2)
    assert [u.name for u in first.items] == ["Alpha", "bravo"]
    with database.transaction() as tx:
        tx.users.delete(ACCOUNT, "bravo")
    with database.read() as tx:
        second = tx.users.list(ACCOUNT, marker=first.marker, max_items=2)
    assert [u.name for u in second.items] == ["charlie", "delta"]


def test_garbage_marker_is_invalid_input(database: Database, account: str) -> None:
    with pytest.raises(InvalidInput), database.read() as tx:
        tx.users.list(ACCOUNT, marker="%%%not-base64%%%")
