"""Console passwords: login profiles (Create/Get/Update/DeleteLoginProfile) and the account password policy
(Get/Update/DeleteAccountPasswordPolicy).

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html, its
siblings, and https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
(the custom policy's rules and, without one, AWS's default: at least 8 characters and three of the four
character types). Passwords are checked, hashed with Argon2id and forgotten: no response returns them.
"""

from __future__ import annotations

from typing import Any

from iamd.auth.passwords import hash_password
from iamd.auth.secrets import Secret
from iamd.errors import NoSuchEntity, PasswordPolicyViolation, ValidationError
from iamd.model import LoginProfile, User
from iamd.services.call import Call, Operation, Params, Result, Target
from iamd.services.iam.users import existing_user_target
from iamd.store.repositories.accounts import PasswordPolicy

# The account-policy page's symbols: "! @ # $ % ^ & * ( ) _ + - = [ ] { } | '"
SYMBOLS = frozenset("!@#$%^&*()_+-=[]{}|'")
DEFAULT_MINIMUM_LENGTH = 8
DEFAULT_TYPES_REQUIRED = 3  # of uppercase, lowercase, numbers, symbols, without a custom policy


def _character_types(password: str) -> dict[str, bool]:
    """Which character types ``password`` has, each with AWS's sentence for its absence."""
    return {
        "Password should have at least one uppercase letter": any("A" <= c <= "Z" for c in password),
        "Password should have at least one lowercase letter": any("a" <= c <= "z" for c in password),
        "Password should have at least one number": any(c.isascii() and c.isdigit() for c in password),
        "Password should have at least one symbol": any(c in SYMBOLS for c in password),
    }


def check_password(policy: PasswordPolicy | None, password: Secret) -> None:
    """Raise PasswordPolicyViolation when ``password`` breaks the account's policy (or AWS's default)."""
    clear = password.reveal()
    minimum = policy.minimum_password_length if policy is not None else DEFAULT_MINIMUM_LENGTH
    if len(clear) < minimum:
        raise PasswordPolicyViolation(f"Password should have a minimum length of {minimum}")
    types = _character_types(clear)
    missing = [sentence for sentence, present in types.items() if not present]
    if policy is None:
        # AWS's wording when the default policy's "three of four types" is not met, e.g. "Password
        # should meet 1 more of the following requirements: Password should have at least one ..., ...".
        short = DEFAULT_TYPES_REQUIRED - (len(types) - len(missing))
        if short > 0:
            raise PasswordPolicyViolation(
                f"Password should meet {short} more of the following requirements: {', '.join(missing)}"
            )
        return
    required = dict(
        zip(
            types,
            (
                policy.require_uppercase_characters,
                policy.require_lowercase_characters,
                policy.require_numbers,
                policy.require_symbols,
            ),
            strict=True,
        )
    )
    broken = [sentence for sentence in missing if required[sentence]]
    if broken:
        raise PasswordPolicyViolation("; ".join(broken))


def _user(call: Call, params: Params) -> User:
    """The named user, or the calling IAM user when ``UserName`` is left out."""
    name = params.get("UserName")
    if name is not None:
        return call.tx.users.get(call.account_id, name)
    if call.caller.user is not None:
        return call.caller.user
    raise ValidationError("Must specify userName when calling with non-User credentials")


def _user_target(call: Call, params: Params) -> Target:
    name = params.get("UserName")
    if name is None and call.caller.user is not None:
        name = call.caller.user.name
    return existing_user_target(call, name) if name is not None else Target(call.caller.arn)


def _profile_result(profile: LoginProfile) -> dict[str, Any]:
    return {
        "UserName": profile.user_name,
        "CreateDate": profile.created,
        "PasswordResetRequired": profile.password_reset_required,
    }


def _new_password_hash(call: Call, params: Params) -> str | None:
    """Check the request's password against the policy and hash it; None when no password was given."""
    if params.get("Password") is None:
        return None
    password = Secret(params["Password"])
    check_password(call.tx.accounts.password_policy(call.account_id), password)
    return hash_password(password)


# -- login profiles ------------------------------------------------------------------------------------


