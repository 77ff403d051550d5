"""For each decision and member: when they were first told, of which version, and
whether that was in time. Only notices that reached the person count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.dbtypes import utcnow
from app.decisions import services as decisions
from app.decisions.reports import link_grapevine, open_grapevine_count, report_grapevine
from app.decisions.told import (
    informed_for,
    informed_status,
    record_told,
    record_told_of_plan,
    told_counts,
    withdraw_told,
)
from app.decisions.upcoming import publish_forward_plan
from app.errors import Refused
from app.extensions import db
from app.notices import services as notices
from app.notices import worker
from app.notices.models import Notice
from tests.conftest import count
from tests.decisions.helpers import backdate_members, record
from tests.factories import make_group, make_member

NOW = utcnow()
DECIDED = NOW - timedelta(days=30)
CORRECTED = NOW - timedelta(days=10)


def status(version=1, first=None, current=None, consulted=None, decided=DECIDED):
    """The rule, with times given in days after the decision (negative: before it)."""

    def at(days):
        return decided + timedelta(days=days) if days is not None else None

    return informed_status(
        decided_at=decided,
        version=version,
        version_since=decided if version == 1 else CORRECTED,
        first_told_at=at(first),
        current_told_at=at(current),
        consulted_at=at(consulted),
        window_days=7,
        now=NOW,
    )


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # Version 1: told beforehand, in time, late, or not at all.
        ({"consulted": -3}, "consulted_before"),
        ({"consulted": -3, "first": 2, "current": 2}, "consulted_before"),
        ({"first": 2, "current": 2}, "told_on_time"),
        ({"first": 7, "current": 7}, "told_on_time"),
        ({"first": 8, "current": 8}, "told_late"),
        ({}, "not_told_overdue"),
        # Told of the upcoming decision only after it was taken: not beforehand.
        ({"consulted": 1}, "not_told_overdue"),
        ({"consulted": 1, "first": 3, "current": 3}, "told_on_time"),
        # Version 2 (corrected 20 days after the decision).
        ({"version": 2, "first": 2, "current": 21}, "told_on_time"),
        ({"version": 2, "first": 2}, "told_earlier_version"),
        ({"version": 2, "consulted": -3}, "told_earlier_version"),
        ({"version": 2, "first": 2, "current": 28}, "told_late"),  # the correction, late
        ({"version": 2, "first": 21, "current": 21}, "told_late"),  # the decision, late
        ({"version": 2, "consulted": -3, "current": 21}, "told_on_time"),
        ({"version": 2}, "not_told_overdue"),
    ],
)
def test_status_rule(kwargs, expected):
    assert status(**kwargs) == expected


def test_not_told_is_only_overdue_once_the_window_has_passed():
    recent = NOW - timedelta(days=2)
    assert status(decided=recent) == "not_told"
    assert status(decided=NOW - timedelta(days=8)) == "not_told_overdue"


def rows_for(group, decision) -> dict:
    state = decisions.states_for([decision])[0]
    return {r.person.id: r for r in informed_for(group, [state])[decision.id]}


def group_of(*roles, days_ago=None):
    group = make_group()
    officer, _ = make_member(group, "officer")
    people = [make_member(group, role)[0] for role in roles]
    backdate_members(group)
    return group, officer, people


def test_a_decision_recorded_three_months_late_shows_members_told_late(app, ctx, mailbox):
    group, officer, (resident, silent) = group_of("resident", "resident")
    resident.preferred_channels = ["in_app", "email"]
    db.session.commit()
    decision = record(group, officer, days_ago=90)

    rows = rows_for(group, decision)
    assert rows[resident.id].status == "not_told_overdue"  # a queued email does not count
    # Whoever records a decision has seen it.
    assert (rows[officer.id].status, rows[officer.id].channel) == ("told_late", "in_app")

    assert worker.work_once().sent == 1
    rows = rows_for(group, decision)
    assert rows[resident.id].status == "told_late"
    assert rows[resident.id].channel == "email"
    assert 89.9 < rows[resident.id].lag.total_seconds() / 86400 < 90.1
    assert rows[silent.id].status == "not_told_overdue"

    notices.mark_seen(silent.id, "decision", decision.id)
    rows = rows_for(group, decision)
    assert rows[silent.id].status == "told_late" and rows[silent.id].channel == "in_app"


def test_an_email_caught_because_there_is_no_mail_server_tells_nobody(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    group, officer, (resident,) = group_of("resident")
    resident.preferred_channels = ["email"]
    db.session.commit()
    decision = record(group, officer, days_ago=1)

    result = worker.work_once()
    assert (result.sent, result.failed) == (0, 1)
    email = db.session.scalar(select(Notice).where(Notice.channel == "email"))
    assert email.reached_at is None and email.sent_at is None and email.failed_at is not None
    assert "no mail server" in email.last_error
    assert rows_for(group, decision)[resident.id].status == "not_told"
    # Not tried again: it will never be sent from this site.
    assert worker.work_once().failed == 0


def test_a_forward_plan_entry_30_days_ahead_counts_members_as_consulted_before(app, ctx):
    group, officer, (resident, other) = group_of("resident", "resident")
    entry = publish_forward_plan(
        group,
        officer,
        title="Car park closes at night",
        summary="Proposal",
        decision_by_kind="group_vote",
        decision_by_name="",
        expected_at=NOW - timedelta(days=1),
        now=NOW - timedelta(days=31),
    )
    notices.mark_seen(resident.id, "forward_plan", entry.id, at=NOW - timedelta(days=30))
    decision = record(
        group, officer, days_ago=1, decided_by_kind="group_vote", forward_plan_id=entry.id
    )
    assert decision.short_notice_reason is None  # 30 days >= the 28-day rule
    rows = rows_for(group, decision)
    assert rows[resident.id].status == "consulted_before"
    assert rows[resident.id].told_of_version == 1
    assert rows[other.id].status == "not_told"  # never opened it, but still in time


def test_members_who_joined_after_a_decision_are_not_counted(app, ctx):
    group, officer, _ = group_of()
    decision = record(group, officer, days_ago=10)
    newcomer, _ = make_member(group, "resident")
    assert list(rows_for(group, decision)) == [officer.id]
    with pytest.raises(Refused, match="Joined the group after") as refused:
        record_told(group, decision, officer, people=[newcomer], channel="phone", told_at=utcnow())
    assert refused.value.status == 422
    assert count(Notice, Notice.user_id == newcomer.id, Notice.channel == "phone") == 0


# Grapevine reports ---------------------------------------------------------------


def test_a_linked_grapevine_report_flags_its_reporter_and_nobody_else_is_told(app, ctx):
    group, officer, (reporter, doris, tom) = group_of("resident", "resident", "resident")
    doris.preferred_channels, tom.preferred_channels = ["letter"], ["phone"]
    doris.postal_address, tom.phone = "12 Mill Lane", "0161 496 0000"
    db.session.commit()
    report = report_grapevine(
        group, reporter, what="The library closes on Mondays", heard_when="", heard_by_whom=""
    )
    decision = record(group, officer, days_ago=3)
    assert open_grapevine_count(group) == 1
    link_grapevine(group, report, decision, officer)
    assert open_grapevine_count(group) == 0

    rows = rows_for(group, decision)
    assert rows[reporter.id].status == "not_told"
    assert rows[reporter.id].heard_first_via_grapevine_at == report.created_at
    assert rows[reporter.id].channel is None
    for person in (doris, tom):
        assert rows[person.id].status == "not_told"
        assert rows[person.id].heard_first_via_grapevine_at is None
    counts = told_counts(list(rows.values()))
    assert counts["not_told"] == 3 and counts["heard_first_via_grapevine"] == 1

    # Told later: the flag stays, beside their status.
    notices.mark_seen(reporter.id, "decision", decision.id)
    row = rows_for(group, decision)[reporter.id]
    assert row.status == "told_on_time" and row.heard_first_via_grapevine_at is not None


def test_a_report_from_someone_already_told_is_not_heard_first(app, ctx):
    group, officer, (resident,) = group_of("resident")
    decision = record(group, officer, days_ago=3)
    notices.mark_seen(resident.id, "decision", decision.id)
    report = report_grapevine(group, resident, what="Heard it too", heard_when="", heard_by_whom="")
    link_grapevine(group, report, decision, officer)
    assert rows_for(group, decision)[resident.id].heard_first_via_grapevine_at is None


def test_grapevine_is_never_a_channel(app, ctx):
    group, officer, (resident,) = group_of("resident")
    decision = record(group, officer, days_ago=3)
    report = report_grapevine(group, resident, what="x", heard_when="", heard_by_whom="")
    link_grapevine(group, report, decision, officer)
    assert "grapevine" not in {n.channel for n in db.session.scalars(select(Notice))}
    assert all(r.channel != "grapevine" for r in rows_for(group, decision).values())


# Records made by hand --------------------------------------------------------------


def test_a_phone_call_keeps_who_recorded_it_when_and_the_note(app, ctx):
    group, officer, (tom,) = group_of("resident")
    decision = record(group, officer, days_ago=3)
    told_at = utcnow() - timedelta(days=1)
    before = utcnow()
    recorded, already = record_told(
        group,
        decision,
        officer,
        people=[tom],
        channel="phone",
        told_at=told_at,
        note="Rang him at home",
    )
    assert (recorded, already) == (1, 0)
    row = rows_for(group, decision)[tom.id]
    assert (row.status, row.channel, row.told_at) == ("told_on_time", "phone", told_at)
    assert row.record.recorded_by_id == officer.id
    assert row.record.note == "Rang him at home"
    assert before <= row.record.recorded_at <= utcnow()  # the server's clock, not the form's


@pytest.mark.parametrize(
    ("told", "message"),
    [
        (lambda d: d.decided_at - timedelta(hours=1), "before it was decided"),
        (lambda d: utcnow() + timedelta(days=1), "cannot be in the future"),
    ],
)
def test_a_record_outside_its_bounds_is_refused_and_nothing_is_saved(app, ctx, told, message):
    group, officer, (tom,) = group_of("resident")
    decision = record(group, officer, days_ago=3)
    with pytest.raises(Refused, match=message) as refused:
        record_told(group, decision, officer, people=[tom], channel="phone", told_at=told(decision))
    assert refused.value.status == 422 and refused.value.field == "told_on"
    assert count(Notice, Notice.channel == "phone") == 0


def test_a_record_for_someone_outside_the_group_is_refused(app, ctx):
    group, officer, (tom,) = group_of("resident")
    other_group, other_officer, (stranger,) = group_of("resident")
    decision = record(group, officer, days_ago=3)
    with pytest.raises(Refused, match="Not members of this group"):
        record_told(
            group, decision, officer, people=[tom, stranger], channel="phone", told_at=utcnow()
        )
    assert count(Notice, Notice.channel == "phone") == 0


def test_recording_the_same_person_and_channel_twice_is_a_clash(app, ctx):
    group, officer, (tom, doris) = group_of("resident", "resident")
    decision = record(group, officer, days_ago=3)
    record_told(group, decision, officer, people=[tom], channel="phone", told_at=utcnow())
    with pytest.raises(Refused, match="Already recorded") as refused:
        record_told(
            group, decision, officer, people=[doris, tom], channel="phone", told_at=utcnow()
        )
    assert refused.value.status == 409
    assert count(Notice, Notice.channel == "phone") == 1  # Doris was not half-recorded
    # Another way of telling the same person is a record of its own.
    record_told(group, decision, officer, people=[tom], channel="letter", told_at=utcnow())


def test_a_withdrawn_record_stops_counting_and_stays_in_the_history(app, ctx):
    group, officer, (tom,) = group_of("resident")
    decision = record(group, officer, days_ago=3)
    record_told(group, decision, officer, people=[tom], channel="phone", told_at=utcnow())
    call = db.session.scalar(select(Notice).where(Notice.channel == "phone"))
    assert rows_for(group, decision)[tom.id].status == "told_on_time"

    with pytest.raises(Refused, match="Say why"):
        withdraw_told(group, call.id, officer, "  ")
    withdraw_told(group, call.id, officer, "Rang the wrong Tom")
    assert rows_for(group, decision)[tom.id].status == "not_told"
    db.session.expire_all()
    call = db.session.get(Notice, call.id)
    assert call.reached_at is not None and call.withdrawn_reason == "Rang the wrong Tom"
    assert [n.id for n in notices.withdrawals("decision", decision.id)] == [call.id]

    with pytest.raises(Refused, match="already been withdrawn") as twice:
        withdraw_told(group, call.id, officer, "Again")
    assert twice.value.status == 409

    # The right record can now be made.
    record_told(group, decision, officer, people=[tom], channel="phone", told_at=utcnow())
    assert rows_for(group, decision)[tom.id].status == "told_on_time"
    assert count(Notice, Notice.channel == "phone") == 2


def test_only_records_made_by_hand_can_be_withdrawn(app, ctx):
    group, officer, _ = group_of()
    decision = record(group, officer, days_ago=3)
    seen = db.session.scalar(select(Notice).where(Notice.user_id == officer.id))
    with pytest.raises(Refused, match="Only records made by hand") as refused:
        withdraw_told(group, seen.id, officer, "Not really")
    assert refused.value.status == 409
    other, other_officer, _ = group_of()
    with pytest.raises(Refused) as elsewhere:
        withdraw_told(other, seen.id, other_officer, "Not mine")
    assert elsewhere.value.status == 404
    assert decision.id  # untouched


def test_telling_people_of_a_forward_plan_entry_is_bounded_by_its_publication_and_decision(
    app, ctx
):
    group, officer, (tom,) = group_of("resident")
    entry = publish_forward_plan(
        group,
        officer,
        title="Car park closes at night",
        summary="Proposal",
        decision_by_kind="council_cabinet",
        decision_by_name="",
        expected_at=NOW,
        now=NOW - timedelta(days=20),
    )
    with pytest.raises(Refused, match="before it was put in the forward plan"):
        record_told_of_plan(
            group, entry, officer, people=[tom], channel="phone", told_at=NOW - timedelta(days=21)
        )
    record_told_of_plan(
        group, entry, officer, people=[tom], channel="phone", told_at=NOW - timedelta(days=15)
    )
    decision = record(group, officer, days_ago=10, forward_plan_id=entry.id)
    with pytest.raises(Refused, match="It had been decided by then"):
        record_told_of_plan(
            group, entry, officer, people=[tom], channel="letter", told_at=NOW - timedelta(days=5)
        )
    assert rows_for(group, decision)[tom.id].status == "consulted_before"


# Versions ------------------------------------------------------------------------------


def test_a_correction_makes_a_new_version_and_members_told_of_the_old_one_show_it(
    app, ctx, mailbox
):
    group, officer, (rita, tom) = group_of("resident", "resident")
    rita.preferred_channels = ["in_app", "email"]
    db.session.commit()
    decision = record(group, officer, days_ago=3, title="Bins on Tuesdays", summary="Tuesdays.")
    record_told(
        group,
        decision,
        officer,
        people=[tom],
        channel="phone",
        told_at=utcnow() - timedelta(days=2),
    )
    assert worker.work_once().sent == 1
    assert rows_for(group, decision)[rita.id].status == "told_on_time"

    decisions.amend(
        group,
        decision,
        officer,
        kind="correction",
        changes={"title": "Bins on Wednesdays", "summary": "Wednesdays."},
        reason="The cabinet paper says Wednesdays.",
    )
    state = decisions.states_for([decision])[0]
    assert state.version == 2
    rows = rows_for(group, decision)
    for person in (rita, tom):
        assert rows[person.id].status == "told_earlier_version"
        assert rows[person.id].told_of_version == 1
    # The officer who corrected it knows the correction.
    assert rows[officer.id].status == "told_on_time" and rows[officer.id].told_of_version == 2

    # The correction goes out with the decision as it now stands.
    mailbox.clear()
    assert worker.work_once().sent == 1
    (message,) = mailbox.to(rita.email)
    body = mailbox.body(message)
    assert message["Subject"] == "Corrected: Bins on Wednesdays"
    assert "“Tuesdays” → “Wednesdays”" in body
    assert "Wednesdays." in body and "The cabinet paper says Wednesdays." in body
    assert "fingerprint" in body
    rows = rows_for(group, decision)
    assert (rows[rita.id].status, rows[rita.id].told_of_version) == ("told_on_time", 2)
    assert rows[tom.id].status == "told_earlier_version"

    # A call recorded for a moment before the correction told Tom of version 1 only.
    with pytest.raises(Refused, match="Already recorded"):
        record_told(
            group,
            decision,
            officer,
            people=[tom],
            channel="phone",
            told_at=utcnow() - timedelta(days=1),
        )
    record_told(group, decision, officer, people=[tom], channel="phone", told_at=utcnow())
    assert rows_for(group, decision)[tom.id].status == "told_on_time"


def test_a_progress_update_is_not_a_new_version_and_tells_nobody_again(app, ctx):
    group, officer, (rita,) = group_of("resident")
    decision = record(group, officer, days_ago=3)
    notices.mark_seen(rita.id, "decision", decision.id)
    before = count(Notice)
    decisions.amend(
        group, decision, officer, kind="status", changes={"status": "done"}, reason="Finished"
    )
    assert decisions.states_for([decision])[0].version == 1
    assert count(Notice) == before
    assert rows_for(group, decision)[rita.id].status == "told_on_time"


def test_a_revocation_is_announced_as_revoked_and_leaves_the_untold_on_the_old_version(
    app, ctx, mailbox
):
    group, officer, (rita, tom) = group_of("resident", "resident")
    rita.preferred_channels = ["in_app", "email"]
    db.session.commit()
    decision = record(group, officer, days_ago=5, title="Hall fees rise")
    notices.mark_seen(tom.id, "decision", decision.id)
    worker.work_once()
    mailbox.clear()
    decisions.amend(
        group, decision, officer, kind="revocation", changes={}, reason="Withdrawn by cabinet"
    )
    worker.work_once()
    (message,) = mailbox.to(rita.email)
    assert message["Subject"] == "Revoked: Hall fees rise"
    assert "no longer stands" in mailbox.body(message)
    rows = rows_for(group, decision)
    assert rows[rita.id].status == "told_on_time"  # the email of the revocation reached her
    assert rows[tom.id].status == "told_earlier_version"  # still thinks it stands


def test_an_amendment_that_changes_nothing_is_refused(app, ctx):
    group, officer, _ = group_of()
    decision = record(group, officer, days_ago=3)
    with pytest.raises(Refused, match="Nothing was changed") as refused:
        decisions.amend(
            group,
            decision,
            officer,
            kind="correction",
            changes={"title": decision.title},
            reason="Oops",
        )
    assert refused.value.status == 422
    assert decisions.states_for([decision])[0].version == 1
