"""The effective settings of one till, after layering (see `tillui.config.layers`).

`Settings` is what every other module reads; `Secrets` holds what must never be shown, logged or
written to the main config file. Field docstrings are the user-facing documentation of each key
(`tillui config show` and the settings screen use them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

AuthMode = Literal["basic", "oauth"]
RegistrationRule = Literal["billed_after_registration_minus_delay", "registered_delay_before_now"]


class Settings(BaseModel):
    """Effective settings of one till: defaults < concept < zone < store < till < env < flags."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    till_id: str = ""
    """The till's Intouch entity ID, sent as `entityInfo.tillId` with every claim."""
    store_id: str = ""
    """The store the till belongs to (`entityInfo.storeId`)."""
    zone_id: str = ""
    """The zone the store belongs to (`entityInfo.zoneId`)."""
    concept_id: str = ""
    """The concept (brand line) of the store (`entityInfo.conceptId`)."""

    api_base_url: str = "https://eu.api.capillarytech.com"
    """Base URL of the Intouch v2 API of the cluster (lookups, points, transactions)."""
    workflow_base_url: str = "https://eucrm.cc.capillarytech.com"
    """Base URL of the request-workflow gateway (retro claims)."""
    org_id: str = ""
    """Intouch organisation ID, sent as X-CAP-API-AUTH-ORG-ID to the workflow gateway."""
    source: str = "INSTORE"
    """The `source` query parameter of lookups."""
    phone_region: str = Field(default="IN", min_length=2, max_length=2)
    """ISO country of mobiles typed without a country code (e.g. IN, GB, US)."""
    program_id: int | None = None
    """Loyalty program whose points are shown; empty means the org's default program."""
    all_programs: bool = False
    """Show points summed across all programs (`fetchDataForAllPrograms=true`)."""
    client_signature: str = "tillui"
    """X-CAP-CLIENT-SIGNATURE of retro claims: which source made the request."""

    auth_mode: AuthMode = "basic"
    """'basic' (till username + MD5 of the password) or 'oauth' (key/secret -> token)."""
    username: str = ""
    """The till's API username (Basic auth). The password is a secret, never stored here."""

    workflow_till_auth: bool = True
    """Send the till's Basic or OAuth credentials on workflow gateway calls too (documents 002
    and the approve/reject page list them among the prerequisites)."""

    retro_max_age_days: int = Field(default=30, ge=0)
    """A bill older than this many days cannot be claimed (TXN_MAX_ALLOWED_AGE_DAYS)."""
    retro_delay_hours: int = Field(default=3, ge=0)
    """Bills billed earlier than registration minus this many hours cannot be claimed
    (RETRO_DELAY_SINCE_REGISTRATION_HOURS)."""
    registration_rule: RegistrationRule = "billed_after_registration_minus_delay"
    """How document 002's registration delay reads: 'billed_after_registration_minus_delay'
    (its worked example: bills billed up to retro_delay_hours before registration) or
    'registered_delay_before_now' (its definition: the customer registered at least
    retro_delay_hours before now)."""
    same_store_only: bool = True
    """Only bills billed at this till's store can be claimed."""
    bills_journal: Path | None = None
    """JSON-lines file the till's POS appends NOT_INTERESTED bills to (see README)."""

    connect_timeout: float = Field(default=3.0, gt=0)
    """Seconds to wait for a connection to the API."""
    read_timeout: float = Field(default=10.0, gt=0)
    """Seconds to wait for an answer from the API."""
    claim_quiet_period_seconds: float = Field(default=120.0, gt=0)
    """A claim with no clear answer is resent only after this many seconds with no request
    found for it, twice, this far apart: the server may still be committing the first POST.
    At least twice connect_timeout + read_timeout."""
    claim_clock_skew_seconds: float = Field(default=300.0, ge=0)
    """How far the server's clock may be behind the till's: a request found for a claim's bill
    counts only if the server added it after the claim was stored, less this."""

    mask_identifiers: bool = True
    """Mask customer identifiers on screen (e.g. ******8395)."""
    idle_timeout_seconds: int = Field(default=120, ge=0)
    """Return to an empty lookup screen after this many idle seconds (0 = never)."""
    kiosk: bool = False
    """Kiosk mode: quitting needs the PIN, identifiers stay masked, no settings screen, no
    auto-refresh, only till actions in the palette."""
    theme: str = "textual-dark"
    """Textual theme name (e.g. textual-dark, textual-light, ansi-dark)."""
    keymap: dict[str, str] = Field(default_factory=dict)
    """Binding ID -> keys (comma-separated), applied with App.set_keymap."""
    requests_refresh_seconds: int = Field(default=20, ge=0)
    """Refresh the requests screen this often while a request is PENDING (0 = off)."""
    cursor_blink: bool = True
    """Blink the text cursor. Off on shared SSH hosts: no repaint (and no bytes) twice a second
    per idle till."""

    scan_prefix: str = ""
    """Characters the barcode scanner is programmed to send before each code (e.g. "\\u0002").
    When set, a scan is recognised by it instead of by key timing (which SSH distorts)."""
    scan_suffix: str = ""
    """Characters the scanner sends after each code, before its Enter (optional)."""
    scan_max_gap_ms: int = Field(default=30, ge=1, le=1000)
    """Without a prefix: keys at most this many ms apart, ending in Enter, are one scan."""
    scan_min_length: int = Field(default=5, ge=1, le=64)
    """Without a prefix: a scan has at least this many characters (shorter bursts are typing)."""
    scan_card_pattern: str = ""
    """Regular expression of a scanned card number (empty = `CARD…` or 16–19 digits)."""
    scan_receipt_pattern: str = ""
    """Regular expression of a scanned receipt: bill number or transaction ID (empty = 4–9 digits,
    optionally after a series such as `D1-`)."""
    scan_mobile_pattern: str = ""
    """Regular expression of a scanned mobile (empty = 10–15 digits, optional +)."""
    scan_email_pattern: str = ""
    """Regular expression of a scanned email (empty = anything@domain.tld)."""
    scan_external_id_pattern: str = ""
    """Regular expression of a scanned external ID (empty = a letter and 3+ letters/digits)."""

    @field_validator(
        "scan_card_pattern",
        "scan_receipt_pattern",
        "scan_mobile_pattern",
        "scan_email_pattern",
        "scan_external_id_pattern",
    )
    @classmethod
    def _a_regular_expression(cls, value: str) -> str:
        import re

        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"not a regular expression: {error}") from None
        return value

    @model_validator(mode="after")
    def _quiet_period_outlasts_a_request(self) -> Settings:
        least = 2 * (self.connect_timeout + self.read_timeout)
        if self.claim_quiet_period_seconds < least:
            raise ValueError(
                f"claim_quiet_period_seconds must be at least {least:g} "
                "(twice connect_timeout + read_timeout)"
            )
        return self


class Secrets(BaseModel):
    """Credentials, from environment variables or the 0600 secrets file. Never printed."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    password: SecretStr | None = None
    """Till password for Basic auth (sent as the lower-case hex MD5 of it)."""
    oauth_key: SecretStr | None = None
    """OAuth client key (auth_mode = oauth)."""
    oauth_secret: SecretStr | None = None
    """OAuth client secret (auth_mode = oauth)."""
    workflow_token: SecretStr | None = None
    """JWT of an Intouch user with CanMakeRequest, sent as X-CAP-UI-AUTH-TOKEN with claims."""
    kiosk_pin_hash: SecretStr | None = None
    """Salted hash of the PIN that quits kiosk mode (`tillui config set-pin`); never the PIN."""
    checker_token_sealed: SecretStr | None = None
    """A store manager's checker token (CanCheckRequest) sealed under a manager PIN
    (`python -m tillui.config.checker_pin`): the checker view then asks for the PIN."""


ENV_PREFIX = "TILLUI_"
"""Every setting and secret can come from `TILLUI_<FIELD>`."""
SECRET_FIELDS = tuple(Secrets.model_fields)
