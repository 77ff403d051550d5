"""The worker: `flask notices work` sends the email outbox, each notice once, and
runs what is due because time passed (a vote opening at its set time...).

Each job here is a transaction of its own and commits at its end: a lease on a
batch of emails, then each email sent (or not) and its record, then each thing
due. Two workers never send the same email: a lease is taken by one guarded
UPDATE, and on PostgreSQL SKIP LOCKED keeps workers from waiting on each other.
Scheduled jobs are registered by the domains that own them (`due_job`) and must
be safe when two workers find the same thing due: each does a guarded change,
and the one that finds it already done is refused and moves on.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.chain import services as chain
from app.dbtypes import utcnow
from app.errors import Conflict, Refused
from app.extensions import db
from app.links import absolute
from app.mail import MailCaught, MailNotSent, build_message, deliver
from app.notices import notify
from app.notices.models import Announcement, JobRun, Notice
from app.notices.services import chain_told

log = logging.getLogger(__name__)

#: Give up on an email after this many failed attempts (about two days of retries).
MAX_ATTEMPTS = 12
#: How long a worker may hold a notice before another worker may try it.
LEASE = timedelta(minutes=5)
#: The channels the worker sends itself: email (SMTP or GOV.UK Notify) and text
#: messages (GOV.UK Notify).
SENT_BY_WORKER = ("email", "sms")


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 1, 2, 4 ... minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


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
            Notice.channel.in_(SENT_BY_WORKER),
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
    return list(
        db.session.scalars(
            select(Notice.id).where(
                Notice.id.in_(ids), Notice.claimed_by == worker, Notice.sent_at.is_(None)
            )
        )
    )


def send_claimed(notice_id: int, worker: str) -> bool:
    """Send one leased email. True if the mail server accepted it.

    Accepted counts as told, and joins the group's chain. An email caught because
    no mail server is set up (a development site) reached nobody: it is marked as
    not sent, with the reason, and never counted as told.
    """
    row = db.session.execute(
        select(Notice, Announcement, User)
        .join(Announcement, Announcement.id == Notice.announcement_id)
        .join(User, User.id == Notice.user_id)
        .where(Notice.id == notice_id, Notice.claimed_by == worker, Notice.sent_at.is_(None))
    ).first()
    if row is None:
        return False
    notice, announcement, person = row
    if notice.channel == "sms":
        return _by_notify(notice, announcement, person, worker)
    if not person.email:
        _finish(notice_id, worker, failed_at=utcnow(), last_error="no email address")
        return False
    if notify.emails_available():
        return _by_notify(notice, announcement, person, worker)
    title, body = _email(notice, announcement, person)
    message = build_message(
        person.email,
        title,
        body + "\n",
        # Stable per notice, so a mail system can spot a repeat should one ever happen.
        message_id=f"<notice-{notice.id}@logbook.local>",
    )
    try:
        deliver(message)
    except MailCaught as exc:
        _finish(
            notice_id,
            worker,
            attempts=notice.attempts + 1,
            failed_at=utcnow(),
            last_error=str(exc)[:500],
        )
        return False
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
    chain.lock(notice.group_id)
    _finish(
        notice_id,
        worker,
        attempts=notice.attempts + 1,
        sent_at=now,
        delivered_at=now,
        reached_at=now,
        last_error=None,
    )
    db.session.refresh(notice)
    chain_told(notice.group_id, [notice])
    return True


def _email(notice: Notice, announcement: Announcement, person: User) -> tuple[str, str]:
    """The email's subject and text, in the person's language."""
    fingerprint = chain.head(notice.group_id)[: chain.SHORT]
    title, body = announcement.text_in(person.language)
    with force_locale(person.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        checking = _(
            "The group's log fingerprint as this was sent: %(head)s. Anyone can "
            "compare it with the log to check nothing has been taken out since.",
            head=fingerprint,
        )
    return title, "\n\n".join((body, absolute(announcement.url), checking))


def _by_notify(notice: Notice, announcement: Announcement, person: User, worker: str) -> bool:
    """Hand an email or a text to GOV.UK Notify. True if Notify took it: it counts as
    told only when Notify says it was delivered."""
    from app.notices import by_notify

    now = utcnow()
    if notice.channel == "sms":
        problem = (
            None
            if notify.texts_available()
            else _("This site cannot send text messages (GOV.UK Notify is not set up for them).")
        )
        problem = problem or (None if person.phone else _("no phone number"))
        text = by_notify.text_of(announcement, absolute(announcement.url), person.language)

        def send(reference):
            return notify.send_sms(person.phone, text, reference)
    else:
        problem = None
        title, body = _email(notice, announcement, person)
        body += "\n"

        def send(reference):
            return notify.send_email(person.email, title, body, reference)

    if problem:
        _finish(notice.id, worker, attempts=notice.attempts + 1, failed_at=now, last_error=problem)
        return False
    return by_notify.send_notice(notice, send, now)


def _finish(notice_id: int, worker: str, **values) -> None:
    db.session.execute(
        update(Notice)
        .where(Notice.id == notice_id, Notice.claimed_by == worker)
        .values(claimed_by=None, claimed_until=None, **values)
    )


@dataclass
class WorkResult:
    sent: int = 0
    failed: int = 0
    #: Scheduled jobs done, by name ("open votes": 2).
    done: dict[str, int] = field(default_factory=dict)


@dataclass
class DueJob:
    """Something a domain does when its time comes: `due(now)` lists what is due (ids),
    `run(id, now)` does one of them. Jobs run by `order`, then by name."""

    name: str
    due: Callable[[datetime], list[int]]
    run: Callable[[int, datetime], object]
    order: int = 0


#: The scheduled jobs; domains add theirs with `due_job`.
DUE_JOBS: dict[str, DueJob] = {}
#: The order of jobs that gather what others announced (digests), after all the rest.
LAST = 100


def due_job(name: str, due: Callable[[datetime], list[int]], order: int = 0):
    """Register `run(id, now)` as the job that does each thing `due(now)` lists."""

    def register(run):
        DUE_JOBS[name] = DueJob(name, due, run, order)
        return run

    return register


def once(name: str, key: str | int, now: datetime) -> None:
    """Claim one scheduled thing ("vote reminder", ballot 7) for the job running now. The
    claim is a row that can exist once: a second worker doing the same thing at the same
    moment waits for the first, then is refused (Conflict), and its job is undone."""
    db.session.add(JobRun(name=name, key=str(key), done_at=now))
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise Conflict(_("Another worker has already done this.")) from exc


def not_done(name: str, key_column):
    """A condition for `due` queries: no claim yet for this job and key."""
    return ~select(JobRun.id).where(JobRun.name == name, JobRun.key == key_column).exists()


def run_due(now: datetime | None = None) -> dict[str, int]:
    """Run everything due now, each thing in a transaction of its own. A thing another
    worker did first is refused, rolled back and skipped; nothing is done twice."""
    now = now or utcnow()
    done: dict[str, int] = {}
    for job in sorted(DUE_JOBS.values(), key=lambda job: (job.order, job.name)):
        for thing_id in _job(job.due, now):
            try:
                _job(job.run, thing_id, now)
            except Refused:
                continue  # done by another worker a moment ago
            done[job.name] = done.get(job.name, 0) + 1
    return done


def work_once(worker: str | None = None, batch: int = 20) -> WorkResult:
    """Do what is due (votes to open or close...), then send every email that is due
    now, batch by batch; each is a job that commits on its own (a failure undoes that
    job alone). What is due runs first, so that what it announces goes out at once."""
    worker = worker or worker_name()
    result = WorkResult(done=run_due())
    while True:
        ids = _job(claim_emails, worker, batch)
        if not ids:
            return result
        for notice_id in ids:
            if _job(send_claimed, notice_id, worker):
                result.sent += 1
            else:
                result.failed += 1


def _job(work, *args):
    """Run one job in its own transaction: commit at its end, roll back if it fails."""
    try:
        done = work(*args)
        db.session.commit()
        return done
    except Exception:
        db.session.rollback()
        raise


def work_forever(poll_seconds: float = 5.0, stop_after: float | None = None) -> None:
    worker = worker_name()
    started = time.monotonic()
    while stop_after is None or time.monotonic() - started < stop_after:
        result = work_once(worker)
        if result.sent or result.failed or result.done:
            log.info("Sent %s, failed %s, done %s", result.sent, result.failed, result.done)
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
