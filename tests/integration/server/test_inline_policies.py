"""Inline policies of users, groups and roles through boto3 against a real server, SQLite and PostgreSQL.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html,
API_GetUserPolicy.html, API_DeleteUserPolicy.html, API_ListUserPolicies.html, their Group and Role
siblings, and the size quotas in
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (aggregate inline policy size per
entity: user 2,048, group 5,120, role 10,240 characters, white space not counted).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.server.harness import ACCOUNT_ID, RunningServer, unique

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def _policy(*actions: str, resource: str = "*") -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": resource}],
    }


def _sized(characters: int) -> str:
    """A valid policy document of exactly ``characters`` non-whitespace characters (padding in a Sid)."""
    base = json.dumps(_policy("s3:GetObject"), separators=(",", ":"))
    empty = base.replace('"Statement":[{', '"Statement":[{"Sid":"",', 1)
    padding = characters - len(empty)
    assert padding >= 0
    return empty.replace('"Sid":""', '"Sid":"' + "A" * padding + '"', 1)


def _make_user(iam: Any) -> str:
    name = unique("u")
    iam.create_user(UserName=name)
    return name


def _make_group(iam: Any) -> str:
    name = unique("g")
    iam.create_group(GroupName=name)
    return name


def _make_role(iam: Any) -> str:
    name = unique("r")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))
    return name


# (label, maker, size quota) per kind of principal
KINDS: list[tuple[str, Callable[[Any], str], int]] = [
    ("User", _make_user, 2048),
    ("Group", _make_group, 5120),
    ("Role", _make_role, 10240),
]


class Api:
    """The four operations of one kind, called with that kind's name member (UserName ...)."""

    def __init__(self, iam: Any, label: str, owner: str) -> None:
        self.iam, self.label, self.owner = iam, label, owner
        self.member = f"{label}Name"
        self.snake = label.lower()

    def put(self, name: str, document: str) -> Any:
        return getattr(self.iam, f"put_{self.snake}_policy")(
            **{self.member: self.owner}, PolicyName=name, PolicyDocument=document
        )

    def get(self, name: str) -> Any:
        return getattr(self.iam, f"get_{self.snake}_policy")(**{self.member: self.owner}, PolicyName=name)

    def delete(self, name: str) -> Any:
        return getattr(self.iam, f"delete_{self.snake}_policy")(**{self.member: self.owner}, PolicyName=name)

    def list(self, **kwargs: Any) -> Any:
        return getattr(self.iam, f"list_{self.snake}_policies")(**{self.member: self.owner}, **kwargs)


@pytest.fixture(params=KINDS, ids=[k[0] for k in KINDS])
def kind(request: pytest.FixtureRequest) -> tuple[str, Callable[[Any], str], int]:
    return request.param  # type: ignore[no-any-return]


def test_put_get_list_replace_delete(iamd_server: RunningServer, kind: tuple[str, Any, int]) -> None:
    label, make, _ = kind
    iam = iamd_server.client("iam")
    api = Api(iam, label, make(iam))
    read = _policy("s3:GetObject", resource="arn:aws:s3:::bucket/*")
    api.put("read", json.dumps(read))
    api.put("write", json.dumps(_policy("s3:PutObject")))

    got = api.get("read")
    # boto3 URL-decodes and parses the document; the server returns the stored text.
    assert (got[api.member], got["PolicyName"], got["PolicyDocument"]) == (api.owner, "read", read)
    listed = api.list()
    assert (listed["PolicyNames"], listed["IsTruncated"]) == (["read", "write"], False)

    replacement = _policy("s3:ListBucket")
    api.put("read", json.dumps(replacement))  # same name replaces
    assert api.get("read")["PolicyDocument"] == replacement
    assert api.list()["PolicyNames"] == ["read", "write"]

    api.delete("read")
    assert api.list()["PolicyNames"] == ["write"]
    with pytest.raises(ClientError) as excinfo:
        api.get("read")
    assert _error(excinfo) == (
        "NoSuchEntity",
        404,
        f"The {label.lower()} policy with name read cannot be found.",
    )
    with pytest.raises(ClientError) as excinfo:
        api.delete("read")
    assert _error(excinfo) == (
        "NoSuchEntity",
        404,
        f"The {label.lower()} policy with name read cannot be found.",
    )


def test_list_pages_by_name(iamd_server: RunningServer, kind: tuple[str, Any, int]) -> None:
    label, make, _ = kind
    iam = iamd_server.client("iam")
    api = Api(iam, label, make(iam))
    for name in ("c", "a", "b"):
        api.put(name, json.dumps(_policy("s3:GetObject")))
    first = api.list(MaxItems=2)
    assert (first["PolicyNames"], first["IsTruncated"]) == (["a", "b"], True)
    rest = api.list(MaxItems=2, Marker=first["Marker"])
    assert (rest["PolicyNames"], rest["IsTruncated"]) == (["c"], False)
    assert "Marker" not in rest


