"""docs/security.md names the test that proves each requirement: every one it names
must exist, so the page cannot point at a test that was renamed or deleted."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "security.md"


def named_tests() -> list[tuple[str, str | None]]:
    """(file, test or None) for each `tests/...py::test` the page names; a bare
    `::test` belongs to the file named before it in the same row."""
    found = []
    for line in DOC.read_text().splitlines():
        current = None
        for match in re.finditer(r"`(tests/[\w/]+\.py)?(?:::(\w+))?`", line):
            path, test = match.groups()
            if path:
                current = path
            if path or test:
                found.append((current, test))
    return found


def test_the_security_page_names_tests_that_exist():
    named = named_tests()
    missing = []
    for path, test in named:
        source = ROOT / path
        if not source.exists():
            missing.append(path)
        elif test and not re.search(rf"^def {test}\(", source.read_text(), re.M):
            missing.append(f"{path}::{test}")

    assert len(named) > 100
    assert missing == []
