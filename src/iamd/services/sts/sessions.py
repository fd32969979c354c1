"""What every STS operation that issues temporary credentials shares: access key ids, session policies,
session tags, packed policy size, MFA checks, and the Credentials result; and what the three ways to a role
session (AssumeRole, AssumeRoleWithWebIdentity, AssumeRoleWithSAML) share: finding the role, the requested
duration, the trust policy's session keys and actions, and issuing the role session with its result.

Sources: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (session policies, tags,
PackedPolicySize, errors), https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html (session
tag rules), https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-limits.html (limits).
"""

from __future__ import annotations

import base64
import math
import secrets
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import orjson

from iamd.auth.keys import new_secret_access_key
from iamd.auth.secrets import Secret
from iamd.auth.session_tokens import Session, SessionTokens
from iamd.errors import (
    AccessDenied,
    ClientError,
    InvalidParameterValue,
    MalformedPolicyDocument,
    PackedPolicyTooLarge,
    ValidationError,
)
from iamd.model import Arn, Role
from iamd.policy.variables import ContextValue
from iamd.services.call import Call, Params
from iamd.services.iam.documents import check_document
from iamd.services.iam.mfa_devices import verify_mfa_code

MAX_POLICY_ARNS: Final = 10
MAX_SESSION_TAGS: Final = 50
# iamd's budget for the packed (compressed) session policies and tags; PackedPolicySize is the share of it
# in percent, as AWS reports it. AWS does not publish its own budget; 2,048 compressed bytes admit the
# largest inline session policy AWS accepts (2,048 characters) with room for tags and 10 policy ARNs.
PACKED_BUDGET_BYTES: Final = 2048
DEFAULT_ROLE_DURATION: Final = 3600
ROLE_CHAINING_LIMIT: Final = 3600


@dataclass(frozen=True, slots=True)
class SessionRequest:
    """Session policies and tags as requested, checked."""

    policy: str | None
    policy_arns: tuple[str, ...]
    tags: tuple[tuple[str, str], ...]
    transitive_tag_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CarriedIdentity:
    """The session tags, transitive tag keys and source identity a role session will carry, from wherever
    the operation takes them (request, calling session, token claims, assertion attributes)."""

    tags: tuple[tuple[str, str], ...]
    transitive_tag_keys: tuple[str, ...]
    source_identity: str | None

    def trust_context(self) -> dict[str, ContextValue]:
        """The keys the trust policy sees for them."""
        context: dict[str, ContextValue] = {}
        if self.source_identity is not None:
            context["sts:SourceIdentity"] = self.source_identity
        if self.transitive_tag_keys:
            context["sts:TransitiveTagKeys"] = self.transitive_tag_keys
        context.update(tag_request_context(self.tags))
        return context

    def trust_actions(self) -> tuple[str, ...]:
        """The actions the trust policy must also allow for them."""
        return (("sts:TagSession",) if self.tags else ()) + (
            ("sts:SetSourceIdentity",) if self.source_identity else ()
        )


# -- access key ids ------------------------------------------------------------------------------------

_ACCOUNT_MASK: Final = 0x7FFFFFFFFF80  # bits of the first 6 key bytes that hold the account id


def temporary_access_key_id(account_id: str) -> str:
    """A new ``ASIA...`` id whose bits encode the account, as AWS's key ids do: GetAccessKeyInfo can then
    name the account of a temporary key without any state."""
    raw = bytearray(secrets.token_bytes(10))
    head = int.from_bytes(raw[:6], "big") & ~_ACCOUNT_MASK & 0xFFFFFFFFFFFF
    head |= int(account_id) << 7
    raw[:6] = head.to_bytes(6, "big")
    return "ASIA" + base64.b32encode(bytes(raw)).decode("ascii")


def account_of_key_id(access_key_id: str) -> str | None:
    """The account encoded in an AWS-format access key id (20 characters, base32 after the prefix)."""
    try:
        raw = base64.b32decode(access_key_id[4:])
    except (ValueError, TypeError):
        return None
    if len(access_key_id) != 20 or len(raw) != 10:
        return None
    account = (int.from_bytes(raw[:6], "big") & _ACCOUNT_MASK) >> 7
    return f"{account:012d}" if account < 10**12 else None


# -- request parts -------------------------------------------------------------------------------------


def parse_role_arn(role_arn: str) -> Arn:
    """The RoleArn parameter as an ARN; ValidationError for text that is no ARN."""
    try:
        return Arn.parse(role_arn)
    except ValueError:
        raise ValidationError(
            f"1 validation error detected: Value '{role_arn}' at 'roleArn' failed to satisfy constraint: "
            "Member must satisfy ARN format"
        ) from None


def find_role(call: Call, role_arn: str) -> Role | None:
    """The role an STS request names; ValidationError for text that is no ARN, None for no such role."""
    arn = parse_role_arn(role_arn)
    if arn.service != "iam" or arn.resource_type != "role" or not arn.account.isdigit():
        return None
    return call.tx.roles.find(arn.account, arn.resource_name)


def role_duration(params: Params, role: Role, *, chaining: bool = False) -> int:
    """DurationSeconds, else one hour; at most one hour through role chaining, and never past the role's
    MaxSessionDuration."""
    duration: int = params.get("DurationSeconds") or DEFAULT_ROLE_DURATION
    if chaining and duration > ROLE_CHAINING_LIMIT:
        raise ValidationError(
            "The requested DurationSeconds exceeds the 1 hour session limit "
            "for roles assumed by role chaining."
        )
    if duration > role.max_session_duration:
        raise ValidationError(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
        )
    return duration


