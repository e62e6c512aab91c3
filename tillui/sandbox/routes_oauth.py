"""OAuth token generation (docs/intouch-api.md, "Hosts and authentication")."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .auth import issue_oauth_token
from .web import ok, read_json, sandbox


async def generate_token(request: Request) -> JSONResponse:
    body = await read_json(request)
    key, secret = (body.get("key"), body.get("secret")) if isinstance(body, dict) else (None, None)
    token, ttl = issue_oauth_token(sandbox(request), key, secret)
    return ok({"data": {"accessToken": token, "ttlSeconds": ttl}, "errors": None})


routes = [Route("/v3/oauth/token/generate", generate_token, methods=["POST"])]
