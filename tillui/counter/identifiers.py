"""Parse, validate, normalise and mask customer identifiers (scanner bursts: tillui.screens.scan_guard).

The validators (phonenumbers, email-validator) cost ~100 ms to import, so they are imported on
first use, never at module import: the lookup screen paints before they load, and the app warms
them up in the background (`warm_up`) while the cashier starts typing.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tillui.counter.identifier_types import Identifier, IdentifierName

if TYPE_CHECKING:
    from phonenumbers import PhoneNumber

MAX_LENGTH = 64
# External IDs and card numbers are brand-defined; we only refuse what cannot be sent as one
# comma-separated query value (commas would shift every later identifier) or is plainly not an ID.
_FREE_FORM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")


@dataclass(frozen=True, slots=True)
class Checked:
    """The outcome of checking one field: a normalised identifier, or the reason it is refused."""

    identifier: Identifier | None
    error: str | None = None
    warning: str | None = None
    """Accepted, but worth a quiet word (a mobile the numbering plan does not know)."""

    @property
    def ok(self) -> bool:
        return self.identifier is not None


_warm = threading.Event()


def warm_up() -> None:
    """Import the validator libraries now (called from a background thread after first paint)."""
    import email_validator  # noqa: F401
    import phonenumbers  # noqa: F401

    check("mobile", "+919800000001")
    check("email", "warm.up@example.com")
    _warm.set()


def warmed_up() -> bool:
    """Whether `warm_up` has run: checking before would load the libraries on the UI thread."""
    return _warm.is_set()


def check(name: IdentifierName, raw: str, *, phone_region: str = "IN") -> Checked:
    """Validate and normalise one identifier value as typed (or scanned) by the cashier."""
    value = raw.strip()
    if not value:
        return Checked(None, "Empty")
    if len(value) > MAX_LENGTH:
        return Checked(None, f"Too long (at most {MAX_LENGTH} characters)")
    if name == "mobile":
        return _check_mobile(value, phone_region)
    if name == "email":
        return _check_email(value)
    if "," in value:
        return Checked(None, "Must not contain a comma")
    if not _FREE_FORM.match(value):
        return Checked(None, "Letters, digits and . _ - / only")
    return Checked(Identifier(name, value))


def _check_mobile(value: str, region: str) -> Checked:
    """Accept any *possible* number: the server, not the numbering plan, knows who exists.

    A number the plan calls valid is normalised quietly; one that is only possible (right length
    for a known country code, e.g. the documents' own 915795008395) is sent with a warning.
    """
    import phonenumbers

    digits = re.sub(r"[\s\-().]", "", value)
    if not re.fullmatch(r"\+?\d+", digits):
        return Checked(None, "Digits only, with an optional leading +")
    candidates = [digits] if digits.startswith("+") else [digits, "+" + digits]
    possible: list[phonenumbers.PhoneNumber] = []
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, None if candidate.startswith("+") else region)
        except phonenumbers.NumberParseException:
            continue
        national = phonenumbers.national_significant_number(number)
        if not phonenumbers.is_possible_number(number) or not national.strip("0"):
            continue
        if len(str(number.country_code)) + len(national) > 15:  # E.164's maximum
            continue
        if phonenumbers.is_valid_number(number):
            return Checked(_mobile(number), warning=_kind_warning(number))
        possible.append(number)
    if possible:
        number = possible[0]
        country = phonenumbers.region_code_for_country_code(number.country_code or 0)
        where = country if country != "ZZ" else f"+{number.country_code}"
        return Checked(
            _mobile(number),
            warning=f"Not a known {where} number — sent anyway; the server decides",
        )
    return Checked(None, f"Not a possible mobile number (numbers without + are read as {region})")


def _mobile(number: PhoneNumber) -> Identifier:
    import phonenumbers

    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    # Intouch stores mobiles as country code + number without the '+'.
    return Identifier("mobile", e164.lstrip("+"))


def _kind_warning(number: PhoneNumber) -> str | None:
    import phonenumbers

    # FIXED_LINE_OR_MOBILE covers countries (US, CA…) whose numbering does not tell them apart.
    if phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    return "Looks like a landline — sent anyway; the server decides"


def _check_email(value: str) -> Checked:
    from email_validator import EmailNotValidError, validate_email

    if "," in value:
        return Checked(None, "Must not contain a comma")
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        return Checked(None, _first_sentence(str(error)))
    return Checked(Identifier("email", result.normalized.lower()))


def _first_sentence(text: str) -> str:
    sentence = text.split(". ")[0].rstrip(".")
    return sentence[:70]


def mask(identifier: Identifier) -> str:
    """Show enough for the cashier to confirm with the customer, not enough to copy."""
    # A fixed run of stars: the mask must not tell how long the hidden part is.
    value = identifier.value
    if identifier.name == "email" and "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    visible = 4 if len(value) > 6 else max(len(value) // 3, 1)
    return "****" + value[-visible:]


def display(identifier: Identifier, *, masked: bool) -> str:
    return mask(identifier) if masked else identifier.value
