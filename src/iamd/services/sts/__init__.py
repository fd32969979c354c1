"""The STS service: every operation, gathered from one module per concern."""

from iamd.services.call import Operation
from iamd.services.sts import identity

OPERATIONS: dict[str, Operation] = {
    **identity.OPERATIONS,
}
