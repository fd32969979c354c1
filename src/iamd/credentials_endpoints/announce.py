"""What ``iamd serve`` prints at start about the credential endpoints: how to point an SDK at them."""

from __future__ import annotations

from iamd.credentials_endpoints.container import CONTAINER_CREDENTIALS_PATH


def startup_lines(
    endpoint: str,
    *,
    instance_role_arn: str | None,
    container_role_arn: str | None,
    container_token: str | None,
    token_generated: bool,
    problems: list[str],
) -> list[str]:
    lines: list[str] = []
    if instance_role_arn:
        lines += [
            "",
            f"Instance metadata (IMDSv2) serves credentials of {instance_role_arn}:",
            f"  export AWS_EC2_METADATA_SERVICE_ENDPOINT={endpoint}",
        ]
    if container_role_arn:
        lines += [
            "",
            f"Container credentials serve credentials of {container_role_arn}:",
            f"  export AWS_CONTAINER_CREDENTIALS_FULL_URI={endpoint}{CONTAINER_CREDENTIALS_PATH}",
        ]
        if token_generated:
            lines.append(f"  export AWS_CONTAINER_AUTHORIZATION_TOKEN={container_token}  # generated")
        else:
            lines.append("  export AWS_CONTAINER_AUTHORIZATION_TOKEN=<the --container-token value>")
    lines += [f"WARNING: {problem}" for problem in problems]
    return lines
