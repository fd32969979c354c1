"""Properties of AWS's evaluation logic that must hold for every policy set and request (hypothesis).

Source of every property: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
- "An explicit deny in any of these policies overrides the allow" — a matching Deny in any layer that
  applies to the caller yields ExplicitDeny;
- "By default, all requests are implicitly denied" (root excepted) — with no Allow, nothing is allowed;
- permissions boundaries "set the maximum permissions" and never grant
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html);
- SCPs "never grant permissions"
  (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html);
- policy statements have no order (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policies.html),
  so neither do statements nor policies within a layer.
Runs are derandomized and use no example database, so CI sees the same examples every time.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from iamd.policy import compile as policy_compile
from iamd.policy.evaluate import evaluate
from iamd.policy.explain import Decision
from iamd.policy.request import Request
from iamd.policy.simulate import parse_policies, parse_request

PROPERTY = settings(
    max_examples=200,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ACCOUNT = "111122223333"
OTHER = "444455556666"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/dev"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/dev/alice"

PRINCIPALS: dict[str, dict[str, Any]] = {
    "user": {"type": "user", "arn": USER, "account": ACCOUNT},
    "role_session": {"type": "role_session", "arn": SESSION, "account": ACCOUNT, "role_arn": ROLE},
    "federated_user": {
        "type": "federated_user",
        "arn": f"arn:aws:sts::{ACCOUNT}:federated-user/bob",
        "account": ACCOUNT,
        "user_arn": f"arn:aws:iam::{ACCOUNT}:user/bob",
    },
    "root": {"type": "root", "arn": f"arn:aws:iam::{ACCOUNT}:root", "account": ACCOUNT},
    "service": {"type": "service", "arn": "s3.amazonaws.com", "account": None},
    "federated": {"type": "federated", "arn": "accounts.google.com", "account": None},
    "anonymous": {"type": "anonymous", "arn": None, "account": None},
}
# Services whose requests every layer governs (all of them support RCPs).
ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "sqs:SendMessage",
    "dynamodb:GetItem",
    "kms:Decrypt",
]
ACTION_PATTERNS = [*ACTIONS, "s3:*", "s3:Get*", "*", "sqs:*", "dynamodb:Get?tem", "kms:*", "ec2:*"]
RESOURCES = [
    "arn:aws:s3:::bucket/alice/a.txt",
    "arn:aws:s3:::bucket",
    f"arn:aws:sqs:us-east-1:{ACCOUNT}:queue",
    f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/t",
    f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k1",
]
RESOURCE_PATTERNS = [
    *RESOURCES,
    "*",
    "arn:aws:s3:::bucket/*",
    "arn:aws:s3:::*",
    f"arn:aws:sqs:*:{ACCOUNT}:*",
    "arn:aws:s3:::bucket/${aws:username}/*",
]
CONDITIONS: list[dict[str, Any]] = [
    {"StringEquals": {"aws:username": "alice"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}},
    {"DateLessThan": {"aws:CurrentTime": "2025-01-01T00:00:00Z"}},
    {"StringNotEquals": {"aws:PrincipalTag/team": "red"}},
    {"ForAnyValue:StringLike": {"aws:TagKeys": ["t*"]}},
    {"Null": {"aws:SourceIp": "true"}},
    {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}},
]
PRINCIPAL_ELEMENTS: list[Any] = [
    "*",
    {"AWS": "*"},
    {"AWS": ACCOUNT},
    {"AWS": f"arn:aws:iam::{OTHER}:root"},
    {"AWS": USER},
    {"AWS": ROLE},
    {"AWS": SESSION},
    {"Service": "s3.amazonaws.com"},
    {"Federated": "accounts.google.com"},
]

_sids = iter(range(10**9))


def statement_from_seed(seed: int, *, with_principal: bool) -> dict[str, Any]:
    """One random statement. Drawn from a single integer so that generating a policy set costs hypothesis
    few choices (hundreds of small draws per example made the suite slow); the JSON is noted on failure."""
    rng = random.Random(seed)
    out: dict[str, Any] = {"Effect": "Deny" if rng.randrange(5) == 0 else "Allow"}
    actions = rng.sample(ACTION_PATTERNS, rng.randint(1, 3))
    out["NotAction" if rng.randrange(6) == 0 else "Action"] = actions
    resource_kind = rng.randrange(7)
    resources = rng.sample(RESOURCE_PATTERNS, rng.randint(1, 2))
    if resource_kind == 0:
        out["NotResource"] = resources
    elif resource_kind > 1 or not with_principal:  # resource-based statements may omit Resource
        out["Resource"] = resources
    if rng.random() < 0.35:
        out["Condition"] = rng.choice(CONDITIONS)
    if with_principal:
        out["NotPrincipal" if rng.randrange(8) == 0 else "Principal"] = rng.choice(PRINCIPAL_ELEMENTS)
    return out


def documents(*, with_principal: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    seeds = st.lists(st.integers(0, 2**32), min_size=1, max_size=4)
    return seeds.map(
        lambda found: {
            "Version": "2012-10-17",
            "Statement": [statement_from_seed(seed, with_principal=with_principal) for seed in found],
        }
    )


# AWS attaches FullAWSAccess (SCP) and RCPFullAWSAccess (RCP) to every level unless someone detaches the
# former; include them in most levels so that Organizations layers do not deny almost everything.
FULL_ACCESS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
RCP_FULL_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
}


def levels(
    full_access: dict[str, Any], *, with_principal: bool
) -> st.SearchStrategy[list[list[dict[str, Any]]]]:
    level = st.tuples(st.integers(0, 3), st.lists(documents(with_principal=with_principal), max_size=2)).map(
        lambda pair: ([full_access] if pair[0] else []) + pair[1] or [full_access]
    )
    return st.lists(level, max_size=3)


POLICY_SETS = st.fixed_dictionaries(
    {
        "identity": st.lists(documents(), max_size=3),
        "resource": st.lists(documents(with_principal=True), max_size=2),
        "boundary": st.one_of(st.none(), documents()),
        "session": st.lists(documents(), max_size=2),
        "scp": levels(FULL_ACCESS, with_principal=False),
        "rcp": levels(RCP_FULL_ACCESS, with_principal=True),
    }
)
CONTEXTS = st.fixed_dictionaries(
    {},
    optional={
        "aws:username": st.sampled_from(["alice", "bob"]),
        "aws:SecureTransport": st.sampled_from(["true", "false"]),
        "aws:SourceIp": st.sampled_from(["192.0.2.10", "198.51.100.1", "2001:db8::1"]),
        "aws:CurrentTime": st.sampled_from(["2024-06-01T00:00:00Z", "2026-06-01T00:00:00Z"]),
        "aws:PrincipalTag/team": st.sampled_from(["red", "blue"]),
        "aws:TagKeys": st.lists(st.sampled_from(["team", "env"]), max_size=2, unique=True),
        "aws:MultiFactorAuthPresent": st.sampled_from(["true", "false"]),
    },
)
REQUESTS = st.fixed_dictionaries(
    {
        "principal": st.sampled_from(list(PRINCIPALS.values())),
        "action": st.sampled_from(ACTIONS),
        "resource": st.sampled_from(RESOURCES),
        "resource_account": st.sampled_from([ACCOUNT, ACCOUNT, OTHER]),
        "context": CONTEXTS,
    }
)


def with_unique_sids(policies: dict[str, Any]) -> dict[str, Any]:
    """A deep copy where every statement has its own Sid, so refs can be compared across reorderings."""
    out = copy.deepcopy(policies)
    for doc in all_documents(out):
        for statement in doc["Statement"]:
            statement["Sid"] = f"S{next(_sids)}"
    return out


def all_documents(policies: dict[str, Any]) -> list[dict[str, Any]]:
    docs = [*policies["identity"], *policies["resource"], *policies["session"]]
    if policies["boundary"] is not None:
        docs.append(policies["boundary"])
    for levels in (policies["scp"], policies["rcp"]):
        for level in levels:
            docs.extend(level)
    return docs


def decide(request: dict[str, Any], policies: dict[str, Any]) -> Decision:
    note(json.dumps({"request": request, "policies": policies}))
    return evaluate(parse_request(request), parse_policies(policies))


def summary(decision: Decision) -> tuple[object, ...]:
    refs = sorted(
        (s.layer, s.level if s.level is not None else -1, s.sid or "", s.effect) for s in decision.statements
    )
    return (decision.decision, decision.missing, decision.missing_level, decision.message, tuple(refs))


# -- a matching Deny wins ------------------------------------------------------------------------------

DENY = {"Effect": "Deny", "Action": "*", "Resource": "*"}
DENY_ANYONE = {**DENY, "Principal": "*"}


def applicable_layers(kind: str) -> list[str]:
    """The layers AWS evaluates for a caller of this kind (evaluation-logic page; the spec's table)."""
    layers = ["resource", "rcp"]
    if kind in ("user", "role_session", "federated_user"):
        layers += ["identity", "boundary"]
    if kind in ("role_session", "federated_user"):
        layers.append("session")
    if kind in ("user", "role_session", "federated_user", "root"):
        layers.append("scp")
    return layers


def add_deny(policies: dict[str, Any], layer: str, slot: int) -> dict[str, Any]:
    out = copy.deepcopy(policies)
    if layer in ("identity", "session"):
        out[layer].append({"Version": "2012-10-17", "Statement": [DENY]})
    elif layer == "resource":
        out[layer].append({"Version": "2012-10-17", "Statement": [DENY_ANYONE]})
    elif layer == "boundary":
        if out["boundary"] is None:
            out["boundary"] = {"Version": "2012-10-17", "Statement": [DENY]}
        else:
            out["boundary"]["Statement"].append(DENY)
    else:
        levels = out[layer]
        deny_doc = {"Version": "2012-10-17", "Statement": [DENY_ANYONE if layer == "rcp" else DENY]}
        if levels and slot < len(levels):
            levels[slot].append(deny_doc)
        else:
            levels.append([deny_doc])
    return out


@PROPERTY
@given(policies=POLICY_SETS, request=REQUESTS, choice=st.integers(0, 100), slot=st.integers(0, 3))
def test_a_matching_deny_in_any_applicable_layer_is_an_explicit_deny(
    policies: dict[str, Any], request: dict[str, Any], choice: int, slot: int
) -> None:
    layers = applicable_layers(request["principal"]["type"])
    layer = layers[choice % len(layers)]
    decision = decide(request, add_deny(policies, layer, slot))
    assert decision.decision == "ExplicitDeny", layer
    assert any(s.layer == layer and s.effect == "Deny" for s in decision.statements)


# -- nothing allows without an Allow -----------------------------------------------------------------


def without_allows(policies: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(policies)
    for doc in all_documents(out):
        doc["Statement"] = [s for s in doc["Statement"] if s["Effect"] != "Allow"]
    return out


@PROPERTY
@given(policies=POLICY_SETS, request=REQUESTS)
def test_removing_every_allow_never_allows(policies: dict[str, Any], request: dict[str, Any]) -> None:
    if request["principal"]["type"] == "root":
        return  # the root user needs no Allow in its own account
    assert decide(request, without_allows(policies)).decision != "Allow"


# -- boundaries and SCPs only take away --------------------------------------------------------------


@PROPERTY
@given(policies=POLICY_SETS, request=REQUESTS, boundary=documents())
def test_a_permissions_boundary_never_grants(
    policies: dict[str, Any], request: dict[str, Any], boundary: dict[str, Any]
) -> None:
    without = {**policies, "boundary": None}
    before = decide(request, without).decision
    after = decide(request, {**without, "boundary": boundary}).decision
    if before != "Allow":
        assert after != "Allow"
    if before == "ExplicitDeny":
        assert after == "ExplicitDeny"


@PROPERTY
@given(policies=POLICY_SETS, request=REQUESTS, level=st.lists(documents(), min_size=1, max_size=2))
def test_an_extra_scp_level_never_grants(
    policies: dict[str, Any], request: dict[str, Any], level: list[dict[str, Any]]
) -> None:
    before = decide(request, policies).decision
    after = decide(request, {**policies, "scp": [*policies["scp"], level]}).decision
    if before != "Allow":
        assert after != "Allow"
    if before == "ExplicitDeny":
        assert after == "ExplicitDeny"


@PROPERTY
@given(policies=POLICY_SETS, request=REQUESTS, session=st.lists(documents(), min_size=1, max_size=2))
def test_a_session_policy_never_grants_to_a_role_session(
    policies: dict[str, Any], request: dict[str, Any], session: list[dict[str, Any]]
) -> None:
    # "The resulting session's permissions are the intersection of the identity-based policies and the
    # session policies" (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session).
    # Not for federated-user sessions: GetFederationToken without a session policy grants nothing at all.
    role_request = {**request, "principal": PRINCIPALS["role_session"]}
    without = {**policies, "session": []}
    before = decide(role_request, without).decision
    after = decide(role_request, {**without, "session": session}).decision
    if before != "Allow":
        assert after != "Allow"


@PROPERTY
@given(
    policies=POLICY_SETS, request=REQUESTS, extra=documents(), layer=st.sampled_from(["identity", "session"])
)
def test_adding_allows_never_lifts_an_explicit_deny(
    policies: dict[str, Any], request: dict[str, Any], extra: dict[str, Any], layer: str
) -> None:
    allows_only = {
        "Version": "2012-10-17",
        "Statement": [s for s in extra["Statement"] if s["Effect"] == "Allow"],
    }
    if decide(request, policies).decision == "ExplicitDeny":
        assert (
            decide(request, {**policies, layer: [*policies[layer], allows_only]}).decision == "ExplicitDeny"
        )


# -- determinism -------------------------------------------------------------------------------------


def shuffled(policies: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    out = copy.deepcopy(policies)
    for doc in all_documents(out):
        rng.shuffle(doc["Statement"])
    for key in ("identity", "resource", "session"):
        rng.shuffle(out[key])
    for key in ("scp", "rcp"):
        for level in out[key]:
            rng.shuffle(level)
    return out


@PROPERTY
@given(policies=POLICY_SETS, request=REQUESTS, rng=st.randoms(use_true_random=False))
def test_evaluation_is_deterministic_and_order_free(
    policies: dict[str, Any], request: dict[str, Any], rng: random.Random
) -> None:
    named = with_unique_sids(policies)
    first = summary(decide(request, named))
    assert summary(decide(request, named)) == first
    assert summary(decide(request, shuffled(named, rng))) == first


@PROPERTY
@given(policies=POLICY_SETS, request=REQUESTS, others=st.lists(REQUESTS, max_size=3))
def test_compiled_once_and_compiled_again_agree(
    policies: dict[str, Any], request: dict[str, Any], others: list[dict[str, Any]]
) -> None:
    compiled = parse_policies(policies)
    parsed: Request = parse_request(request)
    first = summary(evaluate(parsed, compiled))
    for other in others:  # the compiled set keeps per-action memos; other questions must not disturb them
        evaluate(parse_request(other), compiled)
    assert summary(evaluate(parsed, compiled)) == first
    policy_compile._compile_canonical.cache_clear()
    assert summary(evaluate(parsed, parse_policies(policies))) == first
