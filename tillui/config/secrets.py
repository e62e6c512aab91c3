"""Where a till's credentials come from: env variables, the 0600 secrets file, the OS keyring.

Most specific wins: keyring < secrets file `[defaults]` < secrets file `[till.<id>]` <
`TILLUI_PASSWORD` / `TILLUI_OAUTH_KEY` / `TILLUI_OAUTH_SECRET` / `TILLUI_WORKFLOW_TOKEN`.
The secrets file (`secrets.toml` beside config.toml, or `TILLUI_SECRETS`) is refused when group
or others can read it, as libpq refuses a loose `.pgpass`. The keyring is used only if the
optional `keyring` package is installed (service "tillui", user "<till>.<field>" or "<field>").
Values are never printed: callers get `SecretStr`s and origins, not text.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from tillui.config.files import ConfigError, atomic_write, error_at, parse_toml
from tillui.config.settings import ENV_PREFIX, SECRET_FIELDS, Secrets, Settings

SECRETS_ENV = "TILLUI_SECRETS"
SECRETS_FILE_NAME = "secrets.toml"
KEYRING_SERVICE = "tillui"


def secrets_path_for(config_path: Path, env: Mapping[str, str] | None = None) -> Path:
    """`TILLUI_SECRETS` if set, else `secrets.toml` beside the config file."""
    env = os.environ if env is None else env
    if env.get(SECRETS_ENV):
        return Path(env[SECRETS_ENV]).expanduser()
    return config_path.with_name(SECRETS_FILE_NAME)


def secret_env_var(field: str) -> str:
    return ENV_PREFIX + field.upper()


def load_secrets(
    till: str, *, path: Path, env: Mapping[str, str]
) -> tuple[Secrets, dict[str, str]]:
    """The till's secrets and, for each one found, where it came from."""
    found: dict[str, tuple[str, str]] = {}
    sections = read_secrets_file(path) if path.exists() else {}
    for name in ("defaults", f"till.{till}"):
        found.update(
            {key: (value, f"secrets {name}") for key, value in sections.get(name, {}).items()}
        )
    for field in SECRET_FIELDS:
        if env.get(secret_env_var(field)):
            found[field] = (env[secret_env_var(field)], f"env {secret_env_var(field)}")
    missing = [field for field in SECRET_FIELDS if field not in found]
    found.update({field: (value, "keyring") for field, value in _from_keyring(till, missing)})
    secrets = Secrets(**{field: SecretStr(value) for field, (value, _) in found.items()})
    return secrets, {field: origin for field, (_, origin) in found.items()}


def read_secrets_file(path: Path) -> dict[str, dict[str, str]]:
    """Section name ("defaults", "till.T1") -> secret values. Refuses a group/world-readable file."""
    text = _read_private_text(path)
    return _validate_sections(parse_toml(text, path), text, path)


def _read_private_text(path: Path) -> str:
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError as exc:
        raise ConfigError(f"cannot read secrets file: {exc.strerror}", path=path) from None
    # Checked on the open descriptor, so the file cannot be swapped between check and read.
    with os.fdopen(descriptor, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if os.name != "nt" and mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError(
                f"secrets file is readable by others (mode {mode & 0o777:04o}); "
                f"run: chmod 600 {path}",
                path=path,
            )
        try:
            return handle.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ConfigError("secrets file is not UTF-8 text", path=path) from None


def _validate_sections(data: dict[str, Any], text: str, path: Path) -> dict[str, dict[str, str]]:
    tables: list[tuple[tuple[str, ...], Any]] = []
    for key, value in data.items():
        if key == "defaults":
            tables.append(((key,), value))
        elif key == "till" and isinstance(value, dict):
            tables.extend(((key, ident), table) for ident, table in value.items())
        else:
            raise error_at(text, path, (), (key,), "unknown section: use [defaults] or [till.<id>]")
    sections: dict[str, dict[str, str]] = {}
    for table_path, table in tables:
        if not isinstance(table, dict):
            raise error_at(text, path, table_path[:-1], table_path[-1:], "expected a section")
        for key, value in table.items():
            if key in Settings.model_fields:
                raise error_at(
                    text, path, table_path, (key,), "is not a secret: it belongs in config.toml"
                )
            if key not in SECRET_FIELDS:
                raise error_at(
                    text,
                    path,
                    table_path,
                    (key,),
                    f"unknown key; secrets are {', '.join(SECRET_FIELDS)}",
                )
            if not isinstance(value, str):
                raise error_at(text, path, table_path, (key,), "must be text in quotes")
        sections[".".join(table_path)] = {key: value for key, value in table.items() if value}
    return sections


def _from_keyring(till: str, fields: list[str]) -> list[tuple[str, str]]:
    if not fields:
        return []
    try:
        import keyring  # optional: not a dependency
    except ImportError:
        return []
    found: list[tuple[str, str]] = []
    for field in fields:
        try:
            value = keyring.get_password(
                KEYRING_SERVICE, f"{till}.{field}"
            ) or keyring.get_password(KEYRING_SERVICE, field)
        except Exception:  # noqa: BLE001 - no backend, locked, D-Bus down...: the keyring is optional
            return found
        if value:
            found.append((field, value))
    return found


def write_secrets(path: Path, till: str, secrets: Secrets) -> None:
    """Store the till's set secrets under `[till.<id>]`, keeping the rest of the file.

    The file is always written fresh with mode 0600 (created so, never chmod-ed afterwards).
    """
    import tomlkit

    values = {field: secret.get_secret_value() for field, secret in secrets if secret is not None}
    if not values:
        return
    if path.exists():
        document = tomlkit.parse(_read_private_text(path))
    else:
        document = tomlkit.document()
        document.add(tomlkit.comment("tillui secrets: keep this file private (mode 0600)."))
    if "till" not in document:
        document["till"] = tomlkit.table(is_super_table=True)
    if till not in document["till"]:
        document["till"][till] = tomlkit.table()
    for field, value in values.items():
        document["till"][till][field] = value
    try:
        atomic_write(path, document.as_string(), 0o600)
    except OSError as exc:
        raise ConfigError(f"cannot write secrets file: {exc.strerror}", path=path) from None


def write_secret(path: Path, field: str, value: str | None, *, till: str | None = None) -> None:
    """Set one secret (or remove it, `value=None`) in `[till.<id>]`, or `[defaults]` without
    a till, keeping the rest of the file; written fresh with mode 0600 like `write_secrets`."""
    import tomlkit

    if field not in SECRET_FIELDS:
        raise ValueError(f"not a secret: {field}")
    if path.exists():
        document = tomlkit.parse(_read_private_text(path))
        _validate_sections(document.unwrap(), document.as_string(), path)
    else:
        document = tomlkit.document()
        document.add(tomlkit.comment("tillui secrets: keep this file private (mode 0600)."))
    if till is None:
        if "defaults" not in document:
            document["defaults"] = tomlkit.table()
        section = document["defaults"]
    else:
        if "till" not in document:
            document["till"] = tomlkit.table(is_super_table=True)
        if till not in document["till"]:
            document["till"][till] = tomlkit.table()
        section = document["till"][till]
    if value is None:
        section.pop(field, None)
    else:
        section[field] = value
    try:
        atomic_write(path, document.as_string(), 0o600)
    except OSError as exc:
        raise ConfigError(f"cannot write secrets file: {exc.strerror}", path=path) from None
