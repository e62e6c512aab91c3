"""`tillui screenshots`: SVGs of every screen, from the demo data at a fixed time.

The same scenes drive the snapshot tests (tests/test_snapshots.py), so what the README shows
is what the tests hold the app to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from tillui.arguments import OneLineParser

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from tillui.app import TillApp

TILL_TZ = timezone(timedelta(hours=5, minutes=30))
FIXED_NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TILL_TZ)
SIZE = (80, 24)
ASHA, OMAR, NIKHIL = "919800000001", "919800000007", "919800000004"

Scene = Callable[["Pilot"], Awaitable[None]]


def build_app(scene: str | None = None) -> TillApp:
    """The demo app at a fixed instant, with nothing random on screen.

    The store manager's scenes run the demo as `tillui --demo` does (the demo store's claims wait
    for a checker); the others on a sandbox that approves at once, as they were taken."""
    from tillui.app import TillApp
    from tillui.clock import FixedClock
    from tillui.wiring.demo import demo_services

    clock = FixedClock(FIXED_NOW, tz=TILL_TZ)
    options: dict[str, object] | None = None if scene in CHECKER_SCENES else {}
    factory = partial(demo_services, clock=clock, sandbox_options=options)
    app = TillApp(factory, clock=clock, demo=True)
    app.scan_guard.enabled = False
    return app


async def settled(
    pilot: Pilot, condition: Callable[[], bool] = lambda: True, timeout: float = 10
) -> None:
    """Run until no worker is busy (a worker parked behind a dialog counts as idle) and
    `condition` holds; then let the screen repaint."""
    from textual.screen import ModalScreen
    from textual.widgets import Input

    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        idle = all(w.is_finished or isinstance(app.screen, ModalScreen) for w in app.workers)
        if idle and condition():
            break
        if loop.time() > deadline:
            raise TimeoutError("the app did not settle")
        await pilot.pause(0.02)
    # A text cursor blinks twice a second: stopped (hidden), a screenshot cannot depend on how
    # long the scene took to get here.
    for field in app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


async def look_up(pilot: Pilot, mobile: str) -> None:
    await pilot.app.services()  # type: ignore[attr-defined]
    await pilot.press(*mobile, "enter")
    await settled(pilot, lambda: pilot.app.session.lookup is not None)  # type: ignore[attr-defined]


async def lookup_empty(pilot: Pilot) -> None:
    await pilot.app.services()  # type: ignore[attr-defined]
    await settled(pilot)


async def lookup_invalid(pilot: Pilot) -> None:
    await pilot.app.services()  # type: ignore[attr-defined]
    await pilot.press(*"98000", "tab", *"asha@", "enter")
    screen = pilot.app.screen
    await settled(
        pilot,
        lambda: (
            screen.query_one("#lookup-error").display
            and all(
                screen.query_one(f"#field-{kind}").border_subtitle for kind in ("mobile", "email")
            )
        ),
    )


async def lookup_not_found(pilot: Pilot) -> None:
    await pilot.app.services()  # type: ignore[attr-defined]
    await pilot.press("tab", *"family.kumar@example.com", "enter")
    await settled(pilot, lambda: pilot.app.screen.query_one("#lookup-error").display)


async def customer(pilot: Pilot) -> None:
    await look_up(pilot, ASHA)


async def claim(pilot: Pilot) -> None:
    await look_up(pilot, NIKHIL)
    await pilot.press("c")
    await settled(pilot)
    await pilot.press("down", "down", "down")
    await settled(pilot)


async def claim_confirm(pilot: Pilot) -> None:
    await look_up(pilot, OMAR)
    await pilot.press("c")
    await settled(pilot)
    await pilot.press("enter")
    await settled(pilot)


async def claim_result(pilot: Pilot) -> None:
    await claim_confirm(pilot)
    await pilot.press("enter")
    await settled(pilot)


async def requests(pilot: Pilot) -> None:
    from tillui.screens.requests import RequestsScreen

    await look_up(pilot, ASHA)
    await pilot.press("r")
    app = pilot.app
    await settled(
        pilot,
        lambda: isinstance(app.screen, RequestsScreen) and not app.screen.bills_pending,
    )


async def settings(pilot: Pilot) -> None:
    await pilot.app.services()  # type: ignore[attr-defined]
    await pilot.press("f2")
    await settled(pilot)


async def help_screen(pilot: Pilot) -> None:
    await pilot.app.services()  # type: ignore[attr-defined]
    await pilot.press("f1")
    await settled(pilot)


# -- the store manager and this till's claims (issue 12) ----------------------------------------


async def claim_newest(pilot: Pilot, mobile: str) -> None:
    """Claim the first bill the claim screen offers that is not claimed yet; back home."""
    app = pilot.app
    await look_up(pilot, mobile)
    await pilot.press("c")
    await settled(pilot)
    claimed = app.session.claimed_transaction_ids  # type: ignore[attr-defined]
    while (candidate := app.screen._highlighted()) is not None and (  # type: ignore[attr-defined]
        not candidate.selectable or candidate.transaction_id in claimed
    ):
        await pilot.press("down")
    await pilot.press("enter")
    await settled(pilot)
    await pilot.press("enter")
    await settled(pilot)
    app.start_over()  # type: ignore[attr-defined]
    await settled(pilot)


def _pin_claim_times(path: Path, claim_ids: list[str]) -> None:
    """The outbox stamps claims with the real time: pin them to the scene's clock (3 min apart)
    so the screenshot is the same on every run."""
    import sqlite3
    from datetime import UTC

    with sqlite3.connect(path) as db:
        for n, claim_id in enumerate(claim_ids):
            at = (FIXED_NOW - timedelta(minutes=3 * (len(claim_ids) - n))).astimezone(UTC)
            db.execute(
                "UPDATE claims SET created_at = ?, updated_at = ? WHERE id = ?",
                (
                    at.isoformat(timespec="microseconds"),
                    at.isoformat(timespec="microseconds"),
                    claim_id,
                ),
            )
    # (the till claims screen reads the outbox afresh when it opens)


async def till_claims(pilot: Pilot) -> None:
    from pydantic import SecretStr

    from tillui.sandbox import DEMO

    await claim_newest(pilot, OMAR)
    await claim_newest(pilot, "919800000002")  # Ravi
    await claim_newest(pilot, NIKHIL)
    services = pilot.app.services_now  # type: ignore[attr-defined]
    outbox = services.claims.outbox
    made = [c.request_id for c in outbox.recent(3)][::-1]
    _pin_claim_times(outbox.path, [c.id for c in outbox.recent(3)][::-1])
    token = SecretStr(DEMO.checker_token)
    await services.client.decide_workflow_request(made[0], approve=True, checker_token=token)
    await services.client.decide_workflow_request(
        made[1], approve=False, message="Receipt not shown", checker_token=token
    )
    await pilot.press("ctrl+l")
    await settled(pilot, lambda: getattr(pilot.app.screen, "view", None) is not None)
    await pilot.press("down")
    await settled(pilot)


async def checker(pilot: Pilot) -> None:
    from tillui.screens.checker import CheckerScreen
    from tillui.screens.dialogs.checker_access import CheckerAccessDialog
    from tillui.wiring.demo import DEMO_MANAGER_PIN

    app = pilot.app
    await app.services()  # type: ignore[attr-defined]
    await pilot.press("ctrl+o")
    await settled(
        pilot,
        lambda: (
            isinstance(app.screen, CheckerAccessDialog)
            and any(field.has_focus for field in app.screen.query("#checker-pin"))
        ),
    )
    await pilot.press(*DEMO_MANAGER_PIN, "enter")
    await settled(
        pilot,
        lambda: isinstance(app.screen, CheckerScreen) and app.screen.view is not None,
    )


async def checker_reject(pilot: Pilot) -> None:
    await checker(pilot)
    await pilot.press("down", "r", *"Receipt not shown")
    await settled(pilot)


CHECKER_SCENES = ("till-claims", "checker", "checker-reject")

SCENES: dict[str, Scene] = {
    "lookup": lookup_empty,
    "lookup-invalid": lookup_invalid,
    "lookup-not-found": lookup_not_found,
    "customer": customer,
    "claim": claim,
    "claim-confirm": claim_confirm,
    "claim-result": claim_result,
    "requests": requests,
    "settings": settings,
    "help": help_screen,
    "till-claims": till_claims,
    "checker": checker,
    "checker-reject": checker_reject,
}


async def capture(name: str, scene: Scene) -> str:
    app = build_app(name)
    async with app.run_test(size=SIZE) as pilot:
        await scene(pilot)
        return app.export_screenshot(title=f"tillui — {name}")


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="tillui screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="folder for the SVGs")
    parser.add_argument(
        "names", nargs="*", help=f"scenes to capture (default: all of {', '.join(SCENES)})"
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(SCENES))
    if unknown:
        parser.error(f"unknown scene(s): {', '.join(unknown)}")
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.names or SCENES:
        svg = asyncio.run(capture(name, SCENES[name]))
        path = args.out / f"{name}.svg"
        path.write_text(svg, encoding="utf-8")
        print(f"wrote {path}")
    return 0
