"""Telling people things: what was announced, and each member's notice of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import db

#: Channels that someone records by hand after telling a person.
MANUAL_CHANNELS = ("phone", "letter", "in_person", "other")
#: What an announcement can be about.
SUBJECT_KINDS = (
    "decision",
    "forward_plan",
    "ballot",
    "ballot_result",
    "meeting",
    "agenda",
    "minutes",
    "action",
    "action_progress",
    "priority",
    "grapevine",
    "comment",
    "overdue",
)
#: What can happen when someone rings a member from the call sheet.
CALL_OUTCOMES = ("told", "no_answer", "wrong_number")


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
    #: The same title and body in each other language someone told reads,
    #: {"pl": {"title": ..., "body": ...}}; `title` and `body` are the site's language.
    texts: Mapped[dict | None] = mapped_column(JSON)

    def text_in(self, language: str | None) -> tuple[str, str]:
        """The title and body in `language`, or the site's language if not written in it."""
        found = (self.texts or {}).get(language or "")
        if found:
            return found["title"], found["body"]
        return self.title, self.body


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
    #: A record made by hand with a date but no time: `reached_at` is then only a moment
    #: inside that day (midday, or when it was recorded, for today), so it is shown as
    #: the date alone. Records made before this was kept say False: that is not known.
    day_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
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
    #: For email (and letters) gathered into a digest: the digest that carries it.
    digest_id: Mapped[int | None] = mapped_column(
        ForeignKey("digests.id", ondelete="SET NULL"), index=True
    )
    #: For a letter: the printed letter it went in.
    letter_id: Mapped[int | None] = mapped_column(
        ForeignKey("letters.id", ondelete="SET NULL"), index=True
    )
    #: When sent through GOV.UK Notify: its id there, and the status it last gave.
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    provider_status: Mapped[str | None] = mapped_column(String(40))


class LetterPack(db.Model):
    """Letters printed together from the delivery desk: one page (or more) per member."""

    __tablename__ = "letter_packs"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Letter(db.Model):
    """One member's letter in a pack: every notice waiting for them, with the name and
    address as they were when it was printed, so printing it again gives the same page."""

    __tablename__ = "letters"
    __table_args__ = (UniqueConstraint("pack_id", "user_id", name="uq_letters_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(
        ForeignKey("letter_packs.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(10), default="en")
    large_print: Mapped[bool] = mapped_column(default=False)
    #: Marked as posted: when and by whom (the moment its notices count as told).
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Posted by GOV.UK Notify instead: its id there, the status it last gave, and why
    #: it could not be posted (the letter then goes back to the desk).
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    provider_status: Mapped[str | None] = mapped_column(String(40))
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    #: Tries at handing it to Notify, and when to try again (Notify busy or out of reach).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CallAttempt(db.Model):
    """Someone rang a member from the call sheet: what happened, kept for each try."""

    __tablename__ = "call_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: One of CALL_OUTCOMES.
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Digest(db.Model):
    """One email gathering a member's news of a day or a week (in every group)."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("user_id", "period", name="uq_digests_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: "daily" or "weekly", and the period it gathers ("2026-11-27", "2026-W48"): one each.
    cadence: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The outbox, as for a notice: accepted by the mail server, tries, a worker's lease.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Sent through GOV.UK Notify: its id there and the status it last gave. Its news
    #: counts as told when Notify says it was delivered.
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    provider_status: Mapped[str | None] = mapped_column(String(40))


class JobRun(db.Model):
    """A scheduled job done once: (name, key) is unique, so when two workers find the same
    thing due, the second cannot claim it."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("name", "key", name="uq_job_runs_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(120))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
