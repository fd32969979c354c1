"""Documentation-grounded evaluation-logic cases (tests/cases/evaluation/logic/*.json).

Each case is an evaluation request in the format of shared/spec/evaluation-request.md plus
`id`, `note`, `source` (the AWS documentation page that decides it) and `expected`. The cases cover how
AWS combines policy types: identity, resource-based (same account and cross-account), permissions
boundaries, session policies, SCP and RCP levels, role trust and KMS key policies, root, service,
federated and anonymous principals, and NotPrincipal. Sources:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html and the
pages named in each case.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

CASES_DIR = Path(__file__).resolve().parents[2] / "cases" / "evaluation" / "logic"

DECISIONS = {"Allow", "ExplicitDeny", "ImplicitDeny"}
PRINCIPAL_TYPES = {"user", "role_session", "federated_user", "root", "service", "federated", "anonymous"}
ACCOUNT_ID = re.compile(r"^\d{12}$")
CASE_FIELDS = {"id", "note", "source", "request", "policies", "expected"}
POLICY_FIELDS = {"identity", "resource", "boundary", "session", "scp", "rcp"}

# Cases the engine does not decide as documented yet. Strict xfail: when the engine is fixed the case
# passes, the xfail fails, and the entry must be removed.
KNOWN_ENGINE_GAPS: dict[str, str] = {}


def _load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted(CASES_DIR.glob("*.json")):
        loaded = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(loaded, list), f"{path.name} must hold a JSON array"
        for case in loaded:
            case["_file"] = path.name
            cases.append(case)
    return cases


CASES = _load_cases()


def _is_document(doc: Any) -> bool:
    return isinstance(doc, dict) and "Statement" in doc


def _check_request(request: dict[str, Any]) -> None:
    principal = request["principal"]
    ptype = principal["type"]
    assert ptype in PRINCIPAL_TYPES
    if ptype in {"service", "federated", "anonymous"}:
        assert principal["account"] is None
    else:
        assert ACCOUNT_ID.match(principal["account"])
    arn: Any = principal["arn"]
    if ptype == "anonymous":
        assert arn is None
        _check_action_and_resource(request)
        return
    assert isinstance(arn, str) and arn
    account = principal["account"]
    if ptype == "role_session":
        assert arn.startswith(f"arn:aws:sts::{account}:assumed-role/")
        assert str(principal["role_arn"]).startswith(f"arn:aws:iam::{account}:role/")
    if ptype == "federated_user":
        assert arn.startswith(f"arn:aws:sts::{account}:federated-user/")
        assert str(principal["user_arn"]).startswith(f"arn:aws:iam::{account}:user/")
    _check_action_and_resource(request)


def _check_action_and_resource(request: dict[str, Any]) -> None:
    assert re.match(r"^[a-z0-9-]+:[A-Za-z0-9*?]+$", request["action"])
    assert isinstance(request["resource"], str) and request["resource"]
    assert ACCOUNT_ID.match(request["resource_account"])
    for key, value in request["context"].items():
        # The spec: single values are strings, multivalued keys are arrays of strings, never null.
        assert isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ), key


def _check_policies(policies: dict[str, Any], ptype: str) -> None:
    assert set(policies) == POLICY_FIELDS
    assert all(_is_document(d) for d in policies["identity"])
    assert all(_is_document(d) for d in policies["resource"])
    assert all(_is_document(d) for d in policies["session"])
    assert policies["boundary"] is None or _is_document(policies["boundary"])
    for layer in ("scp", "rcp"):
        levels = policies[layer]
        assert isinstance(levels, list)
        assert all(isinstance(level, list) and level for level in levels)
        assert all(_is_document(d) for level in levels for d in level)
    if ptype in {"root", "service", "federated", "anonymous"}:
        assert policies["identity"] == [] and policies["boundary"] is None and policies["session"] == []


def test_corpus_is_large_and_ids_unique() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) >= 250
    assert len(ids) == len(set(ids)), "duplicate case ids"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case_is_well_formed(case: dict[str, Any]) -> None:
    assert set(case) >= CASE_FIELDS
    assert case["expected"] in DECISIONS
    assert case["note"].strip()
    assert case["source"].startswith("https://docs.aws.amazon.com/")
    _check_request(case["request"])
    _check_policies(case["policies"], case["request"]["principal"]["type"])


def _run_request() -> Any:
    try:
        module = importlib.import_module("iamd.policy.simulate")
    except ImportError:
        return None
    return getattr(module, "run_request", None)


def _engine_params() -> list[Any]:
    return [
        pytest.param(c, id=c["id"], marks=pytest.mark.xfail(reason=KNOWN_ENGINE_GAPS[c["id"]], strict=True))
        if c["id"] in KNOWN_ENGINE_GAPS
        else pytest.param(c, id=c["id"])
        for c in CASES
    ]


@pytest.mark.parametrize("case", _engine_params())
def test_engine_decision(case: dict[str, Any]) -> None:
    run_request = _run_request()
    if run_request is None:
        pytest.skip("iamd.policy.simulate.run_request is not available yet")
    request = {k: v for k, v in case.items() if k != "_file"}
    out = run_request(request)
    assert out.get("decision") == case["expected"], (case["note"], out)
