"""iamd.wire against botocore itself: botocore's serializer writes the requests iamd decodes, and
botocore's parser reads the responses and errors iamd encodes.

No network: a ``before-send`` handler takes botocore's prepared request, runs it through iamd.wire and
a fake handler per test, and returns an ``AWSResponse`` built from iamd's bytes. The expected
shapes come from the service models in ``src/iamd/wire/models`` (AWS's own, via botocore).
"""

from __future__ import annotations

import datetime
import json
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import botocore.session
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError

from iamd import errors
from iamd.wire.errors import render_query_error, render_rest_json_error
from iamd.wire.query import decode_query, encode_query_response, parse_query_params
from iamd.wire.rest_json import decode_rest_json, encode_rest_json_response
from iamd.wire.service_model import load_service_model

Handler = Callable[[str, dict[str, Any]], Mapping[str, Any]]
UTC = datetime.UTC
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
POLICY_TEXT = json.dumps(POLICY)
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


class _Body:
    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._content


class FakeServer:
    """Answers botocore's requests through iamd.wire and ``handler`` (operation, input -> result)."""

    def __init__(self, service: str, handler: Handler) -> None:
        self.model = load_service_model(service)
        self.service = service
        self.handler = handler
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, request: AWSPreparedRequest, **kwargs: Any) -> AWSResponse:
        try:
            if self.model.protocol == "query":
                status, headers, body = self._query(request)
            else:
                status, headers, body = self._rest_json(request)
        except errors.IamdError as error:
            if self.model.protocol == "query":
                status, headers, body = render_query_error(error, "req-1", self.service)
            else:
                status, headers, body = render_rest_json_error(error, "req-1")
        return AWSResponse(request.url, status, headers, _Body(body))

    def _query(self, request: AWSPreparedRequest) -> tuple[int, dict[str, str], bytes]:
        text = request.body.decode() if isinstance(request.body, bytes) else request.body
        operation, decoded = decode_query(self.model, parse_query_params(text))
        self.calls.append((operation, decoded))
        result = self.handler(operation, decoded)
        body = encode_query_response(self.model, operation, result, "req-1")
        return 200, {"Content-Type": "text/xml", "x-amzn-RequestId": "req-1"}, body

    def _rest_json(self, request: AWSPreparedRequest) -> tuple[int, dict[str, str], bytes]:
        url = urllib.parse.urlsplit(request.url)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        headers = {key.lower(): value for key, value in request.headers.items()}
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        operation, decoded = decode_rest_json(self.model, request.method, url.path, query, headers, body)
        self.calls.append((operation, decoded))
        result = self.handler(operation, decoded)
        return encode_rest_json_response(self.model, operation, result, "req-1")


def client_for(service: str, handler: Handler, *, validate: bool = True) -> tuple[Any, FakeServer]:
    session = botocore.session.get_session()
    client = session.create_client(
        service,
        endpoint_url="http://localhost",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="y",
        config=Config(retries={"total_max_attempts": 1}, parameter_validation=validate),
    )
    server = FakeServer(service, handler)
    client.meta.events.register("before-send", server)
    return client, server


def returns(result: Mapping[str, Any]) -> Handler:
    return lambda operation, decoded: result


def raises(error: errors.IamdError) -> Handler:
    def handler(operation: str, decoded: dict[str, Any]) -> Mapping[str, Any]:
        raise error

    return handler


CREATED = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
USER = {
    "Path": "/eng/",
    "UserName": "alice",
    "UserId": "AIDAEXAMPLE1234567890",
    "Arn": "arn:aws:iam::123456789012:user/eng/alice",
    "CreateDate": CREATED,
}


# --- IAM (Query) -----------------------------------------------------------------------------------


def test_create_user_with_tags_round_trips() -> None:
    # Model: CreateUserRequest (UserName, Path, Tags: tagListType of Tag{Key,Value}), CreateUserResponse.User.
    tags = [{"Key": "team", "Value": "infra"}, {"Key": "empty", "Value": ""}]
    client, server = client_for("iam", returns({"User": {**USER, "Tags": tags}}))
    response = client.create_user(UserName="alice", Path="/eng/", Tags=tags)
    assert server.calls == [("CreateUser", {"UserName": "alice", "Path": "/eng/", "Tags": tags})]
    assert response["User"] == {**USER, "Tags": tags}
    assert response["ResponseMetadata"]["RequestId"] == "req-1"


