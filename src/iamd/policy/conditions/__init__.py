"""Condition operators, one family per module, registered by name (see ``registry``)."""

from iamd.policy.conditions import arn, binary, boolean, date, ip, null, numeric, string
from iamd.policy.conditions.registry import INVALID, Operator, all_operators, lookup_operator

__all__ = [
    "INVALID",
    "Operator",
    "all_operators",
    "arn",
    "binary",
    "boolean",
    "date",
    "ip",
    "lookup_operator",
    "null",
    "numeric",
    "string",
]
