"""Typed errors of the Intouch client.

Every failure a screen can meet is one `IntouchError` subclass carrying the server's error code,
its message, the HTTP status and the `X-Cap-Requestid` header (what Capillary support asks for),
plus a `hint`: the sentence the cashier reads to know what to do next.

This module imports nothing heavy (no httpx, no pydantic) so screens can catch these errors
without paying for the client's imports.
"""

from __future__ import annotations


class IntouchError(Exception):
    """A call to the Intouch API (or the workflow gateway) did not give the answer we need."""

    default_hint = (
        "Something went wrong talking to the loyalty service. Try again; if it keeps happening, "
        "call support and quote the request ID."
    )

    def __init__(
        self,
        code: int | None,
        message: str,
        request_id: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id
        self.status = status

    @property
    def hint(self) -> str:
        """What the cashier should do next, in words they understand."""
        return self.default_hint

    def __str__(self) -> str:
        details = [
            f"{label} {value}"
            for label, value in (
                ("code", self.code),
                ("HTTP", self.status),
                ("request id", self.request_id),
            )
            if value is not None
        ]
        return f"{self.message} ({', '.join(details)})" if details else self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, "
            f"request_id={self.request_id!r}, status={self.status!r})"
        )


class CustomerNotFound(IntouchError):
    """8015: no customer for these identifiers (or, with dual eligibility, no primary one given)."""

    default_hint = (
        "No customer matches these details. Check what was typed; if you searched by email "
        "only, add the customer's mobile number, or register the customer first."
    )


class RequestNotFound(IntouchError):
    """9050 on the retro-request list, or an unknown workflow request ID."""

    default_hint = (
        "No such request was found. Look the customer up again and reopen their requests."
    )


class BadRequest(IntouchError):
    """The server refused the request as malformed (11013, 8016 and other 4xx answers)."""

    default_hint = (
        "The loyalty service did not accept the request. Check the details entered; if it "
        "keeps happening, call support and quote the request ID."
    )


class AuthError(IntouchError):
    """401/403, or the till has no credentials to send."""

    default_hint = (
        "The till could not sign in to the loyalty service. Ask a supervisor to check the "
        "till's user name, password and tokens in Settings."
    )


class RateLimited(IntouchError):
    """429: too many calls for this API key."""

    def __init__(
        self,
        code: int | None,
        message: str,
        request_id: str | None = None,
        status: int | None = None,
        *,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(code, message, request_id, status)
        self.retry_after = retry_after

    @property
    def hint(self) -> str:
        if self.retry_after is None:
            return "The loyalty service is busy. Wait a minute, then try again."
        seconds = max(1, round(self.retry_after))
        unit = "second" if seconds == 1 else "seconds"
        return f"The loyalty service is busy. Wait {seconds} {unit}, then try again."


class Unavailable(IntouchError):
    """5xx answers and connections that could not be made or were dropped."""

    default_hint = (
        "The loyalty service cannot be reached right now. Try again in a moment; if it keeps "
        "happening, check the till's network connection."
    )


class Timeout(IntouchError):
    """The server did not answer within the configured time."""

    default_hint = "The loyalty service took too long to answer. Try again in a moment."


class InvalidResponse(IntouchError):
    """A body that is not JSON, or JSON of a shape we do not understand."""

    default_hint = (
        "The loyalty service sent an answer the till does not understand. Try again; if it "
        "keeps happening, call support and quote the request ID."
    )


class RetroNotAllowed(IntouchError):
    """The workflow gateway refused a retro claim (limits, already claimed, not eligible …)."""

    @property
    def hint(self) -> str:
        return (
            f"This bill cannot be added to the customer's account: {self.message.rstrip('.')}. "
            "Check the bill and the customer, or choose another bill."
        )


class TransactionNotFound(IntouchError):
    """No bill with this number or ID."""

    default_hint = (
        "No bill was found. Check the bill number or transaction ID on the receipt and try again."
    )


class CustomerExists(IntouchError):
    """8006: an identifier given is already registered to a customer (same source)."""

    default_hint = (
        "This mobile, email or card is already registered to a customer. Look the customer "
        "up instead, and check with the shopper that it is them."
    )


class InvalidRegistration(IntouchError):
    """8014 (invalid mobile), 3217 (invalid source) or a mandatory field missing."""

    @property
    def hint(self) -> str:
        if self.code == 8014:
            return "The mobile number was not accepted. Check it, with the country code."
        if self.code == 3217:
            return "The till's source is not accepted for registration. Call support."
        return f"The registration was refused: {self.message.rstrip('.')}. Check the form."


class ClaimOutcomeUnknown(IntouchError):
    """The claim was sent but no readable answer came back: it may or may not have been made.

    Never resend blindly: reconcile against the customer's retro requests first.
    """

    default_hint = (
        "The claim may or may not have reached the loyalty service. Do not claim this bill "
        "again: the till will check and show the result under Requests."
    )


__all__ = [
    "AuthError",
    "BadRequest",
    "ClaimOutcomeUnknown",
    "CustomerExists",
    "CustomerNotFound",
    "IntouchError",
    "InvalidRegistration",
    "InvalidResponse",
    "RateLimited",
    "RequestNotFound",
    "RetroNotAllowed",
    "Timeout",
    "TransactionNotFound",
    "Unavailable",
]
