"""Meetings and public events: agendas, papers, attendance, what they decided, minutes.

The actions a meeting agrees are the actions domain's (app/actions/models.py).

A meeting's notes and minutes carry a version number that goes up with every
save, so two facilitators editing at once are told, not overwritten.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import db

MEETING_KINDS = ("group_meeting", "public_event", "workshop")
MEETING_STATUSES = ("planned", "under_way", "finished", "cancelled")
#: What a meeting offers so that everyone can take part.
ACCESS_FEATURES = ("step_free", "hearing_loop", "interpreter", "childcare")
RSVPS = ("coming", "apologies")


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_group_starts", "group_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="group_meeting")
    #: What it is for, in a few plain sentences.
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Where people go: "St Mark's church hall, Mill Lane".
    place: Mapped[str] = mapped_column(String(300), default="")
    online_link: Mapped[str] = mapped_column(String(500), default="")
    #: Codes from ACCESS_FEATURES.
    access_features: Mapped[list[str]] = mapped_column(JSON, default=list)
    access_notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    #: iCalendar SEQUENCE: goes up each time members are told of a change.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: People who came but are not members, counted, not named.
    guests: Mapped[int] = mapped_column(Integer, default=0)
    #: The agenda item being taken now, by position, in live mode.
    current_position: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The minutes in Markdown: drafted from what was captured, then edited.
    minutes_text: Mapped[str] = mapped_column(Text, default="")
    #: 0 until the minutes are first drafted; up by one on every save.
    minutes_version: Mapped[int] = mapped_column(Integer, default=0)
    minutes_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes_published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    #: The group's chain head when the minutes were published, printed with them, so
    #: anyone holding a copy can later check the log was not cut short since.
    minutes_chain_head: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    #: 1, 2, 3... in the order the meeting takes them.
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    #: What the item is about, written beforehand.
    details: Mapped[str] = mapped_column(Text, default="")
    #: Who leads it: a member's name, or a visitor's.
    lead: Mapped[str] = mapped_column(String(120), default="")
    minutes_allowed: Mapped[int | None] = mapped_column(Integer)
    priority_id: Mapped[int | None] = mapped_column(
        ForeignKey("priorities.id", ondelete="SET NULL")
    )
    ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballots.id", ondelete="SET NULL"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id", ondelete="SET NULL"))
    enquiry_id: Mapped[int | None] = mapped_column(ForeignKey("enquiries.id", ondelete="SET NULL"))
    #: Notes taken during the meeting, and their version (see the module note).
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_version: Mapped[int] = mapped_column(Integer, default=0)
    notes_updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    notes_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Paper(db.Model):
    """A paper for a meeting: a link to a document people should read, or a small file."""

    __tablename__ = "meeting_papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    #: A web link; empty when the paper is an uploaded file.
    url: Mapped[str] = mapped_column(String(500), default="")
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id", ondelete="SET NULL"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attendance(db.Model):
    """One member's answer to a meeting, and whether they came."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id", name="uq_attendances_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: "coming" or "apologies"; empty until they answer.
    rsvp: Mapped[str | None] = mapped_column(String(12))
    rsvp_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set when they are checked in at the door; cleared if that was a mistake.
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class MeetingDecision(db.Model):
    """A decision taken at a meeting (and the agenda item it was taken under)."""

    __tablename__ = "meeting_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL")
    )
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("decisions.id", ondelete="CASCADE"), unique=True
    )
    #: The capture form's one-time key: sending the same form twice records one decision.
    capture_key: Mapped[str | None] = mapped_column(String(40), unique=True)
