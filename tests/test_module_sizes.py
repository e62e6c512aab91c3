"""Small modules and short functions: no module of the package over 500 lines, no function over
60 unless the line above its `def` (or its first decorator) says why, as `# long: <reason>`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tillui"
MODULE_LIMIT = 500
FUNCTION_LIMIT = 60
MODULES = sorted(PACKAGE.rglob("*.py"))


def long_functions(source: str) -> list[tuple[str, int]]:
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - start + 1
            reason = lines[start - 2].strip() if start >= 2 else ""
            if length > FUNCTION_LIMIT and not reason.startswith("# long: "):
                found.append((node.name, length))
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_module_is_small(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert source.count("\n") <= MODULE_LIMIT, f"{path.name}: split it along its seams"
    assert not long_functions(source), f"functions over {FUNCTION_LIMIT} lines without a reason"


def test_a_long_function_needs_its_reason() -> None:
    body = "".join(f"    x{n} = {n}\n" for n in range(FUNCTION_LIMIT))
    assert long_functions(f"def f():\n{body}") == [("f", FUNCTION_LIMIT + 1)]
    assert long_functions(f"x = 1\n# long: a table\ndef f():\n{body}") == []
