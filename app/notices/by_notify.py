"""Telling people through GOV.UK Notify: what the worker does with `app.notices.notify`.

- Emails (when the site has a Notify email template) and text messages go from the
  outbox as SMTP email would; Notify's answer is only "accepted", so they count as
  told when Notify says they were delivered, not before.
- Letters (when `NOTIFY_LETTERS` is set): due letters are put in a pack by the worker
  and each is sent to Notify as its own PDF; each counts as told by letter when Notify
  says it was printed and posted.
- Receipts: Notify posts delivery statuses to the site (`receipts` view), and the
  worker asks about what is still pending every ten minutes (letters always: Notify
  sends no callbacks for them). Delivered means told; failed shows on the delivery
  desk, to be told another way.

A request whose answer was lost may have been accepted: before sending again, the
worker asks Notify whether it holds a message with the same reference.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from app.accounts.models import User
from app.chain import services as chain
from app.errors import Conflict
from app.extensions import db
from app.notices import desk, notify
from app.notices.models import Announcement, Digest, JobRun, Letter, LetterPack, Notice
from app.notices.services import chain_told
from app.notices.worker import LAST, MAX_ATTEMPTS, backoff, due_job, once

log = logging.getLogger(__name__)

#: Statuses after which Notify changes nothing more.
FINAL = notify.DELIVERED | notify.FAILED
#: A send whose answer was lost: ask Notify before sending again.
UNANSWERED = "unanswered"
#: How often the worker asks Notify about messages still on their way.
POLL_EVERY = timedelta(minutes=10)
#: At most this many are asked about in one go (each is a request to Notify).
POLL_BATCH = 50


def reference(kind: str, row_id: int) -> str:
    return f"logbook-{kind}-{row_id}"


def _already_sent(kind: str, row) -> str | None:
    """After a lost answer: Notify's id for the message if it got it after all."""
    if row.provider_status != UNANSWERED:
        return None
    found = notify.find_by_reference(reference(kind, row.id))
    return found.notification_id if found else None


def hand_over(kind: str, row, send, now: datetime) -> dict:
    """Give one message to Notify: the values to store on its row (a notice, a digest
    or a letter). Accepted: its id, and time to ask how it went. Busy or out of reach:
    try again later (given up after many tries). Refused: failed, with Notify's reason."""
    try:
        provider_id = _already_sent(kind, row) or send(reference(kind, row.id))
    except notify.TryLater as exc:
        attempts = row.attempts + 1
        values = {
            "attempts": attempts,
            "next_attempt_at": now + backoff(attempts),
            "last_error": exc.message[:500],
            "provider_status": UNANSWERED if exc.maybe_sent else row.provider_status,
        }
        if attempts >= MAX_ATTEMPTS:
            values["failed_at"] = now
        log.warning("Notify could not take %s %s yet: %s", kind, row.id, exc.message)
        return values
    except notify.NotifyRefused as exc:
        return {"attempts": row.attempts + 1, "failed_at": now, "last_error": exc.message[:500]}
    return {
        "attempts": row.attempts + 1,
        "provider_id": provider_id,
        "provider_status": "created",
        "next_attempt_at": now + POLL_EVERY,
        "last_error": None,
    }


# Emails and texts from the outbox ---------------------------------------------------


def text_of(announcement: Announcement, link: str, language: str | None = None) -> str:
    """A text message in `language`: the title, the first lines, the link, within
    Notify's limit."""
    title, body = announcement.text_in(language)
    first = (body or "").split("\n\n", 1)[0].strip()
    room = notify.SMS_MAX_CHARACTERS - len(title) - len(link) - 4
    if len(first) > room:
        first = first[: max(room - 1, 0)].rstrip() + "…"
    return "\n\n".join(part for part in (title, first, link) if part)


def send_notice(notice: Notice, send, now: datetime) -> bool:
    """Hand one email or text to Notify. True if Notify accepted it (it counts as told
    when Notify says it was delivered)."""
    values = hand_over("notice", notice, send, now)
    db.session.execute(
        update(Notice)
        .where(Notice.id == notice.id)
        .values(
            claimed_by=None,
            claimed_until=None,
            sent_at=now if values.get("provider_id") else None,
            **values,
        )
    )
    return bool(values.get("provider_id"))


# Letters -----------------------------------------------------------------------------


def groups_with_letters(now: datetime) -> list[int]:
    if not notify.letters_available():
        return []
    return list(
        db.session.scalars(
            select(Notice.group_id)
            .join(User, User.id == Notice.user_id)
            .where(Notice.channel == "letter", Notice.reached_at.is_(None))
            .where(desk.waiting_letter(now))
            .group_by(Notice.group_id)
            .order_by(Notice.group_id)
        )
    )


@due_job("letter packs for Notify", groups_with_letters, order=LAST - 1)
def pack_for_notify(group_id: int, now: datetime) -> None:
    """Put a group's due letters in a pack for Notify to post (made by nobody: the worker)."""
    desk.make_pack(group_id, None, now=now)


def letters_to_post(now: datetime) -> list[int]:
    if not notify.letters_available():
        return []
    return list(
        db.session.scalars(
            select(Letter.id)
            .join(LetterPack, LetterPack.id == Letter.pack_id)
            .where(
                LetterPack.created_by_id.is_(None),
                Letter.provider_id.is_(None),
                Letter.posted_at.is_(None),
                Letter.failed_at.is_(None),
                or_(Letter.next_attempt_at.is_(None), Letter.next_attempt_at <= now),
            )
            .order_by(Letter.id)
            .limit(100)
        )
    )


