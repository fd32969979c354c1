"""BinaryEquals (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_BinaryEquals).

Policy and context values are base-64 text; they match when they decode to the same bytes.
"""

from __future__ import annotations

import base64
import binascii

from iamd.policy.conditions.registry import INVALID, Prepared, register


def decode(text: str) -> bytes | None:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


def _prepare(text: str) -> Prepared:
    raw = decode(text)
    return INVALID if raw is None else raw


def _test(value: str, policy: Prepared) -> bool:
    return policy is not INVALID and decode(value) == policy


register("BinaryEquals", "Binary", negated=False, prepare=_prepare, test=_test)
