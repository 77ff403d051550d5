"""One transaction per request: it commits once when the request succeeds, and keeps
nothing of a request that fails, however far it got."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import has_request_context
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError

from app.chain.models import LogEntry
from app.dbtypes import local_today
from app.decisions import services as decisions
from app.decisions.models import Decision
from app.errors import Conflict
from app.extensions import db
from app.notices.models import Announcement, Notice
from tests.conftest import count
from tests.factories import make_group, make_member


def decision_form():
    day = local_today() - timedelta(days=2)
    return {
        "title": "Garden lease renewed",
        "summary": "Five more years.",
        "decided_by_kind": "council_cabinet",
        "status": "not_started",
        "forward_plan_id": "0",
        "decided_on": [str(day.day), str(day.month), str(day.year)],
        "decided_time": "18:30",
    }


def nothing_of_the_decision_is_stored():
    return count(Decision) == count(LogEntry) == count(Announcement) == count(Notice) == 0


@pytest.fixture
def officer_client(app, ctx, login):
    group = make_group()
    officer, _ = make_member(group, "officer")
    make_member(group, "resident")
    return group, login(officer)


def test_an_error_after_the_service_flushed_keeps_nothing_of_the_request(
    app, officer_client, monkeypatch
):
    group, client = officer_client
    real_announce = decisions._announce_decision

    def announce_then_fail(*args, **kwargs):
        real_announce(*args, **kwargs)  # the decision, its chain entry and notices are flushed
        db.session.flush()
        raise RuntimeError("the mail system fell over")

    monkeypatch.setattr(decisions, "_announce_decision", announce_then_fail)
    response = client.post(f"/groups/{group.slug}/decisions/new", data=decision_form())
    assert response.status_code == 500
    assert nothing_of_the_decision_is_stored()


def test_a_refusal_after_the_service_flushed_keeps_nothing_of_the_request(
    app, officer_client, monkeypatch
):
    group, client = officer_client
    real_announce = decisions._announce_decision

    def announce_then_refuse(*args, **kwargs):
        real_announce(*args, **kwargs)
        db.session.flush()
        raise Conflict("Someone else recorded a decision at the same moment.")

    monkeypatch.setattr(decisions, "_announce_decision", announce_then_refuse)
    response = client.post(f"/groups/{group.slug}/decisions/new", data=decision_form())
    assert response.status_code == 409
    assert "Someone else recorded a decision" in response.get_data(as_text=True)
    assert nothing_of_the_decision_is_stored()


def test_a_request_whose_commit_fails_answers_409_and_says_nothing_was_saved(app, officer_client):
    group, client = officer_client

    def clash(session):
        if has_request_context():  # the request's commit, not the test's own arranging
            raise IntegrityError("INSERT", {}, Exception("another request won"))

    event.listen(db.session, "before_commit", clash)
    try:
        response = client.post(f"/groups/{group.slug}/decisions/new", data=decision_form())
    finally:
        event.remove(db.session, "before_commit", clash)
    assert response.status_code == 409
    assert "Nothing of yours was saved" in response.get_data(as_text=True)
    assert nothing_of_the_decision_is_stored()
    # The next page does not claim it was saved.
    page = client.get(f"/groups/{group.slug}/decisions").get_data(as_text=True)
    assert "is in the log" not in page


def test_a_successful_request_commits_once(app, officer_client):
    group, client = officer_client
    commits = []

    def committed(session):
        if has_request_context():
            commits.append(session)

    event.listen(db.session, "after_commit", committed)
    try:
        response = client.post(f"/groups/{group.slug}/decisions/new", data=decision_form())
    finally:
        event.remove(db.session, "after_commit", committed)
    assert response.status_code == 303
    assert len(commits) == 1
    assert count(Decision) == 1 and count(Notice) >= 2
