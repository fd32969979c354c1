"""Service-linked roles: CreateServiceLinkedRole, DeleteServiceLinkedRole, GetServiceLinkedRoleDeletionStatus.

Behaviour from https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html and
https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html: the role is named
``AWSServiceRoleFor<Name>`` (``_<CustomSuffix>`` appended where the service allows one), lives under
``/aws-service-role/<service principal>/``, trusts only that service, and carries the service's AWS managed
policy. Only AWS may change it (UnmodifiableEntity, see :mod:`iamd.services.iam.roles`).

No linked service uses iamd's roles, so a deletion never waits on one: the role is deleted at once and its
task reports SUCCEEDED. Task ids end in a name-based UUID of the role's unique id.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

from iamd.auth.keys import new_role_id
from iamd.errors import EntityAlreadyExists, InvalidInput, NoSuchEntity
from iamd.model import PrincipalKind, Role
from iamd.services import policies_of
from iamd.services.call import Call, Operation, Params, Result, Target
from iamd.services.iam.common import arn_of
from iamd.services.iam.roles import (
    SERVICE_LINKED_PATH_PREFIX,
    existing_role_target,
    is_service_linked,
    role_result,
)

ROLE_PREFIX = "AWSServiceRoleFor"
MAX_ROLE_NAME = 64
AWS_SERVICE_POLICY_PREFIX = "arn:aws:iam::aws:policy/aws-service-role/"
_TASK_NAMESPACE = uuid.UUID("5d3c6f0e-8a51-4f5e-9a57-0c7a3b1f2e64")  # iamd's own, fixed
_SERVICE_PRINCIPAL = re.compile(r"[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*\.amazonaws\.com")
_TASK_ID = re.compile(
    r"task/aws-service-role/(?P<service>[^/]+)/(?P<role>[\w+=,.@-]+)/(?P<uuid>[0-9a-f-]{36})"
)


@dataclass(frozen=True, slots=True)
class LinkedService:
    name: str  # the part after AWSServiceRoleFor
    suffix_allowed: bool = False
    policy: str | None = None  # the AWS managed policy under /aws-service-role/


# Names and policies from each service's "Using service-linked roles" page (linked from
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-services-that-work-with-iam.html).
# "Custom suffix is not allowed for es.amazonaws.com" is AWS's answer for the services marked False.
KNOWN_SERVICES: dict[str, LinkedService] = {
    "access-analyzer.amazonaws.com": LinkedService(
        "AccessAnalyzer", policy="AccessAnalyzerServiceRolePolicy"
    ),
    "autoscaling.amazonaws.com": LinkedService("AutoScaling", True, "AutoScalingServiceRolePolicy"),
    "backup.amazonaws.com": LinkedService("Backup", policy="AWSBackupServiceLinkedRolePolicyForBackup"),
    "cloudtrail.amazonaws.com": LinkedService("CloudTrail", policy="CloudTrailServiceRolePolicy"),
    "config.amazonaws.com": LinkedService("Config", policy="AWSConfigServiceRolePolicy"),
    "connect.amazonaws.com": LinkedService("AmazonConnect", True, "AmazonConnectServiceLinkedRolePolicy"),
    "dynamodb.application-autoscaling.amazonaws.com": LinkedService(
        "ApplicationAutoScaling_DynamoDBTable", policy="AWSApplicationAutoscalingDynamoDBTablePolicy"
    ),
    "ecs.amazonaws.com": LinkedService("ECS", policy="AmazonECSServiceRolePolicy"),
    "ecs.application-autoscaling.amazonaws.com": LinkedService(
        "ApplicationAutoScaling_ECSService", policy="AWSApplicationAutoscalingECSServicePolicy"
    ),
    "eks.amazonaws.com": LinkedService("AmazonEKS", policy="AmazonEKSServiceRolePolicy"),
    "eks-fargate.amazonaws.com": LinkedService(
        "AmazonEKSForFargate", policy="AmazonEKSForFargateServiceRolePolicy"
    ),
    "eks-nodegroup.amazonaws.com": LinkedService(
        "AmazonEKSNodegroup", policy="AWSServiceRoleForAmazonEKSNodegroup"
    ),
    "elasticache.amazonaws.com": LinkedService("ElastiCache", policy="ElastiCacheServiceRolePolicy"),
    "elasticbeanstalk.amazonaws.com": LinkedService(
        "ElasticBeanstalk", policy="AWSElasticBeanstalkServiceRolePolicy"
    ),
    "elasticfilesystem.amazonaws.com": LinkedService(
        "AmazonElasticFileSystem", policy="AmazonElasticFileSystemServiceRolePolicy"
    ),
    "elasticloadbalancing.amazonaws.com": LinkedService(
        "ElasticLoadBalancing", policy="AWSElasticLoadBalancingServiceRolePolicy"
    ),
    "elasticmapreduce.amazonaws.com": LinkedService("EMRCleanup", policy="AmazonEMRCleanupPolicy"),
    "es.amazonaws.com": LinkedService(
        "AmazonElasticsearchService", policy="AmazonElasticsearchServiceRolePolicy"
    ),
    "guardduty.amazonaws.com": LinkedService("AmazonGuardDuty", policy="AmazonGuardDutyServiceRolePolicy"),
    "inspector2.amazonaws.com": LinkedService("AmazonInspector2", policy="AmazonInspector2ServiceRolePolicy"),
    "kafka.amazonaws.com": LinkedService("Kafka", policy="KafkaServiceRolePolicy"),
    "lexv2.amazonaws.com": LinkedService("LexV2Bots", True, "AmazonLexV2BotPolicy"),
    "macie.amazonaws.com": LinkedService("AmazonMacie", policy="AmazonMacieServiceRolePolicy"),
    "mq.amazonaws.com": LinkedService("AmazonMQ", policy="AmazonMQServiceRolePolicy"),
    "opensearchservice.amazonaws.com": LinkedService(
        "AmazonOpenSearchService", policy="AmazonOpenSearchServiceRolePolicy"
    ),
    "ops.apigateway.amazonaws.com": LinkedService("APIGateway", policy="APIGatewayServiceRolePolicy"),
    "organizations.amazonaws.com": LinkedService(
        "Organizations", policy="AWSOrganizationsServiceTrustPolicy"
    ),
    "rds.amazonaws.com": LinkedService("RDS", policy="AmazonRDSServiceRolePolicy"),
    "redshift.amazonaws.com": LinkedService("Redshift", policy="AmazonRedshiftServiceLinkedRolePolicy"),
    "replicator.lambda.amazonaws.com": LinkedService("LambdaReplicator", policy="AWSLambdaReplicator"),
    "securityhub.amazonaws.com": LinkedService("SecurityHub", policy="AWSSecurityHubServiceRolePolicy"),
    "spot.amazonaws.com": LinkedService("EC2Spot", policy="AWSEC2SpotServiceRolePolicy"),
    "spotfleet.amazonaws.com": LinkedService("EC2SpotFleet", policy="AWSEC2SpotFleetServiceRolePolicy"),
    "ssm.amazonaws.com": LinkedService("AmazonSSM", policy="AmazonSSMServiceRolePolicy"),
    "sso.amazonaws.com": LinkedService("SSO", policy="AWSSSOServiceRolePolicy"),
    "support.amazonaws.com": LinkedService("Support", policy="AWSSupportServiceRolePolicy"),
    "transitgateway.amazonaws.com": LinkedService(
        "VPCTransitGateway", policy="AWSVPCTransitGatewayServiceRolePolicy"
    ),
    "trustedadvisor.amazonaws.com": LinkedService(
        "TrustedAdvisor", policy="AWSTrustedAdvisorServiceRolePolicy"
    ),
}


def linked_service(service: str) -> LinkedService:
    """The known service, or AWS's usual pattern for others: the first label, capitalized."""
    known = KNOWN_SERVICES.get(service)
    if known is not None:
        return known
    if _SERVICE_PRINCIPAL.fullmatch(service) is None:
        raise InvalidInput(f"Invalid service name: {service}")
    first = service.split(".", 1)[0]
    return LinkedService(first[:1].upper() + first[1:], suffix_allowed=True)


