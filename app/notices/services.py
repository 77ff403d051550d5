"""Telling members: announcements, notices per channel, manual records, the email outbox.

Notices are written in the same transaction as what caused them (the caller
commits). Emails then wait in the outbox (`notices` rows with channel "email")
until `flask notices work` hands them to the SMTP server.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.dbtypes import utcnow
from app.extensions import db
from app.links import absolute
from app.mail import MailNotSent, build_message, deliver
from app.notices.models import MANUAL_CHANNELS, Announcement, Notice
from app.pagination import Page, paginate

log = logging.getLogger(__name__)

#: Give up on an email after this many failed attempts (about two days of retries).
MAX_ATTEMPTS = 12
#: How long a worker may hold a notice before another worker may try it.
LEASE = timedelta(minutes=5)


class NoticeError(Exception):
    """A record that cannot be made; the message says why."""


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 1, 2, 4 ... minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def announce(
    *,
    group_id: int,
    subject_kind: str,
    subject_id: int,
    title: str,
    body: str,
    url: str,
    people: Iterable[User],
    now: datetime | None = None,
    in_person: Iterable[int] = (),
    in_person_note: str = "",
    recorded_by: User | None = None,
) -> Announcement:
    """Record an announcement and queue one notice per person per preferred channel.

    People whose ids are in `in_person` were in the room when it was announced:
    they are recorded as told in person at `now`, and get only the inbox copy on
    top, not a letter, a call or an email about something they already heard.
    """
    now = now or utcnow()
    in_person = set(in_person)
    note = (in_person_note or "").strip()[:500] or None
    announcement = Announcement(
        group_id=group_id,
        subject_kind=subject_kind,
        subject_id=subject_id,
        title=title,
        body=body,
        url=url,
        created_at=now,
    )
    db.session.add(announcement)
    db.session.flush()
    rows = []
    for person in people:
        channels = channels_for(person)
        if person.id in in_person:
            channels = [c for c in channels if c == "in_app"] + ["in_person"]
        for channel in channels:
            is_app = channel == "in_app"
            told_here = channel == "in_person"
            rows.append(
                {
                    "announcement_id": announcement.id,
                    "group_id": group_id,
                    "subject_kind": subject_kind,
                    "subject_id": subject_id,
                    "user_id": person.id,
                    "channel": channel,
                    "created_at": now,
                    "attempts": 0,
                    # In-app notices are in the inbox at once; they count once seen.
                    "sent_at": now if is_app or told_here else None,
                    "delivered_at": now if is_app or told_here else None,
                    "reached_at": now if told_here else None,
                    "recorded_by_id": recorded_by.id if told_here and recorded_by else None,
                    "note": note if told_here else None,
                    "next_attempt_at": now if channel == "email" else None,
                }
            )
    if rows:
        db.session.execute(Notice.__table__.insert(), rows)
    return announcement


def channels_for(person: User) -> list[str]:
    """Where a person's notices go: the inbox if they can sign in, plus what they asked for.

    In person needs no queued notice: whoever tells them records it.
    """
    channels = []
    if person.can_sign_in:
        channels.append("in_app")
    preferred = set(person.preferred_channels or [])
    if "email" in preferred and person.email:
        channels.append("email")
    if "letter" in preferred and person.postal_address:
        channels.append("letter")
    if "phone" in preferred and person.phone:
        channels.append("phone")
    return channels


def latest_announcement(subject_kind: str, subject_id: int) -> Announcement | None:
    return db.session.scalar(
        select(Announcement)
        .where(Announcement.subject_kind == subject_kind, Announcement.subject_id == subject_id)
        .order_by(Announcement.id.desc())
        .limit(1)
    )


def record_told(
    announcement: Announcement,
    *,
    user_ids: Iterable[int],
    channel: str,
    told_at: datetime,
    note: str,
    recorded_by: User,
) -> tuple[int, int]:
    """Record that people were told by phone, letter or in person.

    Returns (newly recorded, already recorded). A queued letter or phone notice
    is completed; a person already recorded on that channel keeps the first record.
    """
    if channel not in MANUAL_CHANNELS:
        raise NoticeError("Choose phone, letter or in person.")
    user_ids = sorted(set(user_ids))
    existing = {
        n.user_id: n
        for n in db.session.scalars(
            select(Notice).where(
                Notice.announcement_id == announcement.id,
                Notice.channel == channel,
                Notice.user_id.in_(user_ids),
            )
        )
    }
    recorded = already = 0
    for user_id in user_ids:
        notice = existing.get(user_id)
        if notice is not None and notice.reached_at is not None:
            already += 1
            continue
        if notice is None:
            notice = Notice(
                announcement_id=announcement.id,
                group_id=announcement.group_id,
                subject_kind=announcement.subject_kind,
                subject_id=announcement.subject_id,
                user_id=user_id,
                channel=channel,
                attempts=0,
            )
            db.session.add(notice)
        notice.sent_at = notice.delivered_at = notice.reached_at = told_at
        notice.recorded_by_id = recorded_by.id
        notice.note = note or None
        recorded += 1
    try:
        db.session.commit()
    except IntegrityError as exc:  # someone recorded the same people at the same moment
        db.session.rollback()
        raise NoticeError("Someone else recorded this at the same time. Try again.") from exc
    return recorded, already


def mark_seen(user_id: int, subject_kind: str, subject_id: int, at: datetime | None = None) -> None:
    """Opening the page about something marks its in-app notices seen (and so, told)."""
    now = at or utcnow()
    db.session.execute(
        update(Notice)
        .where(
            Notice.user_id == user_id,
            Notice.subject_kind == subject_kind,
            Notice.subject_id == subject_id,
            Notice.channel == "in_app",
            Notice.seen_at.is_(None),
        )
        .values(seen_at=now, reached_at=now)
    )
    db.session.commit()


def acknowledge(user_id: int, subject_kind: str, subject_id: int) -> bool:
    """ "I have read this". False if the person had no notice to acknowledge."""
    now = utcnow()
    done = db.session.execute(
        update(Notice)
        .where(
            Notice.user_id == user_id,
            Notice.subject_kind == subject_kind,
            Notice.subject_id == subject_id,
            Notice.acknowledged_at.is_(None),
            Notice.reached_at.is_not(None),
        )
        .values(acknowledged_at=now)
    ).rowcount
    db.session.commit()
    return done > 0


def my_notice_state(user_id: int, subject_kind: str, subject_id: int) -> dict:
    """Whether this person has been told, and has acknowledged, one thing."""
    row = db.session.execute(
        select(func.min(Notice.reached_at), func.min(Notice.acknowledged_at)).where(
            Notice.user_id == user_id,
            Notice.subject_kind == subject_kind,
            Notice.subject_id == subject_id,
        )
    ).one()
    return {"told_at": row[0], "acknowledged_at": row[1]}


@dataclass
class FirstTold:
    at: datetime
    channel: str
    acknowledged_at: datetime | None


def first_told(subject_kind: str, subject_ids: Iterable[int]) -> dict[tuple[int, int], FirstTold]:
    """For each (subject id, user id): the first notice that reached them. One query."""
    subject_ids = list(subject_ids)
    if not subject_ids:
        return {}
    rows = db.session.execute(
        select(
            Notice.subject_id,
            Notice.user_id,
            Notice.reached_at,
            Notice.channel,
            Notice.acknowledged_at,
        )
        .where(
            Notice.subject_kind == subject_kind,
            Notice.subject_id.in_(subject_ids),
            Notice.reached_at.is_not(None),
        )
        .order_by(Notice.reached_at, Notice.id)
    )
    found: dict[tuple[int, int], FirstTold] = {}
    for subject_id, user_id, reached_at, channel, acknowledged_at in rows:
        key = (subject_id, user_id)
        if key not in found:
            found[key] = FirstTold(reached_at, channel, acknowledged_at)
        elif acknowledged_at and not found[key].acknowledged_at:
            found[key].acknowledged_at = acknowledged_at
    return found


def inbox(user: User, page: int, per_page: int) -> Page:
    query = (
        select(Notice, Announcement)
        .join(Announcement, Announcement.id == Notice.announcement_id)
        .where(Notice.user_id == user.id, Notice.channel == "in_app")
        .order_by(Notice.created_at.desc(), Notice.id.desc())
    )
    return paginate(query, page, per_page, rows=True)


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notice)
            .where(Notice.user_id == user.id, Notice.channel == "in_app", Notice.seen_at.is_(None))
        )
        or 0
    )


def pending_by_hand(group_id: int, channel: str, page: int, per_page: int) -> Page:
    """Letters to post or calls to make: queued notices nobody has recorded yet."""
    query = (
        select(Notice, Announcement, User)
        .join(Announcement, Announcement.id == Notice.announcement_id)
        .join(User, User.id == Notice.user_id)
        .where(Notice.group_id == group_id, Notice.channel == channel, Notice.reached_at.is_(None))
        .order_by(Notice.created_at, Notice.id)
    )
    return paginate(query, page, per_page, rows=True)


def failed_emails(group_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notice)
            .where(
                Notice.group_id == group_id,
                Notice.channel == "email",
                Notice.failed_at.is_not(None),
            )
        )
        or 0
    )


# The email outbox -----------------------------------------------------------


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_emails(worker: str, limit: int = 20) -> list[int]:
    """Lease up to `limit` due emails to this worker. Other workers skip them.

    The claim is one UPDATE guarded by the same conditions, so two workers can
    never both hold a notice; on PostgreSQL, SKIP LOCKED keeps them from waiting
    on each other.
    """
    now = utcnow()
    due = (
        select(Notice.id)
        .where(
            Notice.channel == "email",
            Notice.sent_at.is_(None),
            Notice.failed_at.is_(None),
            Notice.next_attempt_at <= now,
            or_(Notice.claimed_until.is_(None), Notice.claimed_until < now),
        )
        .order_by(Notice.next_attempt_at, Notice.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(due))
    if not ids:
        db.session.commit()
        return []
    db.session.execute(
        update(Notice)
        .where(
            Notice.id.in_(ids),
            Notice.sent_at.is_(None),
            or_(Notice.claimed_until.is_(None), Notice.claimed_until < now),
        )
        .values(claimed_by=worker, claimed_until=now + LEASE)
    )
    db.session.commit()
    return list(
        db.session.scalars(
            select(Notice.id).where(
                Notice.id.in_(ids), Notice.claimed_by == worker, Notice.sent_at.is_(None)
            )
        )
    )


def send_claimed(notice_id: int, worker: str) -> bool:
    """Send one leased email. True if the mail server accepted it."""
    row = db.session.execute(
        select(Notice, Announcement, User)
        .join(Announcement, Announcement.id == Notice.announcement_id)
        .join(User, User.id == Notice.user_id)
        .where(Notice.id == notice_id, Notice.claimed_by == worker, Notice.sent_at.is_(None))
    ).first()
    if row is None:
        return False
    notice, announcement, person = row
    if not person.email:
        _finish(notice_id, worker, failed_at=utcnow(), last_error="no email address")
        return False
    body = f"{announcement.body}\n\n{absolute(announcement.url)}\n"
    message = build_message(
        person.email,
        announcement.title,
        body,
        # Stable per notice, so a mail system can spot a repeat should one ever happen.
        message_id=f"<notice-{notice.id}@logbook.local>",
    )
    try:
        deliver(message)
    except MailNotSent as exc:
        attempts = notice.attempts + 1
        now = utcnow()
        _finish(
            notice_id,
            worker,
            attempts=attempts,
            next_attempt_at=now + backoff(attempts),
            last_error=str(exc)[:500],
            failed_at=now if attempts >= MAX_ATTEMPTS else None,
        )
        log.warning("Email notice %s not sent (attempt %s): %s", notice_id, attempts, exc)
        return False
    now = utcnow()
    _finish(
        notice_id,
        worker,
        attempts=notice.attempts + 1,
        sent_at=now,
        delivered_at=now,
        reached_at=now,
        last_error=None,
    )
    return True


def _finish(notice_id: int, worker: str, **values) -> None:
    db.session.execute(
        update(Notice)
        .where(Notice.id == notice_id, Notice.claimed_by == worker)
        .values(claimed_by=None, claimed_until=None, **values)
    )
    db.session.commit()


@dataclass
class WorkResult:
    sent: int = 0
    failed: int = 0


def work_once(worker: str | None = None, batch: int = 20) -> WorkResult:
    """Send every email that is due now, batch by batch."""
    worker = worker or worker_name()
    result = WorkResult()
    while True:
        ids = claim_emails(worker, batch)
        if not ids:
            return result
        for notice_id in ids:
            if send_claimed(notice_id, worker):
                result.sent += 1
            else:
                result.failed += 1


def work_forever(poll_seconds: float = 5.0, stop_after: float | None = None) -> None:
    worker = worker_name()
    started = time.monotonic()
    while stop_after is None or time.monotonic() - started < stop_after:
        result = work_once(worker)
        if result.sent or result.failed:
            log.info("Sent %s, failed %s", result.sent, result.failed)
        time.sleep(poll_seconds)
        db.session.remove()


def queued_emails() -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notice)
            .where(
                Notice.channel == "email",
                Notice.sent_at.is_(None),
                Notice.failed_at.is_(None),
            )
        )
        or 0
    )
