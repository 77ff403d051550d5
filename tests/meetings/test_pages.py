"""Meeting pages over HTTP: plain forms and htmx, clear 4xx for bad input, nothing lost.

A plain form post answers with a 303 redirect; the same post from htmx (the
HX-Request header) answers with just the part of the page that changed.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.actions import services as actions
from app.actions.models import Action
from app.chain.models import LogEntry
from app.dbtypes import LOCAL_ZONE, local_today
from app.decisions.models import Decision
from app.extensions import db
from app.meetings import agenda, attendance, captures, live, minutes, papers, planning
from app.meetings.models import AgendaItem, Attendance, Meeting, MeetingDecision, Paper
from app.notices.models import Announcement
from tests.conftest import client_for, count
from tests.factories import make_group, make_member
from tests.meetings.helpers import (
    finished,
    group_with_people,
    membership_of,
    plan,
    under_way,
    with_agenda,
)

HX = {"HX-Request": "true"}


def html(response) -> str:
    return response.get_data(as_text=True)


def is_fragment(text: str) -> bool:
    return "<html" not in text.lower() and "<!doctype" not in text.lower()


def day_fields(name: str, day) -> dict:
    # GOV.UK date inputs post day, month and year under the field's one name.
    return {name: [str(day.day), str(day.month), str(day.year)]}


def meeting_form(**overrides) -> dict:
    data = {
        "title": "Spring meeting",
        "kind": "group_meeting",
        **day_fields("day", local_today() + timedelta(days=7)),
        "starts_time": "18:30",
        "ends_time": "20:30",
        "place": "St Mark's church hall",
        "online_link": "",
        "access_notes": "",
        "description": "",
    }
    data.update(overrides)
    return data


def base(group, meeting) -> str:
    return f"/groups/{group.slug}/meetings/{meeting.id}"


# Planning through the form -------------------------------------------------------------


def test_planning_through_the_form_redirects_to_the_agenda(app, ctx):
    group, facilitator, _people = group_with_people(1)
    client = client_for(app, facilitator)
    response = client.post(
        f"/groups/{group.slug}/meetings/new",
        data=meeting_form(access_features=["step_free", "hearing_loop"]),
    )
    assert response.status_code == 303
    meeting = db.session.scalar(select(Meeting))
    assert response.headers["Location"].endswith(f"{base(group, meeting)}#agenda")
    local = meeting.starts_at.astimezone(LOCAL_ZONE)
    assert (local.date(), local.hour, local.minute) == (
        local_today() + timedelta(days=7),
        18,
        30,
    )
    assert meeting.access_features == ["step_free", "hearing_loop"]
    assert count(Announcement, Announcement.subject_kind == "meeting") == 1
    page = html(client.get(base(group, meeting)))
    assert "Spring meeting" in page and "Step-free access" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_time": "17:00"}, "The meeting must end after it starts"),
        (day_fields("day", local_today() - timedelta(days=1)), "start time has passed"),
        ({"place": "", "online_link": ""}, "Say where the meeting is"),
        ({"online_link": "javascript:alert(1)"}, "https://"),
        ({"kind": "party"}, "Not a valid choice"),
        ({"access_features": ["step_free", "free_beer"]}, "Choose"),
        ({"title": "x" * 201}, "at most 200"),
        ({"place": "p" * 301}, "at most 300"),
        ({"description": "d" * 5001}, "at most 5000"),
        ({"starts_time": "25:00"}, "Enter a time like 18:30"),
        ({"day": ["31", "2", "2030"]}, "Enter a real date"),
    ],
)
def test_bad_meeting_input_answers_422_keeps_what_was_typed_and_saves_nothing(
    app, ctx, overrides, message
):
    group, facilitator, _people = group_with_people(1)
    client = client_for(app, facilitator)
    data = meeting_form(**({"title": "Spring <meeting>"} | overrides))
    response = client.post(f"/groups/{group.slug}/meetings/new", data=data)
    assert response.status_code == 422
    page = html(response)
    assert message in page
    if "title" not in overrides:
        assert 'value="Spring &lt;meeting&gt;"' in page  # kept, and escaped
    assert count(Meeting) == count(Announcement) == 0


def test_changing_a_meeting_through_the_form_and_refusing_it_once_started(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    client = client_for(app, facilitator)
    url = f"{base(group, meeting)}/edit"
    page = html(client.get(url))
    assert 'value="18:30"' in page and 'value="20:30"' in page  # London times, as typed

    response = client.post(url, data=meeting_form(title=meeting.title, place="The library"))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).place == "The library"
    assert db.session.get(Meeting, meeting.id).sequence == 1

    response = client.post(url, data=meeting_form(ends_time="17:00"))
    assert response.status_code == 422
    assert "The meeting must end after it starts" in html(response)

    live.start_meeting(meeting)
    assert client.get(url).status_code == 409
    response = client.post(url, data=meeting_form(place="Elsewhere"))
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).place == "The library"


def test_cancelling_through_the_form(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    client = client_for(app, facilitator)
    url = f"{base(group, meeting)}/cancel"
    response = client.post(url, data={"reason": "  "})
    assert "Say why it is cancelled" in html(response)  # its status: see the 422 test below
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "planned"
    response = client.post(url, data={"reason": "The hall flooded"})
    assert response.status_code == 303
    page = html(client.get(base(group, meeting)))
    assert "This meeting is cancelled." in page and "The hall flooded" in page
    response = client.post(url, data={"reason": "Again"})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).cancel_reason == "The hall flooded"


# Answers ------------------------------------------------------------------------------


def test_a_resident_answers_with_the_rsvp_buttons(app, ctx):
    group, facilitator, people = group_with_people(2)
    rita = people[0][0]
    meeting = plan(group, facilitator)
    client = client_for(app, rita)
    page = html(client.get(base(group, meeting)))
    assert 'id="rsvp-coming"' in page

    response = client.post(f"{base(group, meeting)}/rsvp", data={"answer": "coming"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#rsvp")
    assert attendance.my_attendance(meeting, rita).rsvp == "coming"
    assert "You said you are coming." in html(client.get(base(group, meeting)))

    response = client.post(f"{base(group, meeting)}/rsvp", data={"answer": "apologies"}, headers=HX)
    assert response.status_code == 200
    fragment = html(response)
    assert is_fragment(fragment)
    assert fragment.lstrip().startswith('<section class="lb-section lb-rsvp" id="rsvp"')
    assert "You sent your apologies." in fragment
    db.session.expire_all()
    assert attendance.my_attendance(meeting, rita).rsvp == "apologies"
    assert count(Attendance) == 1


def test_a_bad_or_late_rsvp_is_refused(app, ctx):
    group, facilitator, people = group_with_people(1)
    rita = people[0][0]
    meeting = plan(group, facilitator)
    client = client_for(app, rita)
    for headers in ({}, HX):
        response = client.post(
            f"{base(group, meeting)}/rsvp", data={"answer": "maybe"}, headers=headers
        )
        assert response.status_code == 422
        assert "Choose whether you are coming" in html(response)
    planning.cancel_meeting(group, meeting, facilitator, "No room")
    for headers in ({}, HX):
        response = client.post(
            f"{base(group, meeting)}/rsvp", data={"answer": "coming"}, headers=headers
        )
        assert response.status_code == 409
        assert "answers are closed" in html(response)
    assert count(Attendance) == 0


# Who may see what --------------------------------------------------------------------


def test_a_resident_cannot_run_the_meeting_and_a_non_member_sees_nothing(app, ctx):
    group, facilitator, people = group_with_people(1)
    rita = people[0][0]
    meeting, _items = under_way(group, facilitator)
    stranger, _ = make_member(make_group(), "facilitator")
    resident = client_for(app, rita)
    outsider = client_for(app, stranger)
    assert resident.get(base(group, meeting)).status_code == 200
    assert "Run the meeting" not in html(resident.get(base(group, meeting)))
    assert resident.get(f"{base(group, meeting)}/live").status_code == 403
    rita_m = membership_of(group, rita)
    response = resident.post(
        f"{base(group, meeting)}/attendance", data={"member": rita_m.id, "state": "present"}
    )
    assert response.status_code == 403
    assert attendance.present_user_ids(meeting) == []
    for url in (
        base(group, meeting),
        f"{base(group, meeting)}/live",
        f"/groups/{group.slug}/meetings",
    ):
        assert outsider.get(url).status_code == 404
    assert client_for(app, facilitator).get(f"{base(group, meeting)}/live").status_code == 200
    # A meeting of another group is not found through this group's address.
    other_meeting = plan(*_other_group_and_facilitator())
    assert client_for(app, facilitator).get(base(group, other_meeting)).status_code == 404


def _other_group_and_facilitator():
    other = make_group()
    other_facilitator, _ = make_member(other, "facilitator")
    return other, other_facilitator


# Live mode: attendance -------------------------------------------------------------------


def test_checking_in_with_a_plain_form_redirects_and_with_htmx_answers_the_attendance_section(
    app, ctx
):
    group, facilitator, people = group_with_people(2)
    (rita, rita_m), (sam, sam_m) = people
    meeting, _items = under_way(group, facilitator)
    client = client_for(app, facilitator)
    url = f"{base(group, meeting)}/attendance"

    response = client.post(url, data={"member": rita_m.id, "state": "present"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{base(group, meeting)}/live#attendance")

    response = client.post(url, data={"member": sam_m.id, "state": "present"}, headers=HX)
    assert response.status_code == 200
    fragment = html(response)
    assert is_fragment(fragment)
    assert fragment.lstrip().startswith('<section id="attendance"')
    assert 'id="live-item"' not in fragment
    assert "2 of 3 members here" in fragment
    assert sorted(attendance.present_user_ids(meeting)) == sorted([rita.id, sam.id])

    response = client.post(url, data={"member": sam_m.id, "state": "clear"}, headers=HX)
    assert response.status_code == 200 and "1 of 3 members here" in html(response)
    assert attendance.present_user_ids(meeting) == [rita.id]


def test_an_htmx_check_in_shows_its_message_and_its_error_in_the_fragment(app, ctx):
    group, facilitator, people = group_with_people(1)
    (rita, rita_m) = people[0]
    meeting, _items = under_way(group, facilitator)
    _stranger, stranger_m = make_member(make_group(), "resident")
    client = client_for(app, facilitator)
    url = f"{base(group, meeting)}/attendance"
    response = client.post(url, data={"member": rita_m.id, "state": "present"}, headers=HX)
    assert f"{rita.name} is checked in." in html(response)
    response = client.post(url, data={"member": stranger_m.id, "state": "present"}, headers=HX)
    assert response.status_code == 422
    assert "not a member of this group" in html(response)


@pytest.mark.parametrize(
    "member",
    ["other-group", "abc", "", "-1", "1.5", "99999999999999999999999999", "0x10", " 7 "],
)
def test_checking_in_someone_who_is_not_a_member_answers_422_and_changes_nothing(app, ctx, member):
    group, facilitator, _people = group_with_people(1)
    _stranger, stranger_m = make_member(make_group(), "resident")
    meeting, _items = under_way(group, facilitator)
    client = client_for(app, facilitator)
    if member == "other-group":
        member = str(stranger_m.id)
    for headers in ({}, HX):
        response = client.post(
            f"{base(group, meeting)}/attendance",
            data={"member": member, "state": "present"},
            headers=headers,
        )
        assert response.status_code == 422, (member, response.status_code)
        if not headers:
            assert "not a member of this group" in html(response)
    assert count(Attendance) == 0


def test_attendance_after_the_meeting_finished_answers_409(app, ctx):
    group, facilitator, people = group_with_people(1)
    meeting, _items = finished(group, facilitator)
    client = client_for(app, facilitator)
    response = client.post(
        f"{base(group, meeting)}/attendance",
        data={"member": people[0][1].id, "state": "present"},
    )
    assert response.status_code == 409
    assert "before the meeting finishes" in html(response)
    assert count(Attendance) == 0


def test_guests_are_counted_and_junk_is_refused(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting, _items = under_way(group, facilitator)
    client = client_for(app, facilitator)
    url = f"{base(group, meeting)}/guests"
    assert client.post(url, data={"guests": "4"}).status_code == 303
    for junk in ("-3", "many", "1" * 30, ""):
        response = client.post(url, data={"guests": junk}, headers=HX)
        assert response.status_code == 422, junk
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).guests == 4


# Live mode: the agenda ---------------------------------------------------------------------


def test_starting_and_stepping_through_the_agenda(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    with_agenda(group, meeting)
    client = client_for(app, facilitator)
    response = client.post(f"{base(group, meeting)}/start")
    assert response.status_code == 303
    assert client.post(f"{base(group, meeting)}/start").status_code == 303  # harmless twice

    response = client.post(f"{base(group, meeting)}/step", data={"position": "2"})
    assert response.status_code == 303
    response = client.post(f"{base(group, meeting)}/step", data={"position": "3"}, headers=HX)
    assert response.status_code == 200
    fragment = html(response)
    assert is_fragment(fragment) and fragment.lstrip().startswith('<div id="live-item"')
    assert "Now: 3. Any other business" in fragment
    for junk in ("0", "4", "abc", "", "99999999999999999999", "-1"):
        response = client.post(f"{base(group, meeting)}/step", data={"position": junk})
        assert 400 <= response.status_code < 500, (junk, response.status_code)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).current_position == 3

    response = client.post(f"{base(group, meeting)}/finish", data={"confirm": "yes"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{base(group, meeting)}/minutes")
    response = client.post(f"{base(group, meeting)}/step", data={"position": "1"})
    assert response.status_code == 409


def test_finishing_a_meeting_says_what_happens_and_a_single_post_changes_nothing(app, ctx):
    group, facilitator, people = group_with_people(3)
    meeting, _items = under_way(group, facilitator)
    attendance.set_attendance(
        group, meeting, membership_of(group, people[0][0]).id, "present", facilitator
    )
    client = client_for(app, facilitator)
    url = f"{base(group, meeting)}/finish"
    live_page = html(client.get(f"{base(group, meeting)}/live"))
    assert f'href="{url}"' in live_page and f'action="{url}"' not in live_page  # a link, not a tap

    page = client.get(url)
    bare = client.post(url)  # the old one-tap button, or a forged form
    hx = client.post(url, headers=HX)

    for response in (page, bare, hx):
        assert response.status_code == 200
        text = html(response)
        assert (
            "Finish the meeting?" in text and "1 of the 4 members is checked in as present" in text
        )
        assert 'name="confirm" value="yes"' in text and "Go back" in text
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert stored.status == "under_way" and stored.finished_at is None

    assert client.post(url, data={"confirm": "yes"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "finished"
    assert client.get(url).status_code == 303  # finished already: back to the live page


def test_moving_agenda_items_with_the_order_the_page_showed(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    a, b, c = with_agenda(group, meeting, ("A", "B", "C"))
    client = client_for(app, facilitator)
    page = html(client.get(base(group, meeting)))
    shown = f"{a.id},{b.id},{c.id}"
    assert f'name="order" value="{shown}"' in page

    url = f"{base(group, meeting)}/agenda/{c.id}/move"
    response = client.post(url, data={"direction": "up", "order": shown})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#item-{c.id}")

    # The same page, clicked again: the agenda has changed since, so nothing moves.
    response = client.post(
        f"{base(group, meeting)}/agenda/{a.id}/move", data={"direction": "down", "order": shown}
    )
    assert response.status_code == 409
    assert "The agenda changed since you opened this page" in html(response)
    db.session.expire_all()
    assert [r.item.title for r in agenda.agenda(meeting)] == ["A", "C", "B"]


@pytest.mark.parametrize(
    "order", ["1,abc", "abc", ",,,", "1;2;3", "9" * 40, "-1,-2", "1.0,2.0", "%00"]
)
def test_a_junk_order_never_gives_a_server_error_and_moves_nothing(app, ctx, order):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    a, _b = with_agenda(group, meeting, ("A", "B"))
    client = client_for(app, facilitator)
    response = client.post(
        f"{base(group, meeting)}/agenda/{a.id}/move", data={"direction": "down", "order": order}
    )
    assert 400 <= response.status_code < 500, response.status_code
    db.session.expire_all()
    assert [r.item.title for r in agenda.agenda(meeting)] == ["A", "B"]


def test_adding_agenda_items_through_the_form(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    client = client_for(app, facilitator)
    url = f"{base(group, meeting)}/agenda/new"
    data = {
        "title": "Damp survey",
        "lead": "Owen",
        "minutes_allowed": "20",
        "priority_id": "0",
        "ballot_id": "0",
        "decision_id": "0",
    }
    response = client.post(url, data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith("#agenda")
    response = client.post(url, data={**data, "title": "Welcome", "another": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/agenda/new")

    other_decision = _other_groups_decision()
    for bad, message in (
        ({"title": ""}, "Enter what the item is about"),
        ({"title": "t" * 201}, "at most 200"),
        ({"minutes_allowed": "lots"}, "Enter a whole number"),
        ({"minutes_allowed": "601"}, "from 1 to 600"),
        ({"decision_id": str(other_decision.id)}, "Not a valid choice"),
        ({"priority_id": "abc"}, "Invalid Choice"),
        ({"details": "d" * 5001}, "at most 5000"),
    ):
        response = client.post(url, data={**data, **bad})
        assert response.status_code != 303, bad  # its status: see the 422 test below
        assert message in html(response), bad
    assert [r.item.title for r in agenda.agenda(meeting)] == ["Damp survey", "Welcome"]


def _other_groups_decision():
    from tests.decisions.helpers import record

    other, other_facilitator = _other_group_and_facilitator()
    return record(other, other_facilitator)


def test_an_item_with_notes_cannot_be_removed(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting, (first, second, _third) = under_way(group, facilitator)
    live.save_notes(meeting, first, facilitator, "Said hello.", 0)
    client = client_for(app, facilitator)
    response = client.post(f"{base(group, meeting)}/agenda/{first.id}/remove")
    assert response.status_code == 409
    assert "stays on the record" in html(response)
    response = client.post(f"{base(group, meeting)}/agenda/{second.id}/remove")
    assert response.status_code == 303
    assert count(AgendaItem) == 2


def test_papers_through_the_form_are_web_links_only(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    client = client_for(app, facilitator)
    url = f"{base(group, meeting)}/papers"
    response = client.post(url, data={"title": "Survey", "url": "javascript:alert(1)"})
    assert response.status_code == 422 and "https://" in html(response)
    response = client.post(url, data={"title": "Survey", "url": "https://e.org/" + "x" * 500})
    assert "at most 500" in html(response)  # its status: see the 422 test below
    assert count(Paper) == 0
    response = client.post(url, data={"title": "Survey", "url": "https://e.org/survey.pdf"})
    assert response.status_code == 303
    assert 'href="https://e.org/survey.pdf"' in html(client.get(base(group, meeting)))


# Live mode: notes ----------------------------------------------------------------------------


def test_a_notes_conflict_answers_409_and_shows_both_texts(app, ctx):
    group, facilitator, _people = group_with_people(1)
    helper, _ = make_member(group, "resident_adviser", name="Ade Adviser")
    meeting, (item, *_rest) = under_way(group, facilitator)
    url = f"{base(group, meeting)}/agenda/{item.id}/notes"
    first, second = client_for(app, helper), client_for(app, facilitator)

    response = first.post(url, data={"notes-notes": "Ade's notes.", "notes-version": "0"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#notes")

    for headers in ({}, HX):
        response = second.post(
            url, data={"notes-notes": "Fatima's notes.", "notes-version": "0"}, headers=headers
        )
        assert response.status_code == 409
        page = html(response)
        assert "Someone else saved these notes" in page
        assert "Ade&#39;s notes." in page  # theirs, shown beside
        assert "Fatima&#39;s notes." in page  # mine, still in the box
        assert re.search(r'name="notes-version"[^>]*value="1"', page)  # save again: knowingly
        if headers:
            assert is_fragment(page) and page.lstrip().startswith('<section id="notes"')
    db.session.expire_all()
    assert agenda.get_item(meeting, item.id).notes == "Ade's notes."

    response = second.post(
        url, data={"notes-notes": "Ade's notes. Fatima's notes.", "notes-version": "1"}, headers=HX
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert agenda.get_item(meeting, item.id).notes == "Ade's notes. Fatima's notes."


@pytest.mark.parametrize(
    "data",
    [
        {"notes-notes": "n" * 20_001, "notes-version": "0"},
        {"notes-notes": "ok", "notes-version": "abc"},
        {"notes-notes": "ok"},
    ],
)
def test_bad_notes_answer_422_and_save_nothing(app, ctx, data):
    group, facilitator, _people = group_with_people(1)
    meeting, (item, *_rest) = under_way(group, facilitator)
    client = client_for(app, facilitator)
    response = client.post(f"{base(group, meeting)}/agenda/{item.id}/notes", data=data)
    assert response.status_code == 422
    db.session.expire_all()
    assert agenda.get_item(meeting, item.id).notes == ""


def test_notes_sent_without_their_version_number_say_what_went_wrong(app, ctx):
    # The version is a hidden field, so no box on the page can carry its message.
    group, facilitator, _people = group_with_people(1)
    meeting, (item, *_rest) = under_way(group, facilitator)
    client = client_for(app, facilitator)
    for headers in ({}, HX):
        response = client.post(
            f"{base(group, meeting)}/agenda/{item.id}/notes",
            data={"notes-notes": "", "notes-submit": "y"},
            headers=headers,
        )
        assert response.status_code == 422
        assert "These notes were not sent whole. Reload the page" in html(response)


def test_a_version_number_too_big_for_the_database_never_gives_a_server_error(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting, (item, *_rest) = under_way(group, facilitator)
    client = client_for(app, facilitator)
    huge = "9" * 30
    response = client.post(
        f"{base(group, meeting)}/agenda/{item.id}/notes",
        data={"notes-notes": "ok", "notes-version": huge},
    )
    assert 400 <= response.status_code < 500, response.status_code
    live.finish_meeting(meeting)
    response = client.post(f"{base(group, meeting)}/minutes", data={"text": "ok", "version": huge})
    assert 400 <= response.status_code < 500, response.status_code
    db.session.expire_all()
    assert agenda.get_item(meeting, item.id).notes == ""
    assert db.session.get(Meeting, meeting.id).minutes_version == 0


def _edit_urls(group, meeting, item, action):
    no_date = {"owner_name": "X", "due_on": ["", "", ""]}
    return {
        "cancel": (f"{base(group, meeting)}/cancel", {"reason": ""}),
        "agenda_new": (f"{base(group, meeting)}/agenda/new", {"title": ""}),
        "agenda_edit": (f"{base(group, meeting)}/agenda/{item.id}", {"title": ""}),
        "papers": (f"{base(group, meeting)}/papers", {"title": "", "url": "https://e.org"}),
        "action_new": (f"/groups/{group.slug}/actions/new", {"title": "", **no_date}),
        "action_edit": (f"/groups/{group.slug}/actions/{action.id}/edit", {"title": "", **no_date}),
    }


@pytest.mark.parametrize(
    "view", ["cancel", "agenda_new", "agenda_edit", "papers", "action_new", "action_edit"]
)
def test_a_form_that_fails_validation_answers_422(app, ctx, view):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    item = agenda.add_item(group, meeting, title="Welcome")
    action = actions.create_action(group, facilitator, title="Fix it", owner_name="Highways")
    url, data = _edit_urls(group, meeting, item, action)[view]
    response = client_for(app, facilitator).post(url, data=data)
    assert response.status_code == 422


@pytest.mark.parametrize(
    "view", ["cancel", "agenda_new", "agenda_edit", "papers", "action_new", "action_edit"]
)
def test_a_form_that_fails_validation_shows_the_error_and_saves_nothing(app, ctx, view):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    item = agenda.add_item(group, meeting, title="Welcome")
    action = actions.create_action(group, facilitator, title="Fix it", owner_name="Highways")
    url, data = _edit_urls(group, meeting, item, action)[view]
    response = client_for(app, facilitator).post(url, data=data)
    assert response.status_code != 303
    assert "govuk-error-summary" in html(response)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "planned"
    assert [r.item.title for r in agenda.agenda(meeting)] == ["Welcome"]
    assert count(Paper) == 0
    assert [a.title for a in db.session.scalars(select(Action))] == ["Fix it"]


def _date_form(group, meeting, people, form):
    """The URL, the date field's name, and good data for a form with a date in it."""
    if form == "meeting":
        return f"/groups/{group.slug}/meetings/new", "day", meeting_form()
    owner = str(people[0][0].id)
    if form == "action":
        data = {"title": "Fix it", "owner_id": owner, "decision_id": "0", "priority_id": "0"}
        return f"/groups/{group.slug}/actions/new", "due_on", data
    return f"{base(group, meeting)}/actions", "action-due_on", action_form(owner_id=owner)


