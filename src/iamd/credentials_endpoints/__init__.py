"""Endpoints that hand a configured role's credentials to unmodified SDKs: an EC2 instance-metadata
compatible endpoint (IMDSv2) and the container credentials endpoint. ``iamd credentials`` (the
``credential_process`` helper) lives in ``iamd.cli.credentials``."""

from iamd.credentials_endpoints.container import CONTAINER_CREDENTIALS_PATH, container_routes
from iamd.credentials_endpoints.imds import MetadataTokens, imds_routes
from iamd.credentials_endpoints.role_credentials import (
    IssuedCredentials,
    RoleCredentials,
    RoleUnavailable,
    parse_role_arn,
)
from iamd.credentials_endpoints.routes import CredentialEndpoints, credential_endpoints

__all__ = [
    "CONTAINER_CREDENTIALS_PATH",
    "CredentialEndpoints",
    "IssuedCredentials",
    "MetadataTokens",
    "RoleCredentials",
    "RoleUnavailable",
    "container_routes",
    "credential_endpoints",
    "imds_routes",
    "parse_role_arn",
]
