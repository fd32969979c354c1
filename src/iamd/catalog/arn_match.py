"""Could a Resource element (with ``*``, ``?`` and policy variables) name a resource of a given ARN format?

The catalog writes ARN formats with placeholders (``arn:${Partition}:s3:::${BucketName}/${ObjectName}``);
a policy writes ARNs with wildcards. They fit when some ARN matches both: the intersection of two glob
patterns is non-empty. Placeholders and policy variables stand for any text; comparison ignores case, so
the check never reports a resource that AWS could match.
"""

from __future__ import annotations

import functools
import re

_STAR = "\x00"
_ANY = "\x01"
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
_SEARCH_LIMIT = 400  # pairs of positions the exact search may visit


def _as_glob(text: str, *, policy: bool) -> str:
    text = _PLACEHOLDER.sub(_STAR, text.lower())
    if policy:
        text = text.replace("*", _STAR).replace("?", _ANY)
    return text


@functools.lru_cache(maxsize=65536)
def arn_fits_format(resource: str, arn_format: str) -> bool:
    """True when some ARN matches both the policy's ``resource`` and the catalog's ``arn_format``."""
    policy = _as_glob(resource, policy=True)
    fmt = _as_glob(arn_format, policy=False)
    policy_fields = policy.split(":", 5)
    format_fields = fmt.split(":", 5)
    # Field by field when the policy's first five fields hold no wildcard that could span a colon.
    if len(policy_fields) == 6 and len(format_fields) == 6 and not any(_STAR in f for f in policy_fields[:5]):
        return all(_overlap(a, b) for a, b in zip(policy_fields, format_fields, strict=True))
    return _overlap(policy, fmt)


def _overlap(a: str, b: str) -> bool:
    # Literal prefixes and suffixes must agree before any wildcard; this settles most pairs at once.
    i = 0
    while i < len(a) and i < len(b) and a[i] not in (_STAR, _ANY) and b[i] not in (_STAR, _ANY):
        if a[i] != b[i]:
            return False
        i += 1
    a, b = a[i:], b[i:]
    j = 0
    while j < len(a) and j < len(b) and a[-1 - j] not in (_STAR, _ANY) and b[-1 - j] not in (_STAR, _ANY):
        if a[-1 - j] != b[-1 - j]:
            return False
        j += 1
    if j:
        a, b = a[:-j], b[:-j]
    if _STAR in (a, b) or a == b:
        return True
    if not a or not b:
        return set(a or b) <= {_STAR}
    if len(a) * len(b) > _SEARCH_LIMIT:
        # Both sides keep wildcards in long middles: say "fits" rather than search. Callers use a "no" to
        # report something, so erring towards "fits" only ever drops a finding.
        return True
    return _intersect(a, b)


def _intersect(a: str, b: str) -> bool:
    """Depth-first search over pairs of positions: can both patterns reach their ends together?"""
    n, m = len(a), len(b)
    seen: set[tuple[int, int]] = set()
    stack = [(0, 0)]
    while stack:
        state = stack.pop()
        if state in seen:
            continue
        seen.add(state)
        i, j = state
        if i == n and j == m:
            return True
        ca = a[i] if i < n else None
        cb = b[j] if j < m else None
        if ca == _STAR:
            stack.append((i + 1, j))
            if j < m:
                stack.append((i, j + 1))
        if cb == _STAR:
            stack.append((i, j + 1))
            if i < n:
                stack.append((i + 1, j))
        if ca is not None and cb is not None and _STAR not in (ca, cb) and (_ANY in (ca, cb) or ca == cb):
            stack.append((i + 1, j + 1))
    return False
