"""The Query protocol endpoint of IAM and STS: one request in, one ``(status, headers, body)`` out.

Order of checks, as AWS answers them: authenticate (MissingAuthenticationToken, InvalidClientTokenId,
SignatureDoesNotMatch ...), decode and validate the parameters (InvalidAction, ValidationError), identify the
caller, authorize the operation's action on its target, run the handler. All of it happens in one database
transaction (a write transaction when the named operation writes), so a request sees one consistent state.
Every request leaves one audit event: a write's event commits with the change, other events commit on their
own before the response leaves. Every IamdError is rendered as AWS's ErrorResponse; anything else is a 500
ServiceFailure logged with the request id, never a traceback to the client."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass

from iamd.audit.decisions import denial_of
from iamd.audit.events import Draft
from iamd.audit.recorder import DatabaseRecorder, Recorder, recorder_for
from iamd.auth.authenticate import AccessKeyResolver, AuthConfig, authenticate
from iamd.auth.session_tokens import SessionTokens
from iamd.auth.sigv4 import HttpRequest
from iamd.clock import Clock
from iamd.errors import AccessDenied, IamdError, InvalidAction, ServiceFailure
from iamd.gateway.identity import identify
from iamd.gateway.key_use import KeyUseRecorder
from iamd.observability.logging import request_context
from iamd.observability.metrics import Metrics
from iamd.services import iam, sts
from iamd.services.authorize import Authorizer
from iamd.services.call import ANONYMOUS, Call, Dependencies, OperationTable, RequestMeta, Target
from iamd.services.sts.authorization_messages import encoded_denial
from iamd.store import Database, Transaction
from iamd.wire.errors import render_query_error
from iamd.wire.query import QUERY_CONTENT_TYPE, decode_query, encode_query_response
from iamd.wire.service_model import ServiceModel, load_service_model

log = logging.getLogger("iamd.gateway")

STS_VERSION = "2011-06-15"
DEFAULT_REGION = "us-east-1"  # the region of an unsigned request, which names none

Response = tuple[int, dict[str, str], bytes]


@dataclass(frozen=True, slots=True)
class QueryService:
    name: str  # "iam" or "sts": the signing name and the action prefix
    model: ServiceModel
    operations: OperationTable
    auth: AuthConfig


@dataclass(frozen=True, slots=True)
class ClientInfo:
    source_ip: str
    user_agent: str
    secure_transport: bool


class QueryGateway:
    def __init__(
        self,
        database: Database,
        resolver_for: Callable[[Transaction], AccessKeyResolver],
        deps: Dependencies,
        clock: Clock,
        authorizer: Authorizer,
        auth: AuthConfig,
        recorder: Recorder | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._database = database
        self._audit = recorder or recorder_for(database)
        self._resolver_for = resolver_for
        self._key_use = KeyUseRecorder(database)
        self._deps = deps
        self._clock = clock
        self._authorizer = authorizer
        self._metrics = metrics or Metrics()
        # Temporary credentials are sealed with the master key, so every worker verifies them alike.
        self._sessions = SessionTokens(deps.box)
        self._services = {
            name: QueryService(name, load_service_model(name), operations, AuthConfig(auth.max_skew, (name,)))
            for name, operations in (("iam", iam.OPERATIONS), ("sts", sts.OPERATIONS))
        }

    def close(self) -> None:
        """At shutdown: move the audit events still spooled into the database (rather than leaving them
        for the next start or ``iamd audit`` command to drain)."""
        if isinstance(self._audit, DatabaseRecorder):
            self._audit.flush()

    def service_for(self, params: Mapping[str, str]) -> QueryService:
        """IAM and STS share the endpoint; the API version tells them apart."""
        return self._services["sts" if params.get("Version") == STS_VERSION else "iam"]

    def handle(self, http: HttpRequest, params: Mapping[str, str], client: ClientInfo) -> Response:
        started = time.perf_counter()
        request_id = str(uuid.uuid4())
        service = self.service_for(params)
        with request_context(request_id):  # every log record of this request carries its id
            response = self._handle(service, http, params, client, request_id)
        # Only the operation table's names become labels: the client's Action text could be anything.
        action = params.get("Action", "")
        operation = action if action in service.operations else "unknown"
        self._metrics.observe_request(service.name, operation, response[0], time.perf_counter() - started)
        return response

    def _handle(
        self,
        service: QueryService,
        http: HttpRequest,
        params: Mapping[str, str],
        client: ClientInfo,
        request_id: str,
    ) -> Response:
        draft = Draft(
            request_id,
            service.name,
            self._clock.now(),
            client.source_ip,
            client.user_agent,
            params.get("Action", ""),
            http=http,
            secure_transport=client.secure_transport,
        )
        try:
            body = self._process(service, http, params, client, request_id, draft)
            headers = {"Content-Type": QUERY_CONTENT_TYPE, "x-amzn-RequestId": request_id}
            response: Response = 200, headers, body
        except IamdError as error:
            draft.error = error
            response = render_query_error(error, request_id, service.name)
        except Exception:
            log.exception("request %s failed", request_id)
            draft.error = ServiceFailure()
            response = render_query_error(draft.error, request_id, service.name)
        try:  # reads and failures: their event commits on its own before the response leaves
            self._audit.record_alone(draft)
        except Exception:
            log.exception("request %s: recording its audit event failed", request_id)
            return render_query_error(ServiceFailure(), request_id, service.name)
        return response

    def _explain_denial(self, draft: Draft, call: Call, action: str, target: Target) -> None:
        """Keep why a request was denied for its audit event. The client's answer is AccessDenied whatever
        happens here, so a failure to explain is logged, never turned into a 500."""
        try:
            denied_action, denial = denial_of(self._authorizer, call, action, target)
            if denial is not None:
                self._metrics.count_decision(denial.decision)
            draft.decided(target.resource, denied_action, denial, denied=True)
            draft.encoded_authorization_message = encoded_denial(call, denied_action, target, denial)
        except Exception:
            log.exception("request %s: explaining its denial failed", draft.request_id)

    def _process(
        self,
        service: QueryService,
        http: HttpRequest,
        params: Mapping[str, str],
        client: ClientInfo,
        request_id: str,
        draft: Draft,
    ) -> bytes:
        now = draft.time
        # One transaction per request, for the key lookup too; its kind follows the named operation.
        named = service.operations.get(params.get("Action", ""))
        transaction: AbstractContextManager[Transaction] = (
            self._database.transaction() if named is not None and named.writes else self._database.read()
        )
        with transaction as tx:
            if named is not None and not named.signed:
                authenticated, region, draft.unsigned = None, DEFAULT_REGION, True
            else:
                authenticated = authenticate(http, self._resolver_for(tx), now, service.auth, self._sessions)
                region = draft.region = authenticated.region
            name, typed = decode_query(service.model, params)
            draft.event_name, draft.params = name, typed
            operation = service.operations.get(name)
            if operation is None:
                raise InvalidAction(f"The action {name} is not supported by this iamd server yet.")
            meta = RequestMeta(
                request_id=request_id,
                now=now,
                source_ip=client.source_ip,
                user_agent=client.user_agent,
                secure_transport=client.secure_transport,
                region=region,
            )
            caller = ANONYMOUS if authenticated is None else identify(tx, authenticated, self._sessions)
            draft.caller = caller
            call = Call(caller=caller, meta=meta, tx=tx, deps=self._deps)
            if operation.authorized:
                action, target = f"{service.name}:{name}", operation.target(call, typed)
                try:
                    decision = self._authorizer.authorize(call, action, target)
                except AccessDenied:
                    self._explain_denial(draft, call, action, target)
                    raise
                self._metrics.count_decision(decision.decision)
                draft.decided(target.resource, action, decision)
            result = draft.result = operation.handler(call, typed)
            if authenticated is not None and operation.writes:
                self._key_use.record_in(tx, authenticated, now)
            if named is not None and named.writes:  # the change and its event commit together
                self._audit.record_in(tx.connection, draft)
        if authenticated is not None and not operation.writes:
            self._key_use.record_after_read(authenticated, now)
        return encode_query_response(service.model, name, result, request_id)
