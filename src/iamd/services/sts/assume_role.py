"""STS AssumeRole: a role session whose trust policy the engine evaluates as the resource-based policy.

https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html: DurationSeconds from 900 to the
role's MaxSessionDuration (default 3600), at most one hour when a role session assumes a role (role
chaining); ExternalId as ``sts:ExternalId``; Policy and up to 10 PolicyArns as session policies; Tags
(need ``sts:TagSession``) and TransitiveTagKeys, which carry through chaining; SourceIdentity (needs
``sts:SetSourceIdentity``), which stays fixed through chaining
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html).
"""

from __future__ import annotations

from iamd.errors import AccessDenied, InvalidParameterValue
from iamd.policy.variables import ContextValue
from iamd.services.call import Call, Operation, Params, Result, Target
from iamd.services.sts.sessions import (
    CarriedIdentity,
    expiry,
    find_role,
    issue_role_session,
    packed_policy_size,
    role_duration,
    session_request,
    verify_mfa,
)


def _carried_tags(call: Call) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """Transitive session tags of the calling role session (role chaining)."""
    session = call.caller.session
    if session is None or session.kind != "role_session":
        return (), ()
    keys = {key.lower() for key in session.transitive_tag_keys}
    return tuple(t for t in session.tags if t[0].lower() in keys), session.transitive_tag_keys


def _session_tags(call: Call, params: Params) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """Requested tags plus the transitive ones carried in; a carried key keeps its carried value."""
    request = session_request(params, transitive=True)
    carried, carried_keys = _carried_tags(call)
    carried_lower = {key.lower() for key, _ in carried}
    for key, _ in request.tags:
        if key.lower() in carried_lower:
            # "If you pass a session tag with the same key as an inherited tag, the operation fails"
            # (AssumeRole's Tags parameter); AWS's error code is not documented.
            raise InvalidParameterValue(
                f"The session tag key {key} is already set by an inherited transitive session tag."
            )
    keys = dict.fromkeys(carried_keys + request.transitive_tag_keys)
    return carried + request.tags, tuple(keys)


def _source_identity(call: Call, params: Params) -> str | None:
    session = call.caller.session
    requested: str | None = params.get("SourceIdentity")
    if session is not None and session.source_identity is not None:
        # Set once, it persists through role chaining and cannot be changed (AWS's documented rule;
        # its error code for a change is not documented).
        if requested is not None and requested != session.source_identity:
            raise InvalidParameterValue(
                f"The source identity {session.source_identity} of this session cannot be changed."
            )
        return session.source_identity
    return requested


def assume_role_target(call: Call, params: Params) -> Target:
    if call.caller.kind == "root":
        # Whatever the trust policy says (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
        raise AccessDenied("Roles may not be assumed by root accounts.")
    role = find_role(call, params["RoleArn"])
    carried = CarriedIdentity(*_session_tags(call, params), _source_identity(call, params))
    context: dict[str, ContextValue] = {"sts:RoleSessionName": params["RoleSessionName"]}
    if params.get("ExternalId") is not None:
        context["sts:ExternalId"] = params["ExternalId"]
    context.update(carried.trust_context())
    if params.get("SerialNumber") is not None and params.get("TokenCode") is not None:
        # The handler verifies the code before anything is issued; a wrong one fails the whole request.
        context["aws:MultiFactorAuthPresent"] = "true"
        context["aws:MultiFactorAuthAge"] = "0"
    return Target(
        params["RoleArn"],
        context,
        resource_policy=role.assume_role_policy_document if role is not None else None,
        also_actions=carried.trust_actions(),
    )


def assume_role(call: Call, params: Params) -> Result:
    role = find_role(call, params["RoleArn"])
    if role is None:  # reached only in audit mode: the engine denies a role without a trust policy
        raise AccessDenied(
            f"User: {call.caller.arn} is not authorized to perform: sts:AssumeRole "
            f"on resource: {params['RoleArn']}"
        )
    chaining = call.caller.kind == "role_session"
    duration = role_duration(params, role, chaining=chaining)
    request = session_request(params, transitive=True)
    tags, transitive_keys = _session_tags(call, params)
    packed = packed_policy_size(request.policy, request.policy_arns, tags)
    mfa_at = verify_mfa(call, params.get("SerialNumber"), params.get("TokenCode"))
    carried = CarriedIdentity(tags, transitive_keys, _source_identity(call, params))
    return issue_role_session(
        call,
        role,
        params["RoleSessionName"],
        expiry(call.now, duration),
        request,
        carried,
        packed,
        mfa_authenticated_at=mfa_at,
        role_chain=chaining,
    )


OPERATIONS: dict[str, Operation] = {
    "AssumeRole": Operation(assume_role, assume_role_target),
}