@due_job("letters to Notify", letters_to_post, order=LAST - 1)
def post_letter(letter_id: int, now: datetime) -> None:
    """Send one letter of a worker's pack to Notify, as a PDF of its own."""
    from app.notices.letters import letter_pdf

    letter = db.session.scalar(select(Letter).where(Letter.id == letter_id).with_for_update())
    if letter is None or letter.provider_id or letter.posted_at or letter.failed_at:
        raise Conflict("Another worker has already sent this letter.")
    values = hand_over(
        "letter", letter, lambda ref: notify.send_letter(letter_pdf(letter), ref), now
    )
    db.session.execute(update(Letter).where(Letter.id == letter.id).values(**values))
    if values.get("failed_at"):
        _letter_failed(letter, values["last_error"], now)


def _letter_failed(letter: Letter, reason: str, now: datetime) -> None:
    """A letter Notify will not post: its news waits on the desk as not sent."""
    db.session.execute(
        update(Notice)
        .where(Notice.letter_id == letter.id, Notice.reached_at.is_(None))
        .values(failed_at=now, last_error=reason[:500])
        .execution_options(synchronize_session=False)
    )


# What became of them ----------------------------------------------------------------------


def apply(status: notify.Status, now: datetime) -> bool:
    """Record what Notify says became of a message. True if it was one of ours.

    Delivered (a letter: printed and posted) counts as told at the time Notify gives;
    failed shows on the delivery desk. Saying the same thing twice changes nothing."""
    found = False
    for notice in db.session.scalars(
        select(Notice).where(Notice.provider_id == status.notification_id).with_for_update()
    ):
        found = True
        _notice_status(notice, status, now)
    for digest in db.session.scalars(
        select(Digest).where(Digest.provider_id == status.notification_id).with_for_update()
    ):
        found = True
        _digest_status(digest, status, now)
    for letter in db.session.scalars(
        select(Letter).where(Letter.provider_id == status.notification_id).with_for_update()
    ):
        found = True
        _letter_status(letter, status, now)
    return found


def _notice_status(notice: Notice, status: notify.Status, now: datetime) -> None:
    notice.provider_status = status.status
    if notice.reached_at or notice.failed_at:
        return
    if status.outcome == "delivered":
        at = min(status.at or now, now)
        chain.lock(notice.group_id)
        notice.delivered_at = notice.reached_at = at
        db.session.flush()
        chain_told(notice.group_id, [notice])
    elif status.outcome == "failed":
        notice.failed_at, notice.last_error = now, status.description[:500]


def _digest_status(digest: Digest, status: notify.Status, now: datetime) -> None:
    from app.notices import digests

    digest.provider_status = status.status
    carried = list(
        db.session.scalars(
            select(Notice).where(
                Notice.digest_id == digest.id,
                Notice.reached_at.is_(None),
                Notice.failed_at.is_(None),
                Notice.withdrawn_at.is_(None),
            )
        )
    )
    if status.outcome == "delivered" and carried:
        digests.reached(carried, min(status.at or now, now))
    elif status.outcome == "failed" and digest.failed_at is None:
        digests.give_up(digest, carried, now, status.description)


def _letter_status(letter: Letter, status: notify.Status, now: datetime) -> None:
    letter.provider_status = status.status
    if letter.posted_at or letter.failed_at:
        return
    if status.outcome == "delivered":
        at = min(status.at or now, now)
        letter.posted_at = at
        chain.lock(letter.group_id)
        desk.reach(
            list(
                db.session.scalars(
                    select(Notice).where(
                        Notice.letter_id == letter.id,
                        Notice.reached_at.is_(None),
                        Notice.withdrawn_at.is_(None),
                    )
                )
            ),
            told_at=at,
            by=None,
            note=_("Posted by GOV.UK Notify"),
            now=now,
        )
    elif status.outcome == "failed":
        letter.failed_at, letter.last_error = now, status.description[:500]
        _letter_failed(letter, status.description, now)


def _pending(model):
    """Rows of a kind handed to Notify and still on their way."""
    return select(model).where(
        model.provider_id.is_not(None),
        or_(model.provider_status.is_(None), model.provider_status.not_in(FINAL)),
    )


def poll_slot(now: datetime) -> list[int]:
    """One poll every ten minutes, whichever worker gets there first."""
    if not notify.configured():
        return []
    slot = int(now.timestamp() // POLL_EVERY.total_seconds())
    done = db.session.scalar(
        select(JobRun.id).where(JobRun.name == "Notify receipts", JobRun.key == str(slot))
    )
    return [] if done else [slot]


@due_job("Notify receipts", poll_slot)
def poll(slot: int, now: datetime) -> int:
    """Ask Notify what became of what is still on its way (letters always: Notify does
    not call back about them; the rest only when the site takes no callbacks)."""
    once("Notify receipts", slot, now)
    kinds = [Letter] if notify.takes_callbacks() else [Notice, Digest, Letter]
    asked = 0
    for model in kinds:
        for row in db.session.scalars(_pending(model).order_by(model.id).limit(POLL_BATCH)):
            try:
                status = notify.status_of(row.provider_id)
            except notify.TryLater:
                return asked  # Notify is busy or away: ask again next time
            except notify.NotifyRefused as exc:
                status = notify.Status(row.provider_id, "failed", "unknown", None, None)
                log.warning("Notify no longer knows %s: %s", row.provider_id, exc.message)
            apply(status, now)
            asked += 1
    return asked
