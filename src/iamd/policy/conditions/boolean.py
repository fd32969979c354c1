"""Bool (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean).

``true``/``false`` compare case-insensitively; any other policy value matches nothing.
"""

from __future__ import annotations

from iamd.policy.conditions.registry import INVALID, Prepared, register


def _prepare(text: str) -> Prepared:
    folded = text.strip().lower()
    return folded if folded in ("true", "false") else INVALID


def _test(value: str, policy: Prepared) -> bool:
    return policy is not INVALID and value.strip().lower() == policy


register("Bool", "Bool", negated=False, prepare=_prepare, test=_test)
