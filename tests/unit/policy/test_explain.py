"""Decisions explain themselves: which statements decided, which layer lacked an Allow, and AWS's wording.

AccessDenied wording: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
("Most access denied error messages appear in the format User user is not authorized to perform action on
resource because context"; an explicit deny adds "with an explicit deny in a type policy", an implicit one
"because no type policy allows the action action"; the page gives one example per policy type: identity-based
policy, resource-based policy, permissions boundary, session policy, service control policy, role trust
policy). Note on SCPs from the same page: "When an SCP denies access, the error message always includes the
phrase due to an explicit deny in a Service Control Policy, even if the denial is implicit." The page's
example texts are: "... with an explicit deny in a service control policy".
"""

from __future__ import annotations

from typing import Any

import pytest

from iamd.policy.evaluate import evaluate
from iamd.policy.explain import Decision
from iamd.policy.simulate import parse_policies, parse_request

TROUBLESHOOT = "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html"
ACCOUNT = "123456789012"
OTHER = "444455556666"
USER = f"arn:aws:iam::{ACCOUNT}:user/JohnDoe"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/dev/JohnDoe"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/dev"
ACTION = "codedeploy:ListDeployments"
RESOURCE = f"arn:aws:codedeploy:us-east-1:{ACCOUNT}:deploymentgroup:*"


def statement(effect: str, *, principal: bool = False, sid: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"Effect": effect, "Action": "*", "Resource": "*"}
    if principal:
        out["Principal"] = "*"
    if sid is not None:
        out["Sid"] = sid
    return out


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


ALLOW = policy(statement("Allow"))
ALLOW_ANYONE = policy(statement("Allow", principal=True))


def decide(
    policies: dict[str, Any],
    *,
    principal: dict[str, Any] | None = None,
    resource_account: str = ACCOUNT,
    action: str = ACTION,
    resource: str = RESOURCE,
) -> Decision:
    request = {
        "principal": principal or {"type": "user", "arn": USER, "account": ACCOUNT},
        "action": action,
        "resource": resource,
        "resource_account": resource_account,
        "context": {},
    }
    return evaluate(parse_request(request), parse_policies(policies))


SESSION_PRINCIPAL = {"type": "role_session", "arn": SESSION, "account": ACCOUNT, "role_arn": ROLE}
DENIED = f"User: {USER} is not authorized to perform: {ACTION} on resource: {RESOURCE}"

# (layer, policies, principal, the text after "... on resource: ARN ")
EXPLICIT = [
    (
        "identity",
        {"identity": [policy(statement("Allow"), statement("Deny", sid="NoDeploy"))]},
        None,
        "with an explicit deny in an identity-based policy",
    ),
    (
        "resource",
        {"identity": [ALLOW], "resource": [policy(statement("Deny", principal=True))]},
        None,
        "with an explicit deny in a resource-based policy",
    ),
    (
        "boundary",
        {"identity": [ALLOW], "boundary": policy(statement("Deny"))},
        None,
        "with an explicit deny in a permissions boundary",
    ),
    (
        "session",
        {"identity": [ALLOW], "session": [policy(statement("Deny"))]},
        SESSION_PRINCIPAL,
        "with an explicit deny in a session policy",
    ),
    (
        "scp",
        {"identity": [ALLOW], "scp": [[ALLOW], [policy(statement("Allow"), statement("Deny"))]]},
        None,
        "with an explicit deny in a service control policy",
    ),
]


@pytest.mark.parametrize(("layer", "policies", "principal", "tail"), EXPLICIT)
def test_explicit_deny_message_names_the_layer(
    layer: str, policies: dict[str, Any], principal: dict[str, Any] | None, tail: str
) -> None:
    # Source: TROUBLESHOOT, one example per policy type.
    decision = decide(policies, principal=principal)
    assert decision.decision == "ExplicitDeny"
    who = (principal or {}).get("arn", USER)
    assert (
        decision.message
        == f"User: {who} is not authorized to perform: {ACTION} on resource: {RESOURCE} {tail}"
    )
    assert decision.statements and all(s.effect == "Deny" for s in decision.statements)
    assert decision.statements[0].layer == layer
    assert decision.missing is None