@pytest.mark.parametrize("parts", [["7"], ["7", "3"], ["7", "3", "2030", "9"]])
@pytest.mark.parametrize("form", ["meeting", "action", "capture"])
def test_a_date_with_missing_or_extra_parts_never_gives_a_server_error(app, ctx, form, parts):
    group, facilitator, people = group_with_people(1)
    meeting, _items = under_way(group, facilitator)
    url, name, data = _date_form(group, meeting, people, form)
    data[name] = parts
    response = client_for(app, facilitator).post(url, data=data)
    assert response.status_code == 422, response.status_code
    assert "Enter a real date" in html(response)
    assert count(Meeting) == 1 and count(Action) == 0


@pytest.mark.parametrize("form", ["meeting", "action", "capture"])
def test_a_form_sent_without_its_date_field_shows_its_errors_without_a_server_error(app, ctx, form):
    group, facilitator, people = group_with_people(1)
    meeting, _items = under_way(group, facilitator)
    url, name, data = _date_form(group, meeting, people, form)
    data.pop(name, None)
    data["action-title" if form == "capture" else "title"] = ""
    response = client_for(app, facilitator).post(url, data=data)
    assert response.status_code == 422, response.status_code
    assert count(Meeting) == 1 and count(Action) == 0


# Live mode: decisions and actions ----------------------------------------------------------


