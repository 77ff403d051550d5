"""The log is tamper-evident: changing a stored row behind Logbook's back is caught."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from app.decisions import chain
from app.decisions import services as decisions
from app.decisions.models import Amendment, Decision, LogEntry
from app.extensions import db
from tests.decisions.helpers import record
from tests.factories import make_group, make_member


def test_decisions_and_amendments_form_a_chain_that_verifies(app, ctx):
    group = make_group()
    officer, _ = make_member(group, "officer")
    first = record(group, officer, days_ago=3)
    record(group, officer, days_ago=1, title="Second")
    decisions.amend(
        group, first, officer, kind="status", changes={"status": "done"}, reason="Finished"
    )
    report = chain.verify(group.id)
    assert report.ok and report.entries == 3
    assert len(report.head) == 64


def test_editing_a_decision_row_breaks_the_chain_at_that_entry(app, ctx):
    group = make_group()
    other = make_group()
    officer, _ = make_member(group, "officer")
    other_officer, _ = make_member(other, "officer")
    record(group, officer, days_ago=5)
    target = record(group, officer, days_ago=4, title="Speed limit stays")
    record(group, officer, days_ago=3, title="Third")
    record(other, other_officer, days_ago=2)
    db.session.execute(
        update(Decision).where(Decision.id == target.id).values(title="Speed limit lowered")
    )
    db.session.commit()

    report = chain.verify(group.id)
    assert not report.ok
    assert report.broken_seq == 2
    assert report.broken_what == "decision 2"
    assert "changed" in report.problem
    assert chain.verify(other.id).ok

    result = app.test_cli_runner().invoke(args=["decisions", "verify"])
    assert result.exit_code == 1
    assert f"{group.slug}: BROKEN at entry 2 (decision 2)" in result.output
    assert f"{other.slug}: OK" in result.output
    ok_only = app.test_cli_runner().invoke(args=["decisions", "verify", "--slug", other.slug])
    assert ok_only.exit_code == 0


def test_the_database_refuses_to_delete_a_logged_amendment(app, ctx):
    group = make_group()
    officer, _ = make_member(group, "officer")
    decision = record(group, officer, days_ago=5)
    decisions.amend(group, decision, officer, kind="revocation", changes={}, reason="Withdrawn")
    with pytest.raises(IntegrityError):
        db.session.execute(delete(Amendment))
        db.session.flush()
    db.session.rollback()
    assert chain.verify(group.id).ok


def test_removing_an_entry_from_the_middle_of_the_log_is_caught(app, ctx):
    group = make_group()
    officer, _ = make_member(group, "officer")
    decision = record(group, officer, days_ago=5)
    first = decisions.amend(
        group, decision, officer, kind="status", changes={"status": "in_progress"}, reason="Started"
    )
    decisions.amend(
        group, decision, officer, kind="status", changes={"status": "done"}, reason="Done"
    )
    db.session.execute(delete(LogEntry).where(LogEntry.amendment_id == first.id))
    db.session.execute(delete(Amendment).where(Amendment.id == first.id))
    db.session.commit()
    report = chain.verify(group.id)
    assert not report.ok and "missing" in report.problem


def test_backdating_a_decision_is_caught(app, ctx):
    group = make_group()
    officer, _ = make_member(group, "officer")
    late = record(group, officer, days_ago=90)
    db.session.execute(
        update(Decision).where(Decision.id == late.id).values(decided_at=late.recorded_at)
    )
    db.session.commit()
    report = chain.verify(group.id)
    assert not report.ok and report.broken_what == "decision 1"


def test_a_decision_added_without_the_log_is_caught(app, ctx):
    group = make_group()
    officer, _ = make_member(group, "officer")
    existing = record(group, officer, days_ago=1)
    db.session.add(
        Decision(
            group_id=group.id,
            number=2,
            title="Sneaked in",
            summary="Not logged",
            decided_at=existing.decided_at,
            decided_by_kind="other",
        )
    )
    db.session.commit()
    report = chain.verify(group.id)
    assert not report.ok and report.broken_what == "decision 2"


def test_the_log_page_says_whether_the_chain_holds(app, ctx, login):
    group = make_group()
    officer, _ = make_member(group, "officer")
    decision = record(group, officer, days_ago=1)
    client = login(officer)
    page = client.get(f"/groups/{group.slug}/decisions").get_data(as_text=True)
    assert "The log is intact." in page
    db.session.execute(update(Decision).where(Decision.id == decision.id).values(summary="x"))
    db.session.commit()
    page = client.get(f"/groups/{group.slug}/decisions").get_data(as_text=True)
    assert "The log is broken at decision 1" in page
