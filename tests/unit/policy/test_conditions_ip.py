"""IP address condition operators, through ``compile_clause`` on parsed clauses.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
(IpAddress / NotIpAddress compare the request's address with IPv4 or IPv6 addresses or CIDR ranges;
the page's examples use 203.0.113.0/24 and 2001:DB8:1234:5678::/64).
aws:SourceIp: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip
"""

from __future__ import annotations

import pytest

from iamd.policy import parse_policy
from iamd.policy.conditions.clause import compile_clause
from iamd.policy.request import Principal, Request

PRINCIPAL = Principal("user", "arn:aws:iam::111122223333:user/alice", "111122223333")

Context = dict[str, str | list[str]]


def holds(
    operator: str, key: str, values: object, context: Context, *, version: str | None = "2012-10-17"
) -> bool:
    """Parse a one-clause Condition and run its compiled predicate against ``context``."""
    document: dict[str, object] = {
        "Statement": {"Effect": "Allow", "Action": "*", "Condition": {operator: {key: values}}},
    }
    if version is not None:
        document["Version"] = version
    parsed = parse_policy(document)
    predicate = compile_clause(parsed.statements[0].conditions[0], variables_enabled=parsed.variables_enabled)
    # Request.build lower-cases key names: condition key names match case-insensitively.
    values_as_given = {k: v if isinstance(v, str) else tuple(v) for k, v in context.items()}
    return predicate(Request.build(PRINCIPAL, "s3:GetObject", "*", None, values_as_given).context)


CASES = [
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "203.0.113.10"}, True),
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "203.0.113.255"}, True),
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "203.0.114.1"}, False),
    ("IpAddress", "aws:SourceIp", "203.0.113.5", {"aws:SourceIp": "203.0.113.5"}, True),  # bare address /32
    ("IpAddress", "aws:SourceIp", "203.0.113.5", {"aws:SourceIp": "203.0.113.6"}, False),
    ("IpAddress", "aws:SourceIp", "203.0.113.5/24", {"aws:SourceIp": "203.0.113.99"}, True),  # host bits set
    ("IpAddress", "aws:SourceIp", "0.0.0.0/0", {"aws:SourceIp": "198.51.100.1"}, True),
    ("IpAddress", "aws:SourceIp", ["192.0.2.0/24", "203.0.113.0/24"], {"aws:SourceIp": "192.0.2.7"}, True),
    ("IpAddress", "aws:SourceIp", "2001:DB8:1234:5678::/64", {"aws:SourceIp": "2001:db8:1234:5678::1"}, True),
    (
        "IpAddress",
        "aws:SourceIp",
        "2001:DB8:1234:5678::/64",
        {"aws:SourceIp": "2001:db8:1234:5679::1"},
        False,
    ),
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "2001:db8::1"}, False),  # other family
    ("IpAddress", "aws:SourceIp", "::/0", {"aws:SourceIp": "203.0.113.1"}, False),
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", {}, False),
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "not-an-ip"}, False),
    ("IpAddress", "aws:SourceIp", "bogus/24", {"aws:SourceIp": "203.0.113.1"}, False),
    ("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "198.51.100.1"}, True),
    ("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "203.0.113.1"}, False),
    (
        "NotIpAddress",
        "aws:SourceIp",
        ["192.0.2.0/24", "203.0.113.0/24"],
        {"aws:SourceIp": "192.0.2.1"},
        False,
    ),
    ("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", {}, True),
    ("NotIpAddress", "aws:SourceIp", "2001:db8::/32", {"aws:SourceIp": "2001:db9::1"}, True),
    ("IpAddressIfExists", "aws:SourceIp", "203.0.113.0/24", {}, True),
    ("IpAddressIfExists", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "198.51.100.1"}, False),
    ("NotIpAddressIfExists", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "203.0.113.1"}, False),
    ("ipaddress", "AWS:SOURCEIP", "203.0.113.0/24", {"aws:sourceip": "203.0.113.1"}, True),
]


@pytest.mark.parametrize(("operator", "key", "values", "context", "expected"), CASES)
def test_ip_operators(operator: str, key: str, values: object, context: Context, expected: bool) -> None:
    assert holds(operator, key, values, context) is expected