def create_login_profile(call: Call, params: Params) -> Result:
    user = _user(call, params)
    password_hash = _new_password_hash(call, params)
    if password_hash is None:
        raise ValidationError("Password is required when creating a login profile for an IAM user.")
    profile = LoginProfile(
        user_id=user.id,
        user_name=user.name,
        password_hash=password_hash,
        password_reset_required=bool(params.get("PasswordResetRequired", False)),
        created=call.now,
    )
    return {"LoginProfile": _profile_result(call.tx.login_profiles.create(user, profile))}


def get_login_profile(call: Call, params: Params) -> Result:
    return {"LoginProfile": _profile_result(call.tx.login_profiles.get(_user(call, params)))}


def update_login_profile(call: Call, params: Params) -> Result:
    user = _user(call, params)
    call.tx.login_profiles.get(user)  # NoSuchEntity before the (slow) hash of a password going nowhere
    call.tx.login_profiles.update(
        user,
        password_hash=_new_password_hash(call, params),
        password_reset_required=params.get("PasswordResetRequired"),
    )
    return {}


def delete_login_profile(call: Call, params: Params) -> Result:
    call.tx.login_profiles.delete(_user(call, params))
    return {}


# -- the account password policy -----------------------------------------------------------------------


def _policy_not_found(call: Call) -> NoSuchEntity:
    return NoSuchEntity(f"The Password Policy with domain name {call.account_id} cannot be found.")


def policy_result(policy: PasswordPolicy) -> dict[str, Any]:
    """GetAccountPasswordPolicy's PasswordPolicy: unset optional fields are left out, as AWS does."""
    return {
        "MinimumPasswordLength": policy.minimum_password_length,
        "RequireSymbols": policy.require_symbols,
        "RequireNumbers": policy.require_numbers,
        "RequireUppercaseCharacters": policy.require_uppercase_characters,
        "RequireLowercaseCharacters": policy.require_lowercase_characters,
        "AllowUsersToChangePassword": policy.allow_users_to_change_password,
        "ExpirePasswords": policy.max_password_age is not None,
        "MaxPasswordAge": policy.max_password_age,
        "PasswordReusePrevention": policy.password_reuse_prevention,
        "HardExpiry": policy.hard_expiry,
    }


def get_account_password_policy(call: Call, params: Params) -> Result:
    policy = call.tx.accounts.password_policy(call.account_id)
    if policy is None:
        raise _policy_not_found(call)
    return {"PasswordPolicy": policy_result(policy)}


def update_account_password_policy(call: Call, params: Params) -> Result:
    """Every field left out takes its default: the call replaces the whole policy (API reference)."""
    call.tx.accounts.set_password_policy(
        call.account_id,
        PasswordPolicy(
            minimum_password_length=params.get("MinimumPasswordLength", DEFAULT_MINIMUM_LENGTH),
            require_symbols=bool(params.get("RequireSymbols", False)),
            require_numbers=bool(params.get("RequireNumbers", False)),
            require_uppercase_characters=bool(params.get("RequireUppercaseCharacters", False)),
            require_lowercase_characters=bool(params.get("RequireLowercaseCharacters", False)),
            allow_users_to_change_password=bool(params.get("AllowUsersToChangePassword", False)),
            max_password_age=params.get("MaxPasswordAge"),
            password_reuse_prevention=params.get("PasswordReusePrevention"),
            hard_expiry=params.get("HardExpiry"),
        ),
    )
    return {}


def delete_account_password_policy(call: Call, params: Params) -> Result:
    if not call.tx.accounts.delete_password_policy(call.account_id):
        raise _policy_not_found(call)
    return {}


def _account_target(call: Call, params: Params) -> Target:
    """The password policy actions have no resource type: they are authorized on ``*``."""
    return Target("*")


OPERATIONS: dict[str, Operation] = {
    "CreateLoginProfile": Operation(create_login_profile, _user_target),
    "GetLoginProfile": Operation(get_login_profile, _user_target, writes=False),
    "UpdateLoginProfile": Operation(update_login_profile, _user_target),
    "DeleteLoginProfile": Operation(delete_login_profile, _user_target),
    "GetAccountPasswordPolicy": Operation(get_account_password_policy, _account_target, writes=False),
    "UpdateAccountPasswordPolicy": Operation(update_account_password_policy, _account_target),
    "DeleteAccountPasswordPolicy": Operation(delete_account_password_policy, _account_target),
}
