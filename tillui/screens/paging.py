"""The page keys of every paged list (requests, this till's claims, the checker's waiting claims).

Each screen gets its own binding IDs (`<screen>.next_page` …), so one screen's keys can be
remapped without the others'; the two page keys share one footer entry, so footers fit 80 columns.
"""

from __future__ import annotations

from textual.binding import Binding

PAGE_KEYS = Binding.Group("Page")
PAGE_ACTIONS = frozenset({"previous_page", "next_page", "first_page", "last_page"})
"""What the page keys do: harmless if a scan follows (a scan's lookup leaves the list anyway)."""


def page_bindings(screen: str, *, ends: bool = True) -> list[Binding]:
    """PgUp/p and PgDn/n (one footer entry); with `ends`, Home/g and End/G too (not shown)."""
    bindings = [
        Binding(
            "pageup,p",
            "previous_page",
            "Previous page",
            id=f"{screen}.previous_page",
            key_display="PgUp",
            group=PAGE_KEYS,
        ),
        Binding(
            "pagedown,n",
            "next_page",
            "Next page",
            id=f"{screen}.next_page",
            key_display="PgDn",
            group=PAGE_KEYS,
        ),
    ]
    if ends:
        bindings += [
            Binding("home,g", "first_page", "First page", id=f"{screen}.first_page", show=False),
            Binding("end,G", "last_page", "Last page", id=f"{screen}.last_page", show=False),
        ]
    return bindings
