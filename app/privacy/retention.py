"""Keeping personal data no longer than the site's settings say, done by the worker
(`flask notices work`): the postal addresses copied onto old letters are blanked
after `keep_notice_contacts_months` (0 keeps them), and security events older than
`keep_security_events_days` are deleted.

Both are plain guarded changes (blank what is not blank yet, delete what is old), so
two workers doing them at once do no harm and nothing needs claiming.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, update

from app.extensions import db
from app.notices.models import CallAttempt, Letter, LetterPack
from app.notices.worker import due_job
from app.security import settings
from app.security.models import SecurityEvent

#: A month, for retention: never shorter than a calendar month.
MONTH = timedelta(days=31)
#: The one "thing" each retention job does when due (they act on the whole site).
SITE = 1


def contacts_cutoff(now: datetime) -> datetime | None:
    months = settings.current().keep_notice_contacts_months
    return now - months * MONTH if months and months > 0 else None


def events_cutoff(now: datetime) -> datetime | None:
    days = settings.current().keep_security_events_days
    return now - timedelta(days=days) if days and days > 0 else None


def _old_letters(cutoff: datetime):
    """Letters printed before the cutoff that still carry an address."""
    return (Letter.address != "") & Letter.pack_id.in_(
        select(LetterPack.id).where(LetterPack.created_at < cutoff)
    )


def _old_calls(cutoff: datetime):
    """Notes on calls made before the cutoff: where a number someone else answered on,
    or a better time to ring, gets written down."""
    return CallAttempt.note.is_not(None) & (CallAttempt.at < cutoff)


def letters_due(now: datetime) -> list[int]:
    cutoff = contacts_cutoff(now)
    if cutoff is None:
        return []
    old = exists().where(_old_letters(cutoff)), exists().where(_old_calls(cutoff))
    return [SITE] if any(db.session.scalar(select(o)) for o in old) else []


@due_job("forget old contact details", letters_due)
def forget_contact_details(_site: int, now: datetime) -> int:
    """Blank the addresses on letters printed, and the notes on calls made, more than
    the set months ago. The letter and the call stay (who was written to or rung, when,
    and what came of it); a reprint of such a letter has no address."""
    cutoff = contacts_cutoff(now)
    if cutoff is None:
        return 0
    letters = db.session.execute(update(Letter).where(_old_letters(cutoff)).values(address=""))
    calls = db.session.execute(update(CallAttempt).where(_old_calls(cutoff)).values(note=None))
    return letters.rowcount + calls.rowcount


def events_due(now: datetime) -> list[int]:
    cutoff = events_cutoff(now)
    if cutoff is None:
        return []
    old = exists().where(SecurityEvent.at < cutoff)
    return [SITE] if db.session.scalar(select(old)) else []


@due_job("forget old security events", events_due)
def forget_security_events(_site: int, now: datetime) -> int:
    cutoff = events_cutoff(now)
    if cutoff is None:
        return 0
    return db.session.execute(delete(SecurityEvent).where(SecurityEvent.at < cutoff)).rowcount
