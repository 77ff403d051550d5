"""Browser tests: Debian's Chromium, driven by Playwright, against the app served
by waitress on loopback in its own process, with a real SMTP server catching mail.

Without Chromium these tests skip, unless REQUIRE_BROWSER=1 makes that a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask_migrate import upgrade

from app import create_app
from app.config import ROOT, TestConfig
from app.demo import load_demo
from app.extensions import db
from tests.conftest import database_url, drop_every_table, free_port
from tests.e2e.helpers import without_javascript

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: The served app never outlives this, whatever happens to the test run.
SERVER_LIFETIME_SECONDS = 1800
#: The served app's key, shared with the app that arranges its data, so that signed
#: links made there (private calendar links) open on the served app.
SECRET_KEY = "e2e-secret"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@dataclass
class LiveServer:
    url: str
    app: object  # a Flask app on the same database, for arranging and checking data
    process: subprocess.Popen
    log: Path


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is required (REQUIRE_BROWSER=1) but {CHROMIUM} is missing")
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server(browser, tmp_path_factory, smtp_server):
    url = database_url(tmp_path_factory, "e2e")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # The demo's files and the served app's must be in the same folder.
    uploads = str(tmp_path_factory.mktemp("uploads"))
    config = type(
        "E2EConfig",
        (TestConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_PORT": smtp_server.port,
            "SITE_URL": base,
            "UPLOAD_FOLDER": uploads,
            "SECRET_KEY": SECRET_KEY,
        },
    )
    seed_app = create_app(config)
    with seed_app.app_context():
        drop_every_table()
        upgrade()
        load_demo()
        db.session.remove()

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_server.port),
        "SITE_URL": base,
        "SECRET_KEY": SECRET_KEY,
        "UPLOAD_FOLDER": uploads,
        # Browser tests sign in many times; the limits have their own tests.
        "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
        "CONFIRM_LIMIT_PER_ACCOUNT": "1000 per minute",
        "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS": "1000 per minute",
    }
    log = tmp_path_factory.mktemp("server") / "waitress.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                "timeout",
                str(SERVER_LIFETIME_SECONDS),
                sys.executable,
                "-m",
                "waitress",
                f"--listen=127.0.0.1:{port}",
                "--threads=8",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/sign-in", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("The app server did not start:\n" + log.read_text())
            time.sleep(0.2)
    yield LiveServer(base, seed_app, process, log)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    server_log = log.read_text()
    assert "Traceback" not in server_log, "the server logged an error:\n" + server_log


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh browser profiles (one per person in a test)."""
    contexts = []

    def _new_page(width: int = 1024, height: int = 800, javascript: bool = True):
        # The test's own axe script is injected, so the page's CSP is bypassed for it.
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            bypass_csp=True,
            java_script_enabled=javascript,
        )
        if not javascript:
            without_javascript(context)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
