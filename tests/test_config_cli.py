"""`tillui config path | show | set | check`: output, exit codes, and no secret ever printed."""

from __future__ import annotations

import asyncio
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tillui.config import command as config_cli
from tillui.config.command import check_connection, main
from tillui.config.settings import Secrets, Settings

KNOWN_SECRET = "s3cr3t-Pa55word-do-not-print"
CONFIG = """\
[defaults]
api_base_url = "https://intouch.test"
workflow_base_url = "https://workflow.test"

[till.T1]
store = "S1"
zone = "Z1"
concept = "C1"
username = "till.one"
retro_max_age_days = 14

[till.T1.keymap]
quit = "ctrl+q"
"""


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The CLI reads os.environ: keep the real user config, secrets and keyring out of reach."""
    for name in (
        "TILLUI_CONFIG",
        "TILLUI_SECRETS",
        "TILLUI_TILL",
        "TILLUI_PASSWORD",
        "TILLUI_OAUTH_KEY",
        "TILLUI_OAUTH_SECRET",
        "TILLUI_WORKFLOW_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setitem(sys.modules, "keyring", None)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def test_path_prints_config_and_secrets_paths(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["path", "--config", str(config)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"config:  {config}",
        f"secrets: {config.parent / 'secrets.toml'}",
    ]


def test_path_follows_tillui_config(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TILLUI_CONFIG", str(config))
    assert main(["path"]) == 0
    assert f"config:  {config}" in capsys.readouterr().out


def test_show_lists_values_with_origins_in_aligned_columns(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TILLUI_THEME", "textual-ansi")
    assert main(["show", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines() if line and ":" not in line[:8]}
    assert rows["retro_max_age_days"].split() == ["retro_max_age_days", "14", "till.T1"]
    assert rows["theme"].split() == ["theme", "textual-ansi", "env", "TILLUI_THEME"]
    assert rows["keymap.quit"].split() == ["keymap.quit", "ctrl+q", "till.T1"]
    assert rows["source"].split() == ["source", "INSTORE", "default"]
    assert rows["password"].split() == ["password", "unset", "-"]
    table = [line for line in out.splitlines() if line.startswith(("KEY", "retro_max", "theme"))]
    assert len({line.index(line.split()[2]) for line in table}) == 1  # origins line up
    assert "till:    T1 (only till)" in out


def test_show_never_prints_a_secret(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TILLUI_PASSWORD", KNOWN_SECRET)
    secrets = config.parent / "secrets.toml"
    secrets.touch(mode=0o600)
    secrets.write_text(f'[till.T1]\nworkflow_token = "{KNOWN_SECRET}-jwt"\n')
    assert main(["show", "--config", str(config)]) == 0
    captured = capsys.readouterr()
    assert KNOWN_SECRET not in captured.out + captured.err
    rows = {line.split()[0]: line.split()[1:] for line in captured.out.splitlines() if line}
    assert rows["password"] == ["set", "(hidden)", "env", "TILLUI_PASSWORD"]
    assert rows["workflow_token"] == ["set", "(hidden)", "secrets", "till.T1"]


def test_show_with_a_secret_in_config_exits_2_without_printing_it(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config.write_text(CONFIG.replace('username = "till.one"', f'password = "{KNOWN_SECRET}"'))
    assert main(["show", "--config", str(config)]) == 2
    captured = capsys.readouterr()
    assert KNOWN_SECRET not in captured.out + captured.err
    err_lines = captured.err.splitlines()
    assert len(err_lines) == 1 and "[till.T1] password: is a secret" in err_lines[0]


def test_bad_config_exits_2_with_one_line(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config.write_text(CONFIG + "retro = \n")
    assert main(["show", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    bad_line = len(CONFIG.splitlines()) + 1
    assert err.count("\n") == 1 and f"config.toml:{bad_line}: TOML syntax error" in err


def test_unknown_till_exits_2(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "--config", str(config), "--till", "T9"]) == 2
    assert "configured tills: T1" in capsys.readouterr().err


def test_set_writes_and_show_reflects_it(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["set", "--config", str(config), "till.T1.retro_max_age_days", "7"]) == 0
    assert "retro_max_age_days = 7" in config.read_text()
    assert main(["set", "--config", str(config), "till.T1.retro_max_age_days", "soon"]) == 2
    assert "retro_max_age_days = 7" in config.read_text()
    assert "[till.T1] retro_max_age_days" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["frobnicate"]) == 2
    assert main(["--help"]) == 0
    assert "path" in capsys.readouterr().out


# ---- check ----------------------------------------------------------------------------------


def envelope(status: int, code: int, message: str) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        body = {"warnings": [], "errors": [{"status": False, "code": code, "message": message}]}
        return httpx.Response(status, json=body, headers={"X-Cap-Requestid": "req-1"})

    return answer


def refuse_connection(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def customer_found(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=json.dumps({"warnings": [], "errors": []}))


@pytest.fixture
def with_transport(
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[Callable[..., httpx.Response]], list[httpx.Request]]:
    """Point `tillui config check` at a mock transport; returns the requests it received."""

    def install(handler: Callable[[httpx.Request], httpx.Response]) -> list[httpx.Request]:
        seen: list[httpx.Request] = []

        def recording(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return handler(request)

        transport = httpx.MockTransport(recording)
        monkeypatch.setattr(
            config_cli, "check_connection", functools.partial(check_connection, transport=transport)
        )
        return seen

    return install


def test_check_customer_not_found_means_auth_ok(
    config: Path,
    monkeypatch: pytest.MonkeyPatch,
    with_transport: Callable[..., list[httpx.Request]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TILLUI_PASSWORD", KNOWN_SECRET)
    seen = with_transport(envelope(200, 8015, "Customer not found for the given identifiers"))
    assert main(["check", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-2].startswith("OK: https://intouch.test accepted the credentials")
    assert out.splitlines()[-1] == config_cli.NO_CLAIMS_NOTE
    assert KNOWN_SECRET not in out
    assert seen and seen[0].url.path == "/v2/customers/lookup/customerDetails"
    assert seen[0].headers["Authorization"].startswith("Basic ")


def test_check_auth_refused_exits_1(
    config: Path,
    monkeypatch: pytest.MonkeyPatch,
    with_transport: Callable[..., list[httpx.Request]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TILLUI_PASSWORD", KNOWN_SECRET)
    with_transport(envelope(401, 1, "Invalid credentials"))
    assert main(["check", "--config", str(config)]) == 1
    assert "FAILED: authentication refused by https://intouch.test" in capsys.readouterr().out


def test_check_unreachable_exits_1(
    config: Path,
    monkeypatch: pytest.MonkeyPatch,
    with_transport: Callable[..., list[httpx.Request]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TILLUI_PASSWORD", KNOWN_SECRET)
    with_transport(refuse_connection)
    assert main(["check", "--config", str(config)]) == 1
    assert "FAILED: https://intouch.test is unreachable" in capsys.readouterr().out


def test_check_without_a_password_is_bad_config(
    config: Path,
    with_transport: Callable[..., list[httpx.Request]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    seen = with_transport(customer_found)
    assert main(["check", "--config", str(config)]) == 2
    assert "no password is set" in capsys.readouterr().err
    assert seen == []  # nothing was sent


def test_check_connection_is_usable_directly() -> None:
    settings = Settings(api_base_url="https://intouch.test", username="u")
    transport = httpx.MockTransport(envelope(200, 8015, "Customer not found"))
    ok, verdict = asyncio.run(
        check_connection(settings, Secrets(password="pw"), transport=transport)
    )
    assert ok and verdict.startswith("OK")


def test_check_against_the_sandbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    try:
        from tillui.sandbox import SandboxConfig, running_sandbox
    except ImportError:
        pytest.skip("tillui.sandbox has no running_sandbox yet")

    def run_check(base_url: str, password: str) -> int:
        config = tmp_path / "config.toml"
        config.write_text(
            CONFIG.replace("https://intouch.test", base_url)
            .replace("https://workflow.test", base_url)
            .replace('"till.one"', '"demo.till"')
        )
        monkeypatch.setenv("TILLUI_PASSWORD", password)
        return main(["check", "--config", str(config)])

    def both(base_url: str) -> tuple[int, int]:
        return run_check(base_url, "demo123"), run_check(base_url, "wrong-password")

    context = running_sandbox(SandboxConfig())

    async def in_async_context() -> tuple[int, int]:
        async with context as base_url:
            return await asyncio.to_thread(both, base_url)

    if hasattr(context, "__enter__"):  # the contract says "yields a base URL", sync or async
        with context as base_url:
            codes = both(base_url)
    else:
        codes = asyncio.run(in_async_context())
    assert codes == (0, 1)
    out = capsys.readouterr().out
    assert "accepted the credentials" in out and "authentication refused" in out
    assert "demo123" not in out
