"""End to end in a real terminal: `tillui --demo` in tmux at 80x24, driven as a cashier would.

Each cashier task's keystrokes are counted (scans cost none: the scanner types them) and
asserted, so the numbers in the docs are measured, not guessed. Run with `-s` to print them.
"""

from __future__ import annotations

import json

import pytest

from tests.tmux import Terminal, field_box
from tillui.sandbox import DEMO

pytestmark = pytest.mark.timeout(60)

READY = "Try: mobile"  # the demo hints: the services are loaded


def measure(term: Terminal, keystrokes: dict[str, int], task: str, since: int) -> None:
    keystrokes[task] = term.keys - since
    print(f"{task}: {keystrokes[task]} keys")


def test_a_cashiers_round_at_80x24(tmp_path):
    keystrokes: dict[str, int] = {}
    with Terminal.tillui(tmp_path, "--demo") as term:
        term.wait_for(READY)

        # Lookup by mobile, typed key by key: read the points.
        start = term.keys
        term.type(DEMO.asha.mobile)
        term.press("Enter")
        # The whole customer, not the first frame that names the panel: tmux can be captured
        # while a frame is still being written (a torn capture showed the panel's title, no
        # points yet, and the lookup screen's footer).
        term.wait_for(
            lambda s: all(
                part in s for part in ("Points — Rewards", DEMO.asha.full_name, "8,500", "8,850.50")
            )
        )
        measure(term, keystrokes, "lookup by mobile", start)

        start = term.keys
        term.press("Escape")
        term.wait_for(lambda s: "Find a customer" in s and "Points" not in s)
        measure(term, keystrokes, "next customer", start)

        # A card scanned while the Mobile field has the focus lands in the Card field.
        term.scan(DEMO.omar.card_number)
        # A card alone: the server's 8015, with the card in its own field.
        screen = term.wait_for(
            lambda s: (
                "primary identifier" in s and field_box(s, "Card number") == DEMO.omar.card_number
            )
        )
        assert DEMO.omar.card_number not in field_box(screen, "Mobile")

        # Lookup by email + mobile (the mobile decides between the two Kumars).
        term.press("Escape")  # clear the form
        # Wait as a person would: a key right after Esc reaches the app as Alt+key (ESC 9).
        term.wait_for(lambda s: field_box(s, "Card number") == "type or scan the card")
        start = term.keys
        term.type(DEMO.meera.mobile)
        term.press("Tab")
        term.type(DEMO.meera.email)
        term.press("Enter")
        term.wait_for(DEMO.meera.full_name)
        measure(term, keystrokes, "lookup by email + mobile", start)

        # Lookup by scan, from the customer screen: the next customer's code.
        start = term.keys
        term.scan(DEMO.omar.mobile)
        term.wait_for(DEMO.omar.full_name)
        measure(term, keystrokes, "lookup by scan", start)

        # Claim in four keys; a scan while the confirm dialog is open sends nothing.
        start = term.keys
        term.press("c")
        term.wait_for("Enter claims it")
        term.press("Down", "Enter")
        term.wait_for("Claim this bill for the customer?")
        term.scan(DEMO.asha.card_number)
        screen = term.wait_for(
            lambda s: "Scan ignored" in s and "Claim this bill for the customer?" in s
        )
        assert "Note (optional)" in screen  # the note is still empty
        assert "Claim sent" not in screen
        term.press("Enter")
        term.wait_for("Claim sent")
        measure(term, keystrokes, "claim", start)

        # Requests: from the customer screen, one key.
        term.press("Enter")  # done: back to the customer
        term.wait_for(lambda s: DEMO.omar.full_name in s and "Claim sent" not in s)
        start = term.keys
        term.press("r")
        term.wait_for(f"Retro requests · {DEMO.omar.full_name}")
        measure(term, keystrokes, "requests", start)

        # Nothing unconfirmed: Ctrl+Q quits at once.
        term.press("C-q")
        assert term.wait_for_exit() == 0

    assert keystrokes == {
        "lookup by mobile": 13,
        "next customer": 1,
        "lookup by email + mobile": 12 + 1 + len(DEMO.meera.email) + 1,
        "lookup by scan": 0,
        "claim": 4,
        "requests": 1,
    }


def test_quit_with_an_unconfirmed_claim_asks_first_on_a_plain_monochrome_xterm(tmp_path):
    # The workflow gateway never answers: the claim stays unconfirmed in the outbox.
    faults = [
        {
            "pathPrefix": "/api_gateway/v2/request-workflow",
            "kind": "status",
            "status": 503,
            "count": 1000,
        }
    ]
    env = {"TERM": "xterm", "NO_COLOR": "1", "TILLUI_DEMO_FAULTS": json.dumps(faults)}
    with Terminal.tillui(tmp_path, "--demo", env=env) as term:
        term.wait_for(READY)
        term.type(DEMO.omar.mobile)
        term.press("Enter")
        term.wait_for(DEMO.omar.full_name)
        term.press("c")
        term.wait_for("Enter claims it")
        term.press("Down", "Enter")
        term.wait_for("Claim this bill for the customer?")
        term.press("Enter")
        term.wait_for("No answer from the server")

        term.press("C-q")
        screen = term.wait_for(
            lambda s: "Quit with claims not yet confirmed?" in s and "next start" in s
        )
        assert "1 claim is not yet confirmed" in screen
        term.press("Escape")  # stay
        term.wait_for(lambda s: "Quit with claims" not in s)
        assert term.exited() is None

        term.press("C-q")
        term.wait_for("Quit with claims not yet confirmed?")
        term.press("Enter")  # quit anyway
        assert term.wait_for_exit() == 0
