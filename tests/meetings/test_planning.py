"""Planning a meeting: members are told, bad input is refused, the agenda keeps its order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.dbtypes import utcnow
from app.errors import Refused
from app.extensions import db
from app.meetings import agenda, attendance, captures, live, papers, planning
from app.meetings.models import AgendaItem, Attendance, Meeting, Paper
from app.notices import worker
from app.notices.models import Announcement, Notice
from app.voting import priorities
from app.voting import services as voting
from tests.conftest import count
from tests.decisions.helpers import record
from tests.factories import make_group, make_member
from tests.meetings.helpers import (
    announcements,
    channels_by_person,
    edit_meeting,
    finished,
    group_with_people,
    next_week,
    plan,
    under_way,
    with_agenda,
)

# Telling members ------------------------------------------------------------------


def test_planning_a_meeting_tells_every_member_by_the_ways_they_prefer(app, ctx, mailbox):
    group = make_group(name="Riverside LOG")
    facilitator, _ = make_member(group, "facilitator")
    emailer, _ = make_member(group, "resident")
    emailer.preferred_channels = ["in_app", "email"]
    by_letter, _ = make_member(group, "resident", email=None)
    by_letter.preferred_channels = ["letter"]
    by_letter.postal_address = "1 Mill Lane"
    by_phone, _ = make_member(group, "resident")
    by_phone.preferred_channels = ["in_app", "phone"]
    by_phone.phone = "01632 960123"
    db.session.commit()
    outsider, _ = make_member(make_group(), "resident")

    meeting = plan(group, facilitator, title="Spring meeting", description="The damp survey.")

    (announcement,) = announcements("meeting", meeting.id)
    assert announcement.group_id == group.id
    assert announcement.url == f"/groups/{group.slug}/meetings/{meeting.id}"
    assert "Spring meeting" in announcement.title
    assert "St Mark's church hall" in announcement.body and "The damp survey." in announcement.body
    assert channels_by_person(announcement) == {
        facilitator.id: {"in_app"},
        emailer.id: {"in_app", "email"},
        by_letter.id: {"letter"},
        by_phone.id: {"in_app", "phone"},
    }
    assert outsider.id not in channels_by_person(announcement)

    assert mailbox.messages == []  # queued in the outbox, not sent while planning
    assert worker.work_once().sent == 1
    (message,) = mailbox.to(emailer.email)
    assert "Spring meeting" in message["Subject"]
    body = mailbox.body(message)
    assert "St Mark's church hall" in body
    assert f"http://localhost/groups/{group.slug}/meetings/{meeting.id}" in body
    assert len(mailbox.messages) == 1


def test_a_new_meeting_starts_planned_with_sequence_zero_and_no_agenda(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(
        group,
        facilitator,
        online_link=" https://meet.example.org/riverside ",
        access_features=["step_free", "step_free", "hearing_loop"],
    )
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert stored.status == "planned" and stored.sequence == 0
    assert stored.online_link == "https://meet.example.org/riverside"
    assert stored.access_features == ["step_free", "hearing_loop"]  # each once, in order
    assert stored.created_by_id == facilitator.id
    assert agenda.agenda(stored) == []


def test_an_online_meeting_needs_no_place(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator, place="", online_link="https://meet.example.org/x")
    assert meeting.place == "" and meeting.online_link == "https://meet.example.org/x"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ("end_before_start", "ends_time", "end after it starts"),
        ("end_at_start", "ends_time", "end after it starts"),
        ("start_in_the_past", "starts_on", "start time has passed"),
        ("longer_than_a_day", "ends_time", "a day at most"),
        ({"place": "  ", "online_link": ""}, "place", "Say where"),
        ({"online_link": "javascript:alert(1)"}, "online_link", "https://"),
        ({"online_link": "ftp://files.example.org/agenda"}, "online_link", "https://"),
        ({"online_link": "meet.example.org/riverside"}, "online_link", "https://"),
        ({"online_link": "https://"}, "online_link", "https://"),
        ({"kind": "party"}, "kind", "kind of meeting"),
        ({"access_features": ["step_free", "free_beer"]}, "access_features", "from the list"),
        ({"title": "   "}, "title", "name for the meeting"),
    ],
)
def test_bad_meeting_details_are_refused_with_the_field_and_nothing_is_saved(
    app, ctx, overrides, field, message
):
    group, facilitator, _people = group_with_people(2)
    starts, ends = next_week()
    if overrides == "end_before_start":
        overrides = {"ends_at": starts - timedelta(minutes=30)}
    elif overrides == "end_at_start":
        overrides = {"ends_at": starts}
    elif overrides == "start_in_the_past":
        overrides = {
            "starts_at": utcnow() - timedelta(hours=1),
            "ends_at": utcnow() + timedelta(hours=1),
        }
    elif overrides == "longer_than_a_day":
        overrides = {"ends_at": starts + timedelta(hours=24, minutes=1)}
    with pytest.raises(Refused, match=message) as refused:
        plan(group, facilitator, **overrides)
    assert refused.value.field == field
    assert refused.value.status == 422
    assert count(Meeting) == count(Announcement) == count(Notice) == 0


def test_a_meeting_starting_a_moment_ago_is_allowed_for_clock_slack(app, ctx):
    group, facilitator, _people = group_with_people(1)
    now = utcnow()
    meeting = plan(
        group, facilitator, starts_at=now - timedelta(minutes=2), ends_at=now + timedelta(hours=1)
    )
    assert meeting.id is not None


def test_a_meeting_exactly_a_day_long_is_allowed(app, ctx):
    group, facilitator, _people = group_with_people(1)
    starts, _ends = next_week()
    meeting = plan(group, facilitator, ends_at=starts + timedelta(hours=24))
    assert meeting.ends_at - meeting.starts_at == timedelta(hours=24)


# Changing and cancelling ----------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        "later_start",
        {"place": "The library, High Street"},
        {"title": "Riverside meeting (moved)"},
        {"online_link": "https://meet.example.org/new"},
        {"access_notes": "The lift is out of order"},
    ],
)
def test_changing_time_place_or_name_raises_the_sequence_and_tells_members_again(app, ctx, change):
    group, facilitator, people = group_with_people(2)
    meeting = plan(group, facilitator)
    if change == "later_start":
        change = {
            "starts_at": meeting.starts_at + timedelta(hours=1),
            "ends_at": meeting.ends_at + timedelta(hours=1),
        }
    assert edit_meeting(group, meeting, facilitator, **change) is True
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert stored.sequence == 1
    for name, value in change.items():
        assert getattr(stored, name) == value
    first, second = announcements("meeting", meeting.id)
    assert "changed" in second.title.lower()
    assert set(channels_by_person(second)) == {facilitator.id} | {p.id for p, _m in people}


def test_changing_only_the_description_or_kind_tells_nobody(app, ctx):
    group, facilitator, _people = group_with_people(2)
    meeting = plan(group, facilitator)
    told = edit_meeting(
        group, meeting, facilitator, description="Bring your questions.", kind="workshop"
    )
    assert told is False
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert stored.description == "Bring your questions." and stored.kind == "workshop"
    assert stored.sequence == 0
    assert len(announcements("meeting", meeting.id)) == 1


def test_a_meeting_that_is_no_longer_step_free_tells_members_again(app, ctx):
    group, facilitator, _people = group_with_people(2)
    meeting = plan(group, facilitator, access_features=["step_free", "hearing_loop"])
    assert edit_meeting(group, meeting, facilitator, access_features=["hearing_loop"]) is True
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).sequence == 1
    assert len(announcements("meeting", meeting.id)) == 2


def test_a_meeting_whose_start_has_passed_can_still_have_its_notes_changed(app, ctx):
    # Nobody pressed "start" on the night; the facilitator adds a line afterwards.
    group, facilitator, _people = group_with_people(1)
    starts = utcnow() - timedelta(hours=3)
    meeting = planning.plan_meeting(
        group,
        facilitator,
        title="Forgotten",
        kind="group_meeting",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Hall",
        now=starts - timedelta(days=7),
    )
    assert edit_meeting(group, meeting, facilitator, description="It went ahead.") is False
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).description == "It went ahead."


def test_a_bad_change_is_refused_and_the_meeting_stays_as_it_was(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    starts, ends, place = meeting.starts_at, meeting.ends_at, meeting.place
    with pytest.raises(Refused) as refused:
        edit_meeting(
            group, meeting, facilitator, place="Elsewhere", ends_at=starts - timedelta(hours=1)
        )
    assert refused.value.field == "ends_time"
    with pytest.raises(Refused) as refused:
        edit_meeting(
            group,
            meeting,
            facilitator,
            starts_at=utcnow() - timedelta(days=1),
            ends_at=utcnow() - timedelta(days=1) + timedelta(hours=2),
        )
    assert refused.value.field == "starts_on"
    db.session.rollback()
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert (stored.starts_at, stored.ends_at, stored.place) == (starts, ends, place)
    assert stored.sequence == 0
    assert len(announcements("meeting", meeting.id)) == 1


@pytest.mark.parametrize("state", ["under_way", "finished", "cancelled"])
def test_a_started_finished_or_cancelled_meeting_cannot_be_changed(app, ctx, state):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    if state == "cancelled":
        planning.cancel_meeting(group, meeting, facilitator, "The hall flooded")
    else:
        live.start_meeting(meeting)
        if state == "finished":
            live.finish_meeting(meeting)
    db.session.commit()
    told_before = len(announcements("meeting", meeting.id))
    with pytest.raises(Refused) as refused:
        edit_meeting(group, meeting, facilitator, place="The library")
    assert refused.value.status == 409
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).place == "St Mark's church hall, Mill Lane"
    assert len(announcements("meeting", meeting.id)) == told_before


def test_cancelling_needs_a_reason_tells_members_and_raises_the_sequence(app, ctx):
    group, facilitator, people = group_with_people(2)
    meeting = plan(group, facilitator)
    with pytest.raises(Refused) as refused:
        planning.cancel_meeting(group, meeting, facilitator, "   ")
    assert refused.value.field == "reason"
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "planned"
    assert len(announcements("meeting", meeting.id)) == 1

    planning.cancel_meeting(group, meeting, facilitator, "The hall flooded")
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert stored.status == "cancelled" and stored.cancel_reason == "The hall flooded"
    assert stored.sequence == 1
    _planned, cancelled = announcements("meeting", meeting.id)
    assert "Cancelled" in cancelled.title and "The hall flooded" in cancelled.body
    assert set(channels_by_person(cancelled)) == {facilitator.id} | {p.id for p, _m in people}


def test_a_meeting_cannot_be_cancelled_twice_or_once_it_has_started(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    planning.cancel_meeting(group, meeting, facilitator, "The hall flooded")
    with pytest.raises(Refused) as refused:
        planning.cancel_meeting(group, meeting, facilitator, "Again")
    assert refused.value.status == 409
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert stored.sequence == 1 and stored.cancel_reason == "The hall flooded"
    assert len(announcements("meeting", meeting.id)) == 2

    started, _items = under_way(group, facilitator)
    with pytest.raises(Refused) as refused:
        planning.cancel_meeting(group, started, facilitator, "Too late")
    assert refused.value.status == 409
    db.session.expire_all()
    assert db.session.get(Meeting, started.id).status == "under_way"


# The agenda -------------------------------------------------------------------------


def _positions(meeting) -> list[tuple[int, str]]:
    db.session.expire_all()
    return [(row.item.position, row.item.title) for row in agenda.agenda(meeting)]


def test_agenda_items_are_numbered_in_the_order_they_are_added(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    item = agenda.add_item(
        group, meeting, title="  Welcome  ", lead="Fatima", minutes_allowed=5, details=" Hello "
    )
    assert (item.title, item.lead, item.minutes_allowed, item.details) == (
        "Welcome",
        "Fatima",
        5,
        "Hello",
    )
    with_agenda(group, meeting, ("Damp survey", "Any other business"))
    assert _positions(meeting) == [(1, "Welcome"), (2, "Damp survey"), (3, "Any other business")]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "Item", "minutes_allowed": 0}, "minutes_allowed"),
        ({"title": "Item", "minutes_allowed": 601}, "minutes_allowed"),
    ],
)
def test_bad_agenda_items_are_refused(app, ctx, fields, field):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    with pytest.raises(Refused) as refused:
        agenda.add_item(group, meeting, **fields)
    assert refused.value.field == field
    assert count(AgendaItem) == 0


def test_an_agenda_has_at_most_forty_items(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    with_agenda(group, meeting, [f"Item {n}" for n in range(1, 41)])
    with pytest.raises(Refused, match="at most 40"):
        agenda.add_item(group, meeting, title="One too many")
    db.session.rollback()
    assert count(AgendaItem, AgendaItem.meeting_id == meeting.id) == 40
    assert [p for p, _t in _positions(meeting)] == list(range(1, 41))


def _links_of_another_group():
    other = make_group()
    other_facilitator, _ = make_member(other, "facilitator")
    priority = priorities.propose(
        other, other_facilitator, title="Traffic", description="", domain="living_environment"
    )
    ballot = voting.create_ballot(
        other,
        other_facilitator,
        title="Which first?",
        method="approval",
        options=[("A", None), ("B", None)],
    )
    decision = record(other, other_facilitator)
    return priority, ballot, decision


def test_agenda_links_must_belong_to_the_same_group(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    priority, ballot, decision = _links_of_another_group()
    for name, value in (
        ("priority_id", priority.id),
        ("ballot_id", ballot.id),
        ("decision_id", decision.id),
    ):
        with pytest.raises(Refused) as refused:
            agenda.add_item(group, meeting, title="Borrowed", **{name: value})
        assert refused.value.field == name
    assert count(AgendaItem) == 0

    own_priority = priorities.propose(
        group, facilitator, title="Damp", description="", domain="living_environment"
    )
    own_ballot = voting.create_ballot(
        group, facilitator, title="Vote", method="approval", options=[("A", None), ("B", None)]
    )
    own_decision = record(group, facilitator, title="Bins on Tuesdays")
    item = agenda.add_item(
        group,
        meeting,
        title="Ours",
        priority_id=own_priority.id,
        ballot_id=own_ballot.id,
        decision_id=own_decision.id,
    )
    db.session.commit()
    (row,) = agenda.agenda(meeting)
    assert row.id == item.id
    assert row.priority_title == "Damp"
    assert row.ballot.id == own_ballot.id
    assert row.decision.title == "Bins on Tuesdays"

    with pytest.raises(Refused) as refused:
        agenda.change_item(group, meeting, item, title="Ours", decision_id=decision.id)
    assert refused.value.field == "decision_id"
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).decision_id == own_decision.id


def test_items_move_up_and_down_when_the_agenda_is_as_the_page_showed_it(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    a, b, c = with_agenda(group, meeting, ("A", "B", "C"))
    agenda.move_item(meeting, c, "up", [a.id, b.id, c.id])
    assert _positions(meeting) == [(1, "A"), (2, "C"), (3, "B")]
    agenda.move_item(meeting, a, "down", [a.id, c.id, b.id])
    assert _positions(meeting) == [(1, "C"), (2, "A"), (3, "B")]


def test_moving_the_first_item_up_or_the_last_down_is_refused(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    a, b = with_agenda(group, meeting, ("A", "B"))
    for item, direction in ((a, "up"), (b, "down")):
        with pytest.raises(Refused) as refused:
            agenda.move_item(meeting, item, direction, [a.id, b.id])
        assert refused.value.status == 409
    with pytest.raises(Refused):
        agenda.move_item(meeting, a, "sideways", [a.id, b.id])
    assert _positions(meeting) == [(1, "A"), (2, "B")]


def test_a_stale_order_moves_nothing(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    a, b, c = with_agenda(group, meeting, ("A", "B", "C"))
    seen = [a.id, b.id, c.id]
    # Someone else moved C up after this page was loaded.
    agenda.move_item(meeting, c, "up", seen)
    with pytest.raises(Refused, match="changed since") as refused:
        agenda.move_item(meeting, a, "down", seen)
    assert refused.value.status == 409
    assert _positions(meeting) == [(1, "A"), (2, "C"), (3, "B")]

    # Someone else added an item.
    seen = [a.id, c.id, b.id]
    agenda.add_item(group, meeting, title="D")
    with pytest.raises(Refused) as refused:
        agenda.move_item(meeting, b, "up", seen)
    assert refused.value.status == 409
    assert _positions(meeting) == [(1, "A"), (2, "C"), (3, "B"), (4, "D")]

    # An order with an item missing, or listed twice, is stale too.
    d = db.session.scalar(select(AgendaItem).where(AgendaItem.title == "D"))
    for seen in ([a.id, c.id, b.id], [a.id, c.id, b.id, d.id, d.id], []):
        with pytest.raises(Refused) as refused:
            agenda.move_item(meeting, b, "up", seen)
        assert refused.value.status == 409
    assert _positions(meeting) == [(1, "A"), (2, "C"), (3, "B"), (4, "D")]


def test_removing_an_item_renumbers_the_rest(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    _a, b, _c = with_agenda(group, meeting, ("A", "B", "C"))
    agenda.remove_item(meeting, b)
    assert _positions(meeting) == [(1, "A"), (2, "C")]


@pytest.mark.parametrize("capture", ["notes", "decision", "action"])
def test_an_item_with_notes_decisions_or_actions_stays_on_the_agenda(app, ctx, capture):
    group, facilitator, people = group_with_people(1)
    meeting, (first, *_rest) = under_way(group, facilitator)
    if capture == "notes":
        live.save_notes(meeting, first, facilitator, "Fatima welcomed everyone.", 0)
    elif capture == "decision":
        captures.capture_decision(
            group,
            meeting,
            first,
            facilitator,
            capture_key="k1",
            title="Bins on Tuesdays",
            summary="Noted.",
            decided_by_kind="council_cabinet",
        )
    else:
        captures.capture_action(
            group,
            meeting,
            first,
            facilitator,
            capture_key="a1",
            title="Write to the council",
            owner_id=people[0][0].id,
        )
    with pytest.raises(Refused, match="stays on the record") as refused:
        agenda.remove_item(meeting, first)
    assert refused.value.status == 409
    assert count(AgendaItem, AgendaItem.id == first.id) == 1
    assert _positions(meeting)[0] == (1, "Welcome")


def test_the_agenda_of_a_finished_or_cancelled_meeting_cannot_change(app, ctx):
    group, facilitator, _people = group_with_people(1)
    done, (item, _other) = finished(group, facilitator)
    cancelled = plan(group, facilitator)
    (kept,) = with_agenda(group, cancelled, ("Kept",))
    planning.cancel_meeting(group, cancelled, facilitator, "No room")
    for meeting, existing in ((done, item), (cancelled, kept)):
        for attempt in (
            lambda m=meeting: agenda.add_item(group, m, title="Late"),
            lambda m=meeting, i=existing: agenda.change_item(group, m, i, title="Renamed"),
            lambda m=meeting, i=existing: agenda.remove_item(m, i),
        ):
            with pytest.raises(Refused) as refused:
                attempt()
            assert refused.value.status == 409
    db.session.rollback()
    assert count(AgendaItem, AgendaItem.title.in_(["Late", "Renamed"])) == 0
    assert count(AgendaItem) == 3


# Papers ------------------------------------------------------------------------------


def test_papers_must_be_web_links(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    for url in ("javascript:alert(1)", "file:///etc/passwd", "www.example.org/a.pdf", ""):
        with pytest.raises(Refused) as refused:
            papers.add_paper(meeting, facilitator, title="Survey", url=url)
        assert refused.value.field == "url"
    with pytest.raises(Refused) as refused:
        papers.add_paper(meeting, facilitator, title=" ", url="https://example.org/a.pdf")
    assert refused.value.field == "title"
    assert count(Paper) == 0

    paper = papers.add_paper(
        meeting, facilitator, title="Damp survey", url="https://example.org/survey.pdf"
    )
    papers.add_paper(meeting, facilitator, title="Old minutes", url="http://example.org/m")
    assert [p.title for p, _file in papers.papers(meeting)] == ["Damp survey", "Old minutes"]
    papers.remove_paper(meeting, paper.id)
    with pytest.raises(Refused) as refused:
        papers.remove_paper(meeting, paper.id)
    assert refused.value.status == 409
    assert [p.title for p, _file in papers.papers(meeting)] == ["Old minutes"]


def test_a_cancelled_meeting_takes_no_papers_and_a_meeting_at_most_thirty(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    for n in range(30):
        papers.add_paper(meeting, facilitator, title=f"Paper {n}", url=f"https://e.org/{n}")
    with pytest.raises(Refused, match="at most 30"):
        papers.add_paper(meeting, facilitator, title="One more", url="https://e.org/x")
    planning.cancel_meeting(group, meeting, facilitator, "No room")
    with pytest.raises(Refused) as refused:
        papers.add_paper(meeting, facilitator, title="Late", url="https://e.org/late")
    assert refused.value.status == 409
    assert count(Paper) == 30


# Answers: coming or apologies ---------------------------------------------------------


def test_a_members_answer_is_kept_and_a_new_answer_replaces_it(app, ctx):
    group, facilitator, people = group_with_people(2)
    (rita, _), (sam, _) = people
    meeting = plan(group, facilitator)
    attendance.rsvp(meeting, rita, "coming")
    attendance.rsvp(meeting, sam, "coming")
    counts = attendance.attendance_counts(group, meeting)
    assert (counts.members, counts.coming, counts.apologies, counts.present) == (3, 2, 0, 0)

    attendance.rsvp(meeting, rita, "apologies")
    assert count(Attendance, Attendance.user_id == rita.id) == 1
    assert attendance.my_attendance(meeting, rita).rsvp == "apologies"
    counts = attendance.attendance_counts(group, meeting)
    assert (counts.coming, counts.apologies) == (1, 1)
    states = {r.person.id: r.state(meeting) for r in attendance.attendance_rows(group, meeting)}
    assert states == {facilitator.id: "no_reply", rita.id: "apologies", sam.id: "coming"}


def test_an_answer_must_be_coming_or_apologies(app, ctx):
    group, facilitator, people = group_with_people(1)
    meeting = plan(group, facilitator)
    with pytest.raises(Refused) as refused:
        attendance.rsvp(meeting, people[0][0], "maybe")
    assert refused.value.field == "answer"
    assert count(Attendance) == 0


@pytest.mark.parametrize("state", ["finished", "cancelled"])
def test_answers_are_closed_once_a_meeting_is_over_or_cancelled(app, ctx, state):
    group, facilitator, people = group_with_people(1)
    rita = people[0][0]
    if state == "finished":
        meeting, _items = finished(group, facilitator)
    else:
        meeting = plan(group, facilitator)
        planning.cancel_meeting(group, meeting, facilitator, "No room")
    with pytest.raises(Refused) as refused:
        attendance.rsvp(meeting, rita, "coming")
    assert refused.value.status == 409
    assert count(Attendance, Attendance.user_id == rita.id) == 0


def test_upcoming_meetings_for_the_group_page_leave_out_cancelled_and_other_groups(app, ctx):
    group, facilitator, _people = group_with_people(1)
    starts, ends = next_week(14)
    later = plan(group, facilitator, title="Later", starts_at=starts, ends_at=ends)
    sooner = plan(group, facilitator, title="Sooner")
    dropped = plan(group, facilitator, title="Dropped")
    planning.cancel_meeting(group, dropped, facilitator, "No room")
    other = make_group()
    other_facilitator, _ = make_member(other, "facilitator")
    plan(other, other_facilitator, title="Elsewhere")
    assert [m.title for m in planning.upcoming_meetings(group, 5)] == ["Sooner", "Later"]
    assert [m.id for m in planning.upcoming_meetings(group, 1)] == [sooner.id]
    assert later.id in [m.id for m in planning.meetings_page(group, 1, 10).items]