def test_put_user_policy_gets_the_document_as_sent() -> None:
    # Model: PutUserPolicy has no output; the response is <PutUserPolicyResponse> with metadata only.
    client, server = client_for("iam", returns({}))
    response = client.put_user_policy(UserName="alice", PolicyName="s3", PolicyDocument=POLICY_TEXT)
    assert server.calls == [
        ("PutUserPolicy", {"UserName": "alice", "PolicyName": "s3", "PolicyDocument": POLICY_TEXT})
    ]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_create_policy_integers_booleans_and_dates() -> None:
    policy = {
        "PolicyName": "s3",
        "PolicyId": "ANPAEXAMPLE1234567890",
        "Arn": "arn:aws:iam::123456789012:policy/s3",
        "Path": "/",
        "DefaultVersionId": "v1",
        "AttachmentCount": 0,
        "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": True,
        "Description": 'read & write <all> "buckets"',
        "CreateDate": CREATED,
        "UpdateDate": CREATED + datetime.timedelta(milliseconds=250),
        "Tags": [],
    }
    client, server = client_for("iam", returns({"Policy": policy}))
    response = client.create_policy(
        PolicyName="s3", PolicyDocument=POLICY_TEXT, Description=policy["Description"]
    )
    assert server.calls[0][1]["Description"] == policy["Description"]
    assert response["Policy"] == policy


def test_get_policy_version_document_is_url_encoded_for_botocore() -> None:
    # AWS returns policy documents URL-encoded; botocore's json_decode_policies turns them into dicts.
    version = {"Document": POLICY_TEXT, "VersionId": "v1", "IsDefaultVersion": True, "CreateDate": CREATED}
    client, _ = client_for("iam", returns({"PolicyVersion": version}))
    response = client.get_policy_version(PolicyArn="arn:aws:iam::123456789012:policy/s3", VersionId="v1")
    assert response["PolicyVersion"] == {**version, "Document": POLICY}


def test_list_users_paging_fields_and_empty_list() -> None:
    client, server = client_for("iam", returns({"Users": [USER, USER], "IsTruncated": True, "Marker": "m/2"}))
    page = client.list_users(PathPrefix="/eng/", MaxItems=2, Marker="m/0")
    assert server.calls == [("ListUsers", {"PathPrefix": "/eng/", "MaxItems": 2, "Marker": "m/0"})]
    assert page["Users"] == [USER, USER]
    assert page["IsTruncated"] is True
    assert page["Marker"] == "m/2"

    client, _ = client_for("iam", returns({"Users": [], "IsTruncated": False}))
    page = client.list_users()
    assert page["Users"] == []
    assert page["IsTruncated"] is False
    assert "Marker" not in page