def decision_form(key: str = "key-1", **overrides) -> dict:
    data = {
        "decision-capture_key": key,
        "decision-title": "Small grant pays for a damp advice session",
        "decision-summary": "The rest of the grant pays for a drop-in session.",
        "decision-decided_by_kind": "council_cabinet",
        "decision-decided_by_name": "",
        "decision-forward_plan_id": "0",
        "decision-short_notice_reason": "",
    }
    data.update({f"decision-{k}": v for k, v in overrides.items()})
    return data


def test_capturing_a_decision_with_a_plain_form_and_sending_it_twice(app, ctx):
    group, facilitator, people = group_with_people(3)
    meeting, _items = under_way(group, facilitator)
    client = client_for(app, facilitator)
    for _person, membership in people[:2]:
        client.post(
            f"{base(group, meeting)}/attendance", data={"member": membership.id, "state": "present"}
        )
    page = html(client.get(f"{base(group, meeting)}/live"))
    key = re.search(r'name="decision-capture_key"[^>]*value="([^"]+)"', page).group(1)

    url = f"{base(group, meeting)}/decisions"
    response = client.post(url, data=decision_form(key))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{base(group, meeting)}/live#captured")
    decision = db.session.scalar(select(Decision))
    assert decision is not None

    response = client.post(url, data=decision_form(key))
    assert response.status_code == 409
    assert "already been recorded" in html(response)
    assert (
        count(Decision)
        == count(LogEntry, LogEntry.kind == "decision")
        == count(MeetingDecision)
        == 1
    )

    # The who-was-told record: the two checked in, in person, at the moment it was taken.
    told = client.get(f"/groups/{group.slug}/decisions/{decision.id}/informed.json").get_json()
    rows = {row["name"]: row for row in told["members"]}
    in_person = {name for name, row in rows.items() if row["channel"] == "in_person"}
    assert in_person == {p.name for p, _m in people[:2]}
    assert all(rows[name]["first_told_at"] == told["decided_at"] for name in in_person)
    assert all(rows[name]["status"] == "told_on_time" for name in in_person)
    assert rows[people[2][0].name]["status"] == "not_told"

    # The decision's page says where it was taken.
    page = html(client.get(f"/groups/{group.slug}/decisions/{decision.id}"))
    assert "At the meeting" in page and f'href="{base(group, meeting)}"' in page


