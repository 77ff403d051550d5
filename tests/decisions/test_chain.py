"""The log is tamper-evident: changing a stored row behind Logbook's back is caught."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.chain.models import LogEntry
from app.dbtypes import utcnow
from app.decisions import chain
from app.decisions import services as decisions
from app.decisions.models import Amendment, Decision
from app.decisions.told import record_told, withdraw_told
from app.extensions import db
from app.notices import worker
from app.notices.models import Notice
from tests.decisions.helpers import backdate_members, record
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
    # Two decisions and an amendment, and the officer who recorded each decision
    # counted as told of it (they have seen it): five entries.
    kinds = [e.kind for e in LogEntry.query.filter_by(group_id=group.id).order_by(LogEntry.seq)]
    assert kinds == ["decision", "told", "decision", "told", "amendment"]
    assert report.ok and report.entries == 5
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
    assert report.broken_seq == 3  # decision 1, its recorder told, then decision 2
    assert report.broken_what == "decision 2"
    assert "changed" in report.problem
    assert chain.verify(other.id).ok

    result = app.test_cli_runner().invoke(args=["decisions", "verify"])
    assert result.exit_code == 1
    assert f"{group.slug}: BROKEN at entry 3 (decision 2)" in result.output
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


# The told record is in the chain too ---------------------------------------------


def _told_world():
    group = make_group()
    officer, _ = make_member(group, "officer")
    tom, _ = make_member(group, "resident", name="Tom Kaur")
    backdate_members(group)
    decision = record(group, officer, days_ago=5)
    record_told(
        group,
        decision,
        officer,
        people=[tom],
        channel="phone",
        told_at=utcnow() - timedelta(days=4),
        note="Rang him",
    )
    call = db.session.scalar(select(Notice).where(Notice.channel == "phone"))
    return group, officer, tom, decision, call


def _verify_cli(app, group):
    return app.test_cli_runner().invoke(args=["decisions", "verify", "--slug", group.slug])


def test_every_told_record_and_withdrawal_joins_the_chain(app, ctx):
    group, officer, tom, decision, call = _told_world()
    withdraw_told(group, call.id, officer, "Wrong person")
    kinds = [
        (e.kind, e.notice_id)
        for e in db.session.scalars(
            select(LogEntry).where(LogEntry.group_id == group.id).order_by(LogEntry.seq)
        )
    ]
    assert ("told", call.id) in kinds and ("withdrawal", call.id) in kinds
    assert kinds.index(("told", call.id)) < kinds.index(("withdrawal", call.id))
    assert chain.verify(group.id).ok
    result = _verify_cli(app, group)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "tamper",
    [
        {"reached_at": utcnow() - timedelta(days=30)},  # back-dated
        {"channel": "in_person"},
        {"note": "Told at the meeting"},
    ],
)
def test_changing_a_told_record_in_the_database_is_caught_and_named(app, ctx, tamper):
    group, officer, tom, decision, call = _told_world()
    db.session.execute(update(Notice).where(Notice.id == call.id).values(**tamper))
    db.session.commit()
    report = chain.verify(group.id)
    assert not report.ok and "changed" in report.problem
    assert report.broken_what.startswith(f"told record {call.id} (Tom Kaur")
    result = _verify_cli(app, group)
    assert result.exit_code == 1
    assert f"told record {call.id} (Tom Kaur, " in result.output
    assert "about decision 1" in result.output


def test_deleting_a_told_record_from_the_database_is_caught_and_named(app, ctx):
    group, officer, tom, decision, call = _told_world()
    db.session.execute(delete(Notice).where(Notice.id == call.id))
    db.session.commit()
    report = chain.verify(group.id)
    assert not report.ok and report.problem == "the record it describes has been deleted"
    assert report.broken_what == f"told record {call.id}"
    result = _verify_cli(app, group)
    assert result.exit_code == 1 and f"told record {call.id}" in result.output


def test_a_told_record_added_behind_the_logs_back_is_caught(app, ctx):
    group, officer, tom, decision, call = _told_world()
    db.session.add(
        Notice(
            announcement_id=call.announcement_id,
            group_id=group.id,
            subject_kind="decision",
            subject_id=decision.id,
            user_id=tom.id,
            channel="letter",
            reached_at=utcnow(),
            attempts=0,
        )
    )
    db.session.commit()
    report = chain.verify(group.id)
    assert not report.ok and "without it going into the log" in report.problem


def test_undoing_a_withdrawal_in_the_database_is_caught(app, ctx):
    group, officer, tom, decision, call = _told_world()
    withdraw_told(group, call.id, officer, "Wrong person")
    db.session.execute(
        update(Notice)
        .where(Notice.id == call.id)
        .values(withdrawn_at=None, withdrawn_by_id=None, withdrawn_reason=None)
    )
    db.session.commit()
    report = chain.verify(group.id)
    assert not report.ok
    assert report.broken_what.startswith(f"withdrawal of told record {call.id}")


def test_decisions_json_and_emails_carry_the_chain_head(app, ctx, login, mailbox):
    group, officer, tom, decision, call = _told_world()
    tom.preferred_channels = ["in_app", "email"]
    db.session.commit()
    head = chain.verify(group.id).head
    data = login(officer).get(f"/groups/{group.slug}/decisions.json").get_json()
    assert data["chain_head"] == head
    decisions.amend(
        group, decision, officer, kind="correction", changes={"title": "New"}, reason="Typo"
    )
    head_before_sending = chain.verify(group.id).head
    worker.work_once()
    (message,) = mailbox.to(tom.email)
    assert head_before_sending[:16] in mailbox.body(message)
