"""No module of the project is over 800 lines (docs/architecture.md, "Checks"): a module that long holds more than
one concern, and is split into a package by concern (re-exporting its public names from the package's
`__init__`)."""

from __future__ import annotations

from pathlib import Path

LIMIT = 800
ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", ".bootstrap", ".git", "node_modules", "migrations", "var", "static"}


def project_modules() -> list[Path]:
    return sorted(path for path in ROOT.rglob("*.py") if not SKIP.intersection(path.relative_to(ROOT).parts))


def test_it_finds_the_projects_modules():
    names = {path.relative_to(ROOT).as_posix() for path in project_modules()}
    assert {"manage.py", "pastoral/settings.py", "core/tests/test_module_size.py"} <= names
    assert not any(name.startswith(".venv/") or "/migrations/" in name for name in names)


def test_no_module_is_over_800_lines():
    too_long = {
        path.relative_to(ROOT).as_posix(): length
        for path in project_modules()
        if (length := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert too_long == {}, f"over {LIMIT} lines: split by concern (docs/architecture.md): {too_long}"