def test_capturing_with_htmx_answers_the_capture_section_and_the_list_of_captures(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting, _items = under_way(group, facilitator)
    client = client_for(app, facilitator)
    response = client.post(f"{base(group, meeting)}/decisions", data=decision_form(), headers=HX)
    assert response.status_code == 200
    fragment = html(response)
    assert is_fragment(fragment)
    assert fragment.lstrip().startswith('<section id="capture-decision"')
    assert 'id="captured"' in fragment and 'hx-swap-oob="true"' in fragment
    assert "1. Small grant pays for a damp advice session" in fragment
    assert count(Decision) == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"decided_by_kind": "group_vote"}, "less than 28 days"),
        ({"title": ""}, "Enter what was decided"),
        ({"title": "t" * 201}, "at most 200"),
        ({"summary": "s" * 2001}, "at most 2000"),
        ({"decided_by_kind": "the mayor"}, "Not a valid choice"),
        ({"forward_plan_id": "abc"}, "Invalid Choice"),
        ({"forward_plan_id": "99999999999999999999"}, "Not a valid choice"),
    ],
)
def test_bad_decisions_in_live_mode_answer_422_with_the_error_and_record_nothing(
    app, ctx, overrides, message
):
    group, facilitator, _people = group_with_people(1)
    meeting, _items = under_way(group, facilitator)
    client = client_for(app, facilitator)
    for headers in ({}, HX):
        response = client.post(
            f"{base(group, meeting)}/decisions", data=decision_form(**overrides), headers=headers
        )
        assert response.status_code == 422
        assert message in html(response)
    assert (
        count(Decision)
        == count(LogEntry, LogEntry.kind == "decision")
        == count(MeetingDecision)
        == 0
    )


