"""Meetings as iCalendar (RFC 5545), for phones and calendar programs.

Each meeting keeps one UID for life; every change members are told about
raises its SEQUENCE, so calendars replace the old copy, and a cancelled
meeting stays in the feed with STATUS:CANCELLED so calendars remove it.

A group that publishes its log publishes its calendar too, but for members
only does it carry the online link: a video call's link is how anyone gets in.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import select

from app.accounts.models import User
from app.dbtypes import utcnow
from app.extensions import db
from app.groups.models import Group, Membership
from app.links import absolute, path_for
from app.meetings.models import Meeting

#: How far back a feed goes: enough for last year's minutes, small enough to stay quick.
HISTORY = timedelta(days=400)
MAX_EVENTS = 500


def _uid(meeting: Meeting) -> str:
    host = urlsplit(current_app.config["SITE_URL"]).hostname or "logbook.local"
    return f"meeting-{meeting.id}@{host}"


def _event(meeting: Meeting, group: Group, *, for_members: bool) -> Event:
    event = Event()
    event.add("uid", _uid(meeting))
    event.add("dtstamp", meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("sequence", meeting.sequence)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"{meeting.title} ({group.name})")
    online = meeting.online_link
    if online and not for_members:
        online = _("Online: members are sent the link")
    where = ", ".join(part for part in (meeting.place, online) if part)
    if where:
        event.add("location", where)
    page = absolute(path_for("meetings.show", slug=group.slug, meeting_id=meeting.id))
    event.add("url", page)
    description = "\n\n".join(
        part for part in (meeting.description, meeting.access_notes, page) if part
    )
    event.add("description", description)
    event.add("status", "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED")
    return event


def _calendar(name: str, rows, *, for_members: bool) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Logbook//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for meeting, group in rows:
        calendar.add_component(_event(meeting, group, for_members=for_members))
    return calendar.to_ical()


def _recent(query):
    return (
        query.where(Meeting.starts_at >= utcnow() - HISTORY)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(MAX_EVENTS)
    )


def group_calendar(group: Group, *, for_members: bool) -> bytes:
    """One group's meetings from the last year on, with their online links only when
    it is for members. One query."""
    meetings = db.session.scalars(_recent(select(Meeting).where(Meeting.group_id == group.id)))
    return _calendar(group.name, [(m, group) for m in meetings], for_members=for_members)


def member_calendar(user: User) -> bytes:
    """The meetings of every group a person belongs to. One query."""
    rows = db.session.execute(
        _recent(
            select(Meeting, Group)
            .join(Group, Group.id == Meeting.group_id)
            .join(Membership, Membership.group_id == Group.id)
            .where(Membership.user_id == user.id)
        )
    ).all()
    return _calendar(f"Logbook: {user.name}", [(m, g) for m, g in rows], for_members=True)
