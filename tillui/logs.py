"""Logging: off the screen always, to a file when asked (TILLUI_LOG_FILE), never with PII.

tillui's own loggers log the endpoint pattern and the server's X-Cap-Requestid (what support
asks for), never identifiers or credentials. httpx and httpcore log whole URLs — with the
customer's mobile or email in the query string — at INFO, so they are held at WARNING.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

CHATTY_LIBRARIES = ("httpx", "httpcore")


def configure_logging(env: Mapping[str, str] | None = None) -> str | None:
    """Set up logging for a run of the app; returns the log file path, if any."""
    env = os.environ if env is None else env
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    root = logging.getLogger()
    path = env.get("TILLUI_LOG_FILE")
    if not path:
        # Nothing may reach the terminal the app is drawing on (logging's last-resort handler
        # writes to stderr).
        root.addHandler(logging.NullHandler())
        return None
    # Request IDs and error texts only, but still nobody else's business: owner-only.
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(env.get("TILLUI_LOG_LEVEL", "INFO").upper())
    return path
