"""What the worker does for votes when their time comes: open them, remind those who
have not voted yet, close and count them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, cast, select

from app.extensions import db
from app.groups.models import Group
from app.notices.worker import due_job, not_done, once
from app.voting import services as voting
from app.voting.models import Ballot

#: Members who have not voted are reminded this long before a vote's set closing time.
REMIND_BEFORE_CLOSE = timedelta(hours=48)
VOTE_REMINDERS = "vote reminders"


def due_for_reminder(now: datetime) -> list[int]:
    """Open votes that close at a set time within the next 48 hours and have not been
    reminded about. A vote that opened inside those 48 hours is left alone: its
    "Vote now" went out a moment ago, and a reminder on top would be noise."""
    rows = db.session.execute(
        select(Ballot.id, Ballot.opened_at, Ballot.closes_at)
        .where(
            Ballot.opened_at.is_not(None),
            Ballot.closed_at.is_(None),
            Ballot.closes_at > now,
            Ballot.closes_at <= now + REMIND_BEFORE_CLOSE,
            not_done(VOTE_REMINDERS, cast(Ballot.id, String)),
        )
        .order_by(Ballot.closes_at, Ballot.id)
    )
    return [
        ballot_id
        for ballot_id, opened_at, closes_at in rows
        if opened_at < closes_at - REMIND_BEFORE_CLOSE
    ]


def remind_before_close(ballot_id: int, now: datetime) -> int:
    """Remind a vote's non-voters, once: a second worker doing the same is refused."""
    once(VOTE_REMINDERS, ballot_id, now)
    ballot = db.session.get(Ballot, ballot_id)
    return voting.remind(db.session.get(Group, ballot.group_id), ballot, now=now)


due_job("open votes", voting.due_to_open)(voting.open_on_time)
due_job(VOTE_REMINDERS, due_for_reminder)(remind_before_close)
due_job("close votes", voting.due_to_close)(voting.close_on_time)
