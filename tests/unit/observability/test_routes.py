"""``/_iamd/ready`` and ``/_iamd/metrics`` on an in-process app, with a database that answers or not."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
from starlette.applications import Starlette

from iamd.observability.metrics import Metrics
from iamd.observability.routes import operating_routes


def get(ping: Callable[[], None], metrics: Metrics, path: str) -> httpx.Response:
    """``GET path`` on the routes in-process (httpx's ASGI transport: no socket)."""
    app = Starlette(routes=operating_routes(ping, metrics))

    async def run() -> httpx.Response:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://iamd"
        ) as client:
            return await client.get(path)

    return asyncio.run(run())


def answers() -> None:
    return None


def fails() -> None:
    raise ConnectionRefusedError("connection to server at 10.0.0.7 port 5432 failed (user secret-user)")


def test_ready_when_the_database_answers() -> None:
    response = get(answers, Metrics(), "/_iamd/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok"}


def test_not_ready_when_the_database_fails_and_the_detail_stays_in_the_log() -> None:
    response = get(fails, Metrics(), "/_iamd/ready")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unreachable",
        "error": "ConnectionRefusedError",
    }
    assert "secret-user" not in response.text


def test_metrics_endpoint_serves_the_exposition_format() -> None:
    metrics = Metrics()
    metrics.observe_request("iam", "ListUsers", 200, 0.004)
    response = get(answers, metrics, "/_iamd/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert 'iamd_requests_total{service="iam",operation="ListUsers",status="200"} 1\n' in response.text
