"""What a service operation is given, and how operations are declared.

An :class:`Operation` pairs the handler with ``target``, which names the resource ARN and the extra request
context the operation's action is authorized against (``aws:RequestTag/*``, ``iam:PolicyARN``, ...). The
gateway authorizes before the handler runs, inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from iamd.auth.oidc import JwksCache
from iamd.auth.secrets import SecretBox
from iamd.auth.session_tokens import Session
from iamd.model import Role, User
from iamd.policy.variables import ContextValue

if TYPE_CHECKING:
    from iamd.services.authorize import Authorizer
    from iamd.store import Transaction

CallerKind = Literal["root", "user", "role_session", "federated_user", "anonymous"]


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated principal behind a request."""

    account_id: str
    kind: CallerKind
    arn: str
    user_id: str  # aws:userid: AIDA... for users, the account id for root, AROA...:session for roles
    access_key_id: str | None = None
    user: User | None = None
    role: Role | None = None
    session_name: str | None = None
    session: Session | None = None  # temporary credentials: the decoded session token

    @property
    def principal_type(self) -> str:
        """``aws:PrincipalType`` (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)."""
        return {
            "root": "Account",
            "user": "User",
            "role_session": "AssumedRole",
            "federated_user": "FederatedUser",
            "anonymous": "Anonymous",
        }[self.kind]


ANONYMOUS = Caller(account_id="", kind="anonymous", arn="", user_id="")


@dataclass(frozen=True, slots=True)
class RequestMeta:
    """Facts about the HTTP request that policies can test."""

    request_id: str
    now: datetime
    source_ip: str
    user_agent: str
    secure_transport: bool
    region: str


def _enforcing_authorizer() -> Authorizer:
    from iamd.services.authorize import Authorizer  # authorize imports this module

    return Authorizer()


@dataclass(frozen=True, slots=True)
class Dependencies:
    """Long-lived parts handlers need besides the store."""

    box: SecretBox
    # For the checks a handler makes itself (iam:PassRole, sts:TagSession ...): it follows --auth-mode.
    authorizer: Authorizer = field(default_factory=_enforcing_authorizer)
    oidc_keys: JwksCache = field(default_factory=JwksCache)  # web identity issuers' keys (cached, static)


@dataclass(slots=True)
class Call:
    caller: Caller
    meta: RequestMeta
    tx: Transaction
    deps: Dependencies

    @property
    def account_id(self) -> str:
        return self.caller.account_id

    @property
    def now(self) -> datetime:
        return self.meta.now


@dataclass(frozen=True, slots=True)
class Target:
    """What an operation acts on: the resource ARN and operation-specific context keys."""

    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    # The resource-based policy in play (a role's trust policy for sts:AssumeRole), as stored JSON text.
    resource_policy: str | None = None
    # Further actions the same request needs on the same target (sts:TagSession, sts:SetSourceIdentity).
    also_actions: tuple[str, ...] = ()


Params = dict[str, Any]
Result = Mapping[str, Any]
Handler = Callable[[Call, Params], Result]
TargetOf = Callable[[Call, Params], Target]


@dataclass(frozen=True, slots=True)
class Operation:
    handler: Handler
    target: TargetOf
    writes: bool = True
    # False where AWS takes the request unsigned (AssumeRoleWithWebIdentity, AssumeRoleWithSAML): the call's
    # caller is then ANONYMOUS and the handler itself proves who is asking.
    signed: bool = True
    authorized: bool = True  # False only where AWS requires no permission (sts:GetCallerIdentity)


OperationTable = Mapping[str, Operation]
