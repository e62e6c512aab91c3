"""Checking a till's set-up, one verdict per part: `tillui config check`, and the connection
tests of the settings and setup screens.

The parts: the config file and its layers, the secrets file (mode), the API host and the
credentials (one documented, harmless lookup), OAuth token generation (when OAuth is set), the
request-workflow gateway and its token (one documented read) and the recent-bills journal
(readable, last lines parse). Every failure says what to change. No Textual here; the API client
is imported only by the connection checks.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tillui.config.layers import ConfigError, ResolvedConfig, load_settings
from tillui.config.settings import Secrets, Settings
from tillui.counter.identifier_types import Identifier

if TYPE_CHECKING:
    from tillui.api.client import IntouchClient

Status = Literal["ok", "failed", "skipped"]
Part = Literal["config", "secrets", "api", "oauth", "gateway", "journal"]

PROBE_IDENTIFIER = Identifier("mobile", "919800000001")
"""Looked up on the API host: whether or not such a customer exists, an answer proves the
credentials."""
JOURNAL_SAMPLE = 20
"""How many of the journal's last bills must parse."""
LABELS: dict[Status, str] = {"ok": "OK", "failed": "FAILED", "skipped": "SKIPPED"}


@dataclass(frozen=True)
class Verdict:
    """One checked part: OK, FAILED (the text says what to fix) or SKIPPED (and why)."""

    part: Part
    status: Status
    text: str

    @property
    def passed(self) -> bool:
        return self.status != "failed"

    @property
    def line(self) -> str:
        return f"{LABELS[self.status]:<7} {self.part:<8} {self.text}"


def ok(part: Part, text: str) -> Verdict:
    return Verdict(part, "ok", text)


def failed(part: Part, text: str) -> Verdict:
    return Verdict(part, "failed", text)


def skipped(part: Part, text: str) -> Verdict:
    return Verdict(part, "skipped", text)


# -- files -------------------------------------------------------------------------------------


def check_files(
    *, path: Path | None, till: str | None, env: Mapping[str, str] | None = None
) -> tuple[list[Verdict], ResolvedConfig | None]:
    """The config file and layers, then the secrets file: two verdicts, and the till's resolved
    settings and secrets when both are usable (else None)."""
    from tillui.config.secrets import load_secrets, secrets_path_for

    env = os.environ if env is None else env
    try:
        resolved = load_settings(path=path, till=till, env=env)
    except ConfigError as error:
        return [failed("config", str(error))], None
    verdicts = [ok("config", _layers_text(resolved))]
    secrets_path = secrets_path_for(resolved.path, env)
    try:
        secrets, origins = load_secrets(resolved.till, path=secrets_path, env=env)
    except ConfigError as error:
        return [*verdicts, failed("secrets", str(error))], None
    verdicts.append(_secrets_verdict(secrets_path, origins))
    resolved = ResolvedConfig(
        resolved.settings,
        secrets,
        resolved.till,
        resolved.path,
        {**resolved.origins, **origins},
    )
    return verdicts, resolved


def _layers_text(resolved: ResolvedConfig) -> str:
    s = resolved.settings
    return (
        f"{resolved.path}: till {resolved.till} ({resolved.origins['till']}), store {s.store_id}, "
        f"zone {s.zone_id}, concept {s.concept_id}"
    )


def _secrets_verdict(path: Path, origins: Mapping[str, str]) -> Verdict:
    elsewhere = sorted({origin for origin in origins.values() if not origin.startswith("secrets")})
    if not path.exists():
        where = f"secrets from {', '.join(elsewhere)}" if elsewhere else "no secret is set anywhere"
        return skipped("secrets", f"no secrets file at {path} ({where})")
    mode = stat.S_IMODE(path.stat().st_mode)
    # load_secrets has refused a file open to others; this states the mode that was checked.
    shown = f"mode {mode:04o}" if os.name != "nt" else "owner-only by its folder's ACL"
    return ok("secrets", f"{path}: owner-only ({shown})")


# -- connection --------------------------------------------------------------------------------


