"""What the worker does for actions: once a day, remind owners of actions due soon or
overdue (each action at most once a week, as `flask actions remind` does)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import literal, select

from app.actions import services as actions
from app.dbtypes import local_day
from app.extensions import db
from app.notices.worker import due_job, not_done, once

ACTION_REMINDERS = "action reminders"


def due_today(now: datetime) -> list[int]:
    """Today (as a day number), unless today's reminders have gone already."""
    day = local_day(now)
    if db.session.scalar(select(not_done(ACTION_REMINDERS, literal(day.isoformat())))):
        return [day.toordinal()]
    return []


def remind_for_the_day(day_number: int, now: datetime) -> int:
    """Remind owners, once that day: a second worker doing the same is refused."""
    day = date.fromordinal(day_number)
    once(ACTION_REMINDERS, day.isoformat(), now)
    return actions.remind_owners(now=now, today=day)


due_job(ACTION_REMINDERS, due_today)(remind_for_the_day)
