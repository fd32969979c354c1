"""ARN operators (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN).

"Each of the six colon-delimited components of the ARN is checked separately and each can include
multi-character match wildcards (*) or single-character match wildcards (?)." ArnEquals and ArnLike behave
the same way; matching is case-sensitive. A context value that is not an ARN matches nothing.
"""

from __future__ import annotations

from iamd.policy.conditions.registry import INVALID, Prepared, register
from iamd.policy.glob import STAR, Glob, Part, split_wildcards


def split_arn(text: str) -> list[str] | None:
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return parts


def compile_arn_pattern(text: str) -> tuple[Glob, ...] | None:
    return compile_arn_parts(split_wildcards(text))


def compile_arn_parts(parts: list[Part]) -> tuple[Glob, ...] | None:
    """Six per-component globs from wildcard parts; the first five colons of the text separate them."""
    segments: list[list[Part]] = [[]]
    for part in parts:
        if not isinstance(part, str):
            segments[-1].append(part)
            continue
        pieces = part.split(":", 6 - len(segments)) if len(segments) < 6 else [part]
        segments[-1].append(pieces[0])
        for piece in pieces[1:]:
            segments.append([piece])
    if len(segments) != 6:
        return None
    return tuple(Glob(segment) for segment in segments)


def _prepare_parts(parts: list[Part]) -> Prepared:
    if parts == [STAR]:
        return (Glob([STAR]),)
    pattern = compile_arn_parts(parts)
    return INVALID if pattern is None else pattern


def arn_matches(pattern: tuple[Glob, ...], value: str) -> bool:
    parts = split_arn(value)
    return parts is not None and all(g.match(p) for g, p in zip(pattern, parts, strict=True))


def _prepare(text: str) -> Prepared:
    if text.strip() == "*":
        return (Glob.compile("*"),)
    pattern = compile_arn_pattern(text)
    return INVALID if pattern is None else pattern


def _test(value: str, policy: Prepared) -> bool:
    if policy is INVALID:
        return False
    if len(policy) == 1:  # "*" matches any ARN
        return split_arn(value) is not None
    return arn_matches(policy, value)


for _name, _negated in (
    ("ArnEquals", False),
    ("ArnLike", False),
    ("ArnNotEquals", True),
    ("ArnNotLike", True),
):
    register(
        _name,
        "Arn",
        negated=_negated,
        prepare=_prepare,
        test=_test,
        wildcards=True,
        prepare_parts=_prepare_parts,
    )
