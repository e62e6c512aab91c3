"""`tillui config path | show | set | check`: output, exit codes, and no secret ever printed."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tillui.commands import config as config_cli
from tillui.commands.config import check_connection, main

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


CUSTOMER_NOT_FOUND = envelope(200, 8015, "Customer not found for the given identifiers")


def empty_workflow_list(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"data": [], "pagination": {"total": 0}})


REFUSED = envelope(401, 401, "Invalid credentials")


def by_host(
    api: Callable[[httpx.Request], httpx.Response],
    gateway: Callable[[httpx.Request], httpx.Response] = empty_workflow_list,
) -> Callable[[httpx.Request], httpx.Response]:
    """The API host and the workflow gateway of CONFIG answer differently."""

    def answer(request: httpx.Request) -> httpx.Response:
        return (gateway if request.url.host == "workflow.test" else api)(request)

    return answer


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


@pytest.fixture
def claim_ready(config: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """CONFIG plus an org ID and both secrets: everything a claim needs (no journal)."""
    config.write_text(CONFIG.replace("[till.T1]", 'org_id = "50672"\n\n[till.T1]', 1))
    monkeypatch.setenv("TILLUI_PASSWORD", KNOWN_SECRET)
    monkeypatch.setenv("TILLUI_WORKFLOW_TOKEN", KNOWN_SECRET + "-jwt")
    return config


def verdicts(out: str) -> dict[str, str]:
    """Part -> its verdict line, from `config check`'s output."""
    lines = [
        line for line in out.splitlines() if line.split()[:1] in (["OK"], ["FAILED"], ["SKIPPED"])
    ]
    return {line.split()[1]: line for line in lines}


