"""The ASGI application: routes, request reading, and iamd's own ``/_iamd/`` endpoints."""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from iamd.auth.sigv4 import HttpRequest
from iamd.gateway.query import ClientInfo, QueryGateway
from iamd.oidc_issuer import ISSUER_PATH, BuiltinIssuer

log = logging.getLogger("iamd.http")


def form_params(query_string: bytes, body: bytes, content_type: str) -> dict[str, str]:
    """Query-string and form-body parameters; where a name repeats, the first value counts."""
    params: dict[str, str] = {}
    sources = [query_string]
    if body and content_type.startswith("application/x-www-form-urlencoded"):
        sources.append(body)
    for source in sources:
        for name, value in urllib.parse.parse_qsl(source.decode("latin-1"), keep_blank_values=True):
            params.setdefault(name, value)
    return params


def make_app(
    gateway: QueryGateway,
    reset: Callable[[], None] | None = None,
    oidc_issuer: BuiltinIssuer | None = None,
    extra_routes: Sequence[Route] = (),
    audit_public_key: Callable[[], bytes | None] = lambda: None,
    on_shutdown: Sequence[Callable[[], None]] = (),
) -> Starlette:
    """``on_shutdown`` runs when the server stops, after uvicorn has answered the requests in flight and
    before the process exits (uvicorn re-raises SIGTERM then, which skips ``atexit``)."""

    async def query_endpoint(request: Request) -> Response:
        body = await request.body()
        scope = request.scope
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        query_string: bytes = scope.get("query_string", b"")
        http = HttpRequest.from_wire(request.method, raw_path, query_string, scope["headers"], body)
        params = form_params(query_string, body, request.headers.get("content-type", ""))
        client = ClientInfo(
            source_ip=request.client.host if request.client else "127.0.0.1",
            user_agent=request.headers.get("user-agent", ""),
            secure_transport=request.url.scheme == "https",
        )
        status, headers, payload = await run_in_threadpool(gateway.handle, http, params, client)
        return Response(payload, status_code=status, headers=headers)

    async def health(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def public_key(_request: Request) -> Response:
        pem = await run_in_threadpool(audit_public_key)
        if pem is None:
            message = "This server publishes no audit signing key (ephemeral mode exports nothing)."
            return JSONResponse({"error": "NoAuditSigningKey", "message": message}, status_code=404)
        return Response(pem, media_type="text/plain")

    async def reset_endpoint(_request: Request) -> Response:
        assert reset is not None
        await run_in_threadpool(reset)
        return JSONResponse({"status": "reset"})

    routes = [
        Route("/", query_endpoint, methods=["GET", "POST"]),
        Route("/_iamd/health", health, methods=["GET"]),
        Route("/_iamd/audit/public-key", public_key, methods=["GET"]),
    ]
    if reset is not None:
        routes.append(Route("/_iamd/reset", reset_endpoint, methods=["POST"]))
    if oidc_issuer is not None:
        routes += oidc_issuer_routes(oidc_issuer)
    routes += extra_routes  # the credential endpoints (iamd.credentials_endpoints), when configured

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        for step in on_shutdown:
            try:
                await run_in_threadpool(step)
            except Exception:
                log.exception("shutdown step %s failed", getattr(step, "__qualname__", step))

    return Starlette(routes=routes, lifespan=lifespan)


def oidc_issuer_routes(issuer: BuiltinIssuer) -> list[Route]:
    """The built-in test issuer's discovery document and JWKS; its URL is this server's ``/_iamd/oidc``."""

    async def discovery(request: Request) -> Response:
        issuer_url = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}{ISSUER_PATH}"
        document = await run_in_threadpool(issuer.discovery, issuer_url)
        return JSONResponse(document, headers={"Cache-Control": "max-age=300"})

    async def jwks(_request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(issuer.jwks), headers={"Cache-Control": "max-age=300"})

    return [
        Route(ISSUER_PATH + "/.well-known/openid-configuration", discovery, methods=["GET"]),
        Route(ISSUER_PATH + "/jwks.json", jwks, methods=["GET"]),
    ]
