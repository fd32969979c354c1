"""The composition root: builds the concrete parts and wires them together. Nothing imports this module
except the ``iamd serve`` command and uvicorn (``iamd.app:create_app`` in each worker process)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette

from iamd.audit.keys import PUBLIC_KEY_FILE, load_or_create_signing_key, published_public_key
from iamd.auth.authenticate import AuthConfig
from iamd.auth.oidc import JwksCache
from iamd.auth.secrets import MasterKeyError, SecretBox, generate_master_key, load_master_key
from iamd.clock import SystemClock
from iamd.config import ServerConfig
from iamd.credentials_endpoints import CredentialEndpoints, credential_endpoints
from iamd.gateway.asgi import make_app
from iamd.gateway.query import QueryGateway
from iamd.observability.metrics import Metrics, policy_compile_cache_counts
from iamd.observability.routes import operating_routes
from iamd.oidc_issuer import BuiltinIssuer
from iamd.services.accounts import RootCredentials, bootstrap
from iamd.services.authorize import Authorizer
from iamd.services.call import Dependencies
from iamd.store import Database, Quotas
from iamd.store.quotas import with_overrides
from iamd.store.resolver import TransactionKeyResolver


class StartupError(Exception):
    """The server cannot start (bad master key, unreachable database, ...): a message for the operator."""


@dataclass(slots=True)
class Parts:
    database: Database
    box: SecretBox
    app: Starlette
    first_root: RootCredentials | None  # set when this start bootstrapped an empty database
    credential_endpoints: CredentialEndpoints | None = None


def open_database(config: ServerConfig) -> Database:
    try:
        quotas = with_overrides(Quotas(), config.quotas)
    except ValueError as error:
        raise StartupError(str(error)) from error
    if config.ephemeral:
        return Database.ephemeral(quotas=quotas)
    assert config.database_url is not None and config.data_dir is not None
    try:
        if config.database_url.startswith("sqlite:///"):
            config.data_dir.mkdir(parents=True, exist_ok=True)
        return Database.open(config.database_url, quotas=quotas)
    except (OSError, SQLAlchemyError) as error:
        raise StartupError(f"cannot open the database {config.database_url}: {error}") from error


def secret_box(config: ServerConfig) -> SecretBox:
    if config.ephemeral and not os.environ.get("IAMD_MASTER_KEY"):
        return SecretBox.from_master_key(generate_master_key())  # nothing outlives the process
    assert config.data_dir is not None
    try:
        config.data_dir.mkdir(parents=True, exist_ok=True)
        return SecretBox.from_master_key(load_master_key(config.data_dir, os.environ))
    except (OSError, MasterKeyError) as error:
        raise StartupError(f"cannot load the master key: {error}") from error


def audit_public_key(config: ServerConfig) -> Callable[[], bytes | None]:
    """The published audit signing key for ``/_iamd/audit/public-key``. An ephemeral server exports
    nothing, so it serves a key only if the data directory already holds one."""
    data_dir = config.data_dir
    assert data_dir is not None
    if config.ephemeral:
        path = data_dir / PUBLIC_KEY_FILE
        return lambda: path.read_bytes() if path.is_file() else None
    return lambda: published_public_key(data_dir)


def ping(database: Database) -> Callable[[], None]:
    """Readiness: the database answers a trivial query."""

    def run() -> None:
        with database.read() as tx:
            tx.connection.execute(text("SELECT 1")).one()

    return run


def build(config: ServerConfig, *, bootstrap_now: bool = True) -> Parts:
    config = config.resolved()
    assert config.data_dir is not None
    database = open_database(config)
    box = secret_box(config)
    clock = SystemClock()

    def bootstrap_database() -> RootCredentials | None:
        return bootstrap(
            database,
            box,
            clock.now(),
            account_id=config.account_id,
            root_access_key_id=config.root_access_key_id,
            root_secret_access_key=config.root_secret_access_key,
        )

    first_root = bootstrap_database() if bootstrap_now else None
    if bootstrap_now and not config.ephemeral:
        load_or_create_signing_key(config.data_dir)  # once, here, rather than racing between workers

    def reset() -> None:
        database.reset()
        bootstrap_database()

    authorizer = Authorizer(config.auth_mode)
    metrics = Metrics(policy_compile_cache_counts)
    gateway = QueryGateway(
        database=database,
        resolver_for=lambda tx: TransactionKeyResolver(tx, box),
        deps=Dependencies(box=box, oidc_keys=JwksCache(config.data_dir / "oidc-keys"), authorizer=authorizer),
        clock=clock,
        authorizer=authorizer,
        auth=AuthConfig(max_skew=timedelta(seconds=config.max_skew_seconds)),
        metrics=metrics,
    )
    endpoints = credential_endpoints(
        database,
        box,
        clock,
        instance_role_arn=config.instance_role_arn,
        container_role_arn=config.container_role_arn,
        container_token=config.container_token,
    )
    app = make_app(
        gateway,
        reset=reset if config.ephemeral else None,
        oidc_issuer=BuiltinIssuer(config.data_dir),
        extra_routes=[*endpoints.routes, *operating_routes(ping(database), metrics)],
        audit_public_key=audit_public_key(config),
        on_shutdown=[gateway.close],
    )
    return Parts(database, box, app, first_root, endpoints)


def create_app() -> Starlette:
    """uvicorn's factory in each worker: the parent process already migrated and bootstrapped."""
    return build(ServerConfig.from_env(os.environ), bootstrap_now=False).app
