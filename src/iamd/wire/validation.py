"""Server-side validation of decoded input against the model's constraints, with AWS's messages.

Clients validate little (botocore checks types, required members and minimums, but not maximums,
patterns or enums; other SDKs check less), so the server must. Constraint failures are collected
over the whole input and reported in AWS's form
(https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html, ValidationError):

    2 validation errors detected: Value at 'userName' failed to satisfy constraint: Member must have
    length less than or equal to 64; Value at 'tags.1.member.key' failed to satisfy constraint: ...

AWS stopped quoting the offending value in these messages (``Value at 'x'``, not ``Value 'v' at 'x'``;
see e.g. https://github.com/aws/eks-hybrid/pull/113, IAM in 2024), so iamd does not quote it either.
Member paths are AWS's: the member name with a lower-case first letter, list elements as
``name.N.member``. IAM replaces the pattern failure of names and paths with its own sentence
(``data/pattern_messages.json``); that sentence is returned alone, and only when no generic
constraint failed.

One validator closure per shape is built on first use and cached per model.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any

import orjson

from iamd.errors import ValidationError
from iamd.wire.patterns import compile_pattern
from iamd.wire.service_model import CodecTable, ServiceModel, Shape

# check(value, path, failures, custom_failures)
Validator = Callable[[Any, str, list[str], list[str]], None]


def lower_first(name: str) -> str:
    """A member name as AWS prints it in validation messages: ``UserName`` -> ``userName``."""
    return name[:1].lower() + name[1:]


def failure(path: str, constraint: str) -> str:
    return f"Value at '{path}' failed to satisfy constraint: {constraint}"


def raise_for(failures: list[str]) -> None:
    count = len(failures)
    noun = "error" if count == 1 else "errors"
    raise ValidationError(f"{count} validation {noun} detected: {'; '.join(failures)}")


def validate_input(model: ServiceModel, shape_name: str | None, value: Mapping[str, Any]) -> None:
    """Raise ValidationError if ``value`` (a decoded input structure) breaks any model constraint."""
    if shape_name is None:
        return
    failures: list[str] = []
    custom: list[str] = []
    validator_table(model)(shape_name)(value, "", failures, custom)
    if failures:
        raise_for(failures)
    if custom:
        raise ValidationError(custom[0])


@functools.cache
def _pattern_messages() -> dict[str, dict[str, str]]:
    raw = orjson.loads(resources.files("iamd.wire").joinpath("data", "pattern_messages.json").read_bytes())
    return {service: messages for service, messages in raw.items() if not service.startswith("_")}


@functools.cache
def validator_table(model: ServiceModel) -> CodecTable[Validator]:
    custom_messages = _pattern_messages().get(model.name, {})
    return CodecTable(model, functools.partial(_build, custom_messages=custom_messages))


def _noop(value: Any, path: str, failures: list[str], custom: list[str]) -> None:
    return None


def _build(
    shape: Shape, validator_for: Callable[[str], Validator], custom_messages: dict[str, str]
) -> Validator:
    if shape.type == "structure":
        return _structure_validator(shape, validator_for)
    if shape.type == "list":
        assert shape.member is not None
        return _list_validator(shape, validator_for(shape.member.shape_name))
    if shape.type == "map":
        assert shape.key is not None and shape.value is not None
        return _map_validator(
            shape, validator_for(shape.key.shape_name), validator_for(shape.value.shape_name)
        )
    if shape.type == "string":
        return _string_validator(shape, custom_messages.get(shape.pattern or ""))
    if shape.type in ("integer", "long", "float", "double"):
        return _number_validator(shape)
    if shape.type == "blob":
        return _length_validator(shape)
    return _noop


def _structure_validator(shape: Shape, validator_for: Callable[[str], Validator]) -> Validator:
    members = [
        (name, lower_first(name), validator_for(ref.shape_name)) for name, ref in shape.members.items()
    ]
    required = shape.required

    def check(value: Any, path: str, failures: list[str], custom: list[str]) -> None:
        prefix = f"{path}." if path else ""
        for name, printed, member_check in members:
            member_value = value.get(name)
            if member_value is None:
                if name in required:
                    failures.append(failure(prefix + printed, "Member must not be null"))
                continue
            member_check(member_value, prefix + printed, failures, custom)

    return check


def _length_failures(shape: Shape, size: int, path: str, failures: list[str]) -> None:
    if shape.min is not None and size < shape.min:
        failures.append(failure(path, f"Member must have length greater than or equal to {shape.min}"))
    if shape.max is not None and size > shape.max:
        failures.append(failure(path, f"Member must have length less than or equal to {shape.max}"))


def _list_validator(shape: Shape, element_check: Validator) -> Validator:
    def check(value: Any, path: str, failures: list[str], custom: list[str]) -> None:
        _length_failures(shape, len(value), path, failures)
        for index, element in enumerate(value, 1):
            if element is not None:
                element_check(element, f"{path}.{index}.member", failures, custom)

    return check


def _map_validator(shape: Shape, key_check: Validator, value_check: Validator) -> Validator:
    def check(value: Any, path: str, failures: list[str], custom: list[str]) -> None:
        _length_failures(shape, len(value), path, failures)
        for key, element in value.items():
            key_check(key, f"{path}.{key}.key", failures, custom)
            if element is not None:
                value_check(element, f"{path}.{key}.value", failures, custom)

    return check


def _string_validator(shape: Shape, custom_pattern_message: str | None) -> Validator:
    minimum, maximum = shape.min, shape.max
    matches = compile_pattern(shape.pattern) if shape.pattern is not None else None
    pattern_constraint = f"Member must satisfy regular expression pattern: {shape.pattern}"
    enum = frozenset(shape.enum)
    enum_constraint = f"Member must satisfy enum value set: [{', '.join(shape.enum)}]"

    def check(value: Any, path: str, failures: list[str], custom: list[str]) -> None:
        size = len(value)
        if not value.isascii():
            size = len(value.encode("utf-16-le")) // 2  # Java counts UTF-16 code units
        if minimum is not None and size < minimum:
            failures.append(failure(path, f"Member must have length greater than or equal to {minimum}"))
        if maximum is not None and size > maximum:
            failures.append(failure(path, f"Member must have length less than or equal to {maximum}"))
        if matches is not None and not matches(value):
            if custom_pattern_message is not None:
                custom.append(custom_pattern_message.format(member=path.rsplit(".", 1)[-1]))
            else:
                failures.append(failure(path, pattern_constraint))
        if enum and value not in enum:
            failures.append(failure(path, enum_constraint))

    return check


def _number_validator(shape: Shape) -> Validator:
    minimum, maximum = shape.min, shape.max
    if minimum is None and maximum is None:
        return _noop

    def check(value: Any, path: str, failures: list[str], custom: list[str]) -> None:
        if minimum is not None and value < minimum:
            failures.append(failure(path, f"Member must have value greater than or equal to {minimum}"))
        if maximum is not None and value > maximum:
            failures.append(failure(path, f"Member must have value less than or equal to {maximum}"))

    return check


def _length_validator(shape: Shape) -> Validator:
    if shape.min is None and shape.max is None:
        return _noop

    def check(value: Any, path: str, failures: list[str], custom: list[str]) -> None:
        _length_failures(shape, len(value), path, failures)

    return check