def test_capturing_before_the_meeting_starts_answers_409_and_records_nothing(app, ctx):
    group, facilitator, people = group_with_people(1)
    meeting = plan(group, facilitator)
    client = client_for(app, facilitator)
    response = client.post(f"{base(group, meeting)}/decisions", data=decision_form())
    assert response.status_code == 409
    response = client.post(
        f"{base(group, meeting)}/actions", data=action_form(owner_id=str(people[0][0].id))
    )
    assert response.status_code == 409
    response = client.post(
        f"{base(group, meeting)}/decisions", data=decision_form(key="k2"), headers=HX
    )
    assert response.status_code == 409 and "Start the meeting first" in html(response)
    assert count(Decision) == count(Action) == 0


def test_a_plain_capture_before_the_start_says_to_start_the_meeting_first(app, ctx):
    group, facilitator, people = group_with_people(1)
    meeting = plan(group, facilitator)
    client = client_for(app, facilitator)
    response = client.post(f"{base(group, meeting)}/decisions", data=decision_form())
    assert response.status_code == 409 and "Start the meeting first" in html(response)
    response = client.post(
        f"{base(group, meeting)}/actions", data=action_form(owner_id=str(people[0][0].id))
    )
    assert response.status_code == 409 and "Start the meeting first" in html(response)


