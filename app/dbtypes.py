"""Column types and time helpers shared by every domain's models."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

#: Where Logbook's people are: dates and times typed in forms are London times.
LOCAL_ZONE = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_to_utc(day: date, at: time | None = None) -> datetime:
    """A date (and time) typed by a person in London, as a UTC moment.

    With no time given: midday on a past day, or the present moment for today
    (midday today may not have happened yet).
    """
    if at is None:
        if day == local_today():
            return utcnow()
        at = time(12, 0)
    return datetime.combine(day, at, tzinfo=LOCAL_ZONE).astimezone(UTC)


def local_today() -> date:
    return datetime.now(LOCAL_ZONE).date()


def local_day(moment: datetime) -> date:
    """The day it is in London at a moment (a scheduled job's "today")."""
    return moment.astimezone(LOCAL_ZONE).date()


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every database.

    SQLite has no time zones, so values come back naive; this puts UTC back on
    them and refuses naive values going in, so no local time can slip in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC time is needed")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
