"""AWS-shaped identifiers and secrets, from the operating system's CSPRNG (``secrets``).

Shapes, from https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
("Understanding unique ID prefixes") and the IAM API reference:

- access key ids: 20 characters, a 4-letter prefix (AKIA long-term, ASIA temporary) and 16 characters of
  the base32 alphabet [A-Z2-7], as AWS's own ids;
- secret access keys: 40 characters of the base64 alphabet [A-Za-z0-9+/];
- unique ids: 21 characters, a prefix (AIDA user, AGPA group, AROA role, ANPA managed policy,
  AIPA instance profile) and 17 characters of [A-Z2-7];
- account ids: 12 decimal digits.
"""

from __future__ import annotations

import enum
import re
import secrets
import string
from typing import Final

BASE32_ALPHABET: Final = string.ascii_uppercase + "234567"
SECRET_KEY_ALPHABET: Final = string.ascii_letters + string.digits + "+/"

ACCESS_KEY_ID_LENGTH: Final = 20
SECRET_ACCESS_KEY_LENGTH: Final = 40
UNIQUE_ID_LENGTH: Final = 21
ACCOUNT_ID_LENGTH: Final = 12


class IdPrefix(enum.StrEnum):
    """Prefixes of IAM unique ids and access key ids."""

    ACCESS_KEY = "AKIA"
    TEMPORARY_ACCESS_KEY = "ASIA"
    USER = "AIDA"
    GROUP = "AGPA"
    ROLE = "AROA"
    MANAGED_POLICY = "ANPA"
    INSTANCE_PROFILE = "AIPA"


ACCESS_KEY_ID_PATTERN: Final = re.compile(r"A[KS]IA[A-Z2-7]{16}")
SECRET_ACCESS_KEY_PATTERN: Final = re.compile(r"[A-Za-z0-9+/]{40}")
UNIQUE_ID_PATTERN: Final = re.compile(r"(AIDA|AGPA|AROA|ANPA|AIPA)[A-Z2-7]{17}")
ACCOUNT_ID_PATTERN: Final = re.compile(r"[0-9]{12}")


def _random_chars(alphabet: str, count: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(count))


def new_access_key_id(*, temporary: bool = False) -> str:
    prefix = IdPrefix.TEMPORARY_ACCESS_KEY if temporary else IdPrefix.ACCESS_KEY
    return prefix + _random_chars(BASE32_ALPHABET, ACCESS_KEY_ID_LENGTH - len(prefix))


def new_secret_access_key() -> str:
    return _random_chars(SECRET_KEY_ALPHABET, SECRET_ACCESS_KEY_LENGTH)


def new_unique_id(prefix: IdPrefix) -> str:
    if prefix in (IdPrefix.ACCESS_KEY, IdPrefix.TEMPORARY_ACCESS_KEY):
        raise ValueError(f"{prefix} is an access key prefix; use new_access_key_id")
    return prefix + _random_chars(BASE32_ALPHABET, UNIQUE_ID_LENGTH - len(prefix))


def new_user_id() -> str:
    return new_unique_id(IdPrefix.USER)


def new_group_id() -> str:
    return new_unique_id(IdPrefix.GROUP)


def new_role_id() -> str:
    return new_unique_id(IdPrefix.ROLE)


def new_policy_id() -> str:
    return new_unique_id(IdPrefix.MANAGED_POLICY)


def new_instance_profile_id() -> str:
    return new_unique_id(IdPrefix.INSTANCE_PROFILE)


def new_account_id() -> str:
    return _random_chars(string.digits, ACCOUNT_ID_LENGTH)


def is_access_key_id(value: str) -> bool:
    return ACCESS_KEY_ID_PATTERN.fullmatch(value) is not None


def is_temporary_access_key_id(value: str) -> bool:
    return is_access_key_id(value) and value.startswith(IdPrefix.TEMPORARY_ACCESS_KEY)


def is_account_id(value: str) -> bool:
    return ACCOUNT_ID_PATTERN.fullmatch(value) is not None
