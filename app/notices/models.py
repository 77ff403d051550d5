"""Telling people things: what was announced, and each member's notice of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import db

#: Channels that someone records by hand after telling a person.
MANUAL_CHANNELS = ("phone", "letter", "in_person", "other")
#: What an announcement can be about.
SUBJECT_KINDS = ("decision", "forward_plan", "ballot", "meeting", "minutes", "action")


class Announcement(db.Model):
    """One thing the group was told about: a decision, an upcoming decision, a correction."""

    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_subject", "subject_kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    #: One of SUBJECT_KINDS: what first_told_at is measured for.
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    #: Plain text, as it goes in the email or the letter.
    body: Mapped[str] = mapped_column(Text)
    #: The site path of the page about it (emails make it absolute).
    url: Mapped[str] = mapped_column(String(500))
    #: Which version of its subject this tells people about: a decision is version 1
    #: when recorded, and each correction, revision or revocation makes the next.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Notice(db.Model):
    """One member told (or to be told) about one announcement through one channel.

    A notice counts as telling someone only once it reached them: `reached_at` is
    set when an email is accepted by the mail server, an in-app notice is seen,
    or someone records a letter posted, a phone call or telling them in person.
    Once it has reached someone it joins the group's hash chain and is never
    changed; a record made by mistake is withdrawn, with a reason, and stops counting.
    """

    __tablename__ = "notices"
    __table_args__ = (
        # One standing notice per person, channel and announcement; a withdrawn record
        # stays for the history and makes room for the right one.
        Index(
            "uq_notices_once",
            "announcement_id",
            "user_id",
            "channel",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
        Index("ix_notices_subject_user", "subject_kind", "subject_id", "user_id"),
        Index("ix_notices_outbox", "channel", "sent_at", "next_attempt_at"),
        Index("ix_notices_inbox", "user_id", "channel", "seen_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    #: Copied from the announcement so "who was told about X" needs no join.
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    #: Copied from the announcement: which version of the subject this tells of.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Handed on: email accepted by the SMTP server, in-app notice put in the inbox.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When it reached the person: the moment that counts as "told".
    reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    #: For records made by hand: who made it, when (the server's clock, never the
    #: form's), and a note ("at the church hall meeting").
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(500))
    #: A record made by mistake is withdrawn, never deleted or edited: by whom, when, why.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_reason: Mapped[str | None] = mapped_column(String(500))

    # Email outbox bookkeeping
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: A worker's lease: others leave the notice alone until it expires.
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    #: Given up after too many failures; shown to facilitators to follow up by hand.
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
