"""Sending the agenda to members: every member is told, by their own channels; once the
agenda changes, sending it again tells them "Agenda changed" (the next version), and
sending what they already have is refused with the reason."""

from __future__ import annotations

from app.extensions import db
from app.meetings import agenda, live
from app.notices import worker
from app.notices.models import Notice
from tests.conftest import count
from tests.factories import make_group, make_member
from tests.meetings.helpers import announcements, channels_by_person, plan, with_agenda


def scene():
    group = make_group(name="Riverside")
    facilitator, _ = make_member(group, "facilitator")
    emailed, _ = make_member(group, "resident")
    emailed.preferred_channels = ["in_app", "email"]
    by_post, _ = make_member(group, "resident")
    by_post.preferred_channels = ["letter"]
    db.session.commit()
    meeting = plan(group, facilitator)
    items = with_agenda(group, meeting, ("Welcome", "Damp survey"))
    worker.work_once()  # the meeting's own emails
    return group, facilitator, emailed, by_post, meeting, items


def send_url(group, meeting) -> str:
    return f"/groups/{group.slug}/meetings/{meeting.id}/agenda/send"


def test_sending_the_agenda_tells_every_member_by_their_own_channels(app, ctx, login, mailbox):
    group, facilitator, emailed, by_post, meeting, _items = scene()
    mailbox.clear()
    client = login(facilitator)
    page = client.get(f"/groups/{group.slug}/meetings/{meeting.id}").get_data(as_text=True)
    assert "Send the agenda to members" in page

    response = client.post(send_url(group, meeting))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}#agenda")
    (sent,) = announcements("agenda", meeting.id)
    assert sent.version == 1
    assert sent.title == "Agenda: Riverside group meeting"
    channels = channels_by_person(sent)
    assert channels[emailed.id] == {"in_app", "email"}
    assert channels[by_post.id] == {"in_app", "letter"}  # a letter on the desk to post
    assert channels[facilitator.id] == {"in_app"}

    assert worker.work_once().sent == 1
    (message,) = mailbox.to(emailed.email)
    assert message["Subject"] == "Agenda: Riverside group meeting"
    body = mailbox.body(message)
    assert "1. Welcome" in body and "2. Damp survey" in body
    assert "St Mark's church hall, Mill Lane" in body
    assert f"/groups/{group.slug}/meetings/{meeting.id}#agenda" in body


def test_sending_an_unchanged_agenda_again_is_refused_with_the_reason(app, ctx, login):
    group, facilitator, _emailed, _by_post, meeting, _items = scene()
    client = login(facilitator)
    client.post(send_url(group, meeting))
    notices_before = count(Notice, Notice.subject_kind == "agenda")

    response = client.post(send_url(group, meeting))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Members already have this agenda: nothing has changed since it was sent." in html
    assert "Send the changed agenda to members" in html
    assert len(announcements("agenda", meeting.id)) == 1
    assert count(Notice, Notice.subject_kind == "agenda") == notices_before


def test_a_changed_agenda_goes_out_as_the_next_version_saying_it_changed(app, ctx, login, mailbox):
    group, facilitator, emailed, _by_post, meeting, (_welcome, damp) = scene()
    client = login(facilitator)
    client.post(send_url(group, meeting))
    worker.work_once()
    mailbox.clear()

    agenda.add_item(group, meeting, title="Youth centre hours", lead="Ann", minutes_allowed=15)
    agenda.remove_item(meeting, damp)
    db.session.commit()
    response = client.post(send_url(group, meeting))
    assert response.status_code == 303

    first, changed = announcements("agenda", meeting.id)
    assert changed.version == first.version + 1 == 2
    assert changed.title == "Agenda changed: Riverside group meeting"
    worker.work_once()
    (message,) = mailbox.to(emailed.email)
    assert message["Subject"] == "Agenda changed: Riverside group meeting"
    body = mailbox.body(message)
    assert "has changed" in body
    assert "2. Youth centre hours" in body and "Led by Ann, 15 minutes" in body
    assert "Damp survey" not in body
    # And once sent, that one too is refused until it changes again.
    assert client.post(send_url(group, meeting)).status_code == 409


def test_an_empty_agenda_or_a_meeting_under_way_is_not_sent(app, ctx, login):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    empty = plan(group, facilitator)
    client = login(facilitator)
    response = client.post(send_url(group, empty))
    assert response.status_code == 422
    assert "There is nothing on the agenda yet" in response.get_data(as_text=True)

    started = plan(group, facilitator, title="Started")
    with_agenda(group, started, ("Welcome",))
    live.start_meeting(started)
    db.session.commit()
    response = client.post(send_url(group, started))
    assert response.status_code == 409
    assert "only be sent before the meeting starts" in response.get_data(as_text=True)
    assert announcements("agenda", empty.id) == announcements("agenda", started.id) == []


def test_opening_the_meeting_marks_the_agenda_notice_seen(app, ctx, login):
    group, facilitator, emailed, _by_post, meeting, _items = scene()
    login(facilitator).post(send_url(group, meeting))
    login(emailed).get(f"/groups/{group.slug}/meetings/{meeting.id}")
    db.session.expire_all()
    seen = db.session.scalars(
        Notice.__table__.select()
        .with_only_columns(Notice.channel)
        .where(
            Notice.subject_kind == "agenda",
            Notice.user_id == emailed.id,
            Notice.seen_at.is_not(None),
        )
    )
    assert list(seen) == ["in_app"]