def session_request(params: Params, *, transitive: bool) -> SessionRequest:
    policy = params.get("Policy")
    if policy is not None:
        try:
            check_document(policy, "identity")
        except ClientError as error:
            raise MalformedPolicyDocument(error.message) from None
    arns = tuple(item["arn"] for item in params.get("PolicyArns") or [] if item.get("arn"))
    if len(arns) > MAX_POLICY_ARNS:
        raise ValidationError(
            f"1 validation error detected: Value '{len(arns)}' at 'policyArns' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_POLICY_ARNS}"
        )
    tags = tuple((item["Key"], item["Value"]) for item in params.get("Tags") or [])
    seen: set[str] = set()
    for key, _ in tags:
        if key.lower() in seen:
            raise InvalidParameterValue(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive."
            )
        seen.add(key.lower())
    transitive_keys = tuple(params.get("TransitiveTagKeys") or []) if transitive else ()
    for key in transitive_keys:
        if key.lower() not in seen:
            raise InvalidParameterValue(
                "The specified transitive tag key must be included in the requested tags."
            )
    return SessionRequest(policy, arns, tags, transitive_keys)


def packed_policy_size(policy: str | None, arns: tuple[str, ...], tags: tuple[tuple[str, str], ...]) -> int:
    """PackedPolicySize: the compressed session policies and tags as a percentage of the budget; over 100
    is PackedPolicyTooLarge (AWS's message names the percentage)."""
    minified = orjson.dumps(orjson.loads(policy)) if policy else b""
    packed = zlib.compress(minified + orjson.dumps([list(arns), [list(t) for t in tags]]), 9)
    size = math.ceil(100 * len(packed) / PACKED_BUDGET_BYTES)
    if size > 100:
        raise PackedPolicyTooLarge(
            f"Packed policy consumes {size}% of allotted space, please use smaller policy."
        )
    return size


def tag_request_context(tags: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """aws:RequestTag/* and aws:TagKeys of a request that passes session tags."""
    if not tags:
        return {}
    context: dict[str, Any] = {f"aws:RequestTag/{key}": value for key, value in tags}
    context["aws:TagKeys"] = tuple(key for key, _ in tags)
    return context


# -- MFA -----------------------------------------------------------------------------------------------


def verify_mfa(call: Call, serial_number: str | None, token_code: str | None) -> datetime | None:
    """The MFA authentication time when a serial number and code were given and check out; None when
    neither was given; AccessDenied with AWS's wording otherwise."""
    if serial_number is None and token_code is None:
        return None
    if serial_number is None or token_code is None:
        raise AccessDenied("MultiFactorAuthentication failed, unable to validate MFA code.")
    user = call.caller.user
    device = call.tx.mfa_devices.find(serial_number)
    if user is None or device is None or device.user_id != user.id:
        raise AccessDenied(
            "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial "
            "number is valid and associated with this user."
        )
    if not verify_mfa_code(call.tx, call.deps.box, user, serial_number, token_code, call.now):
        raise AccessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code.")
    return call.now


# -- issuing -------------------------------------------------------------------------------------------


def expiry(now: datetime, seconds: int) -> datetime:
    """Whole seconds, as AWS reports Expiration."""
    return now.replace(microsecond=0) + timedelta(seconds=seconds)


def issue(call: Call, **fields: Any) -> tuple[Session, str]:
    """A new session and its token; ``fields`` are :class:`Session`'s less key, secret and issue time."""
    session = Session(
        access_key_id=temporary_access_key_id(fields["account_id"]),
        secret_access_key=Secret(new_secret_access_key()),
        issued_at=call.now,
        **fields,
    )
    return session, SessionTokens(call.deps.box).issue(session)


def credentials(session: Session, token: str) -> dict[str, Any]:
    return {
        "AccessKeyId": session.access_key_id,
        "SecretAccessKey": session.secret_access_key.reveal(),
        "SessionToken": token,
        "Expiration": session.expires_at,
    }


def issue_role_session(
    call: Call,
    role: Role,
    session_name: str,
    expires_at: datetime,
    request: SessionRequest,
    carried: CarriedIdentity,
    packed: int,
    *,
    mfa_authenticated_at: datetime | None = None,
    role_chain: bool = False,
) -> dict[str, Any]:
    """Issue a role session, record the role's use, and answer with the result members every role
    session shares: Credentials, AssumedRoleUser, PackedPolicySize (when session policies or tags were
    passed) and SourceIdentity."""
    session, token = issue(
        call,
        account_id=role.account_id,
        kind="role_session",
        principal_id=role.id,
        principal_arn=role.arn,
        expires_at=expires_at,
        session_name=session_name,
        policy=request.policy,
        policy_arns=request.policy_arns,
        tags=carried.tags,
        transitive_tag_keys=carried.transitive_tag_keys,
        source_identity=carried.source_identity,
        mfa_authenticated_at=mfa_authenticated_at,
        role_chain=role_chain,
    )
    call.tx.roles.record_use(role.id, call.now, call.meta.region)
    result: dict[str, Any] = {
        "Credentials": credentials(session, token),
        "AssumedRoleUser": {
            "AssumedRoleId": f"{role.id}:{session_name}",
            "Arn": f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/{session_name}",
        },
    }
    if request.policy is not None or request.policy_arns or carried.tags:
        result["PackedPolicySize"] = packed
    if carried.source_identity is not None:
        result["SourceIdentity"] = carried.source_identity
    return result
