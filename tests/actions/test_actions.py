"""Actions ("you said, we did"): who does what by when, how it is going, and reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete

from app.actions import services as actions
from app.actions.models import Action, ActionUpdate
from app.dbtypes import local_today, utcnow
from app.errors import Refused
from app.extensions import db
from app.groups.models import Membership
from app.notices.models import Announcement
from app.voting import priorities
from tests.conftest import count
from tests.decisions.helpers import record
from tests.factories import make_group, make_member
from tests.meetings.helpers import announcements, channels_by_person, group_with_people


def _action(group, by, title="Write to the council", **fields):
    return actions.create_action(group, by, title=title, **fields)


def _overdue(group, by, title, *, days_late: int, **fields):
    """An action agreed `days_late + 7` days ago, due `days_late` days ago."""
    today = local_today()
    agreed = today - timedelta(days=days_late + 7)
    return _action(
        group, by, title, due_on=today - timedelta(days=days_late), today=agreed, **fields
    )


# Creating -----------------------------------------------------------------------------


def test_an_action_for_a_member_tells_them_and_starts_its_history(app, ctx):
    group, facilitator, people = group_with_people(2)
    (ade, _), (sam, _) = people
    due = local_today() + timedelta(days=14)
    action = _action(group, facilitator, owner_id=ade.id, due_on=due, details=" Before May ")
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert (action.owner_id, action.owner_name, action.due_on) == (ade.id, "", due)
    assert (action.status, action.details, action.created_by_id) == (
        "open",
        "Before May",
        facilitator.id,
    )
    (told,) = announcements("action", action.id)
    assert channels_by_person(told) == {ade.id: {"in_app"}}
    assert told.url == f"/groups/{group.slug}/actions/{action.id}"
    assert [(u.status, p.id) for u, p in actions.action_updates(action)] == [
        ("open", facilitator.id)
    ]


def test_an_action_for_a_named_organisation_tells_nobody(app, ctx):
    group, facilitator, _people = group_with_people(1)
    action = _action(group, facilitator, owner_name="  Riverside Homes repairs team ")
    assert (action.owner_id, action.owner_name) == (None, "Riverside Homes repairs team")
    assert announcements("action", action.id) == []


def test_a_member_owner_wins_over_a_typed_name(app, ctx):
    group, facilitator, people = group_with_people(1)
    action = _action(group, facilitator, owner_id=people[0][0].id, owner_name="Someone else")
    assert (action.owner_id, action.owner_name) == (people[0][0].id, "")


def test_bad_actions_are_refused_and_nothing_is_saved(app, ctx):
    group, facilitator, people = group_with_people(1)
    stranger, _ = make_member(make_group(), "resident")
    other = make_group()
    other_officer, _ = make_member(other, "officer")
    other_decision = record(other, other_officer)
    other_priority = priorities.propose(
        other, other_officer, title="Traffic", description="", domain="living_environment"
    )
    member = people[0][0]
    yesterday = local_today() - timedelta(days=1)
    for fields, field in (
        ({"owner_id": stranger.id}, "owner_id"),
        ({"owner_id": 10**6}, "owner_id"),
        ({}, "owner_id"),
        ({"owner_name": "   "}, "owner_id"),
        ({"owner_id": member.id, "due_on": yesterday}, "due_on"),
        ({"owner_id": member.id, "title": "  "}, "title"),
        ({"owner_id": member.id, "decision_id": other_decision.id}, "decision_id"),
        ({"owner_id": member.id, "priority_id": other_priority.id}, "priority_id"),
    ):
        values = {"title": "Write to the council", **fields}
        with pytest.raises(Refused) as refused:
            actions.create_action(group, facilitator, **values)
        assert refused.value.field == field, fields
    assert count(Action) == count(ActionUpdate) == 0
    assert count(Announcement, Announcement.subject_kind == "action") == 0


def test_an_action_due_today_is_allowed(app, ctx):
    group, facilitator, people = group_with_people(1)
    action = _action(group, facilitator, owner_id=people[0][0].id, due_on=local_today())
    assert action.due_on == local_today()
    assert not actions.is_overdue(action)


def test_changing_the_owner_tells_the_new_owner_only(app, ctx):
    group, facilitator, people = group_with_people(2)
    (ade, _), (sam, _) = people
    action = _action(group, facilitator, owner_id=ade.id)
    actions.change_action(group, action, title="Write to the council today", owner_id=sam.id)
    told = announcements("action", action.id)
    assert [set(channels_by_person(a)) for a in told] == [{ade.id}, {sam.id}]
    actions.change_action(group, action, title="Write to the council, again", owner_id=sam.id)
    assert len(announcements("action", action.id)) == 2  # same owner: not told again
    stranger, _ = make_member(make_group(), "resident")
    with pytest.raises(Refused) as refused:
        actions.change_action(group, action, title="x", owner_id=stranger.id)
    assert refused.value.field == "owner_id"
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Action, action.id).owner_id == sam.id


# Progress -----------------------------------------------------------------------------


def test_progress_updates_are_kept_in_order(app, ctx):
    group, facilitator, people = group_with_people(1)
    ade = people[0][0]
    action = _action(group, facilitator, owner_id=ade.id)
    start = utcnow()
    actions.update_progress(
        action, ade, status="in_progress", note="Drafted the letter.", now=start
    )
    actions.update_progress(
        action, ade, status="in_progress", note="Sent it.", now=start + timedelta(hours=1)
    )
    actions.update_progress(
        action, facilitator, status="done", note="They replied.", now=start + timedelta(days=2)
    )
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert action.status == "done" and action.completed_at == start + timedelta(days=2)
    history = [(u.status, u.note, p.id) for u, p in actions.action_updates(action)]
    assert history == [
        ("open", "", facilitator.id),
        ("in_progress", "Drafted the letter.", ade.id),
        ("in_progress", "Sent it.", ade.id),
        ("done", "They replied.", facilitator.id),
    ]
    # Reopening clears the finish time.
    actions.update_progress(action, ade, status="in_progress", note="They want more detail.")
    assert db.session.get(Action, action.id).completed_at is None


def test_progress_without_news_or_a_dropped_action_without_a_reason_is_refused(app, ctx):
    group, facilitator, people = group_with_people(1)
    action = _action(group, facilitator, owner_id=people[0][0].id)
    for status, note, field in (
        ("open", "", "note"),
        ("dropped", "  ", "note"),
        ("finished", "yes", "status"),
    ):
        with pytest.raises(Refused) as refused:
            actions.update_progress(action, facilitator, status=status, note=note)
        assert refused.value.field == field
    assert count(ActionUpdate, ActionUpdate.action_id == action.id) == 1
    db.session.expire_all()
    assert db.session.get(Action, action.id).status == "open"

    actions.update_progress(action, facilitator, status="dropped", note="The council did it.")
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert action.status == "dropped" and action.completed_at is not None


# Overdue -----------------------------------------------------------------------------


def test_overdue_actions_are_open_ones_past_their_date_soonest_first(app, ctx):
    group, facilitator, people = group_with_people(1)
    ade = people[0][0]
    late = _overdue(group, facilitator, "Three days late", days_late=3, owner_id=ade.id)
    later = _overdue(group, facilitator, "Ten days late", days_late=10, owner_name="Highways")
    doing = _overdue(group, facilitator, "Late but under way", days_late=1, owner_id=ade.id)
    actions.update_progress(doing, ade, status="in_progress", note="Started")
    done = _overdue(group, facilitator, "Late but done", days_late=2, owner_id=ade.id)
    actions.update_progress(done, ade, status="done", note="Done")
    _action(group, facilitator, "Not due yet", owner_id=ade.id, due_on=local_today())
    _action(group, facilitator, "No date", owner_id=ade.id)
    other = make_group()
    other_facilitator, _ = make_member(other, "facilitator")
    _overdue(other, other_facilitator, "Another group's", days_late=5, owner_name="X")

    page = actions.actions_page(group, 1, 10, show="overdue")
    assert [a.title for a, _owner in page.items] == [
        "Ten days late",
        "Three days late",
        "Late but under way",
    ]
    assert page.total == 3
    owners = {a.id: o for a, o in page.items}
    assert owners[late.id].id == ade.id and owners[later.id] is None

    first = actions.overdue_actions(group, 2)
    assert first.total == 3 and [a.id for a, _o in first.items] == [later.id, late.id]
    assert actions.is_overdue(late) and not actions.is_overdue(done)

    # Tomorrow, today's action is overdue too.
    tomorrow = local_today() + timedelta(days=1)
    assert actions.overdue_actions(group, 10, today=tomorrow).total == 4


def test_the_action_lists_show_open_done_and_all(app, ctx):
    group, facilitator, people = group_with_people(1)
    ade = people[0][0]
    dated = _action(group, facilitator, "Dated", owner_id=ade.id, due_on=local_today())
    undated = _action(group, facilitator, "Undated", owner_id=ade.id)
    finished = _action(group, facilitator, "Finished", owner_id=ade.id)
    actions.update_progress(finished, ade, status="done", note="Done")

    def titles(show):
        return [a.title for a, _o in actions.actions_page(group, 1, 10, show=show).items]

    assert titles("open") == ["Dated", "Undated"]  # undated last
    assert titles("done") == ["Finished"]
    assert sorted(titles("all")) == ["Dated", "Finished", "Undated"]
    assert titles("nonsense") == titles("open")
    assert {dated.id, undated.id} == {a.id for a, _o in actions.actions_page(group, 1, 10).items}


# Reminders ---------------------------------------------------------------------------


def _reminder_scene():
    group, facilitator, people = group_with_people(3)
    (ade, _), (sam, _), (leaver, leaver_m) = people
    today = local_today()
    soon = _action(
        group, facilitator, "Due tomorrow", owner_id=ade.id, due_on=today + timedelta(days=1)
    )
    edge = _action(
        group, facilitator, "Due in two days", owner_id=sam.id, due_on=today + timedelta(days=2)
    )
    late = _overdue(group, facilitator, "Overdue", days_late=4, owner_id=sam.id)
    _action(
        group, facilitator, "Due in ten days", owner_id=ade.id, due_on=today + timedelta(days=10)
    )
    _action(group, facilitator, "No date", owner_id=ade.id)
    done = _overdue(group, facilitator, "Done already", days_late=1, owner_id=ade.id)
    actions.update_progress(done, ade, status="done", note="Done")
    _overdue(group, facilitator, "Organisation's", days_late=1, owner_name="Highways")
    left = _overdue(group, facilitator, "Owner left", days_late=1, owner_id=leaver.id)
    db.session.execute(delete(Membership).where(Membership.id == leaver_m.id))
    db.session.commit()
    return group, facilitator, (ade, sam, leaver), (soon, edge, late, left)


def test_owners_are_reminded_of_actions_due_soon_or_overdue(app, ctx):
    group, _facilitator, (ade, sam, leaver), (soon, edge, late, left) = _reminder_scene()
    assert actions.remind_owners(group) == 3
    reminded = {
        a.subject_id: (a.title, set(channels_by_person(a)))
        for a in db.session.query(Announcement)
        .filter(Announcement.subject_kind == "action", Announcement.title.notlike("New action%"))
        .all()
    }
    assert reminded == {
        soon.id: ("Due soon: Due tomorrow", {ade.id}),
        edge.id: ("Due soon: Due in two days", {sam.id}),
        late.id: ("Overdue: Overdue", {sam.id}),
    }
    db.session.expire_all()
    assert db.session.get(Action, left.id).reminded_at is None  # the owner left the group
    assert db.session.get(Action, soon.id).reminded_at is not None


def test_each_action_is_reminded_at_most_once_in_six_days(app, ctx):
    group, _facilitator, _people, (soon, _edge, late, _left) = _reminder_scene()
    now, today = utcnow(), local_today()
    assert actions.remind_owners(group, now=now, today=today) == 3
    assert actions.remind_owners(group, now=now, today=today) == 0
    five_days = now + timedelta(days=5)
    assert actions.remind_owners(group, now=five_days, today=today + timedelta(days=5)) == 0
    seven_days = now + timedelta(days=7)
    assert actions.remind_owners(group, now=seven_days, today=today + timedelta(days=7)) == 3
    assert len(announcements("action", late.id)) == 3  # new, then two reminders


def test_reminders_for_one_group_leave_other_groups_alone(app, ctx):
    group, _facilitator, _people, _actions = _reminder_scene()
    other = make_group()
    other_facilitator, _ = make_member(other, "facilitator")
    other_owner, _ = make_member(other, "resident")
    theirs = _overdue(other, other_facilitator, "Theirs", days_late=1, owner_id=other_owner.id)
    assert actions.remind_owners(other) == 1
    assert len(announcements("action", theirs.id)) == 2
    assert actions.remind_owners() == 3  # every group: only ours are left to remind


def test_the_remind_command_reports_how_many_owners_it_reminded(app, ctx):
    _reminder_scene()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["actions", "remind"])
    assert result.exit_code == 0, result.output
    assert "Reminded the owners of 3 action(s)." in result.output
    result = runner.invoke(args=["actions", "remind"])
    assert "Reminded the owners of 0 action(s)." in result.output
