"""Logging: off the screen always, to a file when asked (TILLUI_LOG_FILE), never with PII.

tillui's own loggers log the endpoint pattern and the server's X-Cap-Requestid (what support
asks for), never identifiers or credentials. httpx and httpcore log whole URLs — with the
customer's mobile or email in the query string — at INFO, so they are held at WARNING.

A log file that cannot be written (missing folder, no permission, disk full, a folder in its
place) never stops the till: `HealingFileHandler` drops the lines meanwhile, says why
(`problem`), and opens the file again by itself once it can (`retry`, called on every line at
most every RETRY_SECONDS, and by the app's lasting notice).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from tillui.files.faults import FileFault, check_private, describe

CHATTY_LIBRARIES = ("httpx", "httpcore")
RETRY_SECONDS = 5.0
SETTING = "TILLUI_LOG_FILE"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class HealingFileHandler(logging.Handler):
    """Appends to an owner-only file; while the file cannot be written, says why and retries."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.problem: str | None = None
        self._stream: TextIO | None = None
        self._last_try = float("-inf")
        self._opening = threading.Lock()
        self.setFormatter(logging.Formatter(FORMAT))
        self.retry()

    def retry(self) -> bool:
        """Open the file again if it is not open (or was removed or replaced under us: log
        rotation, IT's fix); True when it is writable now."""
        with self._opening:
            self._last_try = time.monotonic()
            if self._stream is not None and self._same_file():
                return True
            self._close_stream()
            try:
                self._stream = _open_private(self.path)
            except OSError as error:
                self.problem = describe(self.path, error, setting=SETTING)
                return False
            self.problem = None
            return True

    def _same_file(self) -> bool:
        try:
            on_disk = self.path.stat()
            ours = os.fstat(self._stream.fileno()) if self._stream else None
        except (OSError, ValueError):
            return False
        return ours is not None and (on_disk.st_ino, on_disk.st_dev) == (ours.st_ino, ours.st_dev)

    def emit(self, record: logging.LogRecord) -> None:
        waited = time.monotonic() - self._last_try >= RETRY_SECONDS
        if self._stream is None and not (waited and self.retry()):
            return
        stream = self._stream
        if stream is None:
            return
        try:
            stream.write(self.format(record) + "\n")
            stream.flush()
        except OSError as error:  # disk full, file gone read-only: drop the line, say why
            self.problem = describe(self.path, error, setting=SETTING)
            self._close_stream()
        except ValueError:  # closed meanwhile
            self._close_stream()

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()

    def close(self) -> None:
        self._close_stream()
        super().close()


def _open_private(path: Path) -> TextIO:
    # Request IDs and error texts only, but still nobody else's business: owner-only.
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
    try:
        check_private(path, descriptor)
    except (OSError, FileFault):
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "a", encoding="utf-8")


def configure_logging(env: Mapping[str, str] | None = None) -> HealingFileHandler | None:
    """Set up logging for a run; returns the file handler (its `problem` says why the file
    cannot be written now), or None without a log file. Never raises for the file."""
    env = os.environ if env is None else env
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    root = logging.getLogger()
    path = env.get(SETTING)
    if not path:
        # Nothing may reach the terminal the app is drawing on (logging's last-resort handler
        # writes to stderr).
        root.addHandler(logging.NullHandler())
        return None
    handler = HealingFileHandler(Path(path))
    root.addHandler(handler)
    root.setLevel(env.get("TILLUI_LOG_LEVEL", "INFO").upper())
    return handler
