"""Recording and amending decisions: the rules, and bad input refused without losing anything."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.chain.models import LogEntry
from app.dbtypes import utcnow
from app.decisions import services as decisions
from app.decisions.models import Amendment, Decision
from app.decisions.upcoming import publish_forward_plan
from app.errors import Refused
from app.extensions import db
from app.notices.models import Notice
from tests.conftest import count
from tests.decisions.helpers import record
from tests.factories import make_group, make_member


def test_recording_tells_every_member_in_the_same_transaction(app, ctx):
    group = make_group()
    officer, _ = make_member(group, "officer")
    emailer, _ = make_member(group, "resident")
    emailer.preferred_channels = ["email"]
    by_letter, _ = make_member(group, "resident", email=None)
    by_letter.preferred_channels = ["letter"]
    by_letter.postal_address = "1 Mill Lane"
    db.session.commit()
    decision = record(group, officer)
    channels = sorted(
        (n.user_id, n.channel)
        for n in db.session.scalars(select(Notice).where(Notice.subject_id == decision.id))
    )
    assert channels == sorted(
        [
            (officer.id, "in_app"),
            (emailer.id, "in_app"),
            (emailer.id, "email"),
            (by_letter.id, "letter"),
        ]
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"summary": "   "}, "summary"),
        ({"title": ""}, "what was decided"),
        ({"decided_by_kind": "the mayor"}, "who took"),
    ],
)
def test_bad_decisions_are_refused_and_nothing_is_saved(app, ctx, fields, message):
    group = make_group()
    officer, _ = make_member(group, "officer")
    with pytest.raises(Refused, match=f"(?i){message}"):
        record(group, officer, **fields)
    assert count(Decision) == count(LogEntry) == count(Notice) == 0


def test_a_decision_dated_in_the_future_is_refused(app, ctx):
    group = make_group()
    officer, _ = make_member(group, "officer")
    with pytest.raises(Refused, match="future"):
        record(group, officer, days_ago=-2)
    assert count(Decision) == 0


def test_the_groups_own_decision_without_enough_notice_needs_a_reason_and_is_flagged(app, ctx):
    group = make_group()
    officer, _ = make_member(group, "officer")
    with pytest.raises(Refused, match="less than 28 days"):
        record(group, officer, decided_by_kind="group_vote")
    decision = record(
        group, officer, decided_by_kind="group_vote", short_notice_reason="urgent: grant deadline"
    )
    assert decision.short_notice_reason == "urgent: grant deadline"
    # Others' decisions carry no such rule, so no reason is kept for them.
    other = record(group, officer, short_notice_reason="not needed")
    assert other.short_notice_reason is None


def test_a_forward_plan_entry_can_be_decided_once_only(app, ctx):
    group = make_group()
    officer, _ = make_member(group, "officer")
    entry = publish_forward_plan(
        group,
        officer,
        title="T",
        summary="S",
        decision_by_kind="council_cabinet",
        decision_by_name="",
        expected_at=utcnow() + timedelta(days=3),
    )
    record(group, officer, forward_plan_id=entry.id)
    with pytest.raises(Refused, match="already been recorded"):
        record(group, officer, forward_plan_id=entry.id)
    other_group = make_group()
    other_officer, _ = make_member(other_group, "officer")
    with pytest.raises(Refused, match="not in this group"):
        record(other_group, other_officer, forward_plan_id=entry.id)


def test_amendments_keep_history_and_show_the_current_state(app, ctx):
    group = make_group()
    officer, _ = make_member(group, "officer")
    decision = record(group, officer, title="Bins on Tuesdays")
    decisions.amend(
        group,
        decision,
        officer,
        kind="correction",
        changes={"title": "Bins on Wednesdays"},
        reason="Typo",
    )
    decisions.amend(
        group, decision, officer, kind="status", changes={"status": "done"}, reason="Done"
    )
    state = decisions.states_for([db.session.get(Decision, decision.id)])[0]
    assert state.title == "Bins on Wednesdays" and state.status == "done"
    assert db.session.get(Decision, decision.id).title == "Bins on Tuesdays"  # never edited
    assert [a.kind for a in state.amendments] == ["correction", "status"]

    with pytest.raises(Refused, match="Nothing was changed"):
        decisions.amend(
            group,
            decision,
            officer,
            kind="revision",
            changes={"title": "Bins on Wednesdays"},
            reason="x",
        )
    with pytest.raises(Refused, match="why"):
        decisions.amend(group, decision, officer, kind="revocation", changes={}, reason=" ")
    decisions.amend(group, decision, officer, kind="revocation", changes={}, reason="Withdrawn")
    with pytest.raises(Refused, match="revoked"):
        decisions.amend(
            group, decision, officer, kind="status", changes={"status": "dropped"}, reason="x"
        )
    assert count(Amendment) == 3


def test_amending_another_groups_decision_is_refused(app, ctx):
    group, other = make_group(), make_group()
    officer, _ = make_member(group, "officer")
    decision = record(group, officer)
    with pytest.raises(Refused, match="not in this group"):
        decisions.amend(
            other, decision, officer, kind="status", changes={"status": "done"}, reason="x"
        )
