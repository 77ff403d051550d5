"""Calendars: each group's meetings.ics and each member's private feed, as valid iCalendar."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from app.accounts import services as accounts
from app.extensions import db
from app.meetings import planning
from tests.conftest import client_for
from tests.factories import make_group, make_member
from tests.meetings.helpers import edit_meeting, group_with_people, next_week, plan


def _events(response) -> dict[str, object]:
    """The VEVENTs of an iCalendar answer, by UID."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.get_data())
    assert str(calendar["version"]) == "2.0" and calendar["prodid"]
    events = calendar.walk("VEVENT")
    by_uid = {str(e["uid"]): e for e in events}
    assert len(by_uid) == len(events), "every UID appears once"
    return by_uid


def _one(events, meeting):
    found = [e for uid, e in events.items() if uid.startswith(f"meeting-{meeting.id}@")]
    assert len(found) == 1, list(events)
    return found[0]


def test_the_group_calendar_has_one_event_per_meeting(app, ctx):
    group, facilitator, people = group_with_people(1)
    first = plan(
        group,
        facilitator,
        title="Spring meeting",
        online_link="https://meet.example.org/spring",
        description="The damp survey.",
    )
    second = plan(group, facilitator, title="Summer fair", kind="public_event", **_at(14))
    other = make_group()
    other_facilitator, _ = make_member(other, "facilitator")
    plan(other, other_facilitator, title="Not ours")

    events = _events(client_for(app, people[0][0]).get(f"/groups/{group.slug}/meetings.ics"))
    assert len(events) == 2
    event = _one(events, first)
    assert str(event["uid"]) == f"meeting-{first.id}@localhost"
    assert f"Spring meeting ({group.name})" == str(event["summary"])
    assert event.decoded("dtstart") == first.starts_at
    assert event.decoded("dtend") == first.ends_at
    assert "St Mark's church hall" in str(event["location"])
    assert "https://meet.example.org/spring" in str(event["location"])
    assert "The damp survey." in str(event["description"])
    assert str(event["url"]).endswith(f"/groups/{group.slug}/meetings/{first.id}")
    assert str(event["status"]) == "CONFIRMED"
    assert int(event["sequence"]) == 0
    assert "Summer fair" in str(_one(events, second)["summary"])


def _at(days: int) -> dict:
    starts, ends = next_week(days)
    return {"starts_at": starts, "ends_at": ends}


def test_a_changed_meeting_keeps_its_uid_with_a_higher_sequence(app, ctx):
    group, facilitator, people = group_with_people(1)
    meeting = plan(group, facilitator)
    client = client_for(app, people[0][0])
    url = f"/groups/{group.slug}/meetings.ics"
    before = _one(_events(client.get(url)), meeting)

    edit_meeting(
        group,
        meeting,
        facilitator,
        starts_at=meeting.starts_at + timedelta(hours=1),
        ends_at=meeting.ends_at + timedelta(hours=1),
    )
    after = _one(_events(client.get(url)), meeting)
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) > int(before["sequence"])
    assert after.decoded("dtstart") == before.decoded("dtstart") + timedelta(hours=1)

    # A change members are not told about leaves the sequence alone.
    edit_meeting(group, meeting, facilitator, description="Bring a friend.")
    again = _one(_events(client.get(url)), meeting)
    assert int(again["sequence"]) == int(after["sequence"])


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled_with_a_higher_sequence(app, ctx):
    group, facilitator, people = group_with_people(1)
    meeting = plan(group, facilitator)
    client = client_for(app, people[0][0])
    url = f"/groups/{group.slug}/meetings.ics"
    before = _one(_events(client.get(url)), meeting)
    planning.cancel_meeting(group, meeting, facilitator, "The hall flooded")
    after = _one(_events(client.get(url)), meeting)
    assert str(after["uid"]) == str(before["uid"])
    assert str(after["status"]) == "CANCELLED"
    assert int(after["sequence"]) > int(before["sequence"])


def test_a_private_groups_calendar_is_for_members_only(app, ctx):
    group, facilitator, _people = group_with_people(1)
    plan(group, facilitator)
    url = f"/groups/{group.slug}/meetings.ics"
    stranger, _ = make_member(make_group(), "resident")
    assert client_for(app, stranger).get(url).status_code == 404
    anonymous = app.test_client().get(url)
    # A calendar program cannot sign in: it is refused plainly, and the group stays unseen.
    assert anonymous.status_code == 404 and anonymous.json["error"]
    assert b"BEGIN:VCALENDAR" not in anonymous.get_data()


def test_a_group_that_publishes_its_log_has_an_open_calendar(app, ctx):
    group = make_group(public_log=True)
    facilitator, _ = make_member(group, "facilitator")
    meeting = plan(group, facilitator)
    events = _events(app.test_client().get(f"/groups/{group.slug}/meetings.ics"))
    assert list(events) == [f"meeting-{meeting.id}@localhost"]


