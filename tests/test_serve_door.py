"""`tillui serve` does not open the till to the network by accident."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.real_tools import free_port, unavailable, wait_for_port


def test_serve_refuses_a_non_loopback_address_without_the_flag(capsys) -> None:
    from tillui.commands import serve

    assert serve.main(["--host", "0.0.0.0", "--demo"]) == 2  # noqa: S104 - refused, never bound
    line = capsys.readouterr().err.strip()
    assert "refusing to listen on 0.0.0.0" in line and "--allow-remote" in line
    assert "\n" not in line


# --- the secret link ----------------------------------------------------------------------


TOKEN = "kiosk-door-token-0123456789abcdef"
WEBSOCKET_UPGRADE = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


def serve(tmp_path: Path, *options: str) -> tuple[subprocess.Popen, int]:
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        unavailable("textual-serve is not installed (pip install -e '.[serve]')")
    port = free_port()
    env = {**os.environ, "TILLUI_CONFIG": str(tmp_path / "config.toml")}
    env.pop("TILLUI_SERVE_TOKEN", None)
    env["COLUMNS"] = "200"  # one access-log line per request
    server = subprocess.Popen(
        [sys.executable, "-m", "tillui", "serve", "--demo", "--port", str(port), *options],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    wait_for_port(port, timeout=20, alive=lambda: server.poll() is None)
    return server, port


def stop(server: subprocess.Popen) -> str:
    server.terminate()
    try:
        out, err = server.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        out, err = server.communicate()
    return out + err


def ask(port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read() if response.status != 101 else None
    connection.close()
    return response


@pytest.fixture
def locked(tmp_path):
    token_file = tmp_path / "door-token"
    token_file.write_text(TOKEN + "\n")
    token_file.chmod(0o600)
    server, port = serve(tmp_path, "--token-file", str(token_file))
    yield server, port
    stop(server)


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", ["/", "/?token=wrong-token-0123456789abcdef", "/static/js/textual.js"]
)
def test_the_page_is_refused_without_the_token(locked, path) -> None:
    _, port = locked
    assert ask(port, path).status == 403
    assert ask(port, path, {"Cookie": "tillui_door=wrong-token-0123456789abcdef"}).status == 403


@pytest.mark.slow
@pytest.mark.parametrize(
    "cookie", [None, "tillui_door=wrong-token-0123456789abcdef", "tillui_door="]
)
def test_the_websocket_is_refused_without_the_token(locked, cookie) -> None:
    _, port = locked
    headers = dict(WEBSOCKET_UPGRADE) | ({"Cookie": cookie} if cookie else {})
    assert ask(port, "/ws?width=80&height=24", headers).status == 403
    # and the token in a wrong place of the link does not open it either
    assert ask(port, f"/ws?width=80&tok={TOKEN}", headers).status == 403


@pytest.mark.slow
def test_the_link_with_the_token_opens_the_page_and_the_websocket(locked) -> None:
    server, port = locked
    first = ask(port, f"/?token={TOKEN}&fontsize=18")
    assert first.status == 302
    assert TOKEN not in first.headers["Location"] and "fontsize=18" in first.headers["Location"]
    cookie = first.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    jar = {"Cookie": f"tillui_door={TOKEN}"}
    assert ask(port, "/", jar).status == 200
    assert ask(port, "/ws?width=80&height=24", dict(WEBSOCKET_UPGRADE) | jar).status == 101
    output = stop(server)
    assert "<the token from " in output and "GET /?token=…" in output
    assert TOKEN not in output  # neither printed (it came from a file) nor in the access log


@pytest.mark.slow
def test_a_new_token_is_printed_once_and_is_the_one_that_opens(tmp_path) -> None:
    server, port = serve(tmp_path)
    try:
        line = server.stdout.readline() if server.stdout else ""
        assert line.startswith("tillui serve: open http://127.0.0.1:"), line
        token = line.split("?token=", 1)[1].split()[0]
        assert len(token) >= 16
        assert ask(port, "/").status == 403
        assert ask(port, f"/?token={token}").status == 302
    finally:
        output = stop(server)
    assert token not in output  # the access log masked it


def test_the_token_file_is_made_private_and_kept(tmp_path) -> None:
    from tillui.commands.serve_door import token_from_file

    path = tmp_path / "kiosk" / "token"
    made = token_from_file(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert token_from_file(path) == made  # a kiosk that restarts keeps its link


@pytest.mark.parametrize(
    ("stage", "words"),
    [
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: (p.write_text(TOKEN), p.chmod(0o644)), "readable by others; chmod 600"),
        (lambda p: (p.write_text("short"), p.chmod(0o600)), "at least 16 characters"),
        (lambda p: (p.write_bytes(b"\xff\xfe" * 10), p.chmod(0o600)), "is not text"),
    ],
)
def test_a_bad_token_file_is_one_line_naming_it(tmp_path, capsys, stage, words) -> None:
    from tillui.commands import serve

    path = tmp_path / "token"
    stage(path)
    assert serve.main(["--demo", "--token-file", str(path)]) == 2
    line = capsys.readouterr().err.strip()
    assert words in line and str(path) in line and "\n" not in line


def test_tokens_are_masked_in_log_lines() -> None:
    import logging

    from tillui.commands.serve_door import MaskTokens

    record = logging.LogRecord("aiohttp.access", 20, "", 0, '"GET /?token=%s&x=1"', (TOKEN,), None)
    MaskTokens().filter(record)
    assert TOKEN not in record.getMessage() and "x=1" in record.getMessage()
