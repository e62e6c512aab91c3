"""Kiosk mode's rules that need no screen: the quit PIN (salted scrypt hash) and the quit policy.

The PIN itself is never stored: `tillui config set-pin` writes `kiosk_pin_hash` (scrypt with a
random salt) to the 0600 secrets file, and the PIN dialog checks what is typed against it.
Without a hash, quitting a kiosk is disabled. No Textual here (tillui.screens.dialogs.pin is the
dialog; TillApp applies the verdict).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

KIOSK_ENV = "TILLUI_KIOSK"
FALSE_WORDS = frozenset({"", "0", "false", "no", "off", "n", "f"})

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 12
SCHEME = "scrypt"
# RFC 7914's interactive parameters: about 50 ms and 16 MiB per check, so guessing the PIN
# from a stolen secrets file costs that much per try (a PIN's few digits are its weakness).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES = 16


def kiosk_from_env(env: Mapping[str, str] | None = None) -> bool:
    """TILLUI_KIOSK as the app reads it before the config is loaded: anything but a clear
    "off" word means kiosk, so a typo locks the till rather than opening it."""
    env = os.environ if env is None else env
    value = env.get(KIOSK_ENV)
    return value is not None and value.strip().lower() not in FALSE_WORDS


def pin_problem(pin: str) -> str | None:
    """Why `pin` cannot be a kiosk PIN, or None."""
    if not pin.isdigit() or not pin.isascii():
        return "the PIN must be digits only"
    if not PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS:
        return f"the PIN must have {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits"
    if len(set(pin)) == 1:
        return "the PIN must not be one digit repeated"
    return None


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """`scrypt$N$r$p$salt$hash`, base64 parts: what the secrets file stores."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join((SCHEME, str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)))


def verify_pin(pin: str, stored: str) -> bool:
    """Whether `pin` matches the stored hash (constant-time; False for a malformed hash)."""
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != SCHEME:
            return False
        digest = _scrypt(pin, base64.b64decode(salt), int(n), int(r), int(p))
        return hmac.compare_digest(digest, base64.b64decode(expected))
    except ValueError:
        return False


def is_pin_hash(value: str) -> bool:
    """A value shaped like `hash_pin`'s output (catches a PIN pasted where its hash belongs)."""
    parts = value.split("$")
    return len(parts) == 6 and parts[0] == SCHEME and all(parts[1:])


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class PinGuard:
    """Checks PINs against the stored hash, and locks out guessing: after `tries` wrong PINs in
    a row, no PIN is checked for `lockout` seconds, doubling with each further lockout."""

    def __init__(
        self,
        *,
        tries: int = 3,
        lockout: float = 30.0,
        max_lockout: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._tries, self._lockout, self._max_lockout = tries, lockout, max_lockout
        self._clock = clock
        self._wrong = 0
        self._lockouts = 0
        self._locked_until = 0.0

    def locked_for(self) -> float:
        """Seconds until PINs are checked again (0 when not locked out)."""
        return max(0.0, self._locked_until - self._clock())

    def check(self, pin: str, stored: str) -> bool:
        if self.locked_for() > 0:
            return False
        if verify_pin(pin, stored):
            self._wrong = self._lockouts = 0
            return True
        self._wrong += 1
        if self._wrong >= self._tries:
            seconds = min(self._lockout * 2**self._lockouts, self._max_lockout)
            self._locked_until = self._clock() + seconds
            self._lockouts += 1
            self._wrong = 0
        return False


# -- may the kiosk quit? ----------------------------------------------------------------------


@dataclass(frozen=True)
class QuitVerdict:
    outcome: Literal["quit", "ask_pin", "refuse"]
    reason: str = ""
    """Why quitting is refused (shown to the cashier)."""


QUIT = QuitVerdict("quit")


def quit_verdict(
    *,
    kiosk: bool,
    pin_hash: str | None,
    claims_in_flight: bool,
    unconfirmed_claims: int,
    locked_for: float = 0.0,
) -> QuitVerdict:
    """What Ctrl+Q does. Outside kiosk mode: quit (TillApp's own confirmation applies).
    In kiosk mode a claim being sent or not yet confirmed refuses it, PIN or not; otherwise
    the PIN is asked, and without a PIN quitting is disabled."""
    if not kiosk:
        return QUIT
    if claims_in_flight:
        return QuitVerdict(
            "refuse", "A claim is being sent. Wait for the server's answer, then quit."
        )
    if unconfirmed_claims:
        plural = "s are" if unconfirmed_claims != 1 else " is"
        return QuitVerdict(
            "refuse",
            f"{unconfirmed_claims} claim{plural} not yet confirmed by the server. "
            "Check unsent claims (Ctrl+P) first, then quit.",
        )
    if not pin_hash:
        return QuitVerdict(
            "refuse",
            "Quitting is disabled on this kiosk (no PIN is set: tillui config set-pin).",
        )
    if not is_pin_hash(pin_hash):
        return QuitVerdict(
            "refuse",
            "Quitting is disabled: kiosk_pin_hash is not a PIN hash (tillui config set-pin).",
        )
    if locked_for > 0:
        return QuitVerdict(
            "refuse", f"Too many wrong PINs. Try again in {max(1, round(locked_for))} s."
        )
    return QuitVerdict("ask_pin")
