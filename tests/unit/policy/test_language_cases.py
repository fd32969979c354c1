"""Documentation-grounded policy-language cases (tests/cases/evaluation/language/*.json).

Each case is an evaluation request in the format of shared/spec/evaluation-request.md plus `id`,
`note`, `source` (the AWS documentation page that decides it) and `expected`. The cases exercise the
policy LANGUAGE only: every condition operator family and its edge cases, missing keys, ...IfExists,
Null, ForAllValues/ForAnyValue, policy variables, wildcards in actions and resources, NotAction and
NotResource, and case rules. So that nothing but the language is under test, every case is an IAM user
in one account with identity policies only. Sources, one per case:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
and the other IAM User Guide pages named in each case.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CASES_DIR = Path(__file__).resolve().parents[2] / "cases" / "evaluation" / "language"

DECISIONS = {"Allow", "ExplicitDeny", "ImplicitDeny"}
CASE_FIELDS = {"id", "note", "source", "request", "policies", "expected"}
REQUEST_FIELDS = {"principal", "action", "resource", "resource_account", "context"}
POLICY_LAYERS = {"identity", "resource", "boundary", "session", "scp", "rcp"}
STATEMENT_FIELDS = {
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
}
ACCOUNT_ID = re.compile(r"^\d{12}$")
ACTION_NAME = re.compile(r"^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$")
DOCS_PREFIX = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"


def _load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted(CASES_DIR.glob("*.json")):
        loaded = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(loaded, list) and loaded, f"{path.name} must hold a non-empty JSON array"
        cases.extend(loaded)
    return cases


CASES = _load_cases()
CASE_IDS = [case["id"] for case in CASES]


def _check_context(context: Any) -> None:
    assert isinstance(context, dict)
    # The spec: key names match case-insensitively, so two spellings of one key would be ambiguous.
    lowered = [key.lower() for key in context]
    assert len(lowered) == len(set(lowered)), "context repeats a key under two spellings"
    for key, value in context.items():
        # Single values are strings; multivalued keys are arrays of strings; there is no null.
        assert isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(item, str) for item in value)
        ), key


def _check_request(request: Any) -> None:
    assert isinstance(request, dict) and set(request) == REQUEST_FIELDS
    principal = request["principal"]
    # Language cases keep the evaluation logic trivial: an IAM user in its own account.
    assert principal["type"] == "user"
    assert ACCOUNT_ID.match(principal["account"])
    assert principal["arn"] == f"arn:aws:iam::{principal['account']}:user/{principal['arn'].split('/')[-1]}"
    assert request["resource_account"] == principal["account"]
    assert isinstance(request["action"], str) and ACTION_NAME.match(request["action"])
    assert isinstance(request["resource"], str) and request["resource"]
    _check_context(request["context"])


def _check_document(document: Any) -> None:
    assert isinstance(document, dict)
    assert set(document) <= {"Version", "Id", "Statement"}
    assert document.get("Version", "2012-10-17") in {"2012-10-17", "2008-10-17"}
    statements = document["Statement"]
    for statement in statements if isinstance(statements, list) else [statements]:
        assert isinstance(statement, dict) and set(statement) <= STATEMENT_FIELDS
        assert statement["Effect"] in {"Allow", "Deny"}
        assert ("Action" in statement) != ("NotAction" in statement)
        assert ("Resource" in statement) != ("NotResource" in statement)


def _check_policies(policies: Any) -> None:
    assert isinstance(policies, dict) and set(policies) == POLICY_LAYERS
    assert isinstance(policies["identity"], list)
    for document in policies["identity"]:
        _check_document(document)
    # Only identity policies: the other layers are not in play in language cases.
    assert policies["resource"] == [] and policies["session"] == []
    assert policies["scp"] == [] and policies["rcp"] == []
    assert policies["boundary"] is None


def test_corpus_is_large_and_ids_unique() -> None:
    assert len(CASES) >= 250
    assert len(CASE_IDS) == len(set(CASE_IDS)), "duplicate case ids"


def test_every_decision_kind_is_expected_somewhere() -> None:
    assert {case["expected"] for case in CASES} == DECISIONS


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_case_is_well_formed(case: dict[str, Any]) -> None:
    assert set(case) == CASE_FIELDS
    assert isinstance(case["id"], str) and re.match(r"^[a-z0-9-]+$", case["id"])
    assert case["expected"] in DECISIONS
    assert isinstance(case["note"], str) and case["note"].strip()
    assert case["source"].startswith(DOCS_PREFIX)
    _check_request(case["request"])
    _check_policies(case["policies"])


def _run_request() -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    try:
        module = importlib.import_module("iamd.policy.simulate")
    except ImportError:
        return None
    return getattr(module, "run_request", None)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_engine_decision(case: dict[str, Any]) -> None:
    run_request = _run_request()
    if run_request is None:
        pytest.skip("iamd.policy.simulate.run_request is not available yet")
    out = run_request(case)
    assert out.get("decision") == case["expected"], (case["note"], out)
