"""./scripts/serve listens where the README says: port 5000, or the one in PORT.

The script is run for real with its setup, the database and the servers stood in for
by shell functions that only say what they were asked to do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
README = SCRIPTS.parent / "README.md"

STAND_INS = """
flask() { echo "flask $*"; }
waitress-serve() { echo "waitress-serve $*"; }
"""


def serve(tmp_path: Path, **env: str) -> str:
    shutil.copy(SCRIPTS / "serve", tmp_path / "serve")
    (tmp_path / "setup.sh").write_text(STAND_INS)
    clean = {key: value for key, value in os.environ.items() if key not in ("PORT", "MAIL_SERVER")}
    done = subprocess.run(
        ["bash", str(tmp_path / "serve")],
        cwd=tmp_path,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return done.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_serve_listens_on_5000_unless_port_says_otherwise(tmp_path):
    plain = serve(tmp_path)
    assert "waitress-serve --listen=127.0.0.1:5000 wsgi:app" in plain
    assert "http://127.0.0.1:5000/admin/mail" in plain

    moved = serve(tmp_path, PORT="8123")
    assert "waitress-serve --listen=127.0.0.1:8123 wsgi:app" in moved
    assert "Logbook is running at http://127.0.0.1:8123" in moved
    assert "http://127.0.0.1:8123/admin/mail" in moved


def test_the_readme_says_how_to_choose_the_port_and_see_caught_mail():
    text = README.read_text()
    assert "PORT=8080 ./scripts/serve" in text
    assert "To see what members would receive" in text
    assert "/admin/mail" in text
