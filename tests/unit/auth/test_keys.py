"""iamd.auth.keys: identifiers and secrets have AWS's shapes.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html ("Understanding unique
ID prefixes": ABIA, ACCA, AGPA, AIDA, AIPA, AKIA, ANPA, ANVA, APKA, AROA, ASCA, ASIA) and the IAM API
reference's example values (access key id AKIAIOSFODNN7EXAMPLE, 20 characters; secret access key
wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, 40 characters; user id AIDACKCEVSQ6C2EXAMPLE, 21 characters).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from iamd.auth import keys

SAMPLES = 200


def test_access_key_ids() -> None:
    ids = {keys.new_access_key_id() for _ in range(SAMPLES)}
    assert len(ids) == SAMPLES
    for value in ids:
        assert re.fullmatch(r"AKIA[A-Z2-7]{16}", value), value
        assert keys.is_access_key_id(value)
        assert not keys.is_temporary_access_key_id(value)


def test_temporary_access_key_ids() -> None:
    for _ in range(SAMPLES):
        value = keys.new_access_key_id(temporary=True)
        assert re.fullmatch(r"ASIA[A-Z2-7]{16}", value), value
        assert keys.is_temporary_access_key_id(value)


def test_secret_access_keys() -> None:
    values = {keys.new_secret_access_key() for _ in range(SAMPLES)}
    assert len(values) == SAMPLES
    for value in values:
        assert re.fullmatch(r"[A-Za-z0-9+/]{40}", value), value
    # every character of the alphabet turns up across samples: the whole alphabet is in use
    assert set("".join(values)) == set(keys.SECRET_KEY_ALPHABET)


@pytest.mark.parametrize(
    ("factory", "prefix"),
    [
        (keys.new_user_id, "AIDA"),
        (keys.new_group_id, "AGPA"),
        (keys.new_role_id, "AROA"),
        (keys.new_policy_id, "ANPA"),
        (keys.new_instance_profile_id, "AIPA"),
    ],
)
def test_unique_ids(factory: Callable[[], str], prefix: str) -> None:
    values = {factory() for _ in range(SAMPLES)}
    assert len(values) == SAMPLES
    for value in values:
        assert re.fullmatch(prefix + r"[A-Z2-7]{17}", value), value
        assert keys.UNIQUE_ID_PATTERN.fullmatch(value)


def test_unique_id_refuses_access_key_prefixes() -> None:
    with pytest.raises(ValueError):
        keys.new_unique_id(keys.IdPrefix.ACCESS_KEY)


def test_account_ids() -> None:
    for _ in range(SAMPLES):
        value = keys.new_account_id()
        assert re.fullmatch(r"[0-9]{12}", value)
        assert keys.is_account_id(value)
    assert not keys.is_account_id("12345678901")
    assert not keys.is_account_id("12345678901a")


def test_documented_examples_match_the_patterns() -> None:
    assert keys.is_access_key_id("AKIAIOSFODNN7EXAMPLE")
    assert keys.SECRET_ACCESS_KEY_PATTERN.fullmatch("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    assert keys.UNIQUE_ID_PATTERN.fullmatch("AIDACKCEVSQ6C2EXAMPLE")
    assert keys.UNIQUE_ID_PATTERN.fullmatch("AROADBQP57FF2AEXAMPLE")
