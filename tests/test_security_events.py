"""The security event log: what is refused or goes wrong is kept even though the
request's own changes are not, and an error page's reference finds its entry."""

from __future__ import annotations

import json
import logging

from sqlalchemy import select

from app.extensions import db
from app.security.models import SecurityEvent
from tests.conftest import sign_in
from tests.factories import make_group, make_member, make_user


def events(kind: str | None = None) -> list[SecurityEvent]:
    query = select(SecurityEvent).order_by(SecurityEvent.id)
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    return list(db.session.scalars(query))


def test_an_unexpected_error_shows_a_reference_that_is_in_the_log(app, ctx, monkeypatch, caplog):
    person = make_user(email="ade@example.org")
    db.session.commit()
    client = app.test_client()
    sign_in(client, person)

    def broken(user):
        raise RuntimeError("the database said no, with private text")

    monkeypatch.setattr("app.groups.services.groups_of", broken)
    with caplog.at_level(logging.INFO, logger="logbook.security"):
        response = client.get("/")

    assert response.status_code == 500
    [event] = events("error")
    assert len(event.reference) == 10
    page = response.get_data(as_text=True)
    assert event.reference in page
    assert "private text" not in page
    assert event.user_id == person.id and event.path == "GET /" and event.status == 500
    assert event.details == {"error": "RuntimeError"}
    lines = [r.getMessage() for r in caplog.records if r.name == "logbook.security"]
    [line] = [json.loads(m) for m in lines]
    assert line["event"] == "error" and line["reference"] == event.reference


def test_a_refusal_is_kept_though_the_request_is_rolled_back(app, ctx):
    group = make_group(name="Riverside Group")
    resident, _ = make_member(group, "resident")
    db.session.commit()
    client = app.test_client()
    sign_in(client, resident)

    response = client.get(f"/groups/{group.slug}/settings")

    assert response.status_code == 403
    [event] = events("refused.not_allowed")
    assert event.user_id == resident.id
    assert event.path == f"GET /groups/{group.slug}/settings"


def test_secrets_never_reach_the_log(app, ctx, caplog):
    from app.security import events as log

    with caplog.at_level(logging.INFO, logger="logbook.security"):
        log.record("test.event", password="hunter2", reset_token="abc", email="a@example.org")
    db.session.commit()

    [event] = events("test.event")
    assert event.details == {"email": "a@example.org"}
    assert "hunter2" not in caplog.text
    assert "reset_token" not in caplog.text


def test_a_line_break_in_what_is_logged_cannot_forge_a_second_event(app, ctx, caplog):
    from app.security import events as log

    forged = 'a@example.org\n{"event": "sign_in.ok", "user_id": 1}'
    with caplog.at_level(logging.INFO, logger="logbook.security"):
        log.record("sign_in.failed", email=forged)

    [message] = [r.getMessage() for r in caplog.records if r.name == "logbook.security"]
    assert "\n" not in message
    assert json.loads(message)["email"] == forged
