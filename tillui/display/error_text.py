"""What a cashier reads when something fails: a title for what happened; what to do next comes
from the error's own `hint` (tillui.api.errors), so the wording lives in one place per failure.
"""

from __future__ import annotations

from collections.abc import Iterable

_TITLES = {
    "CustomerNotFound": "No customer found for these identifiers",
    "RequestNotFound": "No such request",
    "BadRequest": "The loyalty server refused the request",
    "AuthError": "This till could not sign in",
    "RateLimited": "The loyalty server is busy (too many requests)",
    "Unavailable": "The loyalty server cannot be reached",
    "Timeout": "The loyalty server did not answer in time",
    "InvalidResponse": "The loyalty server sent an answer tillui cannot read",
    "RetroNotAllowed": "The claim was refused",
    "TransactionNotFound": "No such bill",
    "ClaimOutcomeUnknown": "The claim may or may not have reached the server",
}


def describe(error: BaseException, *, given: Iterable[str] = ()) -> tuple[str, str]:
    """(title, advice) for the cashier; `given` names the identifier kinds a lookup sent."""
    from tillui.api.errors import CustomerNotFound, IntouchError
    from tillui.services import ServicesUnavailable

    if isinstance(error, ServicesUnavailable):
        return "The app could not start its connection", f"{error} — fix it, then restart tillui."
    if not isinstance(error, IntouchError):
        return (
            "Something unexpected went wrong",
            f"{type(error).__name__}: try again; if it repeats, call support.",
        )
    reference = f" Support reference: {error.request_id}." if error.request_id else ""
    if isinstance(error, CustomerNotFound):
        # The wording the store managers asked for (issue: lookup slice); no "add the mobile"
        # when a mobile was what the cashier typed.
        if "mobile" in set(given):
            advice = (
                "Check the mobile number; the customer may be registered with another one "
                "(try their email or card), or not registered yet."
            )
        else:
            advice = "Check them, or add the customer's primary identifier (usually the mobile)."
        return "No customer found for these identifiers", advice + reference
    title = next(
        (_TITLES[cls.__name__] for cls in type(error).__mro__ if cls.__name__ in _TITLES),
        "The loyalty server refused the request",
    )
    return title, error.hint + reference
