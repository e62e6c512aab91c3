"""The door of `tillui serve`: a secret link, as notebook servers have.

Every request — the page, its scripts, the downloads and the websocket that drives the till —
carries the token, either as `?token=…` in the link or in the cookie the first such request
sets (HttpOnly, SameSite=Strict). The link with the token is answered with a redirect to the
same page without it, so the token does not stay in the address bar or the browser's history.
Without it: 403, and nothing of the till starts. Tokens are compared in constant time and
never logged: aiohttp's access log has `token=` values masked.

The only seam used in textual-serve is its `Server` class: `_make_app` (the aiohttp
application, to add one middleware), `initialize_logging` (documented as overridable) and
`on_startup` (to print the link). See docs/textual-workarounds.md, "textual-serve's door".
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import secrets
import stat
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

COOKIE = "tillui_door"
TOKEN_ENV = "TILLUI_SERVE_TOKEN"  # noqa: S105 - the name of the variable
MIN_TOKEN_LENGTH = 16
NEW = "new for this run"
_TOKEN_IN_TEXT = re.compile(r"(token=)[^&\s\"']+")


class DoorError(Exception):
    """The token file cannot be read or written: a one-line reason naming the file."""


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_from_file(path: Path) -> str:
    """The kiosk's lasting token: read from `path`, or made and written there (0600) if the
    file does not exist yet, so a kiosk that restarts keeps its link."""
    try:
        if not path.exists():
            token = new_token()
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(token + "\n")
            return token
        if path.is_dir():
            raise DoorError(f"token file {path} is a folder; give the path of a file")
        if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise DoorError(f"token file {path} is readable by others; chmod 600 {path}")
        token = path.read_text(encoding="utf-8").strip()
    except PermissionError:
        raise DoorError(f"token file {path}: no permission to read or create it") from None
    except OSError as error:
        raise DoorError(f"token file {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise DoorError(f"token file {path} is not text; put one line of letters in it") from None
    return checked(token, f"token file {path}")


def checked(token: str, source: str) -> str:
    if len(token) < MIN_TOKEN_LENGTH or any(c.isspace() or c in "&#%\"'" for c in token):
        raise DoorError(
            f"{source}: the token must be at least {MIN_TOKEN_LENGTH} characters, "
            "letters, digits, - or _ only"
        )
    return token


def the_token(token_file: Path | None) -> tuple[str, str]:
    """(token, where it came from): the token file, else TILLUI_SERVE_TOKEN, else a new one."""
    if token_file is not None:
        return token_from_file(token_file), f"from {token_file}"
    given = os.environ.get(TOKEN_ENV)
    if given:
        return checked(given.strip(), TOKEN_ENV), f"from {TOKEN_ENV}"
    return new_token(), NEW


def opens(token: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(token.encode(), given.encode())


class MaskTokens(logging.Filter):
    """Masks `token=…` in a log line (aiohttp's access log prints each request's URL)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if "token=" in text:
            record.msg, record.args = _TOKEN_IN_TEXT.sub(r"\1…", text), None
        return True


def door_middleware(token: str, *, secure: bool) -> Any:
    """The aiohttp middleware that lets in only requests with the token."""
    from aiohttp import web

    @web.middleware
    async def door(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        in_link = request.query.get("token")
        if opens(token, in_link):
            query = {k: v for k, v in request.query.items() if k != "token"}
            response = web.HTTPFound(str(request.rel_url.with_query(query)))
            response.set_cookie(
                COOKIE, token, httponly=True, samesite="Strict", secure=secure, path="/"
            )
            return response
        if in_link is None and opens(token, request.cookies.get(COOKIE)):
            return await handler(request)
        return web.Response(
            status=403,
            text="This till's page needs its link with the token (printed by tillui serve).\n",
        )

    return door


def locked_server(token: str, origin: str, **server_options: Any) -> Any:
    """textual-serve's Server with the door on every route."""
    from textual_serve.server import Server

    class LockedServer(Server):
        async def _make_app(self) -> Any:
            app = await super()._make_app()
            app.middlewares.append(
                door_middleware(token, secure=self.public_url.startswith("https"))
            )
            return app

        def initialize_logging(self) -> None:
            super().initialize_logging()
            for name in ("aiohttp.access", "aiohttp.server", "aiohttp.web", "textual-serve"):
                logging.getLogger(name).addFilter(MaskTokens())

        async def on_startup(self, app: Any) -> None:
            # A token of this run only is printed, as notebook servers do; a lasting one
            # (file or environment) is not, since a service's output usually ends in a log.
            shown = token if origin == NEW else f"<the token {origin}>"
            print(f"tillui serve: open {self.public_url}/?token={shown}", flush=True)
            print("Anyone with this link is the till: keep it like a key. Ctrl+C stops.")

    return LockedServer(**server_options)
