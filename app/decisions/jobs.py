"""What the worker does for the decision log: once a week, tell each group's
facilitators how many members have not been told of decisions in time."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import String, cast, literal, select

from app.dbtypes import local_day
from app.decisions.told import not_told_in_time
from app.extensions import db
from app.groups import services as group_services
from app.groups.models import Group
from app.links import path_for
from app.notices import services as notices
from app.notices.worker import due_job, not_done, once

OVERDUE_ALERTS = "overdue alerts"
FACILITATORS = frozenset({"facilitator"})


def iso_week(now: datetime) -> str:
    """The week it is in London at `now`, as ISO 8601 writes it: "2026-W10"."""
    year, week, _day = local_day(now).isocalendar()
    return f"{year}-W{week:02d}"


def alert_key(group_id: int, now: datetime) -> str:
    return f"{group_id}@{iso_week(now)}"


def due_alerts(now: datetime) -> list[int]:
    """Groups whose alert for this week has not been looked at yet."""
    key = cast(Group.id, String) + literal("@" + iso_week(now))
    return list(
        db.session.scalars(select(Group.id).where(not_done(OVERDUE_ALERTS, key)).order_by(Group.id))
    )


def alert_facilitators(group_id: int, now: datetime) -> int:
    """Count members not told in time and, when there are any, tell the facilitators.
    Once a group a week: the week's count is taken whether or not it finds any, and a
    second worker doing the same is refused. Returns how many were not told."""
    once(OVERDUE_ALERTS, alert_key(group_id, now), now)
    group = db.session.get(Group, group_id)
    late = not_told_in_time(group, now)
    facilitators = group_services.everyone_to_tell(group, FACILITATORS)
    if not late or not facilitators:
        return len(late)
    members = len({row.person.id for _decision, row in late})
    decisions = len({decision_id for decision_id, _row in late})
    days = group.inform_within_days
    notices.announce(
        group_id=group.id,
        subject_kind="overdue",
        subject_id=group.id,
        title=lambda: ngettext(
            "%(num)d member not told within %(days)d days",
            "%(num)d members not told within %(days)d days",
            members,
            days=days,
        ),
        body=lambda: "\n\n".join(
            (
                ngettext(
                    "In %(group)s, %(num)d member has not been told of a decision within "
                    "%(days)d days of it being taken.",
                    "In %(group)s, %(num)d members have not been told of a decision within "
                    "%(days)d days of it being taken.",
                    members,
                    group=group.name,
                    days=days,
                ),
                ngettext(
                    "It concerns %(num)d decision.", "It concerns %(num)d decisions.", decisions
                ),
                _(
                    "The delivery desk lists the letters to post, the calls to make and "
                    "the emails that failed, so you can tell them another way:"
                ),
            )
        ),
        url=path_for("notices.desk", slug=group.slug),
        people=facilitators,
        now=now,
    )
    return len(late)


due_job(OVERDUE_ALERTS, due_alerts)(alert_facilitators)