def test_the_open_calendar_keeps_online_links_for_members(app, ctx):
    group = make_group(public_log=True)
    facilitator, _ = make_member(group, "facilitator")
    online = plan(
        group, facilitator, title="On a call", place="", online_link="https://meet.example.org/x1"
    )
    both = plan(
        group,
        facilitator,
        title="In the hall and on a call",
        online_link="https://meet.example.org/y2",
        **_at(14),
    )
    url = f"/groups/{group.slug}/meetings.ics"
    stranger, _ = make_member(make_group(), "resident")
    for visitor in (app.test_client(), client_for(app, stranger)):
        response = visitor.get(url)
        events = _events(response)
        assert b"meet.example.org" not in response.get_data()
        assert str(_one(events, online)["location"]) == "Online: members are sent the link"
        assert str(_one(events, both)["location"]).startswith("St Mark's church hall")
    member = client_for(app, facilitator).get(url)
    assert "https://meet.example.org/x1" in str(_one(_events(member), online)["location"])
    feed = app.test_client().get(f"/calendar/{accounts.feed_token(facilitator)}.ics")
    assert "https://meet.example.org/y2" in str(_one(_events(feed), both)["location"])


# The private per-member feed ---------------------------------------------------------


def test_the_private_feed_lists_the_meetings_of_all_the_persons_groups_only(app, ctx):
    first, first_facilitator, _ = group_with_people(0)
    second, second_facilitator, _ = group_with_people(0)
    third, third_facilitator, _ = group_with_people(0)
    person, _ = make_member(first, "resident")
    from app.groups import services as groups

    groups.add_member(second, person, "resident")
    db.session.commit()
    ours = [
        plan(first, first_facilitator, title="First group's meeting"),
        plan(second, second_facilitator, title="Second group's meeting", **_at(9)),
    ]
    cancelled = plan(second, second_facilitator, title="Called off", **_at(10))
    planning.cancel_meeting(second, cancelled, second_facilitator, "No room")
    plan(third, third_facilitator, title="Someone else's meeting")

    token = accounts.feed_token(person)
    response = app.test_client().get(f"/calendar/{token}.ics")  # nobody signed in
    events = _events(response)
    assert sorted(events) == sorted(f"meeting-{m.id}@localhost" for m in (*ours, cancelled))
    assert str(_one(events, cancelled)["status"]) == "CANCELLED"
    assert f"({second.name})" in str(_one(events, ours[1])["summary"])


@pytest.mark.parametrize(
    "make_token",
    [
        lambda person, other: "nonsense",
        lambda person, other: "",
        lambda person, other: "-",
        lambda person, other: f"{person.id}-",
        lambda person, other: f"{person.id}-{'0' * 32}",
        lambda person, other: accounts.feed_token(person)[:-1] + "x",
        lambda person, other: accounts.feed_token(person) + "0",
        # Someone else's number with this person's signature.
        lambda person, other: f"{other.id}-" + accounts.feed_token(person).partition("-")[2],
        lambda person, other: "99999999-" + accounts.feed_token(person).partition("-")[2],
        lambda person, other: "1" * 40 + "-abc",
        lambda person, other: "%00-%00",
        lambda person, other: "-1-abc",
    ],
)
def test_a_wrong_or_garbled_feed_token_is_not_found(app, ctx, make_token):
    group, facilitator, _people = group_with_people(0)
    person, _ = make_member(group, "resident")
    other, _ = make_member(group, "resident")
    plan(group, facilitator)
    response = app.test_client().get(f"/calendar/{make_token(person, other)}.ics")
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.get_data()


def test_a_renewed_feed_link_stops_the_old_one_working(app, ctx):
    group, facilitator, _people = group_with_people(0)
    person, _ = make_member(group, "resident")
    meeting = plan(group, facilitator)
    old = accounts.feed_token(person)
    client = app.test_client()
    assert client.get(f"/calendar/{old}.ics").status_code == 200

    accounts.renew_feed_token(person)
    new = accounts.feed_token(person)
    assert new != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert list(_events(client.get(f"/calendar/{new}.ics"))) == [f"meeting-{meeting.id}@localhost"]


def test_the_calendar_page_shows_the_link_and_renews_it(app, ctx):
    group, _facilitator, _people = group_with_people(0)
    person, _ = make_member(group, "resident")
    client = client_for(app, person)
    old = accounts.feed_token(person)
    page = client.get("/calendar").get_data(as_text=True)
    assert f"/calendar/{old}.ics" in page
    response = client.post("/calendar")
    assert response.status_code == 303
    db.session.expire_all()
    new = accounts.feed_token(person)
    assert new != old
    assert f"/calendar/{new}.ics" in client.get("/calendar").get_data(as_text=True)
    assert app.test_client().get(f"/calendar/{old}.ics").status_code == 404
