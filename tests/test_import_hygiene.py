"""The package's import graph has no circles: not at run time, not lazily, not for type checking.

Every `import` / `from … import` in `tillui/` counts, wherever it stands (module top, inside a
function, under `if TYPE_CHECKING:`), so a circle cannot hide behind a lazy import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tillui"
FACADES = {"tillui.api", "tillui.api.models", "tillui.sandbox"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [f"{base}.{alias.name}" for alias in node.names]
            for named in targets:
                # `from tillui.api import errors` names a module; `from x import Name` names x.
                target = named
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and target.startswith("tillui"):
                    graph[name].add(target)
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


@pytest.mark.parametrize(
    "low, high",
    [
        ("tillui.api", "tillui.screens"),
        ("tillui.api", "tillui.app"),
        ("tillui.claims", "tillui.screens"),
        ("tillui.config", "tillui.screens"),
        ("tillui.counter", "tillui.screens"),
        ("tillui.screens", "tillui.app"),
        ("tillui.widgets", "tillui.screens"),
        ("tillui.claims", "textual"),
        ("tillui.api", "textual"),
        ("tillui.config", "textual"),
    ],
)
def test_dependencies_point_down(low: str, high: str) -> None:
    graph = import_graph()
    for module, targets in graph.items():
        if module == low or module.startswith(low + "."):
            offending = {t for t in targets if t == high or t.startswith(high + ".")}
            assert not offending, f"{module} imports {offending}"
    if not high.startswith("tillui"):
        for path in (PACKAGE.parent / low.replace(".", "/")).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                assert not any(n == high or n.startswith(high + ".") for n in names), path
