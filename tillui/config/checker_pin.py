"""A store manager's checker token, sealed under a PIN in the secrets store.

`checker_token_sealed` (a secret like the others) holds the token encrypted with a key derived
from the manager's PIN: the till keeps only the sealed text, and the token exists in memory only
while a manager is at the till (the checker view drops it on leaving). A wrong PIN fails the
authentication tag; nothing says how close it was.

Format: `tcs1$<salt>$<nonce>$<ciphertext>$<tag>` (URL-safe base64). Key: scrypt(PIN, salt,
n=2**14, r=8, p=1) -> 64 bytes, split into an encryption and a MAC key. Ciphertext: token XOR
SHAKE-256(enc key ‖ nonce). Tag: HMAC-SHA256(mac key, salt ‖ nonce ‖ ciphertext). Standard
library only (no extra dependency at the till).

Seal one:  python -m tillui.config.checker_pin   (asks for the token and the PIN, prints it)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from time import monotonic

PREFIX = "tcs1"
MIN_PIN_LENGTH = 4
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024, "dklen": 64}


class WrongPin(Exception):
    """The PIN does not open the sealed token (or the sealed text is damaged)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _keys(pin: str, salt: bytes) -> tuple[bytes, bytes]:
    key = hashlib.scrypt(pin.encode("utf-8"), salt=salt, **_SCRYPT)
    return key[:32], key[32:]


def _stream(key: bytes, nonce: bytes, size: int) -> bytes:
    return hashlib.shake_256(key + nonce).digest(size)


def seal(token: str, pin: str, *, salt: bytes | None = None, nonce: bytes | None = None) -> str:
    if len(pin) < MIN_PIN_LENGTH:
        raise ValueError(f"the PIN needs at least {MIN_PIN_LENGTH} characters")
    if not token.strip():
        raise ValueError("the token is empty")
    salt = salt or os.urandom(16)
    nonce = nonce or os.urandom(16)
    enc, mac = _keys(pin, salt)
    plain = token.strip().encode("utf-8")
    cipher = bytes(a ^ b for a, b in zip(plain, _stream(enc, nonce, len(plain)), strict=True))
    tag = hmac.new(mac, salt + nonce + cipher, hashlib.sha256).digest()
    return "$".join([PREFIX, _b64(salt), _b64(nonce), _b64(cipher), _b64(tag)])


def unseal(sealed: str, pin: str) -> str:
    """The token, or WrongPin."""
    parts = sealed.strip().split("$")
    if len(parts) != 5 or parts[0] != PREFIX:
        raise WrongPin("The sealed checker token is not in a known format")
    try:
        salt, nonce, cipher, tag = (_unb64(p) for p in parts[1:])
    except ValueError:
        raise WrongPin("The sealed checker token is damaged") from None
    enc, mac = _keys(pin, salt)
    expected = hmac.new(mac, salt + nonce + cipher, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, tag):
        raise WrongPin("Wrong PIN")
    plain = bytes(a ^ b for a, b in zip(cipher, _stream(enc, nonce, len(cipher)), strict=True))
    return plain.decode("utf-8")


class PinAttempts:
    """Wrong PINs counted for the whole app run, not per visit: after `limit` in a row the PIN
    is refused for `lockout` seconds (a checker token still works), so leaving and coming back
    does not buy more guesses."""

    def __init__(
        self, *, limit: int = 5, lockout: float = 300.0, clock: Callable[[], float] = monotonic
    ) -> None:
        self.limit = limit
        self.lockout = lockout
        self._clock = clock
        self._failures = 0
        self._locked_until = 0.0

    def locked_for(self) -> float:
        """Seconds the PIN stays refused (0: it may be tried)."""
        return max(0.0, self._locked_until - self._clock())

    def failed(self) -> int:
        """Count a wrong PIN; the tries left before the lockout."""
        self._failures += 1
        if self._failures >= self.limit:
            self._failures = 0
            self._locked_until = self._clock() + self.lockout
            return 0
        return self.limit - self._failures

    def succeeded(self) -> None:
        self._failures = 0


def main(argv: list[str] | None = None) -> int:
    """Seal a checker token under a manager PIN straight into the 0600 secrets file: the sealed
    token is never printed (a terminal's scrollback is no place for it)."""
    import argparse
    from getpass import getpass
    from pathlib import Path

    from tillui.config.layers import default_config_path
    from tillui.config.secrets import secrets_path_for, write_secret

    parser = argparse.ArgumentParser(
        prog="python -m tillui.config.checker_pin",
        description="Keep a store manager's checker token in secrets.toml, sealed under a PIN.",
    )
    parser.add_argument("--till", help="for this till only (else [defaults])")
    parser.add_argument("--config", type=Path, help="config file (else the default path)")
    args = parser.parse_args(argv)
    token = getpass("Checker token (JWT of a user with CanCheckRequest): ")
    pin = getpass("Manager PIN: ")
    if getpass("Manager PIN again: ") != pin:
        print("The PINs differ; nothing sealed.")
        return 2
    try:
        sealed = seal(token, pin)
    except ValueError as error:
        print(f"Not sealed: {error}.")
        return 2
    path = secrets_path_for(args.config or default_config_path())
    write_secret(path, "checker_token_sealed", sealed, till=args.till)
    section = f"[till.{args.till}]" if args.till else "[defaults]"
    print(f"Sealed under the manager PIN and saved in {path} {section} (mode 0600).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
