"""The mechanisms that keep a till cheap: one customer screen refilled, footers rebuilt only
when their keys change, the cursor blink setting, and imports the app process skips."""

from __future__ import annotations

import subprocess
import sys

from textual.widgets import Input

from tests.conftest import services_ready, until
from tillui.sandbox import DEMO
from tillui.screens.customer import CustomerScreen
from tillui.screens.lookup import LookupScreen

SIZE = (80, 24)


async def look_up(pilot, mobile: str) -> None:
    app = pilot.app
    await pilot.press(*mobile, "enter")
    await until(pilot, lambda: isinstance(app.screen, CustomerScreen))
    await app.workers.wait_for_complete()
    await pilot.pause()


def shown(screen, selector: str) -> str:
    """What the widget shows ("" while the screen is still being composed)."""
    found = screen.query(selector)
    return str(found.first().render()) if found else ""


async def test_one_customer_screen_is_refilled_for_every_lookup(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        await look_up(pilot, DEMO.asha.mobile)
        first = app.screen
        assert "Asha Rao" in shown(first, "#customer-name")
        assert first.query_one("#programs-box").display  # Asha has two programs
        await pilot.press("a")  # all programs, for Asha only
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LookupScreen))
        await look_up(pilot, DEMO.nikhil.mobile)
        assert app.screen is first
        assert DEMO.nikhil.first_name in shown(first, "#customer-name")
        assert str(DEMO.nikhil.customer_id) in shown(first, "#customer-registered")
        assert "all programs" not in first.query_one("#points").border_title
        assert not first.query_one("#customer-error").display


async def test_footer_keys_are_rebuilt_only_when_they_change(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        screen = app.screen
        before = list(screen.query("FooterKey"))
        await pilot.press("tab", "tab")  # focus moves: Textual refreshes the bindings
        await pilot.pause()
        assert list(screen.query("FooterKey")) == before
        app.set_keymap({"lookup.clear": "ctrl+x"})  # the keys shown change: rebuilt
        await until(pilot, lambda: list(screen.query("FooterKey")) != before)
        assert not set(screen.query("FooterKey")) & set(before)


async def test_cursor_blink_can_be_turned_off(make_app):
    app = make_app(flags={"cursor_blink": False})
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        await pilot.pause()
        fields = list(app.screen.query(Input))
        assert fields and not any(field.cursor_blink for field in fields)
        await look_up(pilot, DEMO.omar.mobile)
        await pilot.press("c")  # the claim screen has its own text field
        await until(pilot, lambda: bool(app.screen.query(Input)))
        await pilot.pause()
        assert not any(field.cursor_blink for field in app.screen.query(Input))


async def test_the_cursor_blinks_by_default(make_app):
    app = make_app()
    async with app.run_test(size=SIZE):
        await services_ready(app)
        assert all(field.cursor_blink for field in app.screen.query(Input))


LEAN_APP_PROCESS = """
import asyncio, os, sys
from tillui.wiring.lean import skip_unused_imports
skip_unused_imports()
import httpx, pydantic

class M(pydantic.BaseModel):
    x: int

async def answer(reader, writer):
    await reader.readuntil(b"\\r\\n\\r\\n")
    writer.write(b"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok")
    await writer.drain()
    writer.close()

async def main():
    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with httpx.AsyncClient() as client:
        return (await client.get(f"http://127.0.0.1:{port}/")).text

print(M(x=1).x, asyncio.run(main()), 'click' in sys.modules, 'pygments' in sys.modules,
      sys.modules.get('trio', 'absent') in (None, 'absent'), os.environ['PYDANTIC_DISABLE_PLUGINS'])
"""


def test_the_app_process_skips_what_a_till_never_uses():
    """httpx's command line, pydantic's plugin scan, and trio (which httpcore imports whenever
    it is installed, as the test extra's selenium installs it); HTTP still works."""
    done = subprocess.run(
        [sys.executable, "-c", LEAN_APP_PROCESS],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.split() == ["1", "ok", "False", "False", "True", "__all__"]


async def test_keys_typed_while_loading_then_enter_still_look_up(make_app):
    """The load stands aside while keys arrive, but never keeps a waiting lookup waiting."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*DEMO.asha.mobile, "enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerScreen), timeout=20)
        await app.workers.wait_for_complete()
        await until(pilot, lambda: "Asha Rao" in shown(app.screen, "#customer-name"))


def test_fields_check_as_you_type_once_their_libraries_are_loaded(monkeypatch):
    import threading

    from tillui.counter import identifiers
    from tillui.widgets.identifier_input import IdentifierValidator

    monkeypatch.setattr(identifiers, "_warm", threading.Event())
    validator = IdentifierValidator("mobile", lambda: "IN")
    assert validator.validate("12").is_valid  # not yet: a key at the first frame echoes at once
    identifiers.warm_up()
    assert not validator.validate("12").is_valid


async def test_a_key_at_the_first_frame_loads_no_validator_library(monkeypatch):
    """Neither the check nor the quiet warning (a number the plan does not know) may import
    phonenumbers or email_validator on the UI thread before the warm-up: 13 ms on the echo."""
    import threading

    from textual.app import App

    from tillui.counter import identifiers
    from tillui.widgets.identifier_input import IdentifierInput

    monkeypatch.setattr(identifiers, "_warm", threading.Event())
    checked: list[str] = []
    monkeypatch.setattr(identifiers, "check", lambda *a, **k: checked.append(a[1]))

    class Field(App[None]):
        def compose(self):
            yield IdentifierInput("mobile", lambda: "IN")

    app = Field()
    async with app.run_test() as pilot:
        await pilot.press("9", "1")
        await pilot.pause()
        assert app.query_one(IdentifierInput).value == "91"
    assert checked == []