def test_explicit_deny_statement_reference() -> None:
    decision = decide({"identity": [ALLOW, policy(statement("Allow"), statement("Deny", sid="NoDeploy"))]})
    (ref,) = decision.statements
    assert (ref.layer, ref.level, ref.policy, ref.statement, ref.sid, ref.effect) == (
        "identity",
        None,
        1,
        1,
        "NoDeploy",
        "Deny",
    )
    assert decision.to_json()["statements"] == [
        {"layer": "identity", "policy": 1, "statement": 1, "sid": "NoDeploy", "effect": "Deny"}
    ]


def test_explicit_deny_in_an_scp_reports_its_level() -> None:
    decision = decide({"identity": [ALLOW], "scp": [[ALLOW], [ALLOW, policy(statement("Deny"))]]})
    (ref,) = decision.statements
    assert (ref.layer, ref.level, ref.policy) == ("scp", 1, 1)


# (missing layer, policies, principal, resource_account, the text after "... on resource: ARN ")
IMPLICIT = [
    ("identity", {}, None, ACCOUNT, f"because no identity-based policy allows the {ACTION} action"),
    (
        "identity",
        {"identity": [policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})]},
        None,
        ACCOUNT,
        f"because no identity-based policy allows the {ACTION} action",
    ),
    (
        "resource",
        {"identity": [ALLOW]},
        None,
        OTHER,
        f"because no resource-based policy allows the {ACTION} action",
    ),
    (
        "boundary",
        {"identity": [ALLOW], "boundary": policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})},
        None,
        ACCOUNT,
        f"because no permissions boundary allows the {ACTION} action",
    ),
    (
        "session",
        {"identity": [ALLOW], "session": [policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})]},
        SESSION_PRINCIPAL,
        ACCOUNT,
        f"because no session policy allows the {ACTION} action",
    ),
]


@pytest.mark.parametrize(("layer", "policies", "principal", "resource_account", "tail"), IMPLICIT)
def test_missing_allow_message_names_the_layer(
    layer: str, policies: dict[str, Any], principal: dict[str, Any] | None, resource_account: str, tail: str
) -> None:
    # Source: TROUBLESHOOT ("because no type policy allows the action action").
    decision = decide(policies, principal=principal, resource_account=resource_account)
    assert decision.decision == "ImplicitDeny"
    assert decision.missing == layer
    who = (principal or {}).get("arn", USER)
    assert (
        decision.message
        == f"User: {who} is not authorized to perform: {ACTION} on resource: {RESOURCE} {tail}"
    )
    assert decision.to_json()["missing_allow"]["layer"] == layer


def test_missing_allow_in_an_scp_reads_as_an_explicit_deny() -> None:
    # Source: TROUBLESHOOT, "Access denied due to a Service Control Policy": the SCP message always says
    # "explicit deny", even when the denial is implicit. The decision itself stays ImplicitDeny.
    decision = decide(
        {
            "identity": [ALLOW],
            "scp": [[ALLOW], [policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})]],
        }
    )
    assert decision.decision == "ImplicitDeny"
    assert (decision.missing, decision.missing_level) == ("scp", 1)
    assert decision.to_json()["missing_allow"] == {"layer": "scp", "level": 1}
    assert decision.message == f"{DENIED} with an explicit deny in a service control policy"


def test_role_trust_policy_deny_is_named_as_such() -> None:
    # Source: TROUBLESHOOT, "Access denied due to role trust policies":
    # "... is not authorized to perform: sts:AssumeRole with an explicit deny in the role trust policy".
    target = f"arn:aws:iam::{ACCOUNT}:role/target"
    trust = policy({"Effect": "Deny", "Principal": {"AWS": USER}, "Action": "sts:AssumeRole"})
    decision = decide({"identity": [ALLOW], "resource": [trust]}, action="sts:AssumeRole", resource=target)
    assert decision.decision == "ExplicitDeny"
    assert decision.message == (
        f"User: {USER} is not authorized to perform: sts:AssumeRole on resource: {target} "
        "with an explicit deny in the role trust policy"
    )


