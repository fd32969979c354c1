"""Null (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null).

``"Null": {"key": "true"}`` holds when the key is absent from the request context; ``"false"`` when it is
present. The clause logic special-cases this family: it looks at presence, never at values.
"""

from __future__ import annotations

from iamd.policy.conditions.registry import INVALID, Prepared, register


def _prepare(text: str) -> Prepared:
    folded = text.strip().lower()
    return folded == "true" if folded in ("true", "false") else INVALID


def _test(value: str, policy: Prepared) -> bool:  # never called: presence is decided by the clause
    return False


register("Null", "Null", negated=False, prepare=_prepare, test=_test, allows_if_exists=False)
