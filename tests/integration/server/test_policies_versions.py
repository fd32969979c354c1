"""Managed policy versions through boto3 against a real server, on SQLite and PostgreSQL.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html,
API_GetPolicyVersion.html, API_ListPolicyVersions.html, API_SetDefaultPolicyVersion.html,
API_DeletePolicyVersion.html and https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import RunningServer, unique
from tests.integration.server.test_policies import ALLOW_S3, error_of


def _document(action: str) -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}
    )


def _new_policy(iam: Any) -> str:
    return str(
        iam.create_policy(PolicyName=unique("versioned"), PolicyDocument=json.dumps(ALLOW_S3))["Policy"][
            "Arn"
        ]
    )


def _versions(iam: Any, arn: str) -> list[tuple[str, bool]]:
    return [
        (v["VersionId"], v["IsDefaultVersion"]) for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]
    ]


def test_create_set_default_and_delete_versions(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    arn = _new_policy(iam)
    v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=_document("s3:PutObject"))["PolicyVersion"]
    assert (v2["VersionId"], v2["IsDefaultVersion"]) == ("v2", False)
    assert "Document" not in v2  # only GetPolicyVersion returns the document
    v3 = iam.create_policy_version(
        PolicyArn=arn, PolicyDocument=_document("s3:ListBucket"), SetAsDefault=True
    )
    assert (v3["PolicyVersion"]["VersionId"], v3["PolicyVersion"]["IsDefaultVersion"]) == ("v3", True)

    assert _versions(iam, arn) == [("v3", True), ("v2", False), ("v1", False)]  # newest first
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    fetched = iam.get_policy_version(PolicyArn=arn, VersionId="v2")["PolicyVersion"]
    assert fetched["Document"]["Statement"][0]["Action"] == "s3:PutObject"

    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v1"
    iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
    assert _versions(iam, arn) == [("v2", False), ("v1", True)]
    # Version ids are never reused: the next one is v4.
    v4 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=_document("s3:*"))["PolicyVersion"]
    assert v4["VersionId"] == "v4"


def test_default_version_cannot_be_deleted(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    arn = _new_policy(iam)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
    assert error_of(excinfo) == ("DeleteConflict", 409, "Cannot delete the default version of a policy.")
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v7")
    assert error_of(excinfo) == (
        "NoSuchEntity",
        404,
        f"Policy {arn} version v7 does not exist or is not attachable.",
    )
    with pytest.raises(ClientError) as excinfo:
        iam.set_default_policy_version(PolicyArn=arn, VersionId="v9")
    assert error_of(excinfo)[:2] == ("NoSuchEntity", 404)
    assert _versions(iam, arn) == [("v1", True)]


def test_five_versions_at_most(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    arn = _new_policy(iam)
    for _ in range(4):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=_document("s3:GetObject"))
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=_document("s3:GetObject"), SetAsDefault=True)
    assert error_of(excinfo) == (
        "LimitExceeded",
        409,
        "A managed policy can have up to 5 versions. Before you create a new version, you must delete an "
        "existing version.",
    )
    assert [v for v, _ in _versions(iam, arn)] == ["v5", "v4", "v3", "v2", "v1"]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v1"


def test_list_versions_pages(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    arn = _new_policy(iam)
    for _ in range(2):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=_document("s3:GetObject"))
    first = iam.list_policy_versions(PolicyArn=arn, MaxItems=2)
    assert [v["VersionId"] for v in first["Versions"]] == ["v3", "v2"]
    assert first["IsTruncated"] is True
    rest = iam.list_policy_versions(PolicyArn=arn, MaxItems=2, Marker=first["Marker"])
    assert [v["VersionId"] for v in rest["Versions"]] == ["v1"]
    assert rest["IsTruncated"] is False and "Marker" not in rest


def test_delete_policy_with_versions_conflicts(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    arn = _new_policy(iam)
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=_document("s3:GetObject"))
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy(PolicyArn=arn)
    assert error_of(excinfo) == (
        "DeleteConflict",
        409,
        "This policy has more than one version. Before you delete a policy, you must delete the policy's "
        "versions. The default version is deleted with the policy.",
    )
    iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    iam.delete_policy(PolicyArn=arn)


def test_malformed_or_oversized_version_creates_nothing(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    arn = _new_policy(iam)
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument='{"Version": "2012-10-17", "Statement": [}')
    assert error_of(excinfo)[:2] == ("MalformedPolicyDocument", 400)
    huge = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": [f"arn:aws:s3:::b{i:05}/*" for i in range(300)],
            }
        ],
    }
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(huge), SetAsDefault=True)
    assert error_of(excinfo) == ("LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144")
    assert _versions(iam, arn) == [("v1", True)]
    # The version number was not used up by the refusals: the next version is v2.
    created = iam.create_policy_version(PolicyArn=arn, PolicyDocument=_document("s3:GetObject"))
    assert created["PolicyVersion"]["VersionId"] == "v2"


def test_versions_of_a_missing_policy(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    arn = f"arn:aws:iam::{iamd_server.account_id}:policy/{unique('gone')}"
    for call, kwargs in (
        (iam.create_policy_version, {"PolicyDocument": _document("s3:GetObject")}),
        (iam.get_policy_version, {"VersionId": "v1"}),
        (iam.list_policy_versions, {}),
        (iam.set_default_policy_version, {"VersionId": "v1"}),
        (iam.delete_policy_version, {"VersionId": "v1"}),
    ):
        with pytest.raises(ClientError) as excinfo:
            call(PolicyArn=arn, **kwargs)
        assert error_of(excinfo)[:2] == ("NoSuchEntity", 404), call
