"""The IAM service: every operation, gathered from one module per resource."""

from iamd.services.call import Operation
from iamd.services.iam import users

OPERATIONS: dict[str, Operation] = {
    **users.OPERATIONS,
}
