"""Customer managed and AWS managed policies through boto3 against a real server, on SQLite and PostgreSQL.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html, API_GetPolicy.html,
API_DeletePolicy.html, API_ListPolicies.html, API_TagPolicy.html, API_UntagPolicy.html,
API_ListPolicyTags.html and the IAM service model.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from iamd.services.iam.policies import aws_policy_id
from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique

ALLOW_S3 = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}
IAM_READ_ONLY = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
AWS_MANAGED_COUNT = 1582  # policies in the shipped catalog (src/iamd/catalog/data/aws-managed-policies.json)


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def local_names(iam: Any, path: str) -> list[str]:
    policies = iam.list_policies(Scope="Local", PathPrefix=path, MaxItems=1000)["Policies"]
    return [p["PolicyName"] for p in policies]


def test_create_get_list_delete(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name, path = unique("reader"), f"/{unique('p')}/"
    created = iam.create_policy(
        PolicyName=name,
        Path=path,
        PolicyDocument=json.dumps(ALLOW_S3),
        Description="reads objects",
        Tags=[{"Key": "team", "Value": "data"}],
    )["Policy"]
    arn = f"arn:aws:iam::{ACCOUNT_ID}:policy{path}{name}"
    assert created["Arn"] == arn
    assert created["PolicyId"].startswith("ANPA") and len(created["PolicyId"]) == 21
    assert (created["DefaultVersionId"], created["AttachmentCount"], created["IsAttachable"]) == (
        "v1",
        0,
        True,
    )
    assert created["PermissionsBoundaryUsageCount"] == 0

    fetched = iam.get_policy(PolicyArn=arn)["Policy"]
    assert (fetched["PolicyName"], fetched["Path"], fetched["PolicyId"]) == (name, path, created["PolicyId"])
    assert fetched["Description"] == "reads objects"
    assert fetched["Tags"] == [{"Key": "team", "Value": "data"}]
    assert fetched["CreateDate"] == fetched["UpdateDate"]

    # ListPolicies returns a subset of the attributes: no tags, no description (API_ListPolicies.html).
    listed = iam.list_policies(Scope="Local", PathPrefix=path)["Policies"]
    assert [p["PolicyName"] for p in listed] == [name]
    assert "Tags" not in listed[0] and "Description" not in listed[0]
    assert listed[0]["PolicyId"] == created["PolicyId"]

    version = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert version["Document"] == ALLOW_S3  # URL-encoded on the wire, decoded by boto3
    assert version["IsDefaultVersion"] is True

    iam.delete_policy(PolicyArn=arn)
    with pytest.raises(ClientError) as excinfo:
        iam.get_policy(PolicyArn=arn)
    assert error_of(excinfo) == ("NoSuchEntity", 404, f"Policy {arn} does not exist or is not attachable.")
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy(PolicyArn=arn)
    assert error_of(excinfo)[:2] == ("NoSuchEntity", 404)


def test_names_are_unique_case_insensitively(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    name = unique("dup")
    iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(ALLOW_S3))
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy(PolicyName=name.upper(), Path="/other/", PolicyDocument=json.dumps(ALLOW_S3))
    assert error_of(excinfo) == (
        "EntityAlreadyExists",
        409,
        f"A policy called {name.upper()} already exists. Duplicate names are not allowed.",
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "Syntax errors in policy."),
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
        (
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]},
            "Policy statement must contain resources.",
        ),
        (
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}],
            },
            "Policy document should not specify a principal.",
        ),
    ],
)
def test_malformed_document_creates_nothing(iamd_server: RunningServer, document: Any, message: str) -> None:
    iam = iamd_server.client("iam")
    name, path = unique("bad"), f"/{unique('p')}/"
    text = document if isinstance(document, str) else json.dumps(document)
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy(PolicyName=name, Path=path, PolicyDocument=text)
    assert error_of(excinfo)[:2] == ("MalformedPolicyDocument", 400)
    assert message in error_of(excinfo)[2]
    assert local_names(iam, path) == []


def test_managed_policy_size_limit(iamd_server: RunningServer) -> None:
    # 6,144 characters per managed policy, white space not counted
    # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html); IAM answers
    # LimitExceeded "Cannot exceed quota for PolicySize: 6144" (HTTP 409).
    iam = iamd_server.client("iam")
    path = f"/{unique('p')}/"

    def document(resources: int) -> str:
        statement = {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": [f"arn:aws:s3:::b{i:05}/*" for i in range(resources)],
        }
        return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=4)

    fits = document(240)  # about 5,900 characters without white space, far more with the indentation
    assert len(fits) > 6144
    iam.create_policy(PolicyName=unique("fits"), Path=path, PolicyDocument=fits)
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy(PolicyName=unique("big"), Path=path, PolicyDocument=document(300))
    assert error_of(excinfo) == ("LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144")
    assert len(local_names(iam, path)) == 1


def test_invalid_names_and_arns(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy(PolicyName="x" * 129, PolicyDocument=json.dumps(ALLOW_S3))
    assert error_of(excinfo)[:2] == ("ValidationError", 400)
    with pytest.raises(ClientError) as excinfo:
        iam.get_policy(PolicyArn="this-is-not-an-arn-at-all")
    assert error_of(excinfo) == ("InvalidInput", 400, "ARN this-is-not-an-arn-at-all is not valid.")
    # Another account's policy is not visible here.
    foreign = "arn:aws:iam::999999999999:policy/elsewhere"
    with pytest.raises(ClientError) as excinfo:
        iam.get_policy(PolicyArn=foreign)
    assert error_of(excinfo)[:2] in {("NoSuchEntity", 404), ("AccessDenied", 403)}


def test_tags(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    arn = iam.create_policy(PolicyName=unique("tagged"), PolicyDocument=json.dumps(ALLOW_S3))["Policy"]["Arn"]
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "a"}])
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "Env", "Value": "prod"}])  # keys are case-insensitive
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [
        {"Key": "Env", "Value": "prod"},
        {"Key": "team", "Value": "a"},
    ]
    first = iam.list_policy_tags(PolicyArn=arn, MaxItems=1)
    assert (first["Tags"], first["IsTruncated"]) == ([{"Key": "Env", "Value": "prod"}], True)
    rest = iam.list_policy_tags(PolicyArn=arn, MaxItems=1, Marker=first["Marker"])
    assert (rest["Tags"], rest["IsTruncated"]) == ([{"Key": "team", "Value": "a"}], False)
    iam.untag_policy(PolicyArn=arn, TagKeys=["ENV", "missing"])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "team", "Value": "a"}]
    with pytest.raises(ClientError) as excinfo:
        iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}])
    assert error_of(excinfo)[:2] == ("InvalidInput", 400)
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "team", "Value": "a"}]


def test_aws_managed_policy_is_readable(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    policy = iam.get_policy(PolicyArn=IAM_READ_ONLY)["Policy"]
    assert (policy["PolicyName"], policy["Path"], policy["IsAttachable"]) == ("IAMReadOnlyAccess", "/", True)
    assert policy["PolicyId"].startswith("ANPA") and len(policy["PolicyId"]) == 21
    assert iam.get_policy(PolicyArn=IAM_READ_ONLY)["Policy"]["PolicyId"] == policy["PolicyId"]  # stable
    version = iam.get_policy_version(PolicyArn=IAM_READ_ONLY, VersionId=policy["DefaultVersionId"])
    assert "iam:Get*" in version["PolicyVersion"]["Document"]["Statement"][0]["Action"]
    versions = iam.list_policy_versions(PolicyArn=IAM_READ_ONLY)["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in versions] == [(policy["DefaultVersionId"], True)]
    assert iam.list_policy_tags(PolicyArn=IAM_READ_ONLY)["Tags"] == []
    missing = "arn:aws:iam::aws:policy/NoSuchPolicyHere"
    with pytest.raises(ClientError) as excinfo:
        iam.get_policy(PolicyArn=missing)
    assert error_of(excinfo) == (
        "NoSuchEntity",
        404,
        f"Policy {missing} does not exist or is not attachable.",
    )


@pytest.mark.parametrize(
    ("call", "kwargs", "message"),
    [
        ("delete_policy", {}, "Cannot delete policies outside your own account."),
        (
            "create_policy_version",
            {"PolicyDocument": json.dumps(ALLOW_S3)},
            "Cannot create versions for policies outside your own account.",
        ),
        (
            "set_default_policy_version",
            {"VersionId": "v1"},
            "Cannot update policies outside your own account.",
        ),
        (
            "delete_policy_version",
            {"VersionId": "v1"},
            "Cannot delete policy versions for policies outside your own account.",
        ),
        (
            "tag_policy",
            {"Tags": [{"Key": "a", "Value": "b"}]},
            "Cannot tag policies outside your own account.",
        ),
        ("untag_policy", {"TagKeys": ["a"]}, "Cannot untag policies outside your own account."),
    ],
)
def test_aws_managed_and_foreign_policies_cannot_be_changed(
    iamd_server: RunningServer, call: str, kwargs: dict[str, Any], message: str
) -> None:
    # AWS managed policies live in AWS's account: changing them, or another account's policy, is refused
    # even to the root user, with AccessDenied (wording as AWS answers, e.g. CreatePolicyVersion's
    # "Cannot create versions for policies outside your own account."; the tag sentences are iamd's).
    iam = iamd_server.client("iam")
    with pytest.raises(ClientError) as excinfo:
        getattr(iam, call)(PolicyArn=IAM_READ_ONLY, **kwargs)
    assert error_of(excinfo) == ("AccessDenied", 403, message)
    # Another account's policy: the authorizer refuses first (IAM has no resource-based policies).
    with pytest.raises(ClientError) as excinfo:
        getattr(iam, call)(PolicyArn="arn:aws:iam::999999999999:policy/elsewhere", **kwargs)
    assert error_of(excinfo)[:2] == ("AccessDenied", 403)
    assert iam.get_policy(PolicyArn=IAM_READ_ONLY)["Policy"]["DefaultVersionId"] == "v4"


def test_aws_managed_policy_ids_are_stable() -> None:
    # Clients keep PolicyIds; an AWS managed policy's id must not change between runs or releases.
    assert aws_policy_id("IAMReadOnlyAccess") == "ANPAZQJH4YH6SWVY4ZSWQ"
    assert aws_policy_id("ReadOnlyAccess") != aws_policy_id("IAMReadOnlyAccess")


def _walk(iam: Any, page_size: int, **filters: Any) -> tuple[list[dict[str, Any]], int]:
    """Every policy ListPolicies returns page by page, and how many requests it took."""
    found: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"MaxItems": page_size, **filters}
    requests = 0
    while True:
        page = iam.list_policies(**kwargs)
        requests += 1
        found += page["Policies"]
        assert len(page["Policies"]) <= page_size
        if not page["IsTruncated"]:
            assert "Marker" not in page
            return found, requests
        assert len(page["Policies"]) == page_size
        kwargs["Marker"] = page["Marker"]


def test_list_policies_pages_across_aws_managed_and_local(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    # A local policy named like an AWS managed one sorts beside it; neither is skipped or repeated.
    iam.create_policy(
        PolicyName="AdministratorAccess", Path=f"/{unique('twin')}/", PolicyDocument=json.dumps(ALLOW_S3)
    )
    local_count = len(_walk(iam, 1000, Scope="Local")[0])

    aws_only, _ = _walk(iam, 1000, Scope="AWS")
    assert len(aws_only) == AWS_MANAGED_COUNT
    assert all(p["Arn"].startswith("arn:aws:iam::aws:policy/") for p in aws_only)

    everything, requests = _walk(iam, 100)
    assert len(everything) == AWS_MANAGED_COUNT + local_count
    assert len({p["Arn"] for p in everything}) == len(everything)
    assert requests == -(-len(everything) // 100)
    names = [p["PolicyName"].lower() for p in everything]
    assert names == sorted(names)
    twins = [p["Arn"] for p in everything if p["PolicyName"] == "AdministratorAccess"]
    assert (
        twins == ["arn:aws:iam::aws:policy/AdministratorAccess", twins[1]] and f":{ACCOUNT_ID}:" in twins[1]
    )
    # A page that ends on the AWS managed twin continues with the local one.
    cut = [p["Arn"] for p in everything].index(twins[0]) + 1
    first = iam.list_policies(MaxItems=cut)
    assert first["Policies"][-1]["Arn"] == twins[0]
    assert iam.list_policies(MaxItems=1, Marker=first["Marker"])["Policies"][0]["Arn"] == twins[1]

    # Page boundaries at every size give the same list.
    small, _ = _walk(iam, 7, PathPrefix="/job-function/")
    assert [p["Arn"] for p in small] == [p["Arn"] for p in _walk(iam, 1000, PathPrefix="/job-function/")[0]]
    assert len(small) == 15

    with pytest.raises(ClientError) as excinfo:
        iam.list_policies(Marker="not a marker!")
    assert error_of(excinfo)[:2] == ("InvalidInput", 400)


def test_only_attached_and_usage_filter(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    path = f"/{unique('att')}/"
    user = unique("holder")
    iam.create_user(UserName=user)
    attached = iam.create_policy(PolicyName=unique("on"), Path=path, PolicyDocument=json.dumps(ALLOW_S3))[
        "Policy"
    ]
    iam.create_policy(PolicyName=unique("off"), Path=path, PolicyDocument=json.dumps(ALLOW_S3))
    boundary = iam.create_policy(PolicyName=unique("bound"), Path=path, PolicyDocument=json.dumps(ALLOW_S3))[
        "Policy"
    ]
    iam.attach_user_policy(UserName=user, PolicyArn=attached["Arn"])
    iam.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")
    iam.put_user_permissions_boundary(UserName=user, PermissionsBoundary=boundary["Arn"])

    only = iam.list_policies(Scope="Local", PathPrefix=path, OnlyAttached=True)["Policies"]
    assert [(p["Arn"], p["AttachmentCount"]) for p in only] == [(attached["Arn"], 1)]
    bounds = iam.list_policies(
        Scope="Local", PathPrefix=path, OnlyAttached=True, PolicyUsageFilter="PermissionsBoundary"
    )["Policies"]
    assert [(p["Arn"], p["PermissionsBoundaryUsageCount"]) for p in bounds] == [(boundary["Arn"], 1)]
    assert iam.get_policy(PolicyArn=boundary["Arn"])["Policy"]["PermissionsBoundaryUsageCount"] == 1

    view_only = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
    aws_attached = iam.list_policies(Scope="AWS", OnlyAttached=True, PathPrefix="/job-function/")["Policies"]
    assert view_only in [p["Arn"] for p in aws_attached]
    assert iam.get_policy(PolicyArn=view_only)["Policy"]["AttachmentCount"] >= 1

    # DeletePolicy while attached or used as a boundary: DeleteConflict (API_DeletePolicy.html).
    for arn in (attached["Arn"], boundary["Arn"]):
        with pytest.raises(ClientError) as excinfo:
            iam.delete_policy(PolicyArn=arn)
        assert error_of(excinfo) == ("DeleteConflict", 409, "Cannot delete a policy attached to entities.")


def test_user_without_permission_is_denied_and_nothing_changes(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    client, user = iamd_server.user_client("iam", None)
    path = f"/{unique('deny')}/"
    with pytest.raises(ClientError) as excinfo:
        client.create_policy(PolicyName=unique("nope"), Path=path, PolicyDocument=json.dumps(ALLOW_S3))
    code, status, message = error_of(excinfo)
    assert (code, status) == ("AccessDenied", 403)
    assert f"user/{user}" in message and "iam:CreatePolicy" in message
    assert local_names(iam, path) == []


def test_resource_tags_authorize_policy_reads(iamd_server: RunningServer) -> None:
    # aws:ResourceTag/<key> is a condition key of the IAM policy resource type (Service Authorization
    # Reference for IAM); ListPolicies acts on no resource type, so it is authorized on "*".
    iam = iamd_server.client("iam")
    mine = iam.create_policy(
        PolicyName=unique("mine"), PolicyDocument=json.dumps(ALLOW_S3), Tags=[{"Key": "team", "Value": "red"}]
    )["Policy"]["Arn"]
    theirs = iam.create_policy(PolicyName=unique("theirs"), PolicyDocument=json.dumps(ALLOW_S3))["Policy"][
        "Arn"
    ]
    grant = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "iam:GetPolicy",
                "Resource": f"arn:aws:iam::{ACCOUNT_ID}:policy/*",
                "Condition": {"StringEquals": {"aws:ResourceTag/team": "red"}},
            },
            {"Effect": "Allow", "Action": "iam:ListPolicies", "Resource": "*"},
        ],
    }
    client, _ = iamd_server.user_client("iam", grant)
    assert client.get_policy(PolicyArn=mine)["Policy"]["Arn"] == mine
    with pytest.raises(ClientError) as excinfo:
        client.get_policy(PolicyArn=theirs)
    assert error_of(excinfo)[:2] == ("AccessDenied", 403)
    assert client.list_policies(Scope="Local", MaxItems=1)["Policies"]
