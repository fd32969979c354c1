"""``aws sts decode-authorization-message`` against iamd, with a message from iamd's audit trail.

AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/sts_example_sts_DecodeAuthorizationMessage_section.html
(the CLI prints ``{"DecodedMessage": "<JSON text>"}``).
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.audit_support import request_id_of, the_event
from tests.integration.server.awscli import run_aws
from tests.integration.server.harness import ACCOUNT_ID, RunningServer


def test_the_cli_decodes_a_denied_requests_message(iamd_cli_server: RunningServer) -> None:
    iam, user_name = iamd_cli_server.user_client("iam", None)
    with pytest.raises(ClientError) as raised:
        iam.list_roles()
    event = the_event(iamd_cli_server, request_id_of(raised.value))
    encoded = event["additionalEventData"]["encodedAuthorizationMessage"]

    done = run_aws(iamd_cli_server, "sts", "decode-authorization-message", "--encoded-message", encoded)

    assert done.returncode == 0, done.stderr
    document = json.loads(json.loads(done.stdout)["DecodedMessage"])
    assert document["allowed"] is False
    assert document["explicitDeny"] is False
    assert document["context"]["action"] == "iam:ListRoles"
    assert document["context"]["principal"]["arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{user_name}"


def test_the_cli_reports_a_message_that_is_not_valid(iamd_cli_server: RunningServer) -> None:
    done = run_aws(iamd_cli_server, "sts", "decode-authorization-message", "--encoded-message", "bm90LWlhbWQ")
    assert done.returncode != 0
    assert "InvalidAuthorizationMessageException" in done.stderr