def test_only_facilitators_capture_decisions_but_advisers_capture_actions(app, ctx):
    group, facilitator, people = group_with_people(1)
    adviser, _ = make_member(group, "resident_adviser")
    meeting, _items = under_way(group, facilitator)
    client = client_for(app, adviser)
    assert client.get(f"{base(group, meeting)}/live").status_code == 200
    response = client.post(f"{base(group, meeting)}/decisions", data=decision_form())
    assert response.status_code == 403
    assert count(Decision) == 0
    response = client.post(
        f"{base(group, meeting)}/actions",
        data=action_form(owner_id=str(people[0][0].id)),
    )
    assert response.status_code == 303
    assert count(Action) == 1


@pytest.mark.parametrize("form", ["decisions", "actions"])
@pytest.mark.parametrize("key", ["", "z" * 41, "z" * 1000], ids=["none", "41", "1000"])
def test_a_capture_whose_key_the_page_did_not_make_is_refused_and_nothing_kept(app, ctx, form, key):
    # PostgreSQL cannot store a key longer than its 40-character column: that was a 500.
    group, facilitator, _people = group_with_people(1)
    meeting, _items = under_way(group, facilitator)
    client = client_for(app, facilitator)
    data = decision_form(key) if form == "decisions" else action_form(key, owner_name="Homes")

    response = client.post(f"{base(group, meeting)}/{form}", data=data)

    assert response.status_code == 422
    assert "Reload the page and try again" in html(response)
    assert count(Decision) == count(MeetingDecision) == count(Action) == 0


def action_form(key: str = "action-key", **overrides) -> dict:
    data = {
        "action-capture_key": key,
        "action-title": "Book the church hall",
        "action-owner_id": "0",
        "action-owner_name": "",
        "action-due_on": ["", "", ""],
        "action-decision_id": "0",
    }
    data.update({f"action-{k}": v for k, v in overrides.items()})
    return data


def test_capturing_an_action_tells_its_owner_and_bad_owners_are_refused(app, ctx):
    group, facilitator, people = group_with_people(1)
    ade = people[0][0]
    stranger, _ = make_member(make_group(), "resident")
    meeting, _items = under_way(group, facilitator)
    client = client_for(app, facilitator)
    url = f"{base(group, meeting)}/actions"
    due = local_today() + timedelta(days=14)
    for bad, message in (
        ({"owner_id": str(stranger.id)}, "Not a valid choice"),
        ({"owner_id": "0"}, "Choose who will do it"),
        ({"owner_id": str(ade.id), "due_on": ["1", "1", "2000"]}, "has passed"),
        ({"owner_id": str(ade.id), "due_on": ["31", "2", "2030"]}, "Enter a real date"),
        ({"owner_id": str(ade.id), "title": "t" * 301}, "at most 300"),
    ):
        response = client.post(url, data=action_form(**bad))
        assert response.status_code == 422, bad
        assert message in html(response), bad
    assert count(Action) == 0

    response = client.post(
        url,
        data=action_form(
            owner_id=str(ade.id), due_on=[str(due.day), str(due.month), str(due.year)]
        ),
        headers=HX,
    )
    assert response.status_code == 200
    fragment = html(response)
    assert is_fragment(fragment) and fragment.lstrip().startswith('<section id="capture-action"')
    action = db.session.scalar(select(Action))
    assert (action.owner_id, action.due_on, action.meeting_id) == (ade.id, due, meeting.id)
    assert count(Announcement, Announcement.subject_kind == "action") == 1
    response = client.post(
        url,
        data=action_form(
            owner_id=str(ade.id), due_on=[str(due.day), str(due.month), str(due.year)]
        ),
    )
    assert response.status_code == 409
    assert count(Action) == 1


def test_telling_the_room_about_a_decision_on_the_agenda(app, ctx):
    from tests.decisions.helpers import record

    group, facilitator, people = group_with_people(2)
    (rita, rita_m), (sam, _sam_m) = people
    earlier = record(group, facilitator, title="Bins move to Tuesdays")
    meeting = plan(group, facilitator)
    agenda.add_item(group, meeting, title="Council news", decision_id=earlier.id)
    live.start_meeting(meeting)
    attendance.set_attendance(group, meeting, rita_m.id, "present", facilitator)
    client = client_for(app, facilitator)
    page = html(client.get(f"{base(group, meeting)}/live"))
    assert "Record that everyone here has been told about decision 1" in page
    response = client.post(f"{base(group, meeting)}/tell", data={"decision": str(earlier.id)})
    assert response.status_code == 303
    told = client.get(f"/groups/{group.slug}/decisions/{earlier.id}/informed.json").get_json()
    channels = {row["name"]: row["channel"] for row in told["members"]}
    assert channels[rita.name] == "in_person" and channels[sam.name] is None
    for junk in ("abc", "", "99999999999999999999", str(_other_groups_decision().id)):
        response = client.post(f"{base(group, meeting)}/tell", data={"decision": junk})
        assert 400 <= response.status_code < 500, (junk, response.status_code)


# Minutes -----------------------------------------------------------------------------------