def test_get_account_authorization_details_deep_nesting() -> None:
    role = {
        "Path": "/",
        "RoleName": "app",
        "RoleId": "AROAEXAMPLE1234567890",
        "Arn": "arn:aws:iam::123456789012:role/app",
        "CreateDate": CREATED,
        "AssumeRolePolicyDocument": json.dumps(TRUST),
        "MaxSessionDuration": 3600,
        "RoleLastUsed": {"LastUsedDate": CREATED, "Region": "us-east-1"},
    }
    result = {
        "UserDetailList": [
            {
                **USER,
                "GroupList": ["admins", "devs"],
                "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": POLICY_TEXT}],
                "AttachedManagedPolicies": [
                    {"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}
                ],
                "Tags": [{"Key": "k", "Value": "v"}],
            }
        ],
        "GroupDetailList": [],
        "RoleDetailList": [
            {
                **{key: value for key, value in role.items() if key != "MaxSessionDuration"},
                "InstanceProfileList": [
                    {
                        "Path": "/",
                        "InstanceProfileName": "app-profile",
                        "InstanceProfileId": "AIPAEXAMPLE1234567890",
                        "Arn": "arn:aws:iam::123456789012:instance-profile/app-profile",
                        "CreateDate": CREATED,
                        "Roles": [role],
                    }
                ],
                "RolePolicyList": [],
                "AttachedManagedPolicies": [],
            }
        ],
        "Policies": [
            {
                "PolicyName": "s3",
                "Arn": "arn:aws:iam::123456789012:policy/s3",
                "IsAttachable": False,
                "PolicyVersionList": [
                    {
                        "Document": POLICY_TEXT,
                        "VersionId": "v2",
                        "IsDefaultVersion": True,
                        "CreateDate": CREATED,
                    },
                    {
                        "Document": POLICY_TEXT,
                        "VersionId": "v1",
                        "IsDefaultVersion": False,
                        "CreateDate": CREATED,
                    },
                ],
            }
        ],
        "IsTruncated": False,
    }
    client, server = client_for("iam", returns(result))
    response = client.get_account_authorization_details(Filter=["User", "Role", "LocalManagedPolicy"])
    assert server.calls[0][1] == {"Filter": ["User", "Role", "LocalManagedPolicy"]}
    user = response["UserDetailList"][0]
    assert user["GroupList"] == ["admins", "devs"]
    assert user["UserPolicyList"] == [{"PolicyName": "inline", "PolicyDocument": POLICY}]
    assert user["AttachedManagedPolicies"][0]["PolicyArn"] == "arn:aws:iam::aws:policy/ReadOnlyAccess"
    assert response["GroupDetailList"] == []
    role_detail = response["RoleDetailList"][0]
    assert role_detail["AssumeRolePolicyDocument"] == TRUST
    nested_role = role_detail["InstanceProfileList"][0]["Roles"][0]
    assert nested_role == {**role, "AssumeRolePolicyDocument": TRUST}
    versions = response["Policies"][0]["PolicyVersionList"]
    assert [v["Document"] for v in versions] == [POLICY, POLICY]
    assert [v["IsDefaultVersion"] for v in versions] == [True, False]
    assert response["Policies"][0]["IsAttachable"] is False


def test_create_role_round_trips_text_that_needs_escaping() -> None:
    description = "a & b <c> \"d\" 'e'\r\nline two ü"
    role = {
        "Path": "/",
        "RoleName": "app",
        "RoleId": "AROAEXAMPLE1234567890",
        "Arn": "arn:aws:iam::123456789012:role/app",
        "CreateDate": CREATED,
        "AssumeRolePolicyDocument": json.dumps(TRUST),
        "Description": description,
        "MaxSessionDuration": 43200,
        "Tags": [{"Key": "env", "Value": "prod"}],
    }
    client, server = client_for("iam", returns({"Role": role}))
    response = client.create_role(
        RoleName="app",
        AssumeRolePolicyDocument=json.dumps(TRUST),
        Description=description,
        MaxSessionDuration=43200,
        Tags=[{"Key": "env", "Value": "prod"}],
    )
    assert server.calls[0][1]["Description"] == description
    assert server.calls[0][1]["MaxSessionDuration"] == 43200
    assert response["Role"] == {**role, "AssumeRolePolicyDocument": TRUST}


def test_password_policy_booleans_both_ways() -> None:
    client, server = client_for("iam", returns({}))
    client.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=False)
    assert server.calls[0][1] == {
        "MinimumPasswordLength": 14,
        "RequireSymbols": True,
        "RequireNumbers": False,
    }

    policy = {
        "MinimumPasswordLength": 14,
        "RequireSymbols": True,
        "RequireNumbers": False,
        "ExpirePasswords": False,
    }
    client, _ = client_for("iam", returns({"PasswordPolicy": policy}))
    assert client.get_account_password_policy()["PasswordPolicy"] == policy


def test_account_summary_map_and_credential_report_blob() -> None:
    # Model: GetAccountSummaryResponse.SummaryMap is summaryMapType (map of summaryKeyType to int),
    # written as <entry><key/><value/></entry>; GetCredentialReportResponse.Content is a blob (base64).
    summary = {"Users": 3, "UsersQuota": 5000, "AccountMFAEnabled": 0, "Policies": 12}
    client, _ = client_for("iam", returns({"SummaryMap": summary}))
    assert client.get_account_summary()["SummaryMap"] == summary

    report = (
        b"user,arn,user_creation_time\n<root_account>,arn:aws:iam::1:root,2024-01-01T00:00:00+00:00\n\x00\xff"
    )
    client, _ = client_for(
        "iam", returns({"Content": report, "ReportFormat": "text/csv", "GeneratedTime": CREATED})
    )
    response = client.get_credential_report()
    assert response["Content"] == report
    assert response["GeneratedTime"] == CREATED


