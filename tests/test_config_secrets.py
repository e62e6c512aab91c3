"""Secrets: env > secrets file [till.<id>] > [defaults] > keyring; the file is 0600 or refused."""

from __future__ import annotations

import os
import stat
import sys
import types
from pathlib import Path

import pytest

from tillui.config.layers import ConfigError, load_config
from tillui.config.secrets import load_secrets, secrets_path_for, write_secrets
from tillui.config.settings import Secrets

CONFIG = '[till.T1]\nstore = "S1"\nzone = "Z1"\nconcept = "C1"\n'
posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)


def private_file(path: Path, text: str, mode: int = 0o600) -> Path:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, mode)  # the test wants exactly this mode, whatever the umask
    return path


def test_secrets_path_is_beside_the_config_unless_tillui_secrets(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    assert secrets_path_for(config, {}) == tmp_path / "secrets.toml"
    assert secrets_path_for(config, {"TILLUI_SECRETS": "/etc/x.toml"}) == Path("/etc/x.toml")


def test_till_section_beats_defaults_and_env_beats_both(tmp_path: Path) -> None:
    path = private_file(
        tmp_path / "secrets.toml",
        '[defaults]\npassword = "from-defaults"\nworkflow_token = "jwt-defaults"\n'
        '[till.T1]\npassword = "from-till"\n[till.T2]\noauth_key = "other"\n',
    )
    secrets, origins = load_secrets("T1", path=path, env={"TILLUI_WORKFLOW_TOKEN": "jwt-env"})
    assert secrets.password is not None and secrets.password.get_secret_value() == "from-till"
    assert secrets.workflow_token is not None
    assert secrets.workflow_token.get_secret_value() == "jwt-env"
    assert secrets.oauth_key is None  # another till's secret is not ours
    assert origins == {"password": "secrets till.T1", "workflow_token": "env TILLUI_WORKFLOW_TOKEN"}


def test_no_secrets_file_is_fine(tmp_path: Path) -> None:
    secrets, origins = load_secrets("T1", path=tmp_path / "secrets.toml", env={})
    assert secrets == Secrets() and origins == {}


@posix_only
def test_written_secrets_file_is_created_0600_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "secrets.toml"
    old_umask = os.umask(0o000)  # even a permissive umask must not loosen it
    try:
        write_secrets(path, "T1", Secrets(password="pw-1", workflow_token="jwt-1"))
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    secrets, _ = load_secrets("T1", path=path, env={})
    assert secrets.password is not None and secrets.password.get_secret_value() == "pw-1"


def test_writing_keeps_other_tills_and_comments(tmp_path: Path) -> None:
    path = private_file(tmp_path / "secrets.toml", '# keep me\n[till.T2]\npassword = "two"\n')
    write_secrets(path, "T1", Secrets(password="one"))
    text = path.read_text()
    assert text.startswith("# keep me") and 'password = "two"' in text
    assert load_secrets("T1", path=path, env={})[0].password.get_secret_value() == "one"  # type: ignore[union-attr]


@posix_only
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_secrets_file_others_can_read_is_refused_with_the_chmod(
    tmp_path: Path, mode: int
) -> None:
    path = private_file(tmp_path / "secrets.toml", '[till.T1]\npassword = "pw"\n', mode)
    with pytest.raises(ConfigError) as caught:
        load_secrets("T1", path=path, env={})
    assert f"run: chmod 600 {path}" in str(caught.value)
    assert f"{mode:04o}" in str(caught.value)
    assert "pw" not in str(caught.value).replace(str(path), "")


@posix_only
def test_load_config_refuses_a_loose_secrets_file_even_with_env_secrets(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(CONFIG)
    private_file(tmp_path / "secrets.toml", "", 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_config(path=tmp_path / "config.toml", env={"TILLUI_PASSWORD": "x"})


def test_load_config_carries_secrets_and_their_origins(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(CONFIG)
    private_file(tmp_path / "elsewhere.toml", '[defaults]\noauth_secret = "s"\n')
    resolved = load_config(
        path=tmp_path / "config.toml",
        env={"TILLUI_SECRETS": str(tmp_path / "elsewhere.toml"), "TILLUI_PASSWORD": "pw"},
    )
    assert resolved.secrets.password is not None
    assert resolved.origins["password"] == "env TILLUI_PASSWORD"
    assert resolved.origins["oauth_secret"] == "secrets defaults"
    assert "oauth_key" not in resolved.origins


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[till.T1]\nusername = "u"\n',
            "[till.T1] username: is not a secret: it belongs in config.toml",
        ),
        ('[till.T1]\npasword = "x"\n', "[till.T1] pasword: unknown key"),
        ("[till.T1]\npassword = 1234\n", "[till.T1] password: must be text in quotes"),
        ('[store.S1]\npassword = "x"\n', "store: unknown section"),
        ("[till.T1]\npassword = \n", ":2: TOML syntax error"),
    ],
)
def test_bad_secrets_files(tmp_path: Path, text: str, expected: str) -> None:
    path = private_file(tmp_path / "secrets.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_secrets("T1", path=path, env={})
    assert expected in str(caught.value)


def test_keyring_fills_only_what_nothing_else_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = {
        ("tillui", "T1.oauth_key"): "kr-key",
        ("tillui", "password"): "kr-password",
        ("tillui", "workflow_token"): "kr-jwt",
    }
    fake = types.SimpleNamespace(get_password=lambda service, user: stored.get((service, user)))
    monkeypatch.setitem(sys.modules, "keyring", fake)
    secrets, origins = load_secrets(
        "T1", path=tmp_path / "none.toml", env={"TILLUI_WORKFLOW_TOKEN": "env-jwt"}
    )
    assert secrets.oauth_key.get_secret_value() == "kr-key"  # type: ignore[union-attr]
    assert secrets.password.get_secret_value() == "kr-password"  # type: ignore[union-attr]
    assert secrets.workflow_token.get_secret_value() == "env-jwt"  # type: ignore[union-attr]
    assert origins["oauth_key"] == "keyring" and origins["workflow_token"].startswith("env")


def test_a_broken_keyring_is_skipped_silently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_backend(service: str, user: str) -> str:
        raise RuntimeError("No recommended backend was available")

    monkeypatch.setitem(sys.modules, "keyring", types.SimpleNamespace(get_password=no_backend))
    assert load_secrets("T1", path=tmp_path / "none.toml", env={})[0] == Secrets()