def test_writing_and_publishing_minutes_through_the_page(app, ctx):
    group, facilitator, people = group_with_people(1)
    rita = people[0][0]
    meeting, _items = finished(group, facilitator)
    first, second = client_for(app, facilitator), client_for(app, facilitator)
    url = f"{base(group, meeting)}/minutes"

    page = html(first.get(url))
    assert "## 1. Welcome" in page  # the draft, written from what was captured
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).minutes_version == 0  # and not stored
    assert "The minutes have not been published yet" in html(client_for(app, rita).get(url))
    assert "## 1. Welcome" not in html(client_for(app, rita).get(url))
    assert client_for(app, rita).post(url, data={"text": "Mine", "version": "0"}).status_code == 403

    response = first.post(url, data={"text": "Fatima's minutes.", "version": "0"})
    assert response.status_code == 303
    response = second.post(url, data={"text": "Ade's minutes.", "version": "0"})
    assert response.status_code == 409
    page = html(response)
    assert "Someone else saved the minutes" in page
    assert "Fatima&#39;s minutes." in page and "Ade&#39;s minutes." in page
    assert re.search(r'name="version"[^>]*value="1"', page)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).minutes_text == "Fatima's minutes."

    response = second.post(
        url,
        data={"text": "Fatima's minutes. Ade's too.", "version": "1", "publish": "1"},
    )
    assert response.status_code == 200 and "Publish the minutes?" in html(response)
    response = second.post(
        url,
        data={"text": "Fatima's minutes. Ade's too.", "version": "1", "publish": "1"}
        | {"confirm": "yes"},
    )
    assert response.status_code == 303
    assert count(Announcement, Announcement.subject_kind == "minutes") == 1
    assert "<p>Fatima's minutes. Ade's too.</p>" in html(client_for(app, rita).get(url))

    again = {"text": "Again", "version": "2", "publish": "1", "confirm": "yes"}
    response = first.post(url, data=again)
    assert response.status_code == 409
    assert "already been published" in html(response)
    assert count(Announcement, Announcement.subject_kind == "minutes") == 1
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).minutes_text == "Fatima's minutes. Ade's too."


