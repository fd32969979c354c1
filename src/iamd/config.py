"""Server settings: from the command line, and passed to worker processes through the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

AuthMode = Literal["enforce", "audit"]
DEFAULT_PORT = 8137


def default_data_dir(env: Mapping[str, str]) -> Path:
    """``$XDG_DATA_HOME/iamd``, else ``~/.local/share/iamd`` (DESIGN.md)."""
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "iamd"


@dataclass(frozen=True, slots=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    database_url: str | None = None
    data_dir: Path | None = None
    workers: int = 1
    ephemeral: bool = False
    account_id: str | None = None
    root_access_key_id: str | None = None
    root_secret_access_key: str | None = None
    auth_mode: AuthMode = "enforce"
    max_skew_seconds: int = 300
    quotas: tuple[str, ...] = ()  # NAME=N overrides of AWS's default quotas
    # Credential endpoints (iamd.credentials_endpoints): the roles they serve and the container token.
    instance_role_arn: str | None = None
    container_role_arn: str | None = None
    container_token: str | None = None

    def resolved(self, env: Mapping[str, str] = os.environ) -> ServerConfig:
        """Fill in defaults from the environment (IAMD_*) and the data-dir convention."""
        data_dir = self.data_dir or (Path(env["IAMD_DATA_DIR"]) if env.get("IAMD_DATA_DIR") else None)
        data_dir = data_dir or default_data_dir(env)
        url = self.database_url or env.get("IAMD_DATABASE_URL") or f"sqlite:///{data_dir / 'iamd.db'}"
        return replace(
            self,
            data_dir=data_dir,
            database_url=url,
            account_id=self.account_id or env.get("IAMD_ACCOUNT_ID") or None,
            root_access_key_id=self.root_access_key_id or env.get("IAMD_ROOT_ACCESS_KEY_ID") or None,
            root_secret_access_key=self.root_secret_access_key
            or env.get("IAMD_ROOT_SECRET_ACCESS_KEY")
            or None,
        )

    def to_env(self) -> dict[str, str]:
        """What a worker process needs to rebuild this configuration (see :meth:`from_env`)."""
        out = {
            "IAMD_DATA_DIR": str(self.data_dir or ""),
            "IAMD_DATABASE_URL": self.database_url or "",
            "IAMD_AUTH_MODE": self.auth_mode,
            "IAMD_MAX_SKEW_SECONDS": str(self.max_skew_seconds),
            "IAMD_QUOTAS": ",".join(self.quotas),
            "IAMD_INSTANCE_ROLE_ARN": self.instance_role_arn or "",
            "IAMD_CONTAINER_ROLE_ARN": self.container_role_arn or "",
            "IAMD_CONTAINER_TOKEN": self.container_token or "",
        }
        return out

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ServerConfig:
        mode = env.get("IAMD_AUTH_MODE", "enforce")
        return cls(
            database_url=env.get("IAMD_DATABASE_URL") or None,
            data_dir=Path(env["IAMD_DATA_DIR"]) if env.get("IAMD_DATA_DIR") else None,
            auth_mode="audit" if mode == "audit" else "enforce",
            max_skew_seconds=int(env.get("IAMD_MAX_SKEW_SECONDS", "300")),
            quotas=tuple(q for q in env.get("IAMD_QUOTAS", "").split(",") if q),
            instance_role_arn=env.get("IAMD_INSTANCE_ROLE_ARN") or None,
            container_role_arn=env.get("IAMD_CONTAINER_ROLE_ARN") or None,
            container_token=env.get("IAMD_CONTAINER_TOKEN") or None,
        ).resolved(env)
