"""Small synthetic service models that exercise every shape type and constraint kind.

The real models (iam, sts, accessanalyzer) lack some combinations (a map input with a numeric value,
recursive shapes, epoch timestamps in JSON, header members); these fill the gaps, written in the
same service-2.json form botocore ships.
"""

from __future__ import annotations

from typing import Any

import pytest

from iamd.wire.service_model import ServiceModel


def _shapes() -> dict[str, Any]:
    return {
        "Name": {"type": "string", "min": 1, "max": 8, "pattern": "[a-z]+"},
        "Free": {"type": "string"},
        "Secret": {"type": "string", "sensitive": True, "max": 4},
        "Color": {"type": "string", "enum": ["red", "green"]},
        "Count": {"type": "integer", "min": 1, "max": 10},
        "Big": {"type": "long"},
        "Ratio": {"type": "double"},
        "Flag": {"type": "boolean"},
        "When": {"type": "timestamp"},
        "WhenIso": {"type": "timestamp", "timestampFormat": "iso8601"},
        "Data": {"type": "blob", "max": 4},
        "Names": {"type": "list", "member": {"shape": "Name"}, "max": 3},
        "Pairs": {"type": "list", "member": {"shape": "Pair"}},
        "Pair": {
            "type": "structure",
            "required": ["Key"],
            "members": {"Key": {"shape": "Name"}, "Value": {"shape": "Free"}},
        },
        "Counts": {"type": "map", "key": {"shape": "Name"}, "value": {"shape": "Count"}},
        "Tree": {
            "type": "structure",
            "members": {"Label": {"shape": "Free"}, "Children": {"shape": "Trees"}},
        },
        "Trees": {"type": "list", "member": {"shape": "Tree"}},
        "Input": {
            "type": "structure",
            "required": ["Name"],
            "members": {
                "Name": {"shape": "Name"},
                "Free": {"shape": "Free"},
                "Secret": {"shape": "Secret"},
                "Color": {"shape": "Color"},
                "Count": {"shape": "Count"},
                "Big": {"shape": "Big"},
                "Ratio": {"shape": "Ratio"},
                "Flag": {"shape": "Flag"},
                "When": {"shape": "When"},
                "Data": {"shape": "Data"},
                "Names": {"shape": "Names"},
                "Pairs": {"shape": "Pairs"},
                "Counts": {"shape": "Counts"},
                "Tree": {"shape": "Tree"},
            },
        },
        "Output": {
            "type": "structure",
            "members": {
                "Name": {"shape": "Name"},
                "Flag": {"shape": "Flag"},
                "Count": {"shape": "Count"},
                "Ratio": {"shape": "Ratio"},
                "When": {"shape": "When"},
                "WhenIso": {"shape": "WhenIso"},
                "Data": {"shape": "Data"},
                "Names": {"shape": "Names"},
                "Pairs": {"shape": "Pairs"},
                "Counts": {"shape": "Counts"},
                "Tree": {"shape": "Tree"},
            },
        },
    }


@pytest.fixture(scope="session")
def query_model() -> ServiceModel:
    return ServiceModel(
        "synthetic-query",
        {
            "metadata": {
                "apiVersion": "2020-01-01",
                "protocol": "query",
                "xmlNamespace": "https://example.com/doc/",
            },
            "operations": {
                "Put": {
                    "name": "Put",
                    "http": {"method": "POST", "requestUri": "/"},
                    "input": {"shape": "Input"},
                    "output": {"shape": "Output", "resultWrapper": "PutResult"},
                },
                "Ping": {"name": "Ping", "http": {"method": "POST", "requestUri": "/"}},
            },
            "shapes": _shapes(),
        },
    )


@pytest.fixture(scope="session")
def rest_model() -> ServiceModel:
    shapes = _shapes()
    shapes["Input"]["members"].update(
        {
            "Path": {"shape": "Name", "location": "uri", "locationName": "name"},
            "Arn": {"shape": "Free", "location": "uri", "locationName": "arn"},
            "Limit": {"shape": "Count", "location": "querystring", "locationName": "limit"},
            "Keys": {"shape": "Names", "location": "querystring", "locationName": "key"},
            "Token": {"shape": "Free", "location": "header", "locationName": "X-Token"},
        }
    )
    shapes["Input"]["required"] = ["Path"]
    return ServiceModel(
        "synthetic-rest",
        {
            "metadata": {"apiVersion": "2020-01-01", "protocol": "rest-json"},
            "operations": {
                "Put": {
                    "name": "Put",
                    "http": {"method": "PUT", "requestUri": "/things/{name}", "responseCode": 201},
                    "input": {"shape": "Input"},
                    "output": {"shape": "Output"},
                },
                "PutTagged": {
                    "name": "PutTagged",
                    "http": {"method": "PUT", "requestUri": "/things/{name}/tags/{arn}"},
                    "input": {"shape": "Input"},
                },
                "PutStats": {
                    "name": "PutStats",
                    "http": {"method": "PUT", "requestUri": "/things/stats"},
                },
            },
            "shapes": shapes,
        },
    )