def test_put_account_properties_map_input() -> None:
    # Model: PutAccountPropertiesRequest.Properties is a map sent as Properties.entry.N.key/value.
    client, server = client_for("iam", returns({}))
    client.put_account_properties(Properties={"a": "1", "b": "2"})
    assert server.calls == [("PutAccountProperties", {"Properties": {"a": "1", "b": "2"}})]


def test_simulate_principal_policy_nested_maps_and_context_entries() -> None:
    # Model: SimulatePrincipalPolicy input ContextEntries (list of ContextKeyValues lists); output
    # EvaluationResults with EvalDecisionDetails (map), MatchedStatements (Position structures) and
    # ResourceSpecificResults nested inside.
    statement = {
        "SourcePolicyId": "inline",
        "SourcePolicyType": "user",
        "StartPosition": {"Line": 1, "Column": 42},
        "EndPosition": {"Line": 1, "Column": 120},
    }
    evaluation = {
        "EvalActionName": "s3:GetObject",
        "EvalResourceName": "arn:aws:s3:::bucket/key",
        "EvalDecision": "allowed",
        "MatchedStatements": [statement],
        "MissingContextValues": [],
        "EvalDecisionDetails": {"PermissionsBoundaryPolicy": "allowed"},
        "ResourceSpecificResults": [
            {
                "EvalResourceName": "arn:aws:s3:::bucket/key",
                "EvalResourceDecision": "allowed",
                "MatchedStatements": [statement],
                "MissingContextValues": ["aws:SourceIp"],
                "EvalDecisionDetails": {"SCP": "implicitDeny"},
            }
        ],
    }
    client, server = client_for("iam", returns({"EvaluationResults": [evaluation], "IsTruncated": False}))
    response = client.simulate_principal_policy(
        PolicySourceArn=USER["Arn"],
        ActionNames=["s3:GetObject"],
        ResourceArns=["arn:aws:s3:::bucket/key"],
        ContextEntries=[
            {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.0.0.1"], "ContextKeyType": "ip"},
            {
                "ContextKeyName": "aws:MultiFactorAuthPresent",
                "ContextKeyValues": ["true"],
                "ContextKeyType": "boolean",
            },
        ],
    )
    assert server.calls[0][1]["ContextEntries"] == [
        {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.0.0.1"], "ContextKeyType": "ip"},
        {
            "ContextKeyName": "aws:MultiFactorAuthPresent",
            "ContextKeyValues": ["true"],
            "ContextKeyType": "boolean",
        },
    ]
    assert response["EvaluationResults"] == [evaluation]


def test_create_access_key_and_list_access_keys() -> None:
    key = {
        "UserName": "alice",
        "AccessKeyId": "AKIAEXAMPLE123456789",
        "Status": "Active",
        "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "CreateDate": CREATED,
    }
    client, _ = client_for("iam", returns({"AccessKey": key}))
    assert client.create_access_key(UserName="alice")["AccessKey"] == key

    metadata = {key_name: key[key_name] for key_name in ("UserName", "AccessKeyId", "Status", "CreateDate")}
    client, _ = client_for("iam", returns({"AccessKeyMetadata": [metadata], "IsTruncated": False}))
    assert client.list_access_keys(UserName="alice")["AccessKeyMetadata"] == [metadata]


def test_empty_list_input_is_sent_and_decoded_as_empty() -> None:
    # botocore's QuerySerializer sends an empty list as "Name=" (no members).
    client, server = client_for("iam", returns({}))
    client.untag_user(UserName="alice", TagKeys=[])
    assert server.calls == [("UntagUser", {"UserName": "alice", "TagKeys": []})]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.NoSuchEntity("The user with name bob cannot be found."), 404),
        (errors.EntityAlreadyExists("User with name alice already exists."), 409),
        (errors.LimitExceeded("Cannot exceed quota for UsersPerAccount: 5000"), 409),
        (errors.DeleteConflict("Cannot delete entity, must delete policies first."), 409),
        (errors.MalformedPolicyDocument("Syntax errors in policy."), 400),
        (errors.AccessDenied("User: arn:aws:iam::1:user/x is not authorized to perform: iam:GetUser"), 403),
        (errors.ServiceFailure(), 500),
    ],
)
def test_errors_reach_botocore_with_code_message_and_status(error: errors.IamdError, status: int) -> None:
    client, _ = client_for("iam", raises(error))
    with pytest.raises(ClientError) as caught:
        client.get_user(UserName="bob")
    response = caught.value.response
    assert response["Error"]["Code"] == error.code
    assert response["Error"]["Message"] == error.message
    assert response["Error"]["Type"] == ("Sender" if error.sender_fault else "Receiver")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert response["ResponseMetadata"]["RequestId"] == "req-1"


