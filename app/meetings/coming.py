"""Meetings in the coming week, for the "coming up" part of a member's digest."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.groups.models import Group
from app.links import path_for
from app.meetings.common import when
from app.meetings.models import Meeting
from app.notices.digests import Line, part


@part("meetings", _l("Meetings in the coming week"))
def meetings_ahead(
    person: User, group_ids: list[int], now: datetime, until: datetime
) -> list[Line]:
    rows = db.session.execute(
        select(Meeting, Group.slug)
        .join(Group, Group.id == Meeting.group_id)
        .where(
            Meeting.group_id.in_(group_ids),
            Meeting.status != "cancelled",
            Meeting.starts_at > now,
            Meeting.starts_at <= until,
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(20)
    )
    return [
        Line(
            meeting.group_id,
            meeting.title,
            when(meeting) + (f" – {meeting.place}" if meeting.place else ""),
            path_for("meetings.show", slug=slug, meeting_id=meeting.id),
        )
        for meeting, slug in rows
    ]
