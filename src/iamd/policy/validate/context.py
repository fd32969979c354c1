"""What every check receives: the parsed document, its policy type, and the positioned JSON it came from."""

from __future__ import annotations

from dataclasses import dataclass

from iamd.policy.ast import PolicyDocument, Statement
from iamd.policy.jsonpos import JsonObject, JsonPath, JsonValue, Located
from iamd.policy.validate.findings import PolicyType

TYPE_LABELS: dict[PolicyType, str] = {
    "identity": "IDENTITY_POLICY",
    "boundary": "IDENTITY_POLICY",
    "resource": "RESOURCE_POLICY",
    "trust": "ROLE_TRUST_POLICY",
    "scp": "SERVICE_CONTROL_POLICY",
    "rcp": "RESOURCE_CONTROL_POLICY",
}


@dataclass(frozen=True, slots=True)
class Subject:
    document: PolicyDocument
    policy_type: PolicyType
    located: Located
    text: str

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.policy_type]

    def raw(self, path: JsonPath) -> JsonValue | None:
        """The JSON value at ``path`` as written (to tell ``[]`` and ``{}`` from a missing element)."""
        node: JsonValue | None = self.located.value
        for part in path:
            if isinstance(part, int) and isinstance(node, list) and part < len(node):
                node = node[part]
            elif isinstance(part, str) and isinstance(node, JsonObject):
                node = node.get(part)
            else:
                return None
        return node

    def statement_raw(self, statement: Statement) -> JsonObject | None:
        node = self.raw(statement.location.path)
        return node if isinstance(node, JsonObject) else None