def test_server_side_validation_reaches_botocore() -> None:
    # botocore checks min lengths but not max lengths or patterns; IAM answers ValidationError (400).
    client, server = client_for("iam", returns({}))
    with pytest.raises(ClientError) as caught:
        client.create_user(UserName="a" * 65, Tags=[{"Key": "bad*key", "Value": "v"}])
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationError"
    assert error["Message"] == (
        "2 validation errors detected: Value at 'userName' failed to satisfy constraint: "
        "Member must have length less than or equal to 64; Value at 'tags.1.member.key' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+"
    )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert server.calls == []


# --- STS (Query, its own namespace) ----------------------------------------------------------------


def test_assume_role_with_policy_arns_tags_and_transitive_keys() -> None:
    expiration = datetime.datetime(2024, 5, 6, 8, 8, 9, tzinfo=UTC)
    result = {
        "Credentials": {
            "AccessKeyId": "ASIAEXAMPLE123456789",
            "SecretAccessKey": "secret/with+chars=",
            "SessionToken": "token",
            "Expiration": expiration,
        },
        "AssumedRoleUser": {
            "AssumedRoleId": "AROAEXAMPLE1234567890:session",
            "Arn": "arn:aws:sts::123456789012:assumed-role/app/session",
        },
        "PackedPolicySize": 6,
        "SourceIdentity": "alice",
    }
    client, server = client_for("sts", returns(result))
    response = client.assume_role(
        RoleArn="arn:aws:iam::123456789012:role/app",
        RoleSessionName="session",
        PolicyArns=[{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}, {"arn": "arn:aws:iam::1:policy/p"}],
        Tags=[{"Key": "project", "Value": "x"}, {"Key": "team", "Value": "y"}],
        TransitiveTagKeys=["project"],
        DurationSeconds=3600,
        SourceIdentity="alice",
    )
    assert server.calls == [
        (
            "AssumeRole",
            {
                "RoleArn": "arn:aws:iam::123456789012:role/app",
                "RoleSessionName": "session",
                "PolicyArns": [
                    {"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
                    {"arn": "arn:aws:iam::1:policy/p"},
                ],
                "Tags": [{"Key": "project", "Value": "x"}, {"Key": "team", "Value": "y"}],
                "TransitiveTagKeys": ["project"],
                "DurationSeconds": 3600,
                "SourceIdentity": "alice",
            },
        )
    ]
    assert response["Credentials"] == result["Credentials"]
    assert response["AssumedRoleUser"] == result["AssumedRoleUser"]
    assert response["PackedPolicySize"] == 6


def test_get_caller_identity() -> None:
    identity = {"UserId": "AIDAEXAMPLE1234567890", "Account": "123456789012", "Arn": USER["Arn"]}
    client, server = client_for("sts", returns(identity))
    response = client.get_caller_identity()
    assert server.calls == [("GetCallerIdentity", {})]
    assert {key: response[key] for key in identity} == identity


def test_sts_error_uses_the_sts_namespace_and_parses() -> None:
    denial = errors.AccessDenied("User: arn:aws:iam::1:user/x is not authorized to perform: sts:AssumeRole")
    status, _, body = render_query_error(denial, "req-1", "sts")
    assert status == 403
    assert body.startswith(b'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">')
    client, _ = client_for("sts", raises(denial))
    with pytest.raises(ClientError) as caught:
        client.assume_role(RoleArn="arn:aws:iam::1:role/app", RoleSessionName="session")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    assert caught.value.response["Error"]["Message"] == denial.message


def test_sts_validation_of_duration_range() -> None:
    # Model: durationSecondsType min 900 max 43200. botocore checks minimums itself, other SDKs do
    # not, so its parameter validation is off here to let the server answer.
    client, _ = client_for("sts", returns({}), validate=False)
    with pytest.raises(ClientError) as caught:
        client.assume_role(RoleArn="arn:aws:iam::1:role/app", RoleSessionName="session", DurationSeconds=60)
    assert caught.value.response["Error"]["Message"] == (
        "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: "
        "Member must have value greater than or equal to 900"
    )


# --- Access Analyzer (REST-JSON) -------------------------------------------------------------------


def _finding(issue: str) -> dict[str, Any]:
    return {
        "findingDetails": f"details of {issue}",
        "findingType": "WARNING",
        "issueCode": issue,
        "learnMoreLink": "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
        "locations": [
            {
                "path": [{"value": "Statement"}, {"index": 0}, {"key": "Action"}],
                "span": {
                    "start": {"line": 1, "column": 2, "offset": 3},
                    "end": {"line": 1, "column": 9, "offset": 10},
                },
            }
        ],
    }


def test_validate_policy_paginates_findings() -> None:
    pages = {None: ([_finding("A"), _finding("B")], "token-2"), "token-2": ([_finding("C")], None)}

    def handler(operation: str, decoded: dict[str, Any]) -> Mapping[str, Any]:
        findings, next_token = pages[decoded.get("nextToken")]
        return {"findings": findings, "nextToken": next_token}

    client, server = client_for("accessanalyzer", handler)
    paginator = client.get_paginator("validate_policy")
    results = list(paginator.paginate(policyDocument=POLICY_TEXT, policyType="IDENTITY_POLICY", locale="EN"))
    assert [f["issueCode"] for page in results for f in page["findings"]] == ["A", "B", "C"]
    assert results[0]["findings"][0] == _finding("A")
    assert server.calls[0] == (
        "ValidatePolicy",
        {"policyDocument": POLICY_TEXT, "policyType": "IDENTITY_POLICY", "locale": "EN"},
    )
    assert server.calls[1][1]["nextToken"] == "token-2"


def test_get_analyzer_path_label_and_iso8601_timestamps() -> None:
    analyzer = {
        "arn": "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/main",
        "name": "main",
        "type": "ACCOUNT",
        "createdAt": CREATED,
        "lastResourceAnalyzedAt": CREATED + datetime.timedelta(milliseconds=5),
        "status": "ACTIVE",
        "tags": {"team": "sec"},
    }
    client, server = client_for("accessanalyzer", returns({"analyzer": analyzer}))
    response = client.get_analyzer(analyzerName="main")
    assert server.calls == [("GetAnalyzer", {"analyzerName": "main"})]
    assert response["analyzer"] == analyzer


def test_list_tags_for_resource_arn_label_keeps_its_slashes() -> None:
    arn = "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/main"
    client, server = client_for("accessanalyzer", returns({"tags": {}}))
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {}
    assert server.calls == [("ListTagsForResource", {"resourceArn": arn})]


def test_rest_json_errors_reach_botocore() -> None:
    client, _ = client_for("accessanalyzer", raises(errors.NoSuchEntity("Analyzer main not found.")))
    with pytest.raises(ClientError) as caught:
        client.get_analyzer(analyzerName="main")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert caught.value.response["Error"]["Message"] == "Analyzer main not found."
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404

    client, _ = client_for("accessanalyzer", returns({}))
    with pytest.raises(ClientError) as caught:
        client.validate_policy(policyDocument="{}", policyType="NOT_A_TYPE")
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert caught.value.response["Error"]["Message"] == (
        "1 validation error detected: Value at 'policyType' failed to satisfy constraint: Member must "
        "satisfy enum value set: [IDENTITY_POLICY, RESOURCE_POLICY, SERVICE_CONTROL_POLICY, "
        "RESOURCE_CONTROL_POLICY]"
    )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
