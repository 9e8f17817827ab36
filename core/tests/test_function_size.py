"""No function of the project is over 80 lines outside its migrations, tests included (docs/architecture.md,
"Checks"): a function that long does more than one thing, and is cut into named steps (a browser journey into its
users' steps)."""

from __future__ import annotations

import ast

from core.tests.test_module_size import ROOT, project_modules

LIMIT = 80


def long_functions(source: str, limit: int = LIMIT) -> dict[str, int]:
    """Every function (method, nested function) of `source` over `limit` lines, decorators and docstring included,
    by its dotted name within the module."""
    found: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                    length = (child.end_lineno or child.lineno) - first + 1
                    if length > limit:
                        found[name] = length
                visit(child, f"{name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return found


def test_it_measures_a_function_from_its_decorators_to_its_last_line():
    body = "\n".join(f"    x{i} = {i}" for i in range(80))
    source = f"@decorator\ndef long():\n{body}\n\nclass A:\n    def short(self):\n        return 1\n"
    assert long_functions(source) == {"long": 82}
    assert long_functions(source, limit=82) == {}


def test_no_function_is_over_80_lines():
    too_long = {
        f"{path.relative_to(ROOT).as_posix()}::{name}": length
        for path in project_modules()
        for name, length in long_functions(path.read_text(encoding="utf-8")).items()
    }
    assert too_long == {}, f"over {LIMIT} lines: cut into named steps (docs/architecture.md): {too_long}"
