"""Live mode: starting a meeting, stepping through its agenda, notes, and finishing."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app.accounts.models import User
from app.dbtypes import utcnow
from app.errors import Conflict, Invalid
from app.extensions import db
from app.meetings.agenda import AgendaRow
from app.meetings.common import NotesConflict
from app.meetings.models import AgendaItem, Meeting


def must_be_under_way(meeting: Meeting) -> None:
    if meeting.status != "under_way":
        raise Conflict(_("Start the meeting first."))


def start_meeting(meeting: Meeting, now: datetime | None = None) -> None:
    now = now or utcnow()
    moved = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.status == "planned")
        .values(status="under_way", started_at=now, current_position=1)
    ).rowcount
    db.session.refresh(meeting)
    if moved != 1:
        if meeting.status == "under_way":
            return  # a second click, or a second facilitator: it is under way either way
        raise Conflict(_("This meeting is over or cancelled."))


def step_to(meeting: Meeting, position: int) -> None:
    must_be_under_way(meeting)
    count = db.session.scalar(
        select(func.count()).select_from(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
    )
    if not 1 <= position <= count:
        raise Invalid(_("Choose an item on the agenda."))
    meeting.current_position = position
    db.session.flush()


def finish_meeting(meeting: Meeting, now: datetime | None = None) -> None:
    now = now or utcnow()
    moved = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.status == "under_way")
        .values(status="finished", finished_at=now, current_position=None)
    ).rowcount
    db.session.refresh(meeting)
    if moved != 1:
        if meeting.status == "finished":
            return
        raise Conflict(_("Only a meeting that is under way can finish."))


def current_item(meeting: Meeting, rows: list[AgendaRow]) -> AgendaRow | None:
    if meeting.current_position is None:
        return None
    return next((r for r in rows if r.item.position == meeting.current_position), None)


def current_agenda_item(meeting: Meeting) -> AgendaItem | None:
    """The item being taken now (as current_item finds it among the rows). One query."""
    if meeting.current_position is None:
        return None
    return db.session.scalar(
        select(AgendaItem)
        .where(
            AgendaItem.meeting_id == meeting.id,
            AgendaItem.position == meeting.current_position,
        )
        .order_by(AgendaItem.id)
        .limit(1)
    )


def save_notes(
    meeting: Meeting, item: AgendaItem, by: User, text: str, seen_version: int
) -> AgendaItem:
    """Save an item's notes, unless someone else saved since this person loaded them."""
    if meeting.status not in ("under_way", "finished") or meeting.minutes_published_at:
        raise Conflict(
            _("Notes are taken while the meeting is under way, until the minutes are published.")
        )
    text = (text or "").strip()
    if len(text) > 20_000:
        raise Invalid(_("Use at most %(max)d characters.", max=20_000), "notes")
    now = utcnow()
    saved = db.session.execute(
        update(AgendaItem)
        .where(AgendaItem.id == item.id, AgendaItem.notes_version == seen_version)
        .values(
            notes=text,
            notes_version=AgendaItem.notes_version + 1,
            notes_updated_by_id=by.id,
            notes_updated_at=now,
        )
    ).rowcount
    db.session.flush()
    db.session.refresh(item)
    if saved != 1:
        author = (
            db.session.get(User, item.notes_updated_by_id) if item.notes_updated_by_id else None
        )
        raise NotesConflict(
            item.notes, item.notes_version, author.name if author else "", item.notes_updated_at
        )
    return item
