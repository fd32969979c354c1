"""Login profiles (console passwords): one per user, holding an Argon2id hash, never the password."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, delete, select, update

from iamd.errors import NoSuchEntity
from iamd.model import LoginProfile, User
from iamd.store.repositories.base import Repository
from iamd.store.schema import login_profiles


def not_found(user_name: str) -> NoSuchEntity:
    return NoSuchEntity(f"Login Profile for User {user_name} cannot be found.")


def to_login_profile(row: Row[Any], user: User) -> LoginProfile:
    return LoginProfile(
        user_id=user.id,
        user_name=user.name,
        password_hash=row.password_hash,
        password_reset_required=bool(row.password_reset_required),
        created=row.created,
    )


class LoginProfiles(Repository):
    def create(self, user: User, profile: LoginProfile) -> LoginProfile:
        """CreateLoginProfile; EntityAlreadyExists when the user has one."""
        self._insert(
            login_profiles.insert().values(
                user_id=user.id,
                password_hash=profile.password_hash,
                password_reset_required=profile.password_reset_required,
                created=profile.created,
            ),
            exists_message=f"Login Profile for user {user.name} already exists.",
            missing_message=f"The user with name {user.name} cannot be found.",
        )
        return self.get(user)

    def find(self, user: User) -> LoginProfile | None:
        row = self.connection.execute(
            select(login_profiles).where(login_profiles.c.user_id == user.id)
        ).first()
        return None if row is None else to_login_profile(row, user)

    def get(self, user: User) -> LoginProfile:
        profile = self.find(user)
        if profile is None:
            raise not_found(user.name)
        return profile

    def update(
        self, user: User, *, password_hash: str | None = None, password_reset_required: bool | None = None
    ) -> LoginProfile:
        """UpdateLoginProfile (and ChangePassword): only the given fields change."""
        values: dict[str, Any] = {}
        if password_hash is not None:
            values["password_hash"] = password_hash
        if password_reset_required is not None:
            values["password_reset_required"] = password_reset_required
        if values:
            changed = self.connection.execute(
                update(login_profiles).where(login_profiles.c.user_id == user.id).values(values)
            ).rowcount
            if not changed:
                raise not_found(user.name)
        return self.get(user)

    def delete(self, user: User) -> None:
        removed = self.connection.execute(
            delete(login_profiles).where(login_profiles.c.user_id == user.id)
        ).rowcount
        if not removed:
            raise not_found(user.name)
