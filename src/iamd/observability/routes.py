"""``/_iamd/ready`` (the database answers) and ``/_iamd/metrics`` (Prometheus text format)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from iamd.observability.metrics import Metrics

log = logging.getLogger("iamd.observability")

# https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def operating_routes(ping_database: Callable[[], None], metrics: Metrics) -> list[Route]:
    """``ping_database`` runs a trivial query and raises when the database does not answer."""

    async def ready(_request: Request) -> Response:
        try:
            await run_in_threadpool(ping_database)
        except Exception as error:
            # The detail goes to the log only: a driver's message may name hosts and users.
            log.warning("not ready: the database does not answer: %s", error)
            body = {"status": "unavailable", "database": "unreachable", "error": type(error).__name__}
            return JSONResponse(body, status_code=503)
        return JSONResponse({"status": "ready", "database": "ok"})

    async def metrics_endpoint(_request: Request) -> Response:
        return Response(metrics.render(), headers={"Content-Type": EXPOSITION_CONTENT_TYPE})

    return [
        Route("/_iamd/ready", ready, methods=["GET"]),
        Route("/_iamd/metrics", metrics_endpoint, methods=["GET"]),
    ]
