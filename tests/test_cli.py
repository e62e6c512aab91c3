"""The command line: cheap --help/--version, and `tillui sandbox` over real loopback HTTP."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tillui import __version__
from tillui.sandbox import DEMO


def run_python(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout


def test_help_and_version_do_not_import_textual_httpx_or_pydantic():
    out = run_python(
        "import sys, contextlib, io\n"
        "from tillui.cli import main\n"
        "for argv in (['--version'], ['--help']):\n"
        "    with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "        main(argv)\n"
        "print(sorted(m for m in ('textual', 'httpx', 'pydantic', 'starlette') if m in sys.modules))\n"
    )
    assert out.strip() == "[]"


def test_version_and_help_text():
    version = subprocess.run(
        [sys.executable, "-m", "tillui", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.strip() == f"tillui {__version__}"
    help_text = subprocess.run(
        [sys.executable, "-m", "tillui", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for word in ("--demo", "--till", "sandbox", "config", "screenshots"):
        assert word in help_text


def test_api_client_imports_without_textual():
    out = run_python(
        "import sys, tillui.api.client, tillui.config.layers\nprint('textual' in sys.modules)"
    )
    assert out.strip() == "False"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_sandbox_command_answers_document_003_over_loopback():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tillui", "sandbox", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        banner = ""
        deadline = time.monotonic() + 15
        while DEMO.asha.mobile not in banner and time.monotonic() < deadline:
            banner += process.stdout.readline()
        assert DEMO.asha.mobile in banner, banner  # demo identifiers are printed at start
        digest = hashlib.md5(DEMO.password.encode(), usedforsecurity=False).hexdigest()
        token = base64.b64encode(f"{DEMO.username}:{digest}".encode()).decode()
        url = (
            f"http://127.0.0.1:{port}/v2/customers/lookup/points/balance?source=INSTORE"
            f"&identifierName=email,mobile&identifierValue={DEMO.asha.email},{DEMO.asha.mobile}"
        )
        for _ in range(50):
            try:
                request = urllib.request.Request(url, headers={"Authorization": f"Basic {token}"})
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - our own loopback URL
                    body = json.load(response)
                    request_id = response.headers["X-Cap-Requestid"]
                break
            except urllib.error.URLError:
                time.sleep(0.1)
        assert request_id
        assert body["entityType"] == "CUSTOMER" and body["entityId"] == DEMO.asha.customer_id
        assert set(body["promisedPointsBreakup"]) == {
            "delayedAccrualPoints",
            "externalTriggerBasedPoints",
        }
        assert body["totalPoints"] == body["mainPoints"] + body["promisedPoints"]
        assert body["warnings"] == []
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_app_without_a_terminal_says_so_instead_of_hanging():
    result = subprocess.run(
        [sys.executable, "-m", "tillui", "--demo", "--kiosk"],
        check=False,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr and "ssh -t" in result.stderr
    assert result.stdout == ""


BAD_ARGUMENTS = [
    ["--bogus"],
    ["frobnicate"],
    ["--till"],
    ["--till", ""],
    ["--demo", "config", "show"],
    ["--theme", "x", "sandbox"],
    ["--till", "T1", "sandbox"],
    ["--config", "x.toml", "screenshots"],
    ["sandbox", "--port", "99999"],
    ["sandbox", "--port", "http"],
    ["sandbox", "--latency", "-1"],
    ["sandbox", "--latency", "nan"],
    ["sandbox", "--seed", "x"],
    ["sandbox", "--bogus"],
    ["screenshots", "no-such-scene"],
    ["screenshots", "--bogus"],
    ["config"],
    ["config", "frobnicate"],
    ["config", "path", "extra"],
    ["config", "show", "--till"],
    ["config", "show", "--bogus"],
    ["config", "set"],
    ["config", "set", "defaults.theme"],
    ["config", "set", "kiosk", "yes"],
    ["config", "set", "defaults.kiosk", "maybe"],
    ["config", "set", "..", "1"],
    ["config", "keys", "extra"],
    ["config", "check", "--till", ""],
    ["--till", "T1", "config", "path"],
    ["--till", "T1", "config", "show", "--till", "T2"],
    ["--kiosk", "config", "show"],
    ["config", "set-pin", "--bogus"],
    ["--till", "T1", "config", "set-pin", "--till", "T2"],
    ["sandbox", "--faults", "2"],
    ["sandbox", "--fault-delay", "-1"],
    ["sandbox", "--commit-fault", "explode"],
    ["serve", "--port", "70000"],
    ["serve", "--bogus"],
    ["--demo", "serve"],
    ["--till", "T1", "serve", "--till", "T2"],
    ["claims"],
    ["claims", "bogus"],
    ["claims", "send", "--customer", "x", "--transaction", "1", "--bill", "B", "--amount", "1"],
    ["claims", "send", "--customer", "1", "--transaction", "0", "--bill", "B", "--amount", "1"],
    ["claims", "send", "--customer", "1", "--transaction", "1", "--bill", "B", "--amount", "nan"],
    ["--till", "T1", "claims", "--till", "T2", "list"],
]


@pytest.mark.parametrize("argv", BAD_ARGUMENTS, ids=" ".join)
def test_every_subcommand_refuses_bad_arguments_on_one_line_with_exit_2(
    argv: list[str], tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tillui.cli import main

    monkeypatch.setenv("TILLUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("TILLUI_TILL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2  # an exception would fail the test: no traceback reaches the user
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("tillui"), captured.err
    assert not (tmp_path / "config.toml").exists()


def test_sandbox_port_out_of_range_says_so() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tillui", "sandbox", "--port", "99999"],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "tillui sandbox: error: argument --port: port 99999 is out of range: use 0 to 65535 "
        "(see tillui sandbox --help)\n"
    )


def test_a_bad_config_exits_2_before_the_full_screen_app_starts(tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[till.T1]\nstore = "S404"\n')
    out = run_python(
        "import sys\n"
        "from tillui.cli import main\n"
        f"code = main(['--config', {str(config)!r}])\n"
        "print(code, 'textual' in sys.modules)\n"
    )
    assert out.strip() == "2 False"  # Textual was never even imported
    result = subprocess.run(
        [sys.executable, "-m", "tillui", "--config", str(config)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "the config has no [store.S404] section" in result.stderr
    unknown_till = subprocess.run(
        [sys.executable, "-m", "tillui", "--config", str(config), "--till", "T9"],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert unknown_till.returncode == 2 and "configured tills: T1" in unknown_till.stderr


def test_config_set_help_lists_every_key_with_type_default_and_layer() -> None:
    from tillui.config.settings import Secrets, Settings

    result = subprocess.run(
        [sys.executable, "-m", "tillui", "config", "set", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    for key in [*Settings.model_fields, *Secrets.model_fields, "default_till"]:
        assert key in rows, key
    assert rows["kiosk"].split()[1:3] == ["true/false", "false"]
    assert "any section, TILLUI_KIOSK" in rows["kiosk"]
    keys = subprocess.run(
        [sys.executable, "-m", "tillui", "config", "keys"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert rows["retro_max_age_days"] in keys.stdout.splitlines()


def test_a_bad_config_in_a_real_terminal_is_one_line_and_never_the_full_screen(tmp_path) -> None:
    """With a terminal the app is imported while the config is checked (in a forked child, so
    the first frame does not wait for pydantic); a bad config still ends it before any paint."""
    import os
    import pty

    config = tmp_path / "config.toml"
    config.write_text('[till.T1]\nstore = "S404"\n')
    pid, fd = pty.fork()
    if pid == 0:  # the child becomes tillui on the pty
        os.execv(sys.executable, [sys.executable, "-m", "tillui", "--config", str(config)])  # noqa: S606
    output = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 2
    assert b"the config has no [store.S404] section" in output
    assert b"\x1b[?1049h" not in output  # the alternate screen was never entered