def test_check_passes_with_one_verdict_line_per_part(
    claim_ready: Path,
    with_transport: Callable[..., list[httpx.Request]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    seen = with_transport(by_host(CUSTOMER_NOT_FOUND))
    assert main(["check", "--config", str(claim_ready)]) == 0
    out = capsys.readouterr().out
    parts = verdicts(out)
    assert list(parts) == ["config", "secrets", "api", "oauth", "gateway", "journal"]
    assert parts["config"].startswith(f"OK      config   {claim_ready}: till T1 (only till)")
    assert parts["secrets"].startswith("SKIPPED secrets  no secrets file")
    assert "env TILLUI_PASSWORD" in parts["secrets"]
    assert parts["api"].startswith("OK      api      https://intouch.test accepted the credentials")
    assert parts["oauth"] == "SKIPPED oauth    auth_mode is basic"
    assert parts["gateway"].startswith(
        "OK      gateway  https://workflow.test accepted the workflow"
    )
    assert parts["journal"].startswith("SKIPPED journal  bills_journal is not set")
    assert out.splitlines()[-1] == "all checks passed"
    assert KNOWN_SECRET not in out
    assert [request.url.path for request in seen] == [
        "/v2/customers/lookup/customerDetails",
        "/api_gateway/v2/request-workflow/requests",
    ]
    query = seen[1].url.params
    assert (query["tillId"], query["requestType"], query["limit"]) == (
        "T1",
        "RETRO-TRANSACTION",
        "1",
    )
    assert "read this till's workflow list: no claim yet" in parts["gateway"]
    assert seen[0].headers["Authorization"].startswith("Basic ")
    assert seen[1].headers["X-CAP-UI-AUTH-TOKEN"] == KNOWN_SECRET + "-jwt"
    assert seen[1].headers["X-CAP-API-AUTH-ORG-ID"] == "50672"


def test_check_api_auth_refused_exits_1_and_names_the_fix(
    claim_ready: Path,
    with_transport: Callable[..., list[httpx.Request]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    with_transport(by_host(REFUSED))
    assert main(["check", "--config", str(claim_ready)]) == 1
    parts = verdicts(capsys.readouterr().out)
    assert parts["api"].startswith(
        "FAILED  api      authentication refused by https://intouch.test"
    )
    assert "check username (till.one) and the password" in parts["api"]
    assert parts["gateway"].startswith("OK")  # each part is judged on its own


def test_check_api_unreachable_exits_1(
    claim_ready: Path,
    with_transport: Callable[..., list[httpx.Request]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    with_transport(by_host(refuse_connection))
    assert main(["check", "--config", str(claim_ready)]) == 1
    api = verdicts(capsys.readouterr().out)["api"]
    assert "https://intouch.test is unreachable" in api and "check api_base_url" in api


def test_check_gateway_unreachable_fails_even_when_the_api_answers(
    claim_ready: Path,
    with_transport: Callable[..., list[httpx.Request]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    with_transport(by_host(CUSTOMER_NOT_FOUND, gateway=refuse_connection))
    assert main(["check", "--config", str(claim_ready)]) == 1
    parts = verdicts(capsys.readouterr().out)
    assert parts["api"].startswith("OK")
    assert parts["gateway"].startswith("FAILED  gateway  https://workflow.test is unreachable")
    assert parts["gateway"].endswith("check workflow_base_url")


def test_check_wrong_workflow_token_fails(
    claim_ready: Path,
    with_transport: Callable[..., list[httpx.Request]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    with_transport(by_host(CUSTOMER_NOT_FOUND, gateway=REFUSED))
    assert main(["check", "--config", str(claim_ready)]) == 1
    out = capsys.readouterr().out
    gateway = verdicts(out)["gateway"]
    assert "refused the workflow token or org ID 50672" in gateway
    assert "check workflow_token" in gateway
    assert KNOWN_SECRET not in out


def test_check_without_workflow_token_or_org_fails_without_calling_the_gateway(
    config: Path,
    monkeypatch: pytest.MonkeyPatch,
    with_transport: Callable[..., list[httpx.Request]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TILLUI_PASSWORD", KNOWN_SECRET)
    seen = with_transport(by_host(CUSTOMER_NOT_FOUND))
    assert main(["check", "--config", str(config)]) == 1
    gateway = verdicts(capsys.readouterr().out)["gateway"]
    assert "org_id is not set, so no claim can be sent: set defaults.org_id" in gateway
    monkeypatch.setenv("TILLUI_ORG_ID", "50672")
    assert main(["check", "--config", str(config)]) == 1
    gateway = verdicts(capsys.readouterr().out)["gateway"]
    assert "workflow_token is not set" in gateway and "TILLUI_WORKFLOW_TOKEN" in gateway
    assert all(request.url.host == "intouch.test" for request in seen)


def test_check_without_a_password_fails_without_sending_anything_to_the_api(
    config: Path,
    with_transport: Callable[..., list[httpx.Request]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    seen = with_transport(by_host(CUSTOMER_NOT_FOUND))
    assert main(["check", "--config", str(config)]) == 1
    assert "no password is set" in verdicts(capsys.readouterr().out)["api"]
    assert not [request for request in seen if request.url.host == "intouch.test"]


def test_check_oauth_generates_a_token_first(
    claim_ready: Path,
    monkeypatch: pytest.MonkeyPatch,
    with_transport: Callable[..., list[httpx.Request]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TILLUI_AUTH_MODE", "oauth")
    monkeypatch.setenv("TILLUI_OAUTH_KEY", "key")
    monkeypatch.setenv("TILLUI_OAUTH_SECRET", KNOWN_SECRET)

    def api(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/oauth/token/generate":
            body = {"data": {"accessToken": "jwt-1", "ttlSeconds": 300}, "errors": None}
            return httpx.Response(200, json=body)
        return CUSTOMER_NOT_FOUND(request)

    seen = with_transport(by_host(api))
    assert main(["check", "--config", str(claim_ready)]) == 0
    out = capsys.readouterr().out
    assert (
        verdicts(out)["oauth"]
        == "OK      oauth    https://intouch.test issued a token (valid 300 s)"
    )
    assert "/v3/oauth/token/generate" in [request.url.path for request in seen]
    assert KNOWN_SECRET not in out

    with_transport(by_host(REFUSED))
    assert main(["check", "--config", str(claim_ready)]) == 1
    oauth = verdicts(capsys.readouterr().out)["oauth"]
    assert "refused the OAuth key/secret" in oauth and "check oauth_key and oauth_secret" in oauth


def test_check_loose_secrets_file_exits_2_and_skips_the_calls(
    claim_ready: Path,
    with_transport: Callable[..., list[httpx.Request]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    secrets = claim_ready.parent / "secrets.toml"
    secrets.write_text('[till.T1]\npassword = "x"\n')
    secrets.chmod(0o644)
    seen = with_transport(by_host(CUSTOMER_NOT_FOUND))
    assert main(["check", "--config", str(claim_ready)]) == 2
    parts = verdicts(capsys.readouterr().out)
    assert parts["config"].startswith("OK")
    assert parts["secrets"].startswith("FAILED  secrets")
    assert f"run: chmod 600 {secrets}" in parts["secrets"]
    assert parts["api"] == "SKIPPED api      fix the files first"
    assert seen == []
    secrets.chmod(0o600)
    assert main(["check", "--config", str(claim_ready)]) == 0
    assert "(mode 0600)" in verdicts(capsys.readouterr().out)["secrets"]


def test_check_bad_config_exits_2_naming_it(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config.write_text('[till.T1]\nstore = "S404"\n')
    assert main(["check", "--config", str(config)]) == 2
    out = capsys.readouterr().out
    assert "FAILED  config" in out and "the config has no [store.S404] section" in out


@pytest.mark.parametrize(
    ("lines", "verdict"),
    [
        (
            [
                '{"transactionId": 1, "billNumber": "B1", "billingTime": "2025-11-23T10:42:05+05:30",'
                ' "amount": 10}'
            ],
            "OK      journal",
        ),
        ([], "OK      journal"),
        (['{"transactionId": 1}'], "FAILED  journal"),
        (None, "FAILED  journal"),
    ],
)
def test_check_journal(
    claim_ready: Path,
    tmp_path: Path,
    with_transport: Callable[..., list[httpx.Request]],
    capsys: pytest.CaptureFixture[str],
    lines: list[str] | None,
    verdict: str,
) -> None:
    journal = tmp_path / "bills.jsonl"
    if lines is not None:
        journal.write_text("".join(line + "\n" for line in lines))
    claim_ready.write_text(
        claim_ready.read_text().replace(
            'username = "till.one"', f'username = "till.one"\nbills_journal = "{journal}"'
        )
    )
    with_transport(by_host(CUSTOMER_NOT_FOUND))
    assert main(["check", "--config", str(claim_ready)]) == (0 if verdict.startswith("OK") else 1)
    line = verdicts(capsys.readouterr().out)["journal"]
    assert line.startswith(verdict)
    if lines == ['{"transactionId": 1}']:
        assert "line 1 from the end: billNumber is missing" in line
    if lines is None:
        assert "does not exist: set bills_journal" in line


def test_global_options_before_the_subcommand(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tillui.cli import main as tillui

    assert tillui(["--config", str(config), "--till", "T1", "config", "show"]) == 0
    assert "till:    T1 (flag --till)" in capsys.readouterr().out
    assert tillui(["--till", "T9", "config", "show", "--config", str(config)]) == 2
    assert "configured tills: T1" in capsys.readouterr().err
    assert tillui(["--till", "T1", "config", "show", "--till", "T2"]) == 2
    assert "--till given twice (T1 and T2)" in capsys.readouterr().err
    assert tillui(["--till", "T1", "config", "path"]) == 2
    assert "--till does not apply to `path`" in capsys.readouterr().err


def test_check_against_the_sandbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tillui.sandbox import DEMO, SandboxConfig, running_sandbox

    def run_check(base_url: str, password: str, token: str) -> int:
        config = tmp_path / "config.toml"
        config.write_text(
            CONFIG.replace("https://intouch.test", base_url)
            .replace("https://workflow.test", f'{base_url}"\norg_id = "{DEMO.org_id}')
            .replace('"till.one"', f'"{DEMO.username}"')
        )
        monkeypatch.setenv("TILLUI_PASSWORD", password)
        monkeypatch.setenv("TILLUI_WORKFLOW_TOKEN", token)
        return main(["check", "--config", str(config)])

    with running_sandbox(SandboxConfig()) as base_url:
        good = run_check(base_url, DEMO.password, DEMO.workflow_token)
        good_out = capsys.readouterr().out
        bad_password = run_check(base_url, "wrong-password", DEMO.workflow_token)
        bad_password_out = capsys.readouterr().out
        bad_token = run_check(base_url, DEMO.password, "wrong-token")
        bad_token_out = capsys.readouterr().out
    assert (good, bad_password, bad_token) == (0, 1, 1), good_out
    assert "accepted the credentials" in verdicts(good_out)["api"]
    assert "accepted the workflow token" in verdicts(good_out)["gateway"]
    assert "authentication refused" in verdicts(bad_password_out)["api"]
    # Gateway calls carry the till's sign-in too: a wrong password fails both, and says so.
    assert "Invalid username or password" in verdicts(bad_password_out)["gateway"]
    assert "the till's sign-in" in verdicts(bad_password_out)["gateway"]
    assert "refused the workflow token" in verdicts(bad_token_out)["gateway"]
    for out in (good_out, bad_password_out, bad_token_out):
        assert DEMO.password not in out and DEMO.workflow_token not in out


def test_check_without_a_config_file_says_how_to_make_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none" / "config.toml"
    assert main(["check", "--config", str(missing)]) == 2
    parts = verdicts(capsys.readouterr().out)
    assert parts["config"] == (
        f"FAILED  config   {missing}: no config file here; run `tillui` to set one up"
    )
    assert all(line.startswith("SKIPPED") for part, line in parts.items() if part != "config")
    assert not missing.parent.exists()
