"""Minutes: drafted from what was captured, edited without losing anyone's words, published once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.dbtypes import utcnow
from app.errors import Refused
from app.extensions import db
from app.meetings import attendance, captures, common, live, minutes, planning
from app.meetings.models import Meeting
from app.notices import worker
from app.notices.models import Announcement
from tests.conftest import count
from tests.decisions.helpers import backdate_members
from tests.factories import make_member
from tests.meetings.helpers import (
    announcements,
    channels_by_person,
    finished,
    group_with_people,
    membership_of,
    plan,
    under_way,
)


def _sections(text: str) -> dict[str, str]:
    """The minutes split at their "## " headings: heading -> what follows it."""
    found = {}
    for chunk in text.split("\n## ")[1:]:
        heading, _newline, rest = chunk.partition("\n")
        found[heading.strip()] = rest
    return found


def _meeting_with_captures():
    group, facilitator, people = group_with_people(2)
    (ade, ade_m), (_sam, _sam_m) = people
    meeting, items = under_way(group, facilitator, ("Welcome", "Damp survey", "Any other business"))
    attendance.set_attendance(group, meeting, ade_m.id, "present", facilitator)
    live.save_notes(meeting, items[0], facilitator, "Fatima welcomed everyone.", 0)
    live.step_to(meeting, 2)
    live.save_notes(meeting, items[1], facilitator, "Riverside Homes will survey by May.", 0)
    decision = captures.capture_decision(
        group,
        meeting,
        items[1],
        facilitator,
        capture_key="d1",
        title="Ask for a week's notice of each visit",
        summary="The group asks Riverside Homes to give tenants a week's notice.",
        decided_by_kind="council_cabinet",
    )
    due = meeting.starts_at.date() + timedelta(days=10)
    captures.capture_action(
        group,
        meeting,
        items[1],
        facilitator,
        capture_key="a1",
        title="Write to Riverside Homes",
        owner_id=ade.id,
        due_on=due,
    )
    captures.capture_action(
        group,
        meeting,
        None,
        facilitator,
        capture_key="a2",
        title="Put up posters",
        owner_name="Elm Street tenants' association",
    )
    live.finish_meeting(meeting)
    return group, facilitator, people, meeting, items, decision


def test_the_draft_has_each_items_notes_and_what_was_decided_and_agreed_under_it(app, ctx):
    group, _facilitator, people, meeting, items, decision = _meeting_with_captures()
    ade = people[0][0]
    text = minutes.draft_minutes(group, meeting)
    sections = _sections(text)
    assert list(sections) == [
        "1. Welcome",
        "2. Damp survey",
        "3. Any other business",
        "Also agreed",
    ]
    assert "Fatima welcomed everyone." in sections["1. Welcome"]
    assert "Decided" not in sections["1. Welcome"] and "Action" not in sections["1. Welcome"]
    damp = sections["2. Damp survey"]
    assert "Riverside Homes will survey by May." in damp
    assert f"Decided (decision {decision.number}): Ask for a week's notice of each visit" in damp
    assert "Action: Write to Riverside Homes" in damp and ade.name in damp
    assert "Put up posters" not in damp
    assert "Put up posters (Elm Street tenants' association)" in sections["Also agreed"]
    assert sections["3. Any other business"].strip() == ""


def test_minutes_are_drafted_once_the_meeting_has_finished_and_only_once(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting, items = under_way(group, facilitator)
    with pytest.raises(Refused) as refused:
        minutes.start_minutes(group, meeting)
    assert refused.value.status == 409
    live.finish_meeting(meeting)
    minutes.start_minutes(group, meeting)
    assert meeting.minutes_version == 1 and "## 1. Welcome" in meeting.minutes_text

    minutes.save_minutes(meeting, "Edited by hand.", 1)
    minutes.start_minutes(group, meeting)  # opening the page again keeps the edits
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert (stored.minutes_text, stored.minutes_version) == ("Edited by hand.", 2)


def test_saving_minutes_from_a_stale_version_loses_nothing(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting, _items = finished(group, facilitator)
    minutes.start_minutes(group, meeting)
    minutes.save_minutes(meeting, "Fatima's version.", 1)
    with pytest.raises(common.NotesConflict) as conflict:
        minutes.save_minutes(meeting, "Ade's version.", 1)
    assert conflict.value.theirs == "Fatima's version."
    assert conflict.value.version == 2
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert (stored.minutes_text, stored.minutes_version) == ("Fatima's version.", 2)

    minutes.save_minutes(stored, "Fatima's version.\n\nAde's version.", conflict.value.version)
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert stored.minutes_text == "Fatima's version.\n\nAde's version."
    assert stored.minutes_version == 3


@pytest.mark.parametrize(
    ("text", "message"), [("   ", "cannot be empty"), ("x" * 100_001, "at most")]
)
def test_empty_or_huge_minutes_are_refused(app, ctx, text, message):
    group, facilitator, _people = group_with_people(1)
    meeting, _items = finished(group, facilitator)
    minutes.start_minutes(group, meeting)
    draft = meeting.minutes_text
    with pytest.raises(Refused, match=message) as refused:
        minutes.save_minutes(meeting, text, 1)
    assert refused.value.field == "text"
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert (stored.minutes_text, stored.minutes_version) == (draft, 1)


def test_publishing_tells_every_member_once(app, ctx, mailbox):
    group, facilitator, people = group_with_people(2)
    reader, _ = make_member(group, "resident")
    reader.preferred_channels = ["in_app", "email"]
    db.session.commit()
    meeting, _items = finished(group, facilitator)
    worker.work_once()
    mailbox.clear()
    minutes.start_minutes(group, meeting)
    minutes.publish_minutes(group, meeting, facilitator)

    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert stored.minutes_published_at is not None
    assert stored.minutes_published_by_id == facilitator.id
    (announcement,) = announcements("minutes", meeting.id)
    assert announcement.url == f"/groups/{group.slug}/meetings/{meeting.id}/minutes"
    everyone = {facilitator.id, reader.id} | {p.id for p, _m in people}
    assert set(channels_by_person(announcement)) == everyone
    assert worker.work_once().sent == 1
    (message,) = mailbox.to(reader.email)
    assert "Minutes" in message["Subject"] and "Riverside group meeting" in message["Subject"]

    with pytest.raises(Refused, match="already been published") as refused:
        minutes.publish_minutes(group, stored, facilitator)
    assert refused.value.status == 409
    assert count(Announcement, Announcement.subject_kind == "minutes") == 1


def test_minutes_are_published_only_when_the_meeting_has_finished_and_they_are_written(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting, _items = under_way(group, facilitator)
    with pytest.raises(Refused, match="finished") as refused:
        minutes.publish_minutes(group, meeting, facilitator)
    assert refused.value.status == 409
    live.finish_meeting(meeting)
    with pytest.raises(Refused, match="Write the minutes first") as refused:
        minutes.publish_minutes(group, meeting, facilitator)
    assert refused.value.status == 409
    cancelled = plan(group, facilitator)
    planning.cancel_meeting(group, cancelled, facilitator, "No room")
    with pytest.raises(Refused) as refused:
        minutes.publish_minutes(group, cancelled, facilitator)
    assert refused.value.status == 409
    assert count(Announcement, Announcement.subject_kind == "minutes") == 0
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).minutes_published_at is None


def test_published_minutes_cannot_be_edited(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting, _items = finished(group, facilitator)
    minutes.start_minutes(group, meeting)
    minutes.save_minutes(meeting, "The final words.", 1)
    minutes.publish_minutes(group, meeting, facilitator)
    for version in (2, 1):
        with pytest.raises(Refused, match="published") as refused:
            minutes.save_minutes(meeting, "Rewritten history.", version)
        assert refused.value.status == 409
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert (stored.minutes_text, stored.minutes_version) == ("The final words.", 2)


def test_the_attendance_record_is_kept_for_the_minutes(app, ctx):
    group, facilitator, people = group_with_people(3)
    (rita, rita_m), (sam, _sam_m), (tom, _tom_m) = people
    meeting, _items = under_way(group, facilitator)
    attendance.rsvp(meeting, sam, "apologies")
    attendance.set_attendance(group, meeting, rita_m.id, "present", facilitator)
    attendance.set_attendance(
        group, meeting, membership_of(group, facilitator).id, "present", facilitator
    )
    attendance.set_guests(meeting, 2)
    live.finish_meeting(meeting)
    states = {r.person.id: r.state(meeting) for r in attendance.attendance_rows(group, meeting)}
    assert states == {
        facilitator.id: "present",
        rita.id: "present",
        sam.id: "apologies",
        tom.id: "absent",
    }
    assert db.session.get(Meeting, meeting.id).guests == 2


def test_someone_who_joined_after_the_meeting_is_not_on_its_record(app, ctx):
    group, facilitator, people = group_with_people(1)
    starts = utcnow() - timedelta(days=10)
    meeting = planning.plan_meeting(
        group,
        facilitator,
        title="Last month",
        kind="group_meeting",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Hall",
        now=starts - timedelta(days=7),
    )
    backdate_members(group, days=30)
    newcomer, _ = make_member(group, "resident")
    names = {row.person.name for row in attendance.attendance_rows(group, meeting)}
    assert newcomer.name not in names
    assert people[0][0].name in names and facilitator.name in names
    assert attendance.attendance_counts(group, meeting).members == 2


def test_published_minutes_print_the_chain_head_of_that_moment(app, ctx, login):
    from app.chain import services as chain

    group, facilitator, _people = group_with_people(1)
    meeting, _items = finished(group, facilitator)
    minutes.start_minutes(group, meeting)
    head = chain.head(group.id)
    minutes.publish_minutes(group, meeting, facilitator)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).minutes_chain_head == head
    client = login(facilitator)
    for page in ("minutes", "print"):
        html = client.get(f"/groups/{group.slug}/meetings/{meeting.id}/{page}").get_data(
            as_text=True
        )
        assert head[:16] in html, page
    # Telling members about the minutes moved the chain on; the minutes keep their moment.
    assert chain.head(group.id) != head
