"""The names other packages rely on (the app, the store, the STS and IAM services) stay importable."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

PUBLIC = {
    "iamd.auth.sigv4": [
        "HttpRequest",
        "SignatureInfo",
        "parse_signature",
        "verify_signature",
        "QUERY_SERVICES",
        "ACCESS_ANALYZER_SERVICES",
        "DEFAULT_MAX_SKEW",
        "MAX_ALLOWED_SKEW",
    ],
    "iamd.auth.authenticate": [
        "authenticate",
        "AuthConfig",
        "Authenticated",
        "AccessKeyResolver",
        "SessionTokenVerifier",
        "ResolvedKey",
        "KeyStatus",
    ],
    "iamd.auth.secrets": ["Secret", "SecretBox", "SecretBoxError", "MasterKeyError", "load_master_key"],
    "iamd.auth.keys": [
        "IdPrefix",
        "new_access_key_id",
        "new_secret_access_key",
        "new_unique_id",
        "new_user_id",
        "new_group_id",
        "new_role_id",
        "new_policy_id",
        "new_instance_profile_id",
        "new_account_id",
        "is_access_key_id",
        "is_temporary_access_key_id",
        "is_account_id",
    ],
}


@pytest.mark.parametrize("module", PUBLIC)
def test_public_names_exist(module: str) -> None:
    loaded = importlib.import_module(module)
    missing = [name for name in PUBLIC[module] if not hasattr(loaded, name)]
    assert missing == []


def test_auth_imports_no_store_services_or_wire() -> None:
    # DESIGN.md: auth reads keys through Protocols; it never imports store, services, wire or the app.
    package = Path(importlib.import_module("iamd.auth").__file__ or "").parent
    forbidden = ("iamd.store", "iamd.services", "iamd.wire", "iamd.app")
    for path in package.glob("*.py"):
        for line in path.read_text().splitlines():
            if line.lstrip().startswith(("import ", "from ")):
                assert not any(name in line for name in forbidden), (path.name, line)
