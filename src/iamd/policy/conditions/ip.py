"""IpAddress / NotIpAddress (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress).

Policy values are IPv4 or IPv6 addresses or CIDR blocks (host bits allowed, as AWS accepts
``203.0.113.5/24``); a bare address is a /32 or /128. The context value must be an address of the
same family inside the block.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from iamd.policy.conditions.registry import INVALID, Prepared, register

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_network(text: str) -> Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


@lru_cache(maxsize=4096)  # requests repeat their source address across many statements
def parse_address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        network = parse_network(text)
        # Some callers put a /32 or /128 in the context; treat a single-host block as its address.
        if network is not None and network.num_addresses == 1:
            return network.network_address
        return None


def _prepare(text: str) -> Prepared:
    network = parse_network(text)
    return INVALID if network is None else network


def _test(value: str, policy: Prepared) -> bool:
    if policy is INVALID:
        return False
    address = parse_address(value)
    return address is not None and address.version == policy.version and address in policy


register("IpAddress", "IpAddress", negated=False, prepare=_prepare, test=_test)
register("NotIpAddress", "IpAddress", negated=True, prepare=_prepare, test=_test)