def role_name_for(service: str, suffix: str | None) -> str:
    linked = linked_service(service)
    name = ROLE_PREFIX + linked.name
    if suffix:
        if not linked.suffix_allowed:
            raise InvalidInput(f"Custom suffix is not allowed for {service}")
        name = f"{name}_{suffix}"
    if len(name) > MAX_ROLE_NAME:
        raise InvalidInput(f"Role name {name} is longer than {MAX_ROLE_NAME} characters.")
    return name


def trust_policy(service: str) -> str:
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, separators=(",", ":"))


def deletion_task_id(role: Role) -> str:
    """``task/aws-service-role/<service>/<role name>/<uuid>``, the form the API reference gives."""
    return f"task{role.path}{role.name}/{uuid.uuid5(_TASK_NAMESPACE, role.id)}"


def _taken(name: str) -> InvalidInput:
    """AWS's wording (quoted from real responses in public issue trackers)."""
    return InvalidInput(
        f"Service role name {name} has been taken in this account, please try a different suffix."
    )


# -- operations ----------------------------------------------------------------------------------------


def create_service_linked_role(call: Call, params: Params) -> Result:
    service = params["AWSServiceName"]
    name = role_name_for(service, params.get("CustomSuffix"))
    if call.tx.roles.find(call.account_id, name) is not None:
        raise _taken(name)
    path = f"{SERVICE_LINKED_PATH_PREFIX}{service}/"
    role = Role(
        account_id=call.account_id,
        id=new_role_id(),
        name=name,
        path=path,
        arn=arn_of(call, "role", path, name),
        created=call.now,
        assume_role_policy_document=trust_policy(service),
        description=params.get("Description"),
    )
    try:
        created = call.tx.roles.create(role)
    except EntityAlreadyExists:  # a concurrent request took the name first
        raise _taken(name) from None
    policy = linked_service(service).policy
    if (
        policy is not None
        and policies_of.aws_managed_document(AWS_SERVICE_POLICY_PREFIX + policy) is not None
    ):
        call.tx.attachments.attach(
            PrincipalKind.ROLE, created.id, AWS_SERVICE_POLICY_PREFIX + policy, call.now
        )
    result = role_result(created)
    del result["RoleLastUsed"]
    return {"Role": result}


