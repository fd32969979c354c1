"""IAM instance profiles: Create/Get/List/Delete, the one role each carries, and tags.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateInstanceProfile.html and its
siblings. AddRoleToInstanceProfile also needs ``iam:PassRole`` on the role ("The caller of this operation
must be granted the PassRole permission on the IAM role",
https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddRoleToInstanceProfile.html).
"""

from __future__ import annotations

from typing import Any

from iamd.auth.keys import new_instance_profile_id
from iamd.model import InstanceProfile
from iamd.services.call import Call, Operation, Params, Result, Target
from iamd.services.iam.common import (
    arn_of,
    list_target,
    page_result,
    paging,
    request_tag_context,
    resource_tag_context,
    tags_in,
    tags_out,
)
from iamd.services.iam.roles import existing_role_target, require_modifiable, role_result, tags_page_result

# iam:PassRole's context when a role goes into an instance profile: the service that will use it, and
# the ARN form AWS documents for iam:AssociatedResourceArn in this case.
EC2_SERVICE = "ec2.amazonaws.com"


def profile_result(profile: InstanceProfile, *, listed: bool = False) -> dict[str, Any]:
    """An InstanceProfile structure; list operations leave tags out, as AWS does
    (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListInstanceProfiles.html)."""
    out: dict[str, Any] = {
        "Path": profile.path,
        "InstanceProfileName": profile.name,
        "InstanceProfileId": profile.id,
        "Arn": profile.arn,
        "CreateDate": profile.created,
        "Roles": [role_result(role, listed=True) for role in profile.roles],
    }
    if not listed and profile.tags:
        out["Tags"] = tags_out(profile.tags)
    return out


def existing_profile_target(call: Call, name: str, context: dict[str, Any] | None = None) -> Target:
    """Authorize against the profile's real ARN (with its path) and tags; a missing one has path ``/``."""
    profile = call.tx.instance_profiles.find(call.account_id, name)
    if profile is None:
        return Target(arn_of(call, "instance-profile", "/", name), context or {})
    return Target(profile.arn, {**resource_tag_context(profile.tags), **(context or {})})


# -- operations ----------------------------------------------------------------------------------------


def create_instance_profile(call: Call, params: Params) -> Result:
    name = params["InstanceProfileName"]
    path = params.get("Path") or "/"
    profile = InstanceProfile(
        account_id=call.account_id,
        id=new_instance_profile_id(),
        name=name,
        path=path,
        arn=arn_of(call, "instance-profile", path, name),
        created=call.now,
        tags=tags_in(params),
    )
    return {"InstanceProfile": profile_result(call.tx.instance_profiles.create(profile))}


def create_instance_profile_target(call: Call, params: Params) -> Target:
    name = params["InstanceProfileName"]
    return Target(arn_of(call, "instance-profile", params.get("Path"), name), request_tag_context(params))


def get_instance_profile(call: Call, params: Params) -> Result:
    profile = call.tx.instance_profiles.get(call.account_id, params["InstanceProfileName"])
    return {"InstanceProfile": profile_result(profile)}


def list_instance_profiles(call: Call, params: Params) -> Result:
    page = call.tx.instance_profiles.list(
        call.account_id, path_prefix=params.get("PathPrefix") or "/", **paging(params)
    )
    return page_result(page, "InstanceProfiles", lambda p: profile_result(p, listed=True))


def delete_instance_profile(call: Call, params: Params) -> Result:
    call.tx.instance_profiles.delete(call.account_id, params["InstanceProfileName"])
    return {}


def _require_pass_role(call: Call, role_name: str) -> None:
    """The second authorization AddRoleToInstanceProfile needs: iam:PassRole on the role.

    The gateway authorizes one action per operation; this one is decided here with the same engine.
    """
    context = {"iam:PassedToService": EC2_SERVICE, "iam:AssociatedResourceArn": _instance_arns(call)}
    call.deps.authorizer.authorize(call, "iam:PassRole", existing_role_target(call, role_name, context))


def _instance_arns(call: Call) -> str:
    return f"arn:aws:ec2:*:{call.account_id}:instance/*"


def add_role_to_instance_profile(call: Call, params: Params) -> Result:
    profile = call.tx.instance_profiles.get(call.account_id, params["InstanceProfileName"])
    role = require_modifiable(call.tx.roles.get(call.account_id, params["RoleName"]))
    _require_pass_role(call, role.name)
    call.tx.instance_profiles.add_role(profile, role)
    return {}


def remove_role_from_instance_profile(call: Call, params: Params) -> Result:
    profile = call.tx.instance_profiles.get(call.account_id, params["InstanceProfileName"])
    role = require_modifiable(call.tx.roles.get(call.account_id, params["RoleName"]))
    call.tx.instance_profiles.remove_role(profile, role)
    return {}


def list_instance_profiles_for_role(call: Call, params: Params) -> Result:
    role = call.tx.roles.get(call.account_id, params["RoleName"])
    page = call.tx.instance_profiles.list_for_role(role, **paging(params))
    return page_result(page, "InstanceProfiles", lambda p: profile_result(p, listed=True))


def tag_instance_profile(call: Call, params: Params) -> Result:
    call.tx.instance_profiles.tag(call.account_id, params["InstanceProfileName"], tags_in(params))
    return {}


def untag_instance_profile(call: Call, params: Params) -> Result:
    call.tx.instance_profiles.untag(call.account_id, params["InstanceProfileName"], params["TagKeys"])
    return {}


def list_instance_profile_tags(call: Call, params: Params) -> Result:
    tags = call.tx.instance_profiles.list_tags(call.account_id, params["InstanceProfileName"])
    return tags_page_result(tags, params)


def _profile_target(call: Call, params: Params) -> Target:
    return existing_profile_target(call, params["InstanceProfileName"])


def _tagging_target(call: Call, params: Params) -> Target:
    return existing_profile_target(call, params["InstanceProfileName"], request_tag_context(params))


def _untagging_target(call: Call, params: Params) -> Target:
    return existing_profile_target(
        call, params["InstanceProfileName"], {"aws:TagKeys": tuple(params["TagKeys"])}
    )


def _for_role_target(call: Call, params: Params) -> Target:
    return existing_role_target(call, params["RoleName"])


OPERATIONS: dict[str, Operation] = {
    "CreateInstanceProfile": Operation(create_instance_profile, create_instance_profile_target),
    "GetInstanceProfile": Operation(get_instance_profile, _profile_target, writes=False),
    "ListInstanceProfiles": Operation(
        list_instance_profiles,
        lambda call, params: list_target(call, "instance-profile", params),
        writes=False,
    ),
    "DeleteInstanceProfile": Operation(delete_instance_profile, _profile_target),
    "AddRoleToInstanceProfile": Operation(add_role_to_instance_profile, _profile_target),
    "RemoveRoleFromInstanceProfile": Operation(remove_role_from_instance_profile, _profile_target),
    "ListInstanceProfilesForRole": Operation(list_instance_profiles_for_role, _for_role_target, writes=False),
    "TagInstanceProfile": Operation(tag_instance_profile, _tagging_target),
    "UntagInstanceProfile": Operation(untag_instance_profile, _untagging_target),
    "ListInstanceProfileTags": Operation(list_instance_profile_tags, _profile_target, writes=False),
}
