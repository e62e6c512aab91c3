"""Authentication as the documents describe it: Basic and OAuth for v2, headers for the gateway.

Secrets are compared, never logged or echoed in error messages.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import timedelta

from .demo import DEMO
from .errors import NOT_A_CHECKER, UNAUTHORIZED, ApiError
from .state import SandboxState


def _md5_hex(password: str) -> str:
    return hashlib.md5(password.encode(), usedforsecurity=False).hexdigest()


# username -> lower-case hex MD5 of the password.
_TILL_CREDENTIALS: dict[str, str] = {
    DEMO.username: _md5_hex(DEMO.password),
    DEMO.example_username: _md5_hex(DEMO.example_password),
}


def _lower_keys(headers: Mapping[str, str]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in headers.items()}


def _check_basic(value: str) -> str:
    scheme, _, encoded = value.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise ApiError(UNAUTHORIZED, "Authorization must be Basic or an OAuth token")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ApiError(UNAUTHORIZED, "Malformed Basic authorization") from None
    username, sep, password_md5 = decoded.partition(":")
    expected = _TILL_CREDENTIALS.get(username)
    # The documented scheme sends the lower-case hex MD5; anything else is refused.
    if (
        not sep
        or expected is None
        or not hmac.compare_digest(expected.encode(), password_md5.encode())
    ):
        raise ApiError(UNAUTHORIZED, "Invalid username or password")
    return username


def authenticate_v2(state: SandboxState, headers: Mapping[str, str]) -> str:
    """The v2 caller's identity (till username or 'oauth'), or 401."""
    lowered = _lower_keys(headers)
    token = lowered.get("x-cap-api-oauth-token")
    if token:
        expires = state.oauth_tokens.get(token)
        if expires is None or state.now() >= expires:
            raise ApiError(UNAUTHORIZED, "OAuth token is invalid or has expired")
        return "oauth"
    authorization = lowered.get("authorization")
    if not authorization:
        raise ApiError(UNAUTHORIZED, "Authorization is missing")
    return _check_basic(authorization)


def authenticate_gateway(headers: Mapping[str, str]) -> None:
    lowered = _lower_keys(headers)
    org = lowered.get("x-cap-api-auth-org-id", "")
    token = lowered.get("x-cap-ui-auth-token", "")
    if org != DEMO.org_id or not hmac.compare_digest(token.encode(), DEMO.workflow_token.encode()):
        raise ApiError(UNAUTHORIZED, "Invalid X-CAP-API-AUTH-ORG-ID or X-CAP-UI-AUTH-TOKEN")


def authenticate_checker(headers: Mapping[str, str]) -> None:
    """A checker decision needs the JWT of a user with CanCheckRequest: the maker's is 403."""
    lowered = _lower_keys(headers)
    org = lowered.get("x-cap-api-auth-org-id", "")
    token = lowered.get("x-cap-ui-auth-token", "").encode()
    if org == DEMO.org_id and hmac.compare_digest(token, DEMO.checker_token.encode()):
        return
    if org == DEMO.org_id and hmac.compare_digest(token, DEMO.workflow_token.encode()):
        raise ApiError(NOT_A_CHECKER)
    raise ApiError(UNAUTHORIZED, "Invalid X-CAP-API-AUTH-ORG-ID or X-CAP-UI-AUTH-TOKEN")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def issue_oauth_token(state: SandboxState, key: object, secret: object) -> tuple[str, int]:
    """A JWT-looking opaque token and its lifetime in seconds, or 401."""
    if not (
        isinstance(key, str)
        and isinstance(secret, str)
        and hmac.compare_digest(key.encode(), DEMO.oauth_key.encode())
        and hmac.compare_digest(secret.encode(), DEMO.oauth_secret.encode())
    ):
        raise ApiError(UNAUTHORIZED, "Invalid OAuth key or secret")
    ttl = state.config.oauth_ttl_seconds
    issued = state.now()
    for expired in [t for t, expiry in state.oauth_tokens.items() if expiry <= issued]:
        del state.oauth_tokens[expired]
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = _b64url(
        json.dumps(
            {"sub": key, "iat": int(issued.timestamp()), "exp": int(issued.timestamp()) + ttl}
        ).encode()
    )
    token = f"{header}.{claims}.{_b64url(state.new_token_bytes(32))}"
    state.oauth_tokens[token] = issued + timedelta(seconds=ttl)
    return token, ttl
