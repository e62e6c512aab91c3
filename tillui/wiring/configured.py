"""The app wired to a real Intouch cluster, from the layered configuration (tillui.config.layers)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tillui.services import FirstRunNeeded, Services


def claims_outbox_path(till_id: str) -> Path:
    import platformdirs

    folder = Path(platformdirs.user_data_dir("tillui"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"claims-{till_id}.sqlite3"


def configured_services(
    *,
    till: str | None = None,
    config_path: Path | None = None,
    flags: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Services:
    from tillui.api.client import IntouchClient
    from tillui.claims.outbox import ClaimsOutbox
    from tillui.claims.service import ClaimService
    from tillui.config.layers import config_exists, default_config_path, load_config

    path = config_path or default_config_path(env)
    if not config_exists(path):
        raise FirstRunNeeded(path)
    resolved = load_config(path=path, till=till, env=env, flags=flags)
    client = IntouchClient(resolved.settings, resolved.secrets)
    outbox = ClaimsOutbox(claims_outbox_path(resolved.till))
    claims = ClaimService(client, outbox, resolved.settings, resolved.secrets)
    return Services(
        resolved.settings,
        resolved.secrets,
        client,
        claims,
        origins=resolved.origins,
        config_path=resolved.path,
    )