def create_service_linked_role_target(call: Call, params: Params) -> Target:
    service = params["AWSServiceName"]
    try:
        name = role_name_for(service, params.get("CustomSuffix"))
    except InvalidInput:  # the handler reports it; authorize against the service's role folder
        name = "*"
    resource = arn_of(call, "role", f"{SERVICE_LINKED_PATH_PREFIX}{service}/", name)
    return Target(resource, {"iam:AWSServiceName": service})


def delete_service_linked_role(call: Call, params: Params) -> Result:
    """Removes the role with the policies its service gave it. A role that is not service-linked is
    NoSuchEntity here: the operation's error list has nothing closer."""
    role = call.tx.roles.get(call.account_id, params["RoleName"])
    if not is_service_linked(role):
        raise NoSuchEntity(f"The role with name {role.name} is not a service-linked role.")
    task_id = deletion_task_id(role)
    for arn in call.tx.attachments.arns(PrincipalKind.ROLE, [role.id]).get(role.id, ()):
        call.tx.attachments.detach(PrincipalKind.ROLE, role.id, arn)
    for inline in call.tx.inline_policies.all_for(PrincipalKind.ROLE, [role.id]):
        call.tx.inline_policies.delete(PrincipalKind.ROLE, role.id, inline.name)
    call.tx.roles.delete(call.account_id, role.name)
    return {"DeletionTaskId": task_id}


def get_service_linked_role_deletion_status(call: Call, params: Params) -> Result:
    """Every deletion iamd starts has finished by the time its id is returned, so a well-formed task id
    reports SUCCEEDED. Without a task table, an id iamd never issued cannot be told apart (AWS would
    answer NoSuchEntity)."""
    if _TASK_ID.fullmatch(params["DeletionTaskId"]) is None:
        raise InvalidInput(f"Invalid deletion task id: {params['DeletionTaskId']}")
    return {"Status": "SUCCEEDED"}


def _deletion_status_target(call: Call, params: Params) -> Target:
    match = _TASK_ID.fullmatch(params["DeletionTaskId"])
    if match is None:
        return Target(arn_of(call, "role", SERVICE_LINKED_PATH_PREFIX, "*"))
    return Target(arn_of(call, "role", f"{SERVICE_LINKED_PATH_PREFIX}{match['service']}/", match["role"]))


OPERATIONS: dict[str, Operation] = {
    "CreateServiceLinkedRole": Operation(create_service_linked_role, create_service_linked_role_target),
    "DeleteServiceLinkedRole": Operation(
        delete_service_linked_role, lambda call, params: existing_role_target(call, params["RoleName"])
    ),
    "GetServiceLinkedRoleDeletionStatus": Operation(
        get_service_linked_role_deletion_status, _deletion_status_target, writes=False
    ),
}
