"""`tillui serve --demo --kiosk` in a real headless Chromium: lookup screen, a mobile, the name.

Opened first without the secret link's token (refused), then with it.

The page draws the terminal on a canvas, so the test reads what it shows through xterm.js's
own buffer API: a script injected before the page's scripts keeps a reference to the page's
Terminal when textual-serve's front end stores it (`this.terminal = new Terminal(…)`).
Saves the page as a PNG; with TILLUI_UPDATE_SCREENSHOTS=1 it becomes screenshots/browser-kiosk.png.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.real_tools import REPO, free_port, require_program, unavailable, wait_for, wait_for_port

pytestmark = pytest.mark.timeout(60)

KEEP_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true});
    if (value && value.buffer) { window.tilluiTerminal = value; }
  },
});
"""
SCREEN_TEXT = """
const terminal = window.tilluiTerminal;
if (!terminal) { return ""; }
const buffer = terminal.buffer.active, lines = [];
for (let row = 0; row < terminal.rows; row++) {
  const line = buffer.getLine(buffer.viewportY + row);
  lines.push(line ? line.translateToString(true) : "");
}
return lines.join("\\n");
"""
TOKEN = "browser-kiosk-door-0123456789"
SCREENSHOT = REPO / "screenshots" / "browser-kiosk.png"


@pytest.fixture
def served_app(tmp_path):
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        unavailable("textual-serve is not installed (pip install -e '.[test]')")
    port = free_port()
    env = {**os.environ, "TILLUI_CONFIG": str(tmp_path / "config.toml")}
    token_file = tmp_path / "door-token"
    token_file.write_text(f"{TOKEN}\n")
    token_file.chmod(0o600)
    command = ["serve", "--demo", "--kiosk", "--port", str(port), "--token-file", str(token_file)]
    server = subprocess.Popen(
        [sys.executable, "-m", "tillui", *command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    try:
        wait_for_port(port, timeout=20, alive=lambda: server.poll() is None)
        yield f"http://127.0.0.1:{port}/?token={TOKEN}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def chromium():
    browser = require_program("chromium", "chromium-browser")
    driver_path = require_program("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        unavailable("selenium is not installed (pip install -e '.[test]')")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
        "--disable-dev-shm-usage",
        "--window-size=1024,640",
        "--no-first-run",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    try:
        yield driver
    finally:
        driver.quit()


def test_the_browser_kiosk_looks_up_a_customer(served_app, chromium, tmp_path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    started = time.monotonic()
    chromium.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": KEEP_TERMINAL})
    chromium.get(served_app.split("?")[0])  # without the token: the door stays shut
    assert "needs its link with the token" in chromium.page_source
    chromium.get(served_app)
    assert TOKEN not in chromium.current_url  # the link's token leaves the address bar

    def screen() -> str:
        return chromium.execute_script(SCREEN_TEXT) or ""

    wait_for(lambda: "Find a customer" in screen(), timeout=30, what="the lookup screen")
    assert "DEMO sandbox" in screen()
    keyboard = chromium.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
    keyboard.send_keys("919800000001")
    # In the field, not in the demo hint (which names the same mobile).
    # (Whatever the field's border: light, or heavy while it has the focus.)
    wait_for(
        lambda: any(f"{side}  919800000001" in screen() for side in "│┃║"),
        timeout=10,
        what="the typed mobile",
    )
    keyboard.send_keys(Keys.ENTER)
    # The lookup screen's demo hint names her too: wait for the customer screen itself.
    wait_for(lambda: "customer ID" in screen(), timeout=20, what="the customer screen")
    text = screen()
    assert "Asha Rao" in text and "Try:" not in text, text
    assert "919800000001" not in text  # a kiosk masks the mobile it found
    shot = (
        SCREENSHOT if os.environ.get("TILLUI_UPDATE_SCREENSHOTS") == "1" else tmp_path / "kiosk.png"
    )
    chromium.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    print(
        f"browser kiosk: customer shown {time.monotonic() - started:.1f} s after opening the page"
    )
