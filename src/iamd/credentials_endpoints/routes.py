"""Builds the credential endpoints the server configuration asks for (see ``iamd serve --help``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.routing import Route

from iamd.auth.secrets import SecretBox
from iamd.clock import Clock
from iamd.credentials_endpoints.container import container_routes
from iamd.credentials_endpoints.imds import MetadataTokens, imds_routes
from iamd.credentials_endpoints.role_credentials import RoleCredentials
from iamd.store import Database


@dataclass(slots=True)
class CredentialEndpoints:
    routes: list[Route] = field(default_factory=list)
    sources: list[RoleCredentials] = field(default_factory=list)

    def problems(self) -> list[str]:
        """One line per configured endpoint that cannot serve credentials right now."""
        found = []
        for source in self.sources:
            reason = source.check()
            if reason is not None:
                found.append(f"{source.service} credentials are not served yet: {reason}")
        return found


def credential_endpoints(
    database: Database,
    box: SecretBox,
    clock: Clock,
    *,
    instance_role_arn: str | None,
    container_role_arn: str | None,
    container_token: str | None,
) -> CredentialEndpoints:
    endpoints = CredentialEndpoints()
    if instance_role_arn:
        instance = RoleCredentials(database, box, clock, instance_role_arn, "ec2.amazonaws.com")
        endpoints.sources.append(instance)
        endpoints.routes += imds_routes(instance, MetadataTokens(box, clock))
    if container_role_arn:
        if not container_token:
            raise ValueError("the container credentials endpoint needs an authorization token")
        container = RoleCredentials(database, box, clock, container_role_arn, "ecs-tasks.amazonaws.com")
        endpoints.sources.append(container)
        endpoints.routes += container_routes(container, container_token)
    return endpoints