def test_previewing_minutes_shows_them_as_members_will_and_stores_nothing(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting, _items = finished(group, facilitator)
    client = client_for(app, facilitator)
    url = f"{base(group, meeting)}/minutes"
    assert client.post(url, data={"text": "First draft.", "version": "0"}).status_code == 303
    typed = "# Repairs\n\n- Damp in block C\n- Lifts\n\n<script>alert('x')</script>"

    response = client.post(url, data={"text": typed, "version": "1", "preview": "1"})

    assert response.status_code == 200
    page = html(response)
    preview = page.split('id="preview"', 1)[1].split("</section>", 1)[0]
    assert "<h2>Repairs</h2>" in preview
    assert "<li>Damp in block C</li>" in preview
    assert "<script" not in preview  # shown as text, never run
    assert "&lt;script&gt;" in preview
    box = re.search(r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert "# Repairs" in box and "- Damp in block C" in box
    assert re.search(r'name="version"[^>]*value="1"', page)
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert (stored.minutes_text, stored.minutes_version) == ("First draft.", 1)
    assert stored.minutes_published_at is None
    assert count(Announcement, Announcement.subject_kind == "minutes") == 0


def test_a_preview_is_not_a_save_nor_a_publish_and_empty_minutes_are_still_refused(app, ctx):
    group, facilitator, people = group_with_people(1)
    meeting, _items = finished(group, facilitator)
    client = client_for(app, facilitator)
    url = f"{base(group, meeting)}/minutes"

    response = client.post(
        url, data={"text": "All agreed.", "version": "0", "preview": "1", "publish": "1"}
    )
    assert response.status_code == 200 and "Publish the minutes?" not in html(response)
    response = client.post(url, data={"text": "", "version": "0", "preview": "1"})
    assert response.status_code == 422 and "The minutes cannot be empty" in html(response)
    rita = people[0][0]
    response = client_for(app, rita).post(
        url, data={"text": "Mine", "version": "0", "preview": "1"}
    )
    assert response.status_code == 403
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert (stored.minutes_version, stored.minutes_published_at) == (0, None)
    assert count(Announcement, Announcement.subject_kind == "minutes") == 0


def test_publishing_minutes_asks_first_and_a_single_post_changes_nothing(app, ctx):
    group, facilitator, people = group_with_people(2)
    meeting, _items = finished(group, facilitator)
    client = client_for(app, facilitator)
    url = f"{base(group, meeting)}/minutes"
    sent = {"text": "What we agreed.", "version": "0", "publish": "1"}

    response = client.post(url, data=sent)

    assert response.status_code == 200
    page = html(response)
    assert "Publish the minutes?" in page and "All 3 members of" in page
    assert 'name="text" value="What we agreed."' in page and 'name="confirm" value="yes"' in page
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert stored.minutes_published_at is None and stored.minutes_version == 0
    assert count(Announcement, Announcement.subject_kind == "minutes") == 0

    assert client.post(url, data=sent | {"confirm": "yes"}).status_code == 303
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert stored.minutes_published_at is not None and stored.minutes_text == "What we agreed."
    assert count(Announcement, Announcement.subject_kind == "minutes") == 1


def test_minutes_cannot_be_posted_before_the_meeting_finishes(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting, _items = under_way(group, facilitator)
    client = client_for(app, facilitator)
    response = client.post(
        f"{base(group, meeting)}/minutes", data={"text": "Early", "version": "0", "publish": "1"}
    )
    assert response.status_code == 409
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert stored.minutes_text == "" and stored.minutes_published_at is None


@pytest.mark.parametrize(
    "data",
    [
        {"text": "t" * 100_001, "version": "1"},
        {"text": "", "version": "1"},
        {"text": "ok", "version": "abc"},
        {"text": "ok"},
    ],
)
def test_bad_minutes_answer_422_and_keep_the_draft(app, ctx, data):
    group, facilitator, _people = group_with_people(1)
    meeting, _items = finished(group, facilitator)
    client = client_for(app, facilitator)
    url = f"{base(group, meeting)}/minutes"
    assert client.post(url, data={"text": "The draft so far.", "version": "0"}).status_code == 303
    response = client.post(url, data=data)
    assert response.status_code == 422
    db.session.expire_all()
    stored = db.session.get(Meeting, meeting.id)
    assert (stored.minutes_text, stored.minutes_version) == ("The draft so far.", 1)


# Hostile input ------------------------------------------------------------------------------


def test_a_script_in_a_title_is_shown_as_text_everywhere(app, ctx):
    group, facilitator, people = group_with_people(1)
    script = "<script>alert(1)</script>"
    meeting = plan(group, facilitator, title=f"Meeting {script}", place=f"Hall {script}")
    agenda.add_item(group, meeting, title=f"Item {script}", lead=script)
    papers.add_paper(meeting, facilitator, title=f"Paper {script}", url="https://e.org/p")
    live.start_meeting(meeting)
    live.save_notes(meeting, agenda.agenda(meeting)[0].item, facilitator, f"Notes {script}", 0)
    captures.capture_action(
        group,
        meeting,
        None,
        facilitator,
        capture_key="a",
        title=f"Action {script}",
        owner_id=people[0][0].id,
    )
    client = client_for(app, facilitator)
    for url in (
        base(group, meeting),
        f"{base(group, meeting)}/live",
        f"{base(group, meeting)}/print",
        f"{base(group, meeting)}/papers",
        f"/groups/{group.slug}/meetings",
        f"/groups/{group.slug}/actions",
        f"/groups/{group.slug}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        page = html(response)
        assert script not in page, url
        assert "&lt;script&gt;" in page, url
    live.finish_meeting(meeting)
    page = html(client.get(f"{base(group, meeting)}/minutes"))
    assert script not in page and "&lt;script&gt;" in page


def test_huge_input_is_refused_without_a_server_error(app, ctx):
    group, facilitator, people = group_with_people(1)
    meeting, (item, *_rest) = under_way(group, facilitator)
    client = client_for(app, facilitator)
    huge = "x" * 200_000
    for url, data in (
        (f"/groups/{group.slug}/meetings/new", meeting_form(title=huge)),
        (f"/groups/{group.slug}/meetings/new", meeting_form(access_notes=huge)),
        (
            f"{base(group, meeting)}/agenda/{item.id}/notes",
            {"notes-notes": huge, "notes-version": "0"},
        ),
        (f"{base(group, meeting)}/decisions", decision_form(summary=huge)),
        (f"{base(group, meeting)}/decisions", decision_form(short_notice_reason=huge)),
        (f"{base(group, meeting)}/actions", action_form(title=huge, owner_id=str(people[0][0].id))),
        (f"{base(group, meeting)}/rsvp", {"answer": huge}),
        (f"{base(group, meeting)}/guests", {"guests": "9" * 5000}),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 422, (url, response.status_code)
    assert count(Meeting) == 1
    assert count(Decision) == count(Action) == count(Paper) == 0
    assert agenda.get_item(meeting, item.id).notes == ""


def test_the_live_page_search_box_takes_any_text(app, ctx):
    group, facilitator, people = group_with_people(2)
    meeting, _items = under_way(group, facilitator)
    client = client_for(app, facilitator)
    rita = people[0][0]
    page = html(client.get(f"{base(group, meeting)}/live?name={rita.name}"))
    assert f'id="member-{membership_of(group, rita).id}"' in page
    assert f'id="member-{people[1][1].id}"' not in page
    for junk in ("%", "_", "'; DROP TABLE users; --", "x" * 5000, "<b>"):
        response = client.get(f"{base(group, meeting)}/live", query_string={"name": junk})
        assert response.status_code == 200, junk
        assert "<b>" not in html(response).split('id="find-member"')[1][:200]


# Lists, print and what a decision links to ------------------------------------------------


def test_the_meetings_list_shows_upcoming_and_past_meetings(app, ctx):
    from tests.meetings.helpers import held_earlier

    group, facilitator, people = group_with_people(1)
    plan(group, facilitator, title="Next week's meeting")
    earlier, _items = held_earlier(group, facilitator, hours_ago=30)
    live.finish_meeting(earlier)
    client = client_for(app, people[0][0])
    upcoming = html(client.get(f"/groups/{group.slug}/meetings"))
    past = html(client.get(f"/groups/{group.slug}/meetings?past=1"))
    assert "Next week&#39;s meeting" in upcoming and f'/meetings/{earlier.id}"' not in upcoming
    assert f'/meetings/{earlier.id}"' in past and "Next week&#39;s meeting" not in past
    assert client.get(f"/groups/{group.slug}/meetings?page=abc&past=x").status_code == 200


def test_the_print_view_shows_the_agenda_and_once_published_the_minutes(app, ctx):
    group, facilitator, people = group_with_people(1)
    rita, rita_m = people[0]
    meeting, _items = under_way(group, facilitator, ("Welcome", "Damp survey"))
    attendance.set_attendance(group, meeting, rita_m.id, "present", facilitator)
    client = client_for(app, rita)
    url = f"{base(group, meeting)}/print"
    page = html(client.get(url))
    assert "Damp survey" in page and "Private draft words" not in page
    assert client.get(url + "?large=1").status_code == 200
    live.finish_meeting(meeting)
    minutes.start_minutes(group, meeting)
    minutes.save_minutes(meeting, "Private draft words", 1)
    assert "Private draft words" not in html(client.get(url))  # a draft is not shown
    minutes.publish_minutes(group, meeting, facilitator)
    page = html(client.get(url))
    assert "Private draft words" in page and rita.name in page


def test_a_decision_taken_at_a_meeting_links_to_it_and_to_what_is_being_done(app, ctx):
    group, facilitator, people = group_with_people(1)
    ade = people[0][0]
    meeting, items = under_way(group, facilitator)
    decision = captures.capture_decision(
        group,
        meeting,
        items[0],
        facilitator,
        capture_key="k",
        title="Ask for a week's notice",
        summary="Of each survey visit.",
        decided_by_kind="council_cabinet",
    )
    captures.capture_action(
        group,
        meeting,
        None,
        facilitator,
        capture_key="a",
        title="Write to Riverside Homes",
        owner_id=ade.id,
        decision_id=decision.id,
    )
    live.finish_meeting(meeting)
    client = client_for(app, ade)
    page = html(client.get(f"/groups/{group.slug}/decisions/{decision.id}"))
    assert "At the meeting" in page and f'href="{base(group, meeting)}"' in page
    assert "What is being done about it" in page and "Write to Riverside Homes" in page
    page = html(client.get(base(group, meeting)))
    assert "What the meeting decided and agreed" in page
    assert "Ask for a week&#39;s notice" in page and "Write to Riverside Homes" in page
