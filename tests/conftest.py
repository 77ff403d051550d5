"""Fixtures for every test: an app on a migrated database, a real SMTP server, helpers.

The database is SQLite in a temporary file unless TEST_DATABASE_URL points at
PostgreSQL (the test script does that when PostgreSQL is installed).
"""

from __future__ import annotations

import contextvars
import os
import socket
import threading
import time
from contextlib import contextmanager
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import MetaData, event, func, select

from app import create_app
from app.config import TestConfig
from app.extensions import db, limiter
from tests.fake_notify import FakeNotify


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        #: Set to an SMTP reply like "451 try later" to make the server refuse mail.
        self.refuse_with: str | None = None

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_with:
            return self.refuse_with
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def clear(self):
        with self.lock:
            self.messages.clear()
        self.refuse_with = None

    def to(self, address: str):
        return [m for m in self.messages if m["To"] == address]

    def body(self, message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    smtp_server.handler.clear()
    yield smtp_server.handler
    smtp_server.handler.clear()


@pytest.fixture
def notify_server():
    """A fake GOV.UK Notify on a free local port, for one test (tests/fake_notify.py)."""
    server = FakeNotify().start()
    yield server
    server.stop()


#: The bearer token the site gives Notify for its delivery receipts, in tests.
NOTIFY_CALLBACK_TOKEN = "a-long-callback-token-for-tests"


@pytest.fixture
def notify_site(app, ctx, notify_server, monkeypatch):
    """The site set up to send everything through (the fake) GOV.UK Notify."""
    settings = {
        "NOTIFY_API_KEY": notify_server.api_key,
        "NOTIFY_BASE_URL": notify_server.base_url,
        "NOTIFY_EMAIL_TEMPLATE_ID": notify_server.email_template_id,
        "NOTIFY_SMS_TEMPLATE_ID": notify_server.sms_template_id,
        "NOTIFY_LETTERS": True,
        "NOTIFY_CALLBACK_TOKEN": NOTIFY_CALLBACK_TOKEN,
        "NOTIFY_TIMEOUT": 5,
    }
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    yield notify_server
    assert notify_server.crashes == []


def database_url(tmp_path_factory, name: str) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url if name == "unit" else os.environ.get("TEST_E2E_DATABASE_URL", url + "_e2e")
    return f"sqlite:///{tmp_path_factory.mktemp(name) / 'logbook.sqlite'}"


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as in production.

    Flask reuses an app context that a test has pushed, which would share `g`,
    the signed-in user and the database session between requests. What the test
    arranged through services (which never commit) is committed first, as the
    command or request that did it would have, so the request can see it.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory, smtp_server):
    url = database_url(tmp_path_factory, "unit")
    config = type(
        "UnitTestConfig",
        (TestConfig,),
        {"SQLALCHEMY_DATABASE_URI": url, "MAIL_PORT": smtp_server.port},
    )
    app = create_app(config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        drop_every_table()
        upgrade()  # the schema comes from the migrations, exactly as in production
    yield app


def drop_every_table():
    """Start from an empty database: every table there is, including ones an older
    schema left behind that today's models no longer name."""
    found = MetaData()
    found.reflect(bind=db.engine)
    found.drop_all(bind=db.engine)


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Every test starts from empty tables and a fresh rate limiter."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
    limiter.reset()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app, ctx):
    return app.test_client()


def sign_in(client, user, *, password_typed_ago: float | None = 0) -> None:
    """Start a session for the user, as signing in does, and put it in the test
    client's cookie: the password counts as just typed (for pages that ask for it
    again), unless `password_typed_ago` says how many seconds ago it was (None: never)."""
    from app.accounts import reauth, sessions

    db.session.refresh(user)
    key = sessions.start(user, address="127.0.0.1", user_agent=None)
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session[sessions.SESSION_KEY] = key
        session["_fresh"] = True
        if password_typed_ago is not None:
            session[reauth.SESSION_KEY] = int(time.time() - password_typed_ago)


def client_for(app, user):
    """A fresh test client signed in as the user."""
    client = app.test_client()
    sign_in(client, user)
    return client


def count(model, *where) -> int:
    """How many rows of a model there are now (matching `where`)."""
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def login(client):
    def _login(user):
        sign_in(client, user)
        return client

    return _login


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as q: ...` then `q.count` is the number of SQL statements run."""

    @contextmanager
    def _count():
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return _count


@pytest.fixture
def page_queries(count_queries):
    """`page_queries(client, url)`: the SQL statements one view of a page runs, after a
    first view has warmed the caches that are not per request (as on a running site)."""

    def _measure(client, url) -> int:
        client.get(url)
        with count_queries() as q:
            response = client.get(url)
        assert response.status_code == 200, url
        return q.count

    return _measure
