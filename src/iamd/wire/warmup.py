"""Build every codec of a service up front instead of on first use.

Codecs are built lazily per shape (a few milliseconds for the first request of each operation).
Calling :func:`warm_up` at start-up (before forking workers, so they share the result) moves that
cost out of the first requests; ~0.1 s for all three services.
"""

from __future__ import annotations

from iamd.wire import query, rest_json, validation
from iamd.wire.service_model import SERVICE_NAMES, ServiceModel, load_service_model


def warm_up(*names: str) -> list[ServiceModel]:
    """Load the named services (all three when none is named) and build all their codecs."""
    models = [load_service_model(name) for name in names or SERVICE_NAMES]
    for model in models:
        for operation in model.operations.values():
            if operation.input_shape is not None:
                validation.validator_table(model)(operation.input_shape)
                if model.protocol == "query":
                    query.decoder_table(model)(operation.input_shape)
                else:
                    rest_json.json_decoder_table(model)(operation.input_shape)
            if operation.output_shape is not None:
                if model.protocol == "query":
                    query.encoder_table(model)(operation.output_shape)
                else:
                    rest_json.json_encoder_table(model)(operation.output_shape)
    return models
