"""Meeting pages run a fixed number of SQL statements, however long the agenda,
however many members come, and however much history the group has."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app.actions import services as actions
from app.dbtypes import local_today, utcnow
from app.meetings import agenda, attendance, captures, live, minutes, planning
from tests.decisions.helpers import backdate_members
from tests.factories import make_group, make_member

#: The most statements each page may run (measured, with a little room).
BUDGETS = {
    "meetings": 7,  # + count, one page of meetings
    "past meetings": 7,
    "meeting": 15,  # + agenda with links, amendments of linked decisions, papers, counts...
    "live": 19,  # + agenda, captures (4), attendance, counts, members, votes, forward plan...
    "minutes": 13,
    "print": 8,
    "actions": 7,  # + count, one page of actions with owners
    "action": 13,
    "calendar": 4,  # the group, and its meetings in one query
}


@dataclass
class Built:
    facilitator: object
    urls: dict[str, str]
    group: object
    #: Under way, at its item min(size, 10), with as many decisions and actions captured.
    meeting: object
    rows: list
    #: The residents: the first half checked in, all said they are coming.
    people: list


def build(size: int) -> Built:
    """A group with `size` members, agenda items, past meetings and actions."""
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    people = [make_member(group, "resident")[0] for _ in range(size)]
    backdate_members(group)
    start = utcnow() - timedelta(days=30)
    for n in range(size):  # history: past meetings, each with an action
        past = planning.plan_meeting(
            group,
            facilitator,
            title=f"Past {n}",
            kind="group_meeting",
            starts_at=start + timedelta(days=n % 20, hours=1),
            ends_at=start + timedelta(days=n % 20, hours=3),
            place="Hall",
            now=start,
        )
        actions.create_action(
            group,
            facilitator,
            title=f"Action {n}",
            owner_id=people[n].id,
            due_on=local_today() - timedelta(days=1 + n % 3),
            today=local_today() - timedelta(days=40),
            meeting_id=past.id,
        )
    soon = utcnow() + timedelta(days=2)
    meeting = planning.plan_meeting(
        group,
        facilitator,
        title="Tonight",
        kind="group_meeting",
        starts_at=soon,
        ends_at=soon + timedelta(hours=2),
        place="St Mark's church hall",
    )
    for n in range(size):
        agenda.add_item(group, meeting, title=f"Item {n}", lead="Fatima", minutes_allowed=10)
    for membership_person in people:
        attendance.rsvp(meeting, membership_person, "coming")
    members = {m.user_id: m for m, _u in _memberships(group)}
    for person in people[: size // 2]:
        attendance.set_attendance(group, meeting, members[person.id].id, "present", facilitator)
    live.start_meeting(meeting)
    rows = agenda.agenda(meeting)
    for n in range(min(size, 10)):
        live.step_to(meeting, n + 1)
        live.save_notes(meeting, rows[n].item, facilitator, f"Notes {n}", 0)
        captures.capture_decision(
            group,
            meeting,
            rows[n].item,
            facilitator,
            capture_key=f"key-{size}-{n}",
            title=f"Decision {n}",
            summary="Agreed.",
            decided_by_kind="council_cabinet",
        )
        captures.capture_action(
            group,
            meeting,
            rows[n].item,
            facilitator,
            capture_key=f"action-{size}-{n}",
            title=f"Live action {n}",
            owner_id=people[n].id,
        )
    live_url = f"/groups/{group.slug}/meetings/{meeting.id}/live"
    finished = planning.plan_meeting(
        group,
        facilitator,
        title="Finished",
        kind="group_meeting",
        starts_at=soon,
        ends_at=soon + timedelta(hours=2),
        place="Hall",
    )
    live.start_meeting(finished)
    live.finish_meeting(finished)
    minutes.start_minutes(group, finished)
    minutes.publish_minutes(group, finished, facilitator)
    base = f"/groups/{group.slug}"
    action = actions.actions_page(group, 1, 1).items[0][0]
    urls = {
        "meetings": f"{base}/meetings",
        "past meetings": f"{base}/meetings?past=1",
        "meeting": f"{base}/meetings/{meeting.id}",
        "live": live_url,
        "minutes": f"{base}/meetings/{finished.id}/minutes",
        "print": f"{base}/meetings/{meeting.id}/print",
        "actions": f"{base}/actions?show=all",
        "action": f"{base}/actions/{action.id}",
        "calendar": f"{base}/meetings.ics",
    }
    return Built(facilitator, urls, group, meeting, rows, people)


def _memberships(group):
    from app.groups import services as groups

    return groups.all_members(group)


def test_meeting_pages_keep_their_query_budget_from_3_to_30_of_everything(
    app, ctx, login, page_queries
):
    measured = {}
    for size in (3, 30):
        built = build(size)
        client = login(built.facilitator)
        measured[size] = {page: page_queries(client, url) for page, url in built.urls.items()}
    for page, budget in BUDGETS.items():
        small, large = measured[3][page], measured[30][page]
        assert small == large, f"{page}: {small} queries with 3 of everything, {large} with 30"
        assert large <= budget, f"{page}: {large} queries, over its budget of {budget}"