async def check_connection(
    settings: Settings, secrets: Secrets, *, transport: Any = None
) -> list[Verdict]:
    """Sign in (OAuth: generate a token), make one lookup on the API host and one read on the
    workflow gateway: a verdict each. `transport` lets tests and the demo use the sandbox."""
    from tillui.api.client import IntouchClient

    async with IntouchClient(settings, secrets, transport=transport) as client:
        verdicts = []
        if settings.auth_mode == "oauth":
            verdicts.append(await _check_oauth(client, settings, secrets))
        else:
            verdicts.append(skipped("oauth", "auth_mode is basic"))
        verdicts.insert(0, await _check_api(client, settings, secrets))
        verdicts.append(await _check_gateway(client, settings, secrets))
    return verdicts


def missing_credentials(settings: Settings, secrets: Secrets) -> str | None:
    """What the configured auth mode lacks to sign in, as a fix, or None."""
    till = settings.till_id or "<id>"
    if settings.auth_mode == "basic":
        if not settings.username:
            return f"auth_mode is basic but username is empty: set till.{till}.username"
        if secrets.password is None:
            return (
                f"auth_mode is basic but no password is set: add password to [till.{till}] in "
                "secrets.toml or set TILLUI_PASSWORD"
            )
    elif secrets.oauth_key is None or secrets.oauth_secret is None:
        return (
            f"auth_mode is oauth but oauth_key/oauth_secret are not set: add them to "
            f"[till.{till}] in secrets.toml or set TILLUI_OAUTH_KEY and TILLUI_OAUTH_SECRET"
        )
    return None


def _credentials_fix(settings: Settings) -> str:
    if settings.auth_mode == "oauth":
        return "check oauth_key and oauth_secret (secrets.toml or TILLUI_OAUTH_*)"
    return (
        f"check username ({settings.username or 'empty'}) and the password "
        "(secrets.toml or TILLUI_PASSWORD)"
    )


async def _check_api(client: IntouchClient, settings: Settings, secrets: Secrets) -> Verdict:
    from tillui.api.errors import AuthError, CustomerNotFound, IntouchError, Timeout, Unavailable

    host = settings.api_base_url
    missing = missing_credentials(settings, secrets)
    if missing:
        return failed("api", missing)
    try:
        await client.customer_details([PROBE_IDENTIFIER])
    except CustomerNotFound:
        pass
    except AuthError as exc:
        return failed(
            "api", f"authentication refused by {host}: {exc}; {_credentials_fix(settings)}"
        )
    except (Unavailable, Timeout) as exc:
        return failed("api", f"{host} is unreachable: {exc}; check api_base_url and the network")
    except IntouchError as exc:
        return failed(
            "api",
            f"{host} answered the lookup with an error: {exc}; check that api_base_url is the "
            "Intouch API of your cluster (e.g. https://eu.api.capillarytech.com)",
        )
    except Exception as exc:  # noqa: BLE001 - a malformed URL and the like: a verdict, no traceback
        return failed("api", f"cannot call {host}: {exc}; check api_base_url")
    mode = "OAuth token" if settings.auth_mode == "oauth" else f"user {settings.username}"
    return ok("api", f"{host} accepted the credentials ({mode}) and answered a customer lookup")


async def _check_oauth(client: IntouchClient, settings: Settings, secrets: Secrets) -> Verdict:
    from tillui.api.errors import AuthError, IntouchError, Timeout, Unavailable

    host = settings.api_base_url
    if secrets.oauth_key is None or secrets.oauth_secret is None:
        return failed("oauth", missing_credentials(settings, secrets) or "no OAuth key or secret")
    try:
        token = await client.oauth_token()
    except AuthError as exc:
        return failed(
            "oauth", f"{host} refused the OAuth key/secret: {exc}; {_credentials_fix(settings)}"
        )
    except (Unavailable, Timeout) as exc:
        return failed("oauth", f"{host} is unreachable: {exc}; check api_base_url")
    except IntouchError as exc:
        return failed("oauth", f"{host} did not issue a token: {exc}; check api_base_url")
    except Exception as exc:  # noqa: BLE001 - a verdict, never a traceback
        return failed("oauth", f"cannot call {host}: {exc}; check api_base_url")
    return ok("oauth", f"{host} issued a token (valid {token.ttl_seconds:g} s)")


