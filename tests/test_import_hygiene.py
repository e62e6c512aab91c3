"""The package's imports run downhill through the layers below, with no circles: not at run
time, not lazily, not for type checking.

Every `import` / `from … import` in `tillui/` counts, wherever it stands (module top, inside a
function, under `if TYPE_CHECKING:`), so a circle cannot hide behind a lazy import.
"""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tillui"
FACADES = {"tillui.api", "tillui.api.models", "tillui.app", "tillui.sandbox"}


def module_name(path: Path, package_dir: Path = PACKAGE) -> str:
    parts = path.relative_to(package_dir.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    names: tuple[str, ...]
    """The names taken from `target` (empty for `import target` or a module import)."""
    type_checking: bool
    """Under `if TYPE_CHECKING:` (never run)."""


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in {
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        }:
            inside.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return inside


def imports(package_dir: Path = PACKAGE) -> list[Import]:
    modules = {module_name(path, package_dir): path for path in package_dir.rglob("*.py")}
    found: list[Import] = []
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        checking_only = _type_checking_nodes(tree)
        for node in ast.walk(tree):
            targets: list[tuple[str, str]] = []
            if isinstance(node, ast.Import):
                targets = [(alias.name, "") for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [(f"{base}.{alias.name}", alias.name) for alias in node.names]
            for named, taken in targets:
                # `from tillui.api import errors` names a module; `from x import Name` names x.
                target = named
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and target.startswith("tillui"):
                    names = (taken,) if taken and target != named else ()
                    found.append(Import(name, target, names, id(node) in checking_only))
    return found


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {module_name(path): set() for path in PACKAGE.rglob("*.py")}
    for edge in imports():
        graph[edge.source].add(edge.target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for successor in sorted(graph[node]):
            if state.get(successor) == 1:
                return [*stack[stack.index(successor) :], successor]
            if successor not in state and (cycle := visit(successor)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_circles_between_modules() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_a_package_file_is_not_a_hub_that_imports_its_own_modules_back() -> None:
    # Package `__init__` files stay light so importing one module costs only that module
    # (`tillui.api` names lazily through PEP 562; `tillui.sandbox` is a facade for tests and CLI).
    graph = import_graph()
    for name in graph:
        if (
            PACKAGE.parent / name.replace(".", "/") / "__init__.py"
        ).is_file() and name not in FACADES:
            assert not {t for t in graph[name] if t.startswith(name + ".")}, name


# The house, ground floor first. A module may import from its own layer or any layer below it;
# the longest prefix places a module (`tillui.claims.request_pager` is in `tillui.claims`).
LAYERS: list[tuple[str, ...]] = [
    # the ground: no import of the package's own, every other layer may use them
    (
        "tillui",
        "tillui.clock",
        "tillui.logs",
        "tillui.files",
        "tillui.terminal",
        "tillui.arguments",
    ),
    # the Intouch simulator: written from the documents, so it imports nothing of the app
    ("tillui.sandbox",),
    # identifiers and scans (no I/O), settings and their layers, the Intouch client
    ("tillui.counter",),
    ("tillui.config",),
    ("tillui.api",),
    # claims: outbox, service, candidates, journal, limits, the requests pager
    ("tillui.claims",),
    # the contracts the screens are written against (what the app gives a screen)
    ("tillui.services", "tillui.session", "tillui.messages", "tillui.host"),
    # the set-up checks and the cashier's sentences, shared by screens and commands
    ("tillui.checks", "tillui.display"),
    ("tillui.widgets",),
    ("tillui.screens",),
    ("tillui.app",),
    # what builds the services: from the configuration or the demo sandbox
    ("tillui.wiring",),
    # sub-commands, one module each, and the command line that picks one
    ("tillui.commands",),
    ("tillui.cli", "tillui.__main__"),
]

ALLOWED_UPWARD: dict[tuple[str, str], str] = {}
"""Imports that run back up, each with its reason (also in docs/architecture.md). None today."""

TOP_LEVEL_LIMIT = 12


def layer_of(module: str) -> int:
    best: tuple[int, int] | None = None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > best[1]
            ):
                best = (index, len(prefix))
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best[0]


def protocols_of(module: str, package_dir: Path = PACKAGE) -> set[str]:
    """The classes of a module that are typing Protocols."""
    path = package_dir.parent / module.replace(".", "/")
    source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    return {
        node.name
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(base).endswith("Protocol") for base in node.bases)
    }


def upward_imports(package_dir: Path = PACKAGE) -> list[Import]:
    upward = []
    for edge in imports(package_dir):
        if layer_of(edge.target) <= layer_of(edge.source):
            continue
        # Naming a protocol for type checking alone ties nothing at run time.
        if (
            edge.type_checking
            and edge.names
            and set(edge.names) <= protocols_of(edge.target, package_dir)
        ):
            continue
        if (edge.source, edge.target) not in ALLOWED_UPWARD:
            upward.append(edge)
    return upward


def test_every_module_is_in_a_layer() -> None:
    for module in import_graph():
        layer_of(module)


def test_imports_run_downhill() -> None:
    upward = upward_imports()
    assert not upward, "imports that run back up (a lower layer importing a higher one):\n" + (
        "\n".join(f"  {e.source} -> {e.target} {list(e.names)}" for e in upward)
    )


def _copy_with(tmp_path: Path, name: str, source: str) -> Path:
    """A copy of the package with one planted module (the real tree is never written)."""
    copy = tmp_path / "tillui"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "counter" / name).write_text(source, encoding="utf-8")
    return copy


def test_the_layer_test_catches_an_upward_import(tmp_path: Path) -> None:
    copy = _copy_with(
        tmp_path, "_planted_upward_import.py", "from tillui.screens.lookup import LookupScreen\n"
    )
    upward = upward_imports(copy)
    assert [(e.source, e.target) for e in upward] == [
        ("tillui.counter._planted_upward_import", "tillui.screens.lookup")
    ]


def test_a_type_checking_import_runs_up_only_for_a_protocol(tmp_path: Path) -> None:
    copy = _copy_with(
        tmp_path,
        "_planted_type_only.py",
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from tillui.host import TillHost\n"
        "    from tillui.session import Session\n",
    )
    upward = upward_imports(copy)
    assert [(e.source, e.target) for e in upward] == [
        ("tillui.counter._planted_type_only", "tillui.session")
    ]


def test_the_top_level_holds_few_modules() -> None:
    top = sorted(path.stem for path in PACKAGE.glob("*.py"))
    assert len(top) <= TOP_LEVEL_LIMIT, top


@pytest.mark.parametrize("low", ["tillui.claims", "tillui.api", "tillui.config", "tillui.counter"])
def test_the_core_knows_no_textual(low: str) -> None:
    for path in (PACKAGE.parent / low.replace(".", "/")).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(n == "textual" or n.startswith("textual.") for n in names), path
