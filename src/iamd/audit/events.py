"""The CloudTrail record of one request, built from what the gateway learnt while handling it.

Field by field as https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
describes them (eventVersion 1.09). IAM is a global service whose events CloudTrail records in
us-east-1; STS events carry the region the request was signed for. CloudTrail leaves ``responseElements``
out (null) for read-only calls except those that hand out credentials. iamd's own facts go into
``additionalEventData``: ``iamdDecision`` holds the policy decision (outcome, the statements that decided,
the layer that lacked an Allow, AWS's message) and whether it was enforced; a denied request's
``encodedAuthorizationMessage`` is that decision as STS DecodeAuthorizationMessage decodes it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from iamd.audit.identity import claimed_access_key_id, user_identity
from iamd.audit.redaction import Redactor
from iamd.auth.sigv4 import HttpRequest
from iamd.errors import IamdError
from iamd.policy import Decision
from iamd.services.call import Caller
from iamd.wire.service_model import load_service_model

EVENT_VERSION = "1.09"
GLOBAL_REGION = "us-east-1"
EVENT_SOURCES = {
    "iam": "iam.amazonaws.com",
    "sts": "sts.amazonaws.com",
    "accessanalyzer": "access-analyzer.amazonaws.com",
}
_READ_PREFIXES = ("Get", "List", "Describe", "Simulate", "Decode", "Check", "Validate")
# Read-only in CloudTrail, yet their responses (credentials, with secrets hidden) are recorded.
_CREDENTIAL_CALLS = frozenset(
    {"AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "GetSessionToken", "GetFederationToken"}
)


def is_read_only(event_name: str) -> bool:
    return event_name.startswith(_READ_PREFIXES) or event_name in _CREDENTIAL_CALLS


@dataclass(slots=True)
class Draft:
    """What is known about a request so far; the gateway fills it in as handling proceeds."""

    request_id: str
    service: str  # "iam", "sts" or "accessanalyzer"
    time: datetime
    source_ip: str
    user_agent: str
    event_name: str
    http: HttpRequest | None = None  # for the key id a failed authentication named, and the Host header
    secure_transport: bool = False
    region: str = GLOBAL_REGION
    unsigned: bool = False
    params: dict[str, Any] | None = None  # decoded, validated parameters
    caller: Caller | None = None
    action: str | None = None
    resource: str | None = None
    decision: dict[str, Any] | None = None
    # A denied request's decision sealed for STS DecodeAuthorizationMessage (services.sts).
    encoded_authorization_message: str | None = None
    result: Any = None
    error: IamdError | None = None
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    recorded: bool = False

    def decided(self, resource: str, action: str, decision: Decision | None, *, denied: bool = False) -> None:
        """Keep the decision (``None``: refused before policies were evaluated). A decision that does not
        allow yet did not deny was only recorded (``--auth-mode audit``): ``enforced`` is false."""
        self.action, self.resource = action, resource
        if decision is None:
            self.decision = {"decision": "Refused", "action": action, "resource": resource, "enforced": True}
            return
        summary: dict[str, Any] = {
            "decision": decision.decision,
            "action": action,
            "resource": resource,
            "enforced": denied or decision.allowed,
            "statements": [s.to_json() for s in decision.statements],
        }
        if not decision.allowed:
            summary.update(decision.to_json())
        self.decision = summary


def build_event(draft: Draft) -> dict[str, Any]:
    """The CloudTrail record (a JSON-ready dict)."""
    model = load_service_model(draft.service)
    redactor = Redactor(model)
    operation = model.operations.get(draft.event_name)
    read_only = is_read_only(draft.event_name)
    caller = draft.caller
    request_parameters = None
    if draft.params is not None and operation is not None:
        request_parameters = redactor.structure(operation.input_shape, draft.params) or None
    response_elements = None
    if (
        draft.error is None
        and operation is not None
        and isinstance(draft.result, dict)
        and (not read_only or draft.event_name in _CREDENTIAL_CALLS)
    ):
        response_elements = redactor.structure(operation.output_shape, draft.result) or None
    account = caller.account_id if caller is not None and caller.account_id else None
    claimed = None
    if (caller is None or caller.kind == "anonymous") and draft.http is not None:
        claimed = claimed_access_key_id(_header(draft.http, "authorization"), draft.http.raw_query)
    event: dict[str, Any] = {
        "eventVersion": EVENT_VERSION,
        "userIdentity": user_identity(caller, claimed, draft.event_name if draft.unsigned else None),
        "eventTime": draft.time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": EVENT_SOURCES[draft.service],
        "eventName": draft.event_name,
        "awsRegion": GLOBAL_REGION if draft.service == "iam" else draft.region,
        "sourceIPAddress": draft.source_ip,
        "userAgent": draft.user_agent,
    }
    if draft.error is not None:
        event["errorCode"] = draft.error.code
        event["errorMessage"] = draft.error.message
    event["requestParameters"] = request_parameters
    event["responseElements"] = response_elements
    if draft.decision is not None:
        event["additionalEventData"] = {"iamdDecision": draft.decision}
        if draft.encoded_authorization_message is not None:
            event["additionalEventData"]["encodedAuthorizationMessage"] = draft.encoded_authorization_message
    event.update(
        {
            "requestID": draft.request_id,
            "eventID": draft.event_id,
            "readOnly": read_only,
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": account,
            "eventCategory": "Management",
        }
    )
    if draft.secure_transport:
        host = _header(draft.http, "host") if draft.http is not None else None
        event["tlsDetails"] = {"clientProvidedHostHeader": host}
    return event


def _header(http: HttpRequest, name: str) -> str | None:
    return next((value for key, value in http.headers if key.lower() == name), None)
