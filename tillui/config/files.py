"""Reading and writing the TOML files: errors that name the file and line, atomic replacement.

Everything in `tillui.config` builds on this module; it imports nothing of tillui.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError


class ConfigError(Exception):
    """A configuration problem, reported as one line: where (file, line, section, key) and why."""

    def __init__(
        self,
        reason: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        section: str | None = None,
        key: str | None = None,
    ) -> None:
        self.reason = " ".join(reason.split())
        self.path, self.line, self.section, self.key = path, line, section, key
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.path) if self.path else ""
        if self.path and self.line:
            where += f":{self.line}"
        if self.section or self.key:
            where += (" " if where else "") + (f"[{self.section}]" if self.section else "")
            where += f" {self.key}" if self.section and self.key else (self.key or "")
        return f"{where}: {self.reason}" if where else self.reason


def read_config_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("no config file here; run `tillui` to set one up", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", path=path) from None


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    """`tomllib.loads`, with a syntax error turned into a ConfigError naming the line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column (\d+)\)$", message)
        if found:
            message = f"{message[: found.start()].strip()} (column {found.group(2)})"
        line = int(found.group(1)) if found else None
        raise ConfigError(f"TOML syntax error: {message}", path=path, line=line) from None


def parse_scalar(raw: str) -> Any:
    """A TOML value when `raw` is one (`30`, `true`, `"x"`, `{a = "b"}`), else `raw` itself."""
    try:
        value = tomllib.loads(f"value = {raw}")["value"]
    except tomllib.TOMLDecodeError:
        return raw
    return value if isinstance(value, (str, int, float, bool, dict)) else raw


def first_error(exc: ValidationError) -> tuple[tuple[str, ...], str]:
    error = exc.errors()[0]
    shown = repr(error["input"])
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return tuple(str(part) for part in error["loc"]), f"{error['msg']} (got {shown})"


def did_you_mean(key: str, candidates: list[str]) -> str:
    import difflib  # only on the error path

    close = difflib.get_close_matches(key, candidates, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def error_at(
    text: str, path: Path, table_path: tuple[str, ...], key_path: tuple[str, ...], reason: str
) -> ConfigError:
    return ConfigError(
        reason,
        path=path,
        line=locate_line(text, table_path, key_path),
        section=".".join(table_path) or None,
        key=".".join(key_path),
    )


_KEY_PART = r'(?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\')'
_KEY_LINE = re.compile(rf"^\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")
_HEADER_LINE = re.compile(rf"^\s*\[\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*\]")


def _key_parts(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in re.findall(_KEY_PART, dotted))


def locate_line(text: str, table_path: tuple[str, ...], key_path: tuple[str, ...]) -> int | None:
    """Best-effort line number of a key (tomllib reports none): its assignment, else its header."""
    wanted = table_path + key_path
    header: tuple[str, ...] = ()
    header_line = None
    for number, line in enumerate(text.splitlines(), start=1):
        if found := _HEADER_LINE.match(line):
            header = _key_parts(found.group(1))
            # The section's own header, or a deeper one on the key's way ([till.T1.keymap]).
            if len(table_path) <= len(header) < len(wanted) and wanted[: len(header)] == header:
                header_line = number
        elif found := _KEY_LINE.match(line):
            full = header + _key_parts(found.group(1))
            if len(full) > len(table_path) and wanted[: len(full)] == full[: len(wanted)]:
                return number
    return header_line


def atomic_write(path: Path, text: str, mode: int) -> None:
    """Replace `path` with `text` in one step; the file is created with `mode` (minus umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
