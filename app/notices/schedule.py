"""When news reaches people who asked for it all together: the daily and weekly
digest times, and the digest a notice joins.

Digests go at the site's digest hour (London time, `DIGEST_HOUR`, 7 by default):
daily ones every day, weekly ones on `DIGEST_WEEKDAY` (0 is Monday, the default).
A notice waits for the first digest time after it was made.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.dbtypes import LOCAL_ZONE
from app.extensions import db
from app.notices.models import Digest

#: Cadences that gather news; anything else ("each") sends each thing as it happens.
GATHERED = ("daily", "weekly")


def next_digest_time(after: datetime, cadence: str) -> datetime:
    """The first digest time of this cadence strictly after `after` (a UTC moment)."""
    hour = current_app.config["DIGEST_HOUR"]
    local = after.astimezone(LOCAL_ZONE)
    day = local.date()
    while True:
        moment = datetime.combine(day, time(hour), tzinfo=LOCAL_ZONE)
        weekday_ok = cadence == "daily" or day.weekday() == current_app.config["DIGEST_WEEKDAY"]
        if weekday_ok and moment > local:
            return moment.astimezone(after.tzinfo)
        day += timedelta(days=1)


def period_of(moment: datetime, cadence: str) -> str:
    """What a digest sent at `moment` gathers: "2026-11-27" (a day) or "2026-W49"."""
    local = moment.astimezone(LOCAL_ZONE).date()
    if cadence == "daily":
        return local.isoformat()
    year, week, _day = local.isocalendar()
    return f"{year}-W{week:02d}"


def digests_for(people, now: datetime) -> dict[int, int]:
    """The digest each person's next notice joins (person id → digest id), made if
    need be: one statement to make those missing, one to read them all."""
    wanted = {}
    for person in people:
        if person.digest in GATHERED:
            due = next_digest_time(now, person.digest)
            wanted[person.id] = (person.digest, period_of(due, person.digest), due)
    if not wanted:
        return {}
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(Digest)
        .values(
            [
                {
                    "user_id": user_id,
                    "cadence": cadence,
                    "period": period,
                    "created_at": now,
                    "next_attempt_at": due,
                    "attempts": 0,
                }
                for user_id, (cadence, period, due) in wanted.items()
            ]
        )
        .on_conflict_do_nothing(index_elements=["user_id", "period"])
    )
    periods = {(user_id, period) for user_id, (_c, period, _d) in wanted.items()}
    return {
        user_id: digest_id
        for digest_id, user_id, period in db.session.execute(
            select(Digest.id, Digest.user_id, Digest.period).where(
                Digest.user_id.in_(list(wanted)), Digest.sent_at.is_(None)
            )
        )
        if (user_id, period) in periods
    }


def digest_note(person) -> str | None:
    """What someone's choice of gathered news means when they cannot have it by email:
    said plainly when they save it, so nobody waits for a digest that cannot come."""
    channels = set(person.preferred_channels or [])
    if person.digest not in GATHERED or ("email" in channels and person.email):
        return None
    if "letter" in channels and person.digest == "weekly":
        return _("Without email, the week's news comes as one letter a week.")
    if "letter" in channels:
        return _(
            "Daily news comes by email only. Without email, letters come as things "
            "happen; choose once a week for one letter a week."
        )
    return _(
        "News gathered together comes by email or letter only. Without either, it waits "
        "in the Logbook inbox, and comes the other ways chosen as things happen."
    )
