"""Planning meetings and telling members: the calendar, and changing or cancelling."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select, update

from app.accounts.models import User
from app.dbtypes import utcnow
from app.errors import Conflict, Invalid
from app.extensions import db
from app.groups import services as group_services
from app.groups.models import Group
from app.links import path_for
from app.meetings.common import details_text, http_link, within
from app.meetings.models import ACCESS_FEATURES, MEETING_KINDS, Meeting
from app.notices import services as notices
from app.pagination import Page, paginate

#: A little slack for clocks: "now" typed on a phone may be a moment behind the server.
CLOCK_SLACK = timedelta(minutes=5)
#: What members are told about again when it changes (the agenda is not: it grows).
MATERIAL = (
    "title",
    "starts_at",
    "ends_at",
    "place",
    "online_link",
    "access_features",
    "access_notes",
)


def get_meeting(group: Group, meeting_id: int) -> Meeting | None:
    return db.session.scalar(
        select(Meeting).where(Meeting.id == meeting_id, Meeting.group_id == group.id)
    )


def meetings_page(group: Group, page: int, per_page: int, *, past: bool = False) -> Page:
    """Meetings still to come (soonest first), or those that have ended (latest first)."""
    now = utcnow()
    query = select(Meeting).where(Meeting.group_id == group.id)
    if past:
        query = query.where(Meeting.ends_at < now).order_by(
            Meeting.starts_at.desc(), Meeting.id.desc()
        )
    else:
        query = query.where(Meeting.ends_at >= now).order_by(Meeting.starts_at, Meeting.id)
    return paginate(query, page, per_page)


def upcoming_meetings(group: Group, limit: int) -> list[Meeting]:
    """The next meetings that will go ahead, for the group's home page."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.group_id == group.id,
                Meeting.ends_at >= utcnow(),
                Meeting.status != "cancelled",
            )
            .order_by(Meeting.starts_at, Meeting.id)
            .limit(limit)
        )
    )


def _tidied(
    *,
    title: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    place: str = "",
    online_link: str = "",
    access_features: list[str] | None = None,
    access_notes: str = "",
) -> dict:
    """A meeting's details as typed, tidied (its link checked), ready to store."""
    return {
        "title": within(title, 200),
        "kind": kind,
        "description": (description or "").strip(),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": within(place, 300),
        "online_link": http_link(online_link, "online_link"),
        "access_features": list(dict.fromkeys(access_features or [])),
        "access_notes": (access_notes or "").strip(),
    }


def _check_details(details: dict, now: datetime, *, start_must_be_ahead: bool = True) -> None:
    starts_at, ends_at = details["starts_at"], details["ends_at"]
    if not details["title"]:
        raise Invalid(_("Enter a name for the meeting"), "title")
    if details["kind"] not in MEETING_KINDS:
        raise Invalid(_("Choose what kind of meeting it is"), "kind")
    if start_must_be_ahead and starts_at < now - CLOCK_SLACK:
        raise Invalid(
            _(
                "That start time has passed. Members can only be told about meetings "
                "that are still to come."
            ),
            "starts_on",
        )
    if ends_at <= starts_at:
        raise Invalid(_("The meeting must end after it starts"), "ends_time")
    if ends_at - starts_at > timedelta(hours=24):
        raise Invalid(_("A meeting can last a day at most"), "ends_time")
    if not details["place"] and not details["online_link"]:
        raise Invalid(_("Say where the meeting is, or give its online link"), "place")
    if any(code not in ACCESS_FEATURES for code in details["access_features"]):
        raise Invalid(_("Choose from the list"), "access_features")


def _announce_meeting(group: Group, meeting: Meeting, title, opening, now) -> None:
    """Tell every member of a meeting; `title` and `opening` write those words in
    the language in force, so each member is told in their own."""
    notices.announce(
        group_id=group.id,
        subject_kind="meeting",
        subject_id=meeting.id,
        title=title,
        body=lambda: "\n\n".join(
            part for part in (opening(), details_text(meeting), meeting.description) if part
        ),
        url=path_for("meetings.show", slug=group.slug, meeting_id=meeting.id),
        people=group_services.everyone_to_tell(group),
        now=now,
    )


def plan_meeting(group: Group, by: User, *, now: datetime | None = None, **details) -> Meeting:
    """Put a meeting in the group's calendar and tell every member (details as for _tidied)."""
    now = now or utcnow()
    fields = _tidied(**details)
    _check_details(fields, now)
    meeting = Meeting(
        group_id=group.id, **fields, created_by_id=by.id, created_at=now, updated_at=now
    )
    db.session.add(meeting)
    db.session.flush()
    _announce_meeting(
        group,
        meeting,
        lambda: _(
            "Meeting: %(title)s, %(day)s",
            title=meeting.title,
            day=format_date(meeting.starts_at, "d MMMM"),
        ),
        lambda: _("%(group)s has planned a meeting. You are welcome.", group=group.name),
        now,
    )
    db.session.flush()
    return meeting


def change_meeting(
    group: Group, meeting: Meeting, by: User, *, now: datetime | None = None, **details
) -> bool:
    """Change a planned meeting (details as for _tidied). Members are told when the time,
    place or name changes.

    Returns whether members were told.
    """
    now = now or utcnow()
    if meeting.status != "planned":
        raise Conflict(_("Only a meeting that has not started yet can be changed."))
    new = _tidied(**details)
    # A start that has passed may stay as it was; a new one must be still to come.
    _check_details(new, now, start_must_be_ahead=new["starts_at"] != meeting.starts_at)
    material = [name for name in MATERIAL if getattr(meeting, name) != new[name]]
    for name, value in new.items():
        setattr(meeting, name, value)
    meeting.updated_at = now
    if material:
        meeting.sequence += 1
        _announce_meeting(
            group,
            meeting,
            lambda: _("Meeting changed: %(title)s", title=meeting.title),
            lambda: _(
                "A meeting of %(group)s has changed. Here are the details now.", group=group.name
            ),
            now,
        )
    db.session.flush()
    return bool(material)


def cancel_meeting(
    group: Group, meeting: Meeting, by: User, reason: str, now: datetime | None = None
) -> None:
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why it is cancelled: members will be told"), "reason")
    moved = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.status == "planned")
        .values(
            status="cancelled",
            cancel_reason=reason,
            sequence=Meeting.sequence + 1,
            updated_at=now,
        )
    ).rowcount
    if moved != 1:
        raise Conflict(_("Only a meeting that has not started yet can be cancelled."))
    db.session.refresh(meeting)
    _announce_meeting(
        group,
        meeting,
        lambda: _("Cancelled: %(title)s", title=meeting.title),
        lambda: _("This meeting will not take place. Reason: %(reason)s", reason=reason),
        now,
    )
    db.session.flush()