async def _check_gateway(client: IntouchClient, settings: Settings, secrets: Secrets) -> Verdict:
    from tillui.api.errors import AuthError, IntouchError, Timeout, Unavailable

    host = settings.workflow_base_url
    till = settings.till_id or "<id>"
    if not settings.org_id:
        return failed("gateway", "org_id is not set, so no claim can be sent: set defaults.org_id")
    if secrets.workflow_token is None:
        return failed(
            "gateway",
            "workflow_token is not set, so no claim can be sent: add it to "
            f"[till.{till}] in secrets.toml or set TILLUI_WORKFLOW_TOKEN",
        )
    missing = missing_credentials(settings, secrets)
    if missing and settings.workflow_till_auth:
        return failed("gateway", f"gateway calls carry the till's credentials too: {missing}")
    try:
        what = await probe_workflow_gateway(client, settings)
    except AuthError as exc:
        also = (
            ", and the till's sign-in, which gateway calls carry too (see the api line)"
            if settings.workflow_till_auth
            else ""
        )
        return failed(
            "gateway",
            f"{host} refused the workflow token or org ID {settings.org_id}: {exc}; check "
            f"workflow_token (a JWT of a user with CanMakeRequest) and org_id{also}",
        )
    except (Unavailable, Timeout) as exc:
        return failed("gateway", f"{host} is unreachable: {exc}; check workflow_base_url")
    except IntouchError as exc:
        return failed(
            "gateway",
            f"{host} answered the workflow read with an error: {exc}; check that "
            "workflow_base_url is the request-workflow gateway (e.g. "
            "https://eucrm.cc.capillarytech.com)",
        )
    except Exception as exc:  # noqa: BLE001 - a verdict, never a traceback
        return failed("gateway", f"cannot call {host}: {exc}; check workflow_base_url")
    return ok("gateway", f"{host} accepted the workflow token and org ID ({what})")


async def probe_workflow_gateway(client: IntouchClient, settings: Settings) -> str:
    """One documented, harmless read on the workflow gateway; returns what was read: the
    till's newest retro claim request (GET .../request-workflow/requests?tillId=…&requestType=
    RETRO-TRANSACTION&limit=1). An empty list is an answer too."""
    page = await client.workflow_requests(till_id=settings.till_id or None, limit=1)
    found = "no claim yet" if not page.items else "its newest claim"
    return f"read this till's workflow list: {found}"


# -- journal -----------------------------------------------------------------------------------


def check_journal(path: Path | None) -> Verdict:
    """The recent-bills journal can be read and its last lines parse (or none is configured)."""
    from tillui.claims.journal import read_recent_bills

    if path is None:
        return skipped(
            "journal",
            "bills_journal is not set: the claim screen finds bills by receipt number only",
        )
    if path.is_dir():
        return failed(
            "journal",
            f"{path} is a folder, not a file: set bills_journal to the file the till's POS writes",
        )
    if not path.is_file():
        return failed(
            "journal",
            f"{path} does not exist: set bills_journal to the file the till's POS writes",
        )
    since = datetime(1970, 1, 1, tzinfo=UTC)
    read = read_recent_bills(path, since=since, max_bills=JOURNAL_SAMPLE)
    if read.problems and not read.bills and "cannot be read" in read.problems[0]:
        return failed("journal", f"{read.problems[0]}; let the till's user read it")
    if read.problems:
        more = f" (and {len(read.problems) - 1} more)" if len(read.problems) > 1 else ""
        return failed(
            "journal",
            f"{path}: {read.problems[0]}{more}; fix the POS's lines (README: the recent-bills "
            "journal)",
        )
    if not read.bills:
        return ok("journal", f"{path}: readable, no bills yet")
    newest = read.bills[0].billing_time.isoformat(timespec="minutes")
    count = len(read.bills)
    parsed = "the last bill parses" if count == 1 else f"the last {count} bills parse"
    return ok("journal", f"{path}: readable, {parsed} (newest {newest})")


def exit_code(verdicts: list[Verdict]) -> int:
    """0 all passed; 2 the config or secrets file is unusable; 1 another part failed."""
    if all(verdict.passed for verdict in verdicts):
        return 0
    if any(v.part in ("config", "secrets") and not v.passed for v in verdicts):
        return 2
    return 1