def test_unknown_owner_is_no_such_entity(iamd_server: RunningServer, kind: tuple[str, Any, int]) -> None:
    label, _, _ = kind
    missing = unique("ghost")
    api = Api(iamd_server.client("iam"), label, missing)
    message = f"The {label.lower()} with name {missing} cannot be found."
    calls: list[Callable[[], Any]] = [
        lambda: api.put("p", json.dumps(_policy("s3:GetObject"))),
        lambda: api.get("p"),
        lambda: api.delete("p"),
        api.list,
    ]
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert _error(excinfo) == ("NoSuchEntity", 404, message)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", None),
        (json.dumps({"Version": "2012-10-17"}), None),
        # Identity policies must not name a principal, and must name resources.
        (
            json.dumps(
                {**_policy("s3:*"), "Statement": [{**_policy("s3:*")["Statement"][0], "Principal": "*"}]}
            ),
            "Policy document should not specify a principal.",
        ),
        (
            json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}),
            "Policy statement must contain resources.",
        ),
    ],
)
def test_malformed_documents_are_refused_and_nothing_is_stored(
    iamd_server: RunningServer, kind: tuple[str, Any, int], document: str, message: str | None
) -> None:
    label, make, _ = kind
    iam = iamd_server.client("iam")
    api = Api(iam, label, make(iam))
    api.put("kept", json.dumps(_policy("s3:GetObject")))
    with pytest.raises(ClientError) as excinfo:
        api.put("kept", document)
    code, status, text = _error(excinfo)
    assert (code, status) == ("MalformedPolicyDocument", 400)
    if message is not None:
        assert text == message
    assert api.get("kept")["PolicyDocument"] == _policy("s3:GetObject")
    with pytest.raises(ClientError):
        api.put("new", document)
    assert api.list()["PolicyNames"] == ["kept"]


def test_aggregate_size_quota(iamd_server: RunningServer, kind: tuple[str, Any, int]) -> None:
    label, make, limit = kind
    iam = iamd_server.client("iam")
    api = Api(iam, label, make(iam))
    half = limit // 2
    api.put("one", _sized(half))
    api.put("two", _sized(limit - half))  # exactly at the quota: accepted
    with pytest.raises(ClientError) as excinfo:
        api.put("three", _sized(200))
    # AWS's wording, e.g. "Maximum policy size of 2048 bytes exceeded for user alice"
    assert _error(excinfo) == (
        "LimitExceeded",
        409,
        f"Maximum policy size of {limit} bytes exceeded for {label.lower()} {api.owner}",
    )
    assert api.list()["PolicyNames"] == ["one", "two"]
    # Replacing a policy counts the new size, not both.
    api.put("two", _sized(limit - half))


def test_white_space_does_not_count(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    api = Api(iam, "User", _make_user(iam))
    document = _sized(2000).replace(",", ",\n" + " " * 200)
    assert len(document) > 2048
    api.put("spacious", document)
    assert api.get("spacious")["PolicyDocument"] == json.loads(document)


def test_user_policy_arn_and_denial(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    client, user = iamd_server.user_client("iam", _policy("iam:GetUserPolicy", "iam:ListUserPolicies"))
    target = _make_user(iam)
    Api(iam, "User", target).put("p", json.dumps(_policy("s3:GetObject")))
    assert client.list_user_policies(UserName=target)["PolicyNames"] == ["p"]
    with pytest.raises(ClientError) as excinfo:
        client.put_user_policy(UserName=target, PolicyName="q", PolicyDocument=json.dumps(_policy("s3:*")))
    assert _error(excinfo) == (
        "AccessDenied",
        403,
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/{user} is not authorized to perform: iam:PutUserPolicy on "
        f"resource: arn:aws:iam::{ACCOUNT_ID}:user/{target} because no identity-based policy allows the "
        "iam:PutUserPolicy action",
    )
    assert iam.list_user_policies(UserName=target)["PolicyNames"] == ["p"]


def test_inline_policy_takes_effect_on_the_next_request(iamd_server: RunningServer) -> None:
    iam = iamd_server.client("iam")
    client, user = iamd_server.user_client("iam", None)
    with pytest.raises(ClientError):
        client.list_groups()
    iam.put_user_policy(
        UserName=user, PolicyName="list", PolicyDocument=json.dumps(_policy("iam:ListGroups"))
    )
    client.list_groups()
    iam.delete_user_policy(UserName=user, PolicyName="list")
    with pytest.raises(ClientError) as excinfo:
        client.list_groups()
    assert _error(excinfo)[:2] == ("AccessDenied", 403)