def test_allow_explains_the_statements_that_applied() -> None:
    decision = decide({"identity": [policy(statement("Allow", sid="All"))]})
    assert decision.allowed and decision.decision == "Allow"
    assert [(s.layer, s.sid, s.effect) for s in decision.statements] == [("identity", "All", "Allow")]
    assert decision.message == f"User: {USER} is authorized to perform: {ACTION} on resource: {RESOURCE}"
    assert "missing_allow" not in decision.to_json()


def test_anonymous_caller_is_named_anonymous() -> None:
    decision = decide({}, principal={"type": "anonymous", "arn": None, "account": None})
    assert decision.missing == "resource"
    assert decision.message == (
        f"User: anonymous is not authorized to perform: {ACTION} on resource: {RESOURCE} "
        f"because no resource-based policy allows the {ACTION} action"
    )


def test_cross_account_flag() -> None:
    decision = decide({"identity": [ALLOW], "resource": [ALLOW_ANYONE]}, resource_account=OTHER)
    assert decision.decision == "Allow"
    assert decision.cross_account and decision.to_json()["cross_account"] is True
    assert {s.layer for s in decision.statements} == {"identity", "resource"}


# RCPs govern only the services that support them (S3 is one):
# https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
BUCKET_OBJECT = "arn:aws:s3:::amzn-s3-demo-bucket/report.txt"
S3_DENIED = f"User: {USER} is not authorized to perform: s3:GetObject on resource: {BUCKET_OBJECT}"


def test_explicit_deny_in_an_rcp() -> None:
    rcp = policy(statement("Deny", principal=True))
    decision = decide({"identity": [ALLOW], "rcp": [[rcp]]}, action="s3:GetObject", resource=BUCKET_OBJECT)
    assert decision.decision == "ExplicitDeny"
    assert [(s.layer, s.level) for s in decision.statements] == [("rcp", 0)]
    assert decision.message == f"{S3_DENIED} with an explicit deny in a resource control policy"


def test_missing_allow_in_an_rcp_level() -> None:
    only_kms = policy({"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"})
    decision = decide(
        {"identity": [ALLOW], "rcp": [[ALLOW_ANYONE], [only_kms]]},
        action="s3:GetObject",
        resource=BUCKET_OBJECT,
    )
    assert decision.decision == "ImplicitDeny"
    assert (decision.missing, decision.missing_level) == ("rcp", 1)
    assert (
        decision.message == f"{S3_DENIED} because no resource control policy allows the s3:GetObject action"
    )


def test_denies_in_several_layers_are_all_reported_and_one_is_named() -> None:
    # TROUBLESHOOT: "If multiple policy types deny an authorization request, AWS includes only one of
    # those policy types in the error message." The explanation keeps every deny that applied.
    decision = decide(
        {
            "identity": [policy(statement("Allow"), statement("Deny", sid="IdentityDeny"))],
            "boundary": policy(statement("Allow"), statement("Deny", sid="BoundaryDeny")),
            "scp": [[policy(statement("Allow"), statement("Deny", sid="ScpDeny"))]],
        }
    )
    assert decision.decision == "ExplicitDeny"
    assert {(s.layer, s.sid) for s in decision.statements} == {
        ("identity", "IdentityDeny"),
        ("boundary", "BoundaryDeny"),
        ("scp", "ScpDeny"),
    }
    named = [
        n
        for n in ("identity-based policy", "permissions boundary", "service control policy")
        if n in decision.message
    ]
    assert len(named) == 1


def test_federated_user_without_session_policy_lacks_a_session_allow() -> None:
    # GetFederationToken without a session policy yields a federated user session with no permissions
    # (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html).
    federated = {
        "type": "federated_user",
        "arn": f"arn:aws:sts::{ACCOUNT}:federated-user/bob",
        "account": ACCOUNT,
        "user_arn": f"arn:aws:iam::{ACCOUNT}:user/bob",
    }
    decision = decide({"identity": [ALLOW]}, principal=federated)
    assert (decision.decision, decision.missing) == ("ImplicitDeny", "session")
    assert decision.message.endswith(f"because no session policy allows the {ACTION} action")
    assert decide({"identity": [ALLOW], "session": [ALLOW]}, principal=federated).decision == "Allow"
