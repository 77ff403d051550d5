"""What the parts of the meetings domain share: tidying what people type, how a
meeting is described to members, and the clash of two people saving at once."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import format_date, format_time
from flask_babel import gettext as _

from app.errors import Conflict, Invalid
from app.links import NotAWebLink, web_link
from app.meetings.labels import ACCESS_LABELS
from app.meetings.models import Meeting


class NotesConflict(Conflict):
    """Someone else saved first: their text, so nothing of either is lost."""

    def __init__(self, theirs: str, version: int, by: str, at: datetime | None):
        super().__init__(_("Someone else saved these notes while you were writing."))
        self.theirs, self.version, self.by, self.at = theirs, version, by, at


def new_capture_key() -> str:
    """A one-time key for a capture form, so sending it twice records one thing."""
    return secrets.token_urlsafe(18)


def http_link(url: str, field_name: str) -> str:
    """A link members will follow, checked (see app.links.web_link); "" when empty."""
    try:
        return web_link(url, 500) or ""
    except NotAWebLink as exc:
        raise Invalid(str(exc), field_name) from exc


def within(text: str | None, limit: int) -> str:
    return (text or "").strip()[:limit]


def when(meeting: Meeting) -> str:
    return _(
        "%(day)s, %(start)s to %(end)s",
        day=format_date(meeting.starts_at, "EEEE d MMMM yyyy"),
        start=format_time(meeting.starts_at, "HH:mm"),
        end=format_time(meeting.ends_at, "HH:mm"),
    )


def details_text(meeting: Meeting) -> str:
    """The meeting's name, time, place and access, a line each, for what members are told."""
    lines = [meeting.title, when(meeting)]
    if meeting.place:
        lines.append(_("Where: %(place)s", place=meeting.place))
    if meeting.online_link:
        lines.append(_("Online: %(link)s", link=meeting.online_link))
    access = [str(ACCESS_LABELS.get(code, code)) for code in meeting.access_features or []]
    if meeting.access_notes:
        access.append(meeting.access_notes)
    if access:
        lines.append(_("Access: %(notes)s", notes="; ".join(access)))
    return "\n".join(lines)
