"""Policy variables: ``${aws:username}``, ``${aws:PrincipalTag/team, 'default'}``, ``${*}``, ``${?}``,
``${$}``.

Variables are recognised only under ``"Version": "2012-10-17"``; under 2008-10-17 or without a Version the
text is literal (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
A template is split once, at compile time; rendering against a request only looks keys up.
A variable whose key is missing (or multivalued) and has no default leaves the template unresolved
(``None``): the element that holds it cannot match.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from iamd.policy.glob import Part, split_wildcards

ContextValue = str | tuple[str, ...]
Context = Mapping[str, ContextValue]  # keys lower-cased


@dataclass(frozen=True, slots=True)
class Var:
    key: str  # lower-cased context key
    default: str | None
    source: str


@dataclass(frozen=True, slots=True)
class Escaped:
    """``${*}``, ``${?}`` or ``${$}``: a character that is always literal, never a wildcard."""

    text: str


Segment = str | Var | Escaped
Template = tuple[Segment, ...]

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,\s]+)\s*,\s*'([^']*)'\s*$")


def parse_template(text: str, *, enabled: bool) -> Template:
    if not enabled or "${" not in text:
        return (text,)
    segments: list[Segment] = []
    pos = 0
    for m in _VARIABLE.finditer(text):
        if m.start() > pos:
            segments.append(text[pos : m.start()])
        inner = m.group(1)
        if inner in ("*", "?", "$"):
            segments.append(Escaped(inner))
        else:
            default_match = _DEFAULT.match(inner)
            if default_match:
                segments.append(Var(default_match.group(1).lower(), default_match.group(2), m.group(0)))
            else:
                segments.append(Var(inner.strip().lower(), None, m.group(0)))
        pos = m.end()
    if pos < len(text):
        segments.append(text[pos:])
    return tuple(segments)


def has_variables(template: Template) -> bool:
    return any(not isinstance(s, str) for s in template)


def variables_in(template: Template) -> list[Var]:
    return [s for s in template if isinstance(s, Var)]


def lookup(var: Var, context: Context) -> str | None:
    value = context.get(var.key)
    if isinstance(value, str):
        return value
    return var.default


def render_text(template: Template, context: Context) -> str | None:
    """The template as plain text (for equality operators), or None when a variable is unresolved."""
    out: list[str] = []
    for seg in template:
        if isinstance(seg, str):
            out.append(seg)
        elif isinstance(seg, Escaped):
            out.append(seg.text)
        else:
            value = lookup(seg, context)
            if value is None:
                return None
            out.append(value)
    return "".join(out)


def render_glob_parts(template: Template, context: Context) -> list[Part] | None:
    """The template as wildcard parts: written ``*``/``?`` are wildcards, substituted text is literal."""
    parts: list[Part] = []
    for seg in template:
        if isinstance(seg, str):
            parts.extend(split_wildcards(seg))
        elif isinstance(seg, Escaped):
            parts.append(seg.text)
        else:
            value = lookup(seg, context)
            if value is None:
                return None
            parts.append(value)
    return parts
