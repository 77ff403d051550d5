"""Decisions the council expects to take soon (the forward plan), for the "coming up"
part of a member's digest: there is still time to say something about them."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.decisions.models import Decision, ForwardPlanEntry
from app.extensions import db
from app.groups.models import Group
from app.links import path_for
from app.notices.digests import Line, part

#: The forward plan looks further ahead than a week: a month gives time to comment.
PLAN_AHEAD = timedelta(days=28)


@part("forward_plan", _l("Decisions expected in the next four weeks"))
def plan_ahead(person: User, group_ids: list[int], now: datetime, until: datetime) -> list[Line]:
    decided = select(Decision.forward_plan_id).where(Decision.forward_plan_id.is_not(None))
    rows = db.session.execute(
        select(ForwardPlanEntry, Group.slug)
        .join(Group, Group.id == ForwardPlanEntry.group_id)
        .where(
            ForwardPlanEntry.group_id.in_(group_ids),
            ForwardPlanEntry.expected_at > now,
            ForwardPlanEntry.expected_at <= now + PLAN_AHEAD,
            ForwardPlanEntry.id.not_in(decided),
        )
        .order_by(ForwardPlanEntry.expected_at, ForwardPlanEntry.id)
        .limit(20)
    )
    return [
        Line(
            entry.group_id,
            entry.title,
            _("Expected on %(date)s.", date=format_date(entry.expected_at, "d MMMM yyyy")),
            path_for("decisions.forward_plan_entry", slug=slug, entry_id=entry.id),
        )
        for entry, slug in rows
    ]
