"""Authentication headers for the Intouch v2 API and the request-workflow gateway.

Basic: `Authorization: Basic base64(<username>:<lower-case hex MD5 of the password>)`.
OAuth: a token from POST /v3/oauth/token/generate, sent as `X-CAP-API-OAUTH-TOKEN` and renewed
shortly before its TTL runs out. The workflow gateway takes the org ID and a user JWT instead.

Nothing here logs or formats a secret: the values only leave through the header dicts.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

from pydantic import SecretStr

from tillui.api.errors import AuthError
from tillui.config.settings import Secrets, Settings

OAUTH_TOKEN_PATH = "/v3/oauth/token/generate"  # noqa: S105 - a path, not a secret
OAUTH_HEADER = "X-CAP-API-OAUTH-TOKEN"
WORKFLOW_ORG_HEADER = "X-CAP-API-AUTH-ORG-ID"
WORKFLOW_TOKEN_HEADER = "X-CAP-UI-AUTH-TOKEN"  # noqa: S105 - a header name

# Renew this long before the token's TTL runs out (capped at a tenth of the TTL for short ones),
# so a request never leaves with a token that expires on the way.
OAUTH_RENEW_MARGIN_SECONDS = 30.0


def md5_hex(password: str) -> str:
    """Lower-case hex MD5 of the password, as Intouch Basic auth wants it."""
    return hashlib.md5(password.encode("utf-8"), usedforsecurity=False).hexdigest()


def basic_credentials(username: str, password: str) -> str:
    """The base64 part of the Basic header: base64("<username>:<md5 hex of password>")."""
    raw = f"{username}:{md5_hex(password)}".encode()
    return base64.b64encode(raw).decode("ascii")


def basic_authorization(settings: Settings, secrets: Secrets) -> str:
    """The till's full `Authorization` header value ("Basic …").

    Raises AuthError when the till has no user name or password configured.
    """
    if not settings.username or secrets.password is None:
        raise AuthError(None, "The till has no API user name or password configured")
    return f"Basic {basic_credentials(settings.username, secrets.password.get_secret_value())}"


def workflow_headers(settings: Settings, secrets: Secrets) -> dict[str, str]:
    """Headers of every request-workflow gateway call."""
    if not settings.org_id or secrets.workflow_token is None:
        raise AuthError(None, "The till has no org ID or workflow token configured")
    return {
        WORKFLOW_ORG_HEADER: settings.org_id,
        WORKFLOW_TOKEN_HEADER: secrets.workflow_token.get_secret_value(),
    }


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """An OAuth access token and how long it lives, as the token endpoint returned it."""

    access_token: str
    ttl_seconds: float

    def __repr__(self) -> str:
        return f"IssuedToken(access_token='***', ttl_seconds={self.ttl_seconds!r})"


TokenFetcher = Callable[[], Awaitable[IssuedToken]]


class OAuthTokens:
    """Holds the current OAuth token; renews it before expiry or when the server rejects it.

    Concurrent callers share one renewal (a lookup sends two requests at once).
    """

    def __init__(
        self,
        fetch: TokenFetcher,
        *,
        clock: Callable[[], float],
        renew_margin: float = OAUTH_RENEW_MARGIN_SECONDS,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._renew_margin = renew_margin
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    async def current(self) -> str:
        """A token that is valid for a while yet, fetching a new one if needed."""
        async with self._lock:
            if self._token is None or self._clock() >= self._renew_at:
                await self._renew()
            assert self._token is not None
            return self._token

    async def renew_after_rejection(self, rejected: str) -> str:
        """A fresh token after the server refused `rejected` (unless someone already renewed)."""
        async with self._lock:
            if self._token is None or self._token == rejected:
                await self._renew()
            assert self._token is not None
            return self._token

    async def _renew(self) -> None:
        issued = await self._fetch()
        margin = min(self._renew_margin, issued.ttl_seconds / 10)
        self._token = issued.access_token
        self._renew_at = self._clock() + issued.ttl_seconds - margin

    def __repr__(self) -> str:
        state = "none" if self._token is None else "held"
        return f"OAuthTokens(token={state})"


class Target(Enum):
    """Which service a call goes to; each authenticates differently."""

    API = "api"
    WORKFLOW = "workflow"


class Authenticator:
    """The auth headers of each call, per the till's auth mode.

    Credentials are checked when first needed, not at construction, so a till without a
    workflow token can still look customers up.
    """

    def __init__(
        self,
        settings: Settings,
        secrets: Secrets,
        *,
        fetch_token: TokenFetcher,
        clock: Callable[[], float],
    ) -> None:
        self._settings = settings
        self._secrets = secrets
        self._tokens = (
            OAuthTokens(fetch_token, clock=clock) if settings.auth_mode == "oauth" else None
        )

    async def headers(
        self, target: Target, *, checker_token: SecretStr | None = None
    ) -> dict[str, str]:
        """`checker_token`: a checker's decision, sent as that user instead of the till's."""
        if target is Target.WORKFLOW:
            gateway = (
                workflow_headers(self._settings, self._secrets)
                if checker_token is None
                else self.checker_headers(checker_token)
            )
            if not self._settings.workflow_till_auth:
                return gateway
            return gateway | await self._till_headers()
        return await self._till_headers()

    async def _till_headers(self) -> dict[str, str]:
        if self._tokens is not None:
            return {OAUTH_HEADER: await self._tokens.current()}
        return {"Authorization": basic_authorization(self._settings, self._secrets)}

    async def renewed_headers(
        self, target: Target, rejected: dict[str, str]
    ) -> dict[str, str] | None:
        """Headers worth one more try after a 401, or None when nothing can be renewed."""
        if self._tokens is None or OAUTH_HEADER not in rejected:
            return None
        renewed = await self._tokens.renew_after_rejection(rejected[OAUTH_HEADER])
        return rejected | {OAUTH_HEADER: renewed}

    def checker_headers(self, checker_token: SecretStr) -> dict[str, str]:
        """Gateway headers carrying a checker's token (a user with CanCheckRequest).

        The till's own (maker) token is refused here, before anything is sent: a claim must
        never be approved with the credentials that made it.
        """
        token = checker_token.get_secret_value().strip()
        if not token:
            raise AuthError(None, "A checker's token is needed to approve or reject")
        maker = self._secrets.workflow_token
        if maker is not None and hmac.compare_digest(
            token.encode(), maker.get_secret_value().strip().encode()
        ):
            raise AuthError(
                None, "That is the till's own token: approving needs a manager's checker token"
            )
        if not self._settings.org_id:
            raise AuthError(None, "The till has no org ID configured")
        return {WORKFLOW_ORG_HEADER: self._settings.org_id, WORKFLOW_TOKEN_HEADER: token}

    def oauth_credentials(self) -> dict[str, str]:
        """The JSON body of the token request."""
        key, secret = self._secrets.oauth_key, self._secrets.oauth_secret
        if key is None or secret is None:
            raise AuthError(None, "The till has no OAuth key or secret configured")
        return {"key": key.get_secret_value(), "secret": secret.get_secret_value()}

    def __repr__(self) -> str:
        return f"Authenticator(mode={self._settings.auth_mode!r})"
