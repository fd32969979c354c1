"""Role sessions issued to an AWS service principal (``ec2.amazonaws.com``, ``ecs-tasks.amazonaws.com``) for
the credential endpoints, cached and renewed well before they expire.

The role is looked up and its trust policy evaluated by the engine on every request, with the service as
the principal (as AWS does when EC2 or ECS assumes a role on an instance's or task's behalf): a role created
after the server started is picked up, and a trust policy that stops allowing the service stops the
credentials at once. The credentials are ordinary iamd role sessions: the same self-contained tokens that
STS AssumeRole issues, so every iamd process accepts them.

Lifetime: AWS's instance and task credentials last about six hours whatever the role's
MaxSessionDuration ("The maximum session duration setting doesn't limit sessions assumed by AWS
services", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html), and new
ones are available well before the old ones expire
(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html#instance-metadata-security-credentials:
"at least five minutes before"). SDKs renew 5-15 minutes ahead, so the cache hands out fresh credentials
once less than :data:`REFRESH_MARGIN` remains.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from iamd.auth.keys import new_secret_access_key
from iamd.auth.secrets import Secret, SecretBox
from iamd.auth.session_tokens import Session, SessionTokens
from iamd.clock import Clock
from iamd.model import Arn, InstanceProfile, Role
from iamd.policy import PolicySet, Principal, Request, evaluate
from iamd.services import policies_of
from iamd.services.sts.sessions import expiry, temporary_access_key_id
from iamd.store import Database

log = logging.getLogger("iamd.credentials")

LIFETIME: Final = timedelta(hours=6)
REFRESH_MARGIN: Final = timedelta(hours=1)
_LOG_REPEAT_SECONDS: Final = 60.0

ServicePrincipal = Literal["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]


class RoleUnavailable(Exception):
    """No credentials can be served; ``reason`` says why in words an operator can act on."""

    def __init__(self, reason: str, *, missing: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing  # the role does not exist (as opposed to: it does not trust the service)


@dataclass(frozen=True, slots=True)
class IssuedCredentials:
    role: Role
    session: Session
    token: str

    @property
    def access_key_id(self) -> str:
        return self.session.access_key_id

    @property
    def secret_access_key(self) -> str:
        return self.session.secret_access_key.reveal()

    @property
    def issued_at(self) -> datetime:
        return self.session.issued_at

    @property
    def expires_at(self) -> datetime:
        return self.session.expires_at


def parse_role_arn(text: str) -> Arn:
    """The ARN of a role (``arn:aws:iam::123456789012:role/path/name``); ValueError otherwise."""
    arn = Arn.parse(text)
    if arn.service != "iam" or arn.resource_type != "role" or not arn.account.isdigit():
        raise ValueError(f"{text!r} is not the ARN of an IAM role")
    return arn


def session_name_for(service: ServicePrincipal, role_arn: str) -> str:
    """What AWS puts after the role name in the assumed-role ARN: the instance id for EC2
    (``i-`` and 17 hex digits), the task id for ECS (32 hex digits). Derived from the role ARN, so every
    worker process and every restart name the same pretend instance or task."""
    digest = hashlib.sha256(f"{service}\n{role_arn}".encode()).hexdigest()
    return f"i-0{digest[:16]}" if service == "ec2.amazonaws.com" else digest[:32]


class RoleCredentials:
    """Serves credentials of one configured role to one service principal. Thread-safe."""

    def __init__(
        self,
        database: Database,
        box: SecretBox,
        clock: Clock,
        role_arn: str,
        service: ServicePrincipal,
        *,
        lifetime: timedelta = LIFETIME,
        refresh_margin: timedelta = REFRESH_MARGIN,
    ) -> None:
        self._arn = parse_role_arn(role_arn)
        self.role_arn = role_arn
        self.service = service
        self.session_name = session_name_for(service, role_arn)
        self._database = database
        self._tokens = SessionTokens(box)
        self._clock = clock
        self._lifetime = lifetime
        self._margin = refresh_margin
        self._lock = threading.Lock()
        self._current: IssuedCredentials | None = None
        self._last_logged: tuple[str, float] | None = None

    @property
    def role_name(self) -> str:
        return self._arn.resource_name

    def get(self) -> IssuedCredentials:
        """Current credentials (renewed when less than the refresh margin remains); RoleUnavailable when
        the role does not exist or its trust policy does not allow the service."""
        now = self._clock.now()
        try:
            role = self._trusted_role(now)
        except RoleUnavailable as refusal:
            self._log_refusal(refusal.reason)
            raise
        with self._lock:
            current = self._current
            if current is None or current.role.id != role.id or current.expires_at - now <= self._margin:
                current = self._current = self._issue(role, now)
            return current

    def now(self) -> datetime:
        return self._clock.now()

    def instance_profile(self, role: Role) -> InstanceProfile | None:
        """The first (by name) stored instance profile that holds the role, if any."""
        with self._database.read() as tx:
            profiles = sorted(tx.instance_profiles.for_role(role), key=lambda p: p.name)
        return profiles[0] if profiles else None

    def check(self) -> str | None:
        """Why credentials cannot be served right now, or None when they can (for start-up messages)."""
        try:
            self._trusted_role(self._clock.now())
        except RoleUnavailable as refusal:
            return refusal.reason
        return None

    def _trusted_role(self, now: datetime) -> Role:
        with self._database.read() as tx:
            role = tx.roles.find(self._arn.account, self._arn.resource_name)
        if role is None:
            raise RoleUnavailable(f"the role {self.role_arn} does not exist", missing=True)
        if not self._trusts_service(role, now):
            raise RoleUnavailable(
                f"the trust policy of {self.role_arn} does not allow {self.service} to assume it "
                f'(sts:AssumeRole with Principal {{"Service": "{self.service}"}})',
                missing=False,
            )
        return role

    def _trusts_service(self, role: Role, now: datetime) -> bool:
        trust = policies_of.compile_text(role.assume_role_policy_document, with_principals=True)
        if trust is None:
            return False
        # The keys AWS sets when a service acts as the principal
        # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
        context = {
            "aws:PrincipalIsAWSService": "true",
            "aws:PrincipalServiceName": self.service,
            "aws:SourceAccount": role.account_id,
            "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "aws:EpochTime": str(int(now.timestamp())),
            "aws:SecureTransport": "false",
            "sts:RoleSessionName": self.session_name,
        }
        request = Request.build(
            Principal("service", self.service, None),
            "sts:AssumeRole",
            role.arn,
            role.account_id,
            context,
        )
        return evaluate(request, PolicySet.of(resource=[trust])).decision == "Allow"

    def _issue(self, role: Role, now: datetime) -> IssuedCredentials:
        session = Session(
            access_key_id=temporary_access_key_id(role.account_id),
            secret_access_key=Secret(new_secret_access_key()),
            account_id=role.account_id,
            kind="role_session",
            principal_id=role.id,
            principal_arn=role.arn,
            issued_at=now,
            expires_at=expiry(now, int(self._lifetime.total_seconds())),
            session_name=self.session_name,
        )
        token = self._tokens.issue(session)
        with self._database.transaction() as tx:
            tx.roles.record_use(role.id, now, "us-east-1")
        log.info("issued %s credentials of %s until %s", self.service, role.arn, session.expires_at)
        return IssuedCredentials(role, session, token)

    def _log_refusal(self, reason: str) -> None:
        """One clear line per reason, repeated at most once a minute (SDKs retry)."""
        moment = time.monotonic()
        with self._lock:
            last = self._last_logged
            if last is not None and last[0] == reason and moment - last[1] < _LOG_REPEAT_SECONDS:
                return
            self._last_logged = (reason, moment)
        log.error("refusing to serve %s credentials: %s", self.service, reason)
