"""Catalog checks of one statement: its actions, its resources, and whether its condition keys apply."""

from __future__ import annotations

from iamd import catalog
from iamd.policy.ast import Statement
from iamd.policy.validate.actions import ResolvedAction, check_redundant_actions, resolve_actions
from iamd.policy.validate.applicability import check_keys_apply, check_tag_keys
from iamd.policy.validate.arns import (
    check_redundant_resources,
    check_resource_syntax,
    check_resources_fit_actions,
)
from iamd.policy.validate.context import Subject
from iamd.policy.validate.findings import Findings


def check_statement_catalog(subject: Subject, statement: Statement, findings: Findings) -> None:
    if statement.action is not None:
        resolved = resolve_actions(statement.action, findings)
        check_redundant_actions(resolved, findings)
        if statement.resource is not None:
            check_resources_fit_actions(resolved, statement.resource, findings)
        check_keys_apply(statement, resolved, findings)
        check_tag_keys(statement, resolved, findings)
        if subject.policy_type == "rcp":
            _check_rcp_services(resolved, findings)
    if statement.not_action is not None:
        resolve_actions(statement.not_action, findings)
    for resources in (statement.resource, statement.not_resource):
        if resources is not None:
            check_resource_syntax(resources, findings)
            check_redundant_resources(resources, findings)


def _check_rcp_services(resolved: list[ResolvedAction], findings: Findings) -> None:
    supported = catalog.rcp_supported_services()
    for entry in resolved:
        if entry.service and entry.known_service and entry.service not in supported:
            findings.warning(
                "RCP_UNSUPPORTED_SERVICE",
                f"Resource control policies do not apply to the service {entry.service}; the action "
                f"{entry.text.value} is not restricted by this policy.",
                entry.text.location,
            )
