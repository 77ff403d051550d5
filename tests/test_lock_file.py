"""The hashed lock files (requirements/*.txt) install exactly what pyproject.toml pins.

scripts/test and scripts/serve install from them with `--require-hashes`; a version
changed in pyproject.toml without running scripts/lock would install the old one (or
fail), so this test says so first.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PINNED = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_pins() -> dict[str, dict[str, str]]:
    """Each lock file's name, and what pyproject.toml pins that it must hold."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = [PINNED.match(spec) for spec in project["dependencies"]]
    test = [PINNED.match(spec) for spec in project["optional-dependencies"]["test"]]
    assert all(runtime) and all(test), "every dependency in pyproject.toml is pinned with =="
    runtime_pins = {canonical(m[1]): m[2] for m in runtime}
    return {
        "runtime": runtime_pins,
        "test": runtime_pins | {canonical(m[1]): m[2] for m in test},
    }


def locked(text: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) from a pip-compile lock (a requirement and its
    backslash-continued --hash lines)."""
    found: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in text.replace("\\\n", " ").splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        match = PINNED.match(line)
        if not match:
            continue
        current = canonical(match[1])
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})\b", line)
        found[current] = (match[2], hashes)
    return found


@pytest.mark.parametrize("lock", ["runtime", "test"])
def test_every_pinned_dependency_is_locked_at_its_version_with_a_hash(lock):
    wanted = pyproject_pins()[lock]
    entries = locked((ROOT / "requirements" / f"{lock}.txt").read_text())

    problems = []
    for name, version in sorted(wanted.items()):
        if name not in entries:
            problems.append(f"{name} is not in requirements/{lock}.txt")
            continue
        have, hashes = entries[name]
        if have != version:
            problems.append(f"{name}: pyproject.toml pins {version}, the lock has {have}")
        if not hashes:
            problems.append(f"{name} has no --hash=sha256: in the lock")
    assert problems == [], "run scripts/lock:\n" + "\n".join(problems)


@pytest.mark.parametrize("lock", ["runtime", "test"])
def test_everything_in_a_lock_has_a_hash_so_pip_can_require_them(lock):
    entries = locked((ROOT / "requirements" / f"{lock}.txt").read_text())
    assert entries, "the lock lists packages"
    assert [name for name, (_v, hashes) in entries.items() if not hashes] == []


def test_the_setup_installs_from_the_lock_with_hashes_required():
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert "--require-hashes -r" in setup
    assert "--no-deps" in setup and re.search(r"--no-deps\b.*-e \.", setup, re.S)
