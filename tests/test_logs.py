import contextlib
import logging

from tillui.api.errors import CustomerNotFound
from tillui.counter.identifier_types import Identifier
from tillui.logs import configure_logging


async def test_log_file_has_request_ids_but_no_identifiers_or_credentials(tmp_path):
    from tillui.sandbox import DEMO
    from tillui.wiring.demo import demo_services

    log = tmp_path / "tillui.log"
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        configure_logging({"TILLUI_LOG_FILE": str(log), "TILLUI_LOG_LEVEL": "INFO"})
        services = demo_services()
        try:
            await services.client.lookup([Identifier("mobile", DEMO.asha.mobile)])
            with contextlib.suppress(CustomerNotFound):  # 8015 expected: we want its log line
                await services.client.lookup([Identifier("email", DEMO.asha.email)])
        finally:
            await services.aclose()
        for handler in root.handlers:
            handler.flush()
    finally:
        for handler in root.handlers[len(handlers) :]:
            root.removeHandler(handler)
        root.setLevel(level)
    text = log.read_text()
    assert "8015" in text and "request id" in text.lower()
    for secret in (DEMO.asha.mobile, DEMO.asha.email, DEMO.password, DEMO.workflow_token, "Basic "):
        assert secret not in text
    assert logging.getLogger("httpx").level == logging.WARNING


def test_log_file_is_created_owner_only(tmp_path):
    log = tmp_path / "support.log"
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        configure_logging({"TILLUI_LOG_FILE": str(log)})
    finally:
        for handler in root.handlers[len(handlers) :]:
            handler.close()
            root.removeHandler(handler)
        root.setLevel(level)
    assert log.stat().st_mode & 0o777 == 0o600
