"""For each decision and member: when they were first told, and whether that was in time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.dbtypes import utcnow
from app.decisions import services as decisions
from app.decisions.services import informed_status
from app.notices import services as notices
from tests.decisions.helpers import backdate_members, record
from tests.factories import make_group, make_member

NOW = utcnow()
DECIDED = NOW - timedelta(days=30)


@pytest.mark.parametrize(
    ("told_after", "consulted_before", "grapevine_after", "expected"),
    [
        (None, 3, None, "consulted_before"),
        (2, None, None, "told_on_time"),
        (7, None, None, "told_on_time"),
        (8, None, None, "told_late"),
        (None, None, None, "not_told_overdue"),
        (2, None, 1, "told_late"),  # heard on the grapevine before anyone told them
        (1, None, 2, "told_on_time"),  # told first, so the rumour changes nothing
        (None, None, 1, "told_late"),
    ],
)
def test_status_rule(told_after, consulted_before, grapevine_after, expected):
    status = informed_status(
        decided_at=DECIDED,
        told_at=DECIDED + timedelta(days=told_after) if told_after is not None else None,
        consulted_at=DECIDED - timedelta(days=consulted_before) if consulted_before else None,
        grapevine_at=DECIDED + timedelta(days=grapevine_after) if grapevine_after else None,
        window_days=7,
        now=NOW,
    )
    assert status == expected


def test_not_told_is_only_overdue_once_the_window_has_passed():
    recent = NOW - timedelta(days=2)
    args = dict(told_at=None, consulted_at=None, grapevine_at=None, window_days=7, now=NOW)
    assert informed_status(decided_at=recent, **args) == "not_told"


def test_a_decision_recorded_three_months_late_shows_members_told_late(app, ctx, mailbox):
    group = make_group()
    officer, _ = make_member(group, "officer")
    resident, _ = make_member(group, "resident")
    resident.preferred_channels = ["in_app", "email"]
    silent, _ = make_member(group, "resident")
    backdate_members(group)
    decision = record(group, officer, days_ago=90)

    rows = {r.person.id: r for r in decisions.informed_for(group, [decision])[decision.id]}
    assert rows[resident.id].status == "not_told_overdue"  # queued email does not count

    assert notices.work_once().sent == 1
    rows = {r.person.id: r for r in decisions.informed_for(group, [decision])[decision.id]}
    assert rows[resident.id].status == "told_late"
    assert rows[resident.id].channel == "email"
    assert 89.9 < rows[resident.id].lag.total_seconds() / 86400 < 90.1
    assert rows[silent.id].status == "not_told_overdue"

    notices.mark_seen(silent.id, "decision", decision.id)
    rows = {r.person.id: r for r in decisions.informed_for(group, [decision])[decision.id]}
    assert rows[silent.id].status == "told_late" and rows[silent.id].channel == "in_app"


def test_a_forward_plan_entry_30_days_ahead_counts_members_as_consulted_before(app, ctx):
    group = make_group()
    officer, _ = make_member(group, "officer")
    resident, _ = make_member(group, "resident")
    backdate_members(group)
    entry = decisions.publish_forward_plan(
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
    rows = {r.person.id: r for r in decisions.informed_for(group, [decision])[decision.id]}
    assert rows[resident.id].status == "consulted_before"
    assert rows[officer.id].status == "not_told"  # never opened it, but still in time


def test_members_who_joined_after_a_decision_are_not_counted(app, ctx):
    group = make_group()
    officer, _ = make_member(group, "officer")
    backdate_members(group)
    decision = record(group, officer, days_ago=10)
    make_member(group, "resident")
    rows = decisions.informed_for(group, [decision])[decision.id]
    assert [r.person.id for r in rows] == [officer.id]


def test_linking_a_grapevine_report_counts_untold_members_as_told_late(app, ctx):
    group = make_group()
    officer, _ = make_member(group, "officer")
    resident, _ = make_member(group, "resident")
    backdate_members(group)
    decision = record(group, officer, days_ago=3)
    report = decisions.report_grapevine(
        group, resident, what="The library closes on Mondays", heard_when="", heard_by_whom=""
    )
    assert decisions.open_grapevine_count(group) == 1
    decisions.link_grapevine(group, report, decision, officer)
    assert decisions.open_grapevine_count(group) == 0
    rows = {r.person.id: r for r in decisions.informed_for(group, [decision])[decision.id]}
    assert rows[resident.id].status == "told_late"
    assert rows[resident.id].channel == "grapevine"
