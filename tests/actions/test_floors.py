"""Actions sit a floor below meetings: meetings link to actions, never the other way."""

from __future__ import annotations

import ast
from pathlib import Path

import app.actions


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_no_module_of_actions_imports_meetings():
    package = Path(app.actions.__file__).parent
    for path in sorted(package.rglob("*.py")):
        upward = sorted(m for m in imported_modules(path) if m.startswith("app.meetings"))
        assert upward == [], f"{path.name} imports {upward}"
