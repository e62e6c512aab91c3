"""Scans routed by what was scanned, not by where the focus is; never typed into a dialog."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from textual.widgets import Input

from tests.conftest import scan, services_ready, until
from tests.screen_text import notices
from tests.test_flow_claim import open_claim, sandbox_state, settle
from tillui.commands.screenshots import look_up
from tillui.config.settings import Settings
from tillui.counter.scan_classifier import ScanClassifier
from tillui.sandbox import DEMO
from tillui.screens.claim import ClaimScreen
from tillui.screens.customer import CustomerScreen
from tillui.screens.dialogs.confirm_claim import ConfirmClaimDialog
from tillui.screens.lookup import LookupScreen
from tillui.widgets.error_panel import ErrorPanel

SIZE = (80, 24)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("CARD0001", "cardnumber"),
        ("4111111111111111", "cardnumber"),
        ("919800000001", "mobile"),
        ("+915795008395", "mobile"),
        ("asha.rao@example.com", "email"),
        ("D1-100001", "receipt"),
        (DEMO.shared_bill_number, "receipt"),
        ("323400001", "receipt"),
        ("MPQSP10", "externalId"),
        ("??", "unknown"),
    ],
)
def test_default_patterns_classify_the_demo_codes(code, kind):
    assert ScanClassifier.from_patterns().classify(code) == kind


def test_patterns_are_configurable_and_checked():
    classifier = ScanClassifier.from_patterns({"cardnumber": r"LC\d{6}", "receipt": ""})
    assert classifier.classify("LC123456") == "cardnumber"
    assert classifier.classify("CARD0001") == "externalId"  # no longer a card here
    assert classifier.classify("D1-100001") == "receipt"  # empty keeps the default
    with pytest.raises(ValidationError, match="not a regular expression"):
        Settings(scan_card_pattern="(")


def field(app, kind: str) -> Input:
    return app.screen.query_one(f"#field-{kind}", Input)


async def test_a_card_scanned_into_the_mobile_field_lands_in_the_card_field(make_app):
    app = make_app(scan_guard=True)
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        assert field(app, "mobile").has_focus
        await scan(pilot, "CARD0007")
        await until(pilot, lambda: field(app, "cardnumber").value == "CARD0007")
        await until(pilot, lambda: app.screen.query_one(ErrorPanel).display)
        assert field(app, "mobile").value == ""  # what the scan typed there is taken back
        # A card alone is not the primary identifier: the server's 8015, said in words.
        assert "primary identifier" in str(app.screen.query_one(ErrorPanel).render())


async def test_a_mobile_scanned_while_the_email_is_focused_joins_it(make_app):
    app = make_app(scan_guard=True)
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        field(app, "email").focus()
        await pilot.press(*DEMO.meera.email)
        await scan(pilot, DEMO.meera.mobile)
        await until(pilot, lambda: isinstance(app.screen, CustomerScreen))
        assert app.session.lookup.details.name == "Meera Kumar"
        assert [i.name for i in app.session.identifiers] == ["mobile", "email"]


async def test_a_receipt_scanned_on_the_lookup_screen_looks_nothing_up(make_app):
    app = make_app(scan_guard=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await services_ready(app)
        await scan(pilot, "D1-100001")
        await until(pilot, lambda: bool(notices(app)))
        assert "receipt" in notices(app)[0].message
        assert all(not field(app, kind).value for kind in ("mobile", "cardnumber"))
        assert app.session.lookup is None


async def test_a_scan_on_the_requests_screen_looks_up_the_next_customer(make_app):
    app = make_app(scan_guard=True)
    async with app.run_test(size=SIZE) as pilot:
        await look_up(pilot, DEMO.asha.mobile)
        await pilot.press("r")
        await until(pilot, lambda: type(app.screen).__name__ == "RequestsScreen")
        await scan(pilot, DEMO.omar.mobile)
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, CustomerScreen)
                and app.session.lookup.details.name == "Omar Haddad"
            ),
        )


def guard_watching_when(screen, action: str) -> list[bool]:
    """Records, each time `screen`'s action runs, whether the scan guard was still holding keys
    back (watching for the rest of a possible scan) at that moment."""
    watching: list[bool] = []
    run = getattr(screen, f"action_{action}")

    def watched() -> None:
        watching.append(screen.app.scan_guard.holding)
        run()

    setattr(screen, f"action_{action}", watched)
    return watching


async def test_a_page_key_on_the_requests_screen_acts_before_the_guard_knows(make_app):
    """`n` is a printable key, so it may be a scan's first: the guard keeps watching, but the
    page flips at once (a scan would leave the list anyway), not when the guard lets go."""
    from tests.test_requests_flow import open_requests
    from tests.test_requests_flow import settle as requests_settled

    app = make_app(scan_guard=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot, DEMO.bulk.mobile)
        guard_watching_at_flip = guard_watching_when(screen, "next_page")
        await pilot.press("n")
        await requests_settled(pilot)
        await until(pilot, lambda: not app.scan_guard.holding)
        await requests_settled(pilot)
        assert guard_watching_at_flip == [True]  # once, while the guard still watched
        assert screen.view.index == 1


@pytest.mark.parametrize(
    ("key", "action", "opens", "at_once"),
    [("r", "requests", "RequestsScreen", True), ("c", "claim", "ClaimScreen", False)],
    ids=["r-at-once", "c-waits"],
)
async def test_customer_keys_act_at_once_unless_a_scan_after_them_would_matter(
    make_app, key, action, opens, at_once
):
    """`r` opens the requests while the guard still watches (a scan there looks up all the
    same); `c` waits, since the claim screen would take a scan for a receipt."""
    app = make_app(scan_guard=True)
    async with app.run_test(size=SIZE) as pilot:
        await look_up(pilot, DEMO.asha.mobile)
        watching_when_opened = guard_watching_when(app.screen, action)
        await pilot.press(key)
        await until(pilot, lambda: type(app.screen).__name__ == opens)
        await until(pilot, lambda: not app.scan_guard.holding)
        assert watching_when_opened == [at_once]


async def test_a_scan_starting_with_a_page_key_is_still_a_scan(make_app):
    """The page flipped by its first key does not matter: the scan goes to the lookup."""
    from tests.test_requests_flow import open_requests

    app = make_app(scan_guard=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_requests(pilot, DEMO.bulk.mobile)
        assert DEMO.nikhil.email.startswith("n")
        await scan(pilot, DEMO.nikhil.email)
        await until(pilot, lambda: isinstance(app.screen, LookupScreen))
        await until(pilot, lambda: field(app, "email").value == DEMO.nikhil.email)
        # An email alone is not the primary identifier: the server's 8015, said in words.
        await until(pilot, lambda: app.screen.query_one(ErrorPanel).display)


async def test_the_same_code_scanned_twice_within_two_seconds_counts_once(make_app):
    app = make_app(scan_guard=True)
    async with app.run_test(size=SIZE) as pilot:
        await look_up(pilot, DEMO.asha.mobile)
        started = []
        original = app.start_over
        app.start_over = lambda **kw: (started.append(1), original(**kw))[1]
        await scan(pilot, DEMO.omar.mobile)
        await scan(pilot, DEMO.omar.mobile)  # the scanner read the code twice
        await until(pilot, lambda: app.session.lookup.details.name == "Omar Haddad")
        await settle(pilot)
        assert started == [1]
        app.scan_guard._last_scan = (DEMO.omar.mobile, -10.0)  # 2 s later it is a new scan
        await scan(pilot, DEMO.omar.mobile)
        await until(pilot, lambda: len(started) == 2)


async def test_a_scan_in_the_confirm_dialog_is_ignored_and_confirms_nothing(make_app):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)
        app.scan_guard.enabled = True
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmClaimDialog)
        await scan(pilot, "CARD0001")
        await until(pilot, lambda: bool(notices(app)))
        await settle(pilot)
        assert app.screen is dialog
        assert dialog.query_one("#claim-note", Input).value == ""
        assert sandbox_state(app).workflow_requests == {}
        assert "Scan ignored" in notices(app)[0].title
        await pilot.press("n", "o", "t", "e")  # the cashier still types the note as usual
        await until(pilot, lambda: dialog.query_one("#claim-note", Input).value == "note")


async def test_a_prefixed_scan_is_recognised_however_slowly_it_arrives(make_app):
    app = make_app(scan_guard=True, flags={"scan_prefix": "~"})
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        await until(pilot, lambda: app.scan_guard.prefix == "~")
        for key in ["~", *DEMO.omar.mobile, "enter"]:
            await pilot.press(key)
            await pilot.pause(0.05)  # far slower than any burst
            if isinstance(app.screen, LookupScreen):
                assert field(app, "mobile").value in ("", DEMO.omar.mobile)
        await until(pilot, lambda: isinstance(app.screen, CustomerScreen))
        assert app.session.lookup.details.name == "Omar Haddad"


async def test_a_prefixed_scan_in_a_dialog_is_never_typed_in(make_app):
    app = make_app(flags={"scan_prefix": "~"})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)
        app.scan_guard.enabled = True
        await pilot.press("enter")
        await settle(pilot)
        for key in ["~", *"CARD0001", "enter"]:
            await pilot.press(key)
            await pilot.pause(0.05)
        await settle(pilot)
        assert isinstance(app.screen, ConfirmClaimDialog)
        assert app.screen.query_one("#claim-note", Input).value == ""
        assert sandbox_state(app).workflow_requests == {}


# -- the claim screen's receipt search ------------------------------------------------------


async def test_keys_typed_on_the_bills_table_go_to_the_receipt_search(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)
        assert app.screen.query_one("#bills").has_focus
        await pilot.press(*"NOPE-1", "enter")
        await settle(pilot)
        receipt = app.screen.query_one("#receipt", Input)
        assert receipt.value == "NOPE-1"
        assert "No bill 'NOPE-1' found" in str(app.screen.query_one("#claim-reason").render())


async def test_focus_starts_in_the_search_box_when_there_are_no_bills(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        (await app.services()).settings.bills_journal.write_text("")
        await open_claim(pilot, DEMO.omar.mobile)
        assert isinstance(app.screen, ClaimScreen)
        await until(pilot, lambda: app.screen.query_one("#receipt").has_focus)


async def test_a_receipt_starting_with_s_keeps_its_first_letter(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)
        await pilot.press(*"S-1")
        await until(pilot, lambda: app.screen.query_one("#receipt", Input).value == "S-1")


async def test_a_scan_between_prefix_and_suffix_drops_the_trailing_enter(make_app):
    app = make_app(scan_guard=True, flags={"scan_prefix": "~", "scan_suffix": "#"})
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        await until(pilot, lambda: app.scan_guard.suffix == "#")
        field(app, "email").focus()
        await pilot.press("~", *"CARD0007", "#", "enter")
        await until(pilot, lambda: field(app, "cardnumber").value == "CARD0007")
        await until(pilot, lambda: app.screen.query_one(ErrorPanel).display)
        assert field(app, "email").value == "" and field(app, "email").has_focus
