"""The embedded Intouch sandbox: a simulator of the endpoints tillui uses, written from the
reference summarised in docs/intouch-api.md, served in-process (httpx.ASGITransport) or over
loopback HTTP.

It must stay independent of `tillui.api`: it is the oracle the client is tested against.
"""

from .app import create_app
from .config import SandboxConfig
from .demo import DEMO, DemoCustomer, DemoFacts
from .faults import FaultInjector, FaultRule
from .journal import write_demo_journal
from .server import running_sandbox
from .state import SandboxState

__all__ = [
    "DEMO",
    "DemoCustomer",
    "DemoFacts",
    "FaultInjector",
    "FaultRule",
    "SandboxConfig",
    "SandboxState",
    "create_app",
    "running_sandbox",
    "write_demo_journal",
]
