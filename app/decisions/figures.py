"""A group's figures: how many decisions had notice, how long members waited to be
told, and how often they were told late or not at all, month by month."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.dbtypes import utcnow
from app.decisions.models import Decision, ForwardPlanEntry
from app.decisions.reports import open_grapevine_count
from app.decisions.services import states_for
from app.decisions.told import informed_for
from app.decisions.upcoming import notice_given
from app.extensions import db
from app.groups.models import Group


@dataclass
class Month:
    label: str  # "2026-03"
    decisions: int = 0
    with_prior_notice: int = 0
    lags_days: list[float] = field(default_factory=list)
    late: int = 0
    missing: int = 0

    @property
    def share_prior_notice(self) -> float | None:
        return self.with_prior_notice / self.decisions if self.decisions else None

    @property
    def median_lag_days(self) -> float | None:
        return statistics.median(self.lags_days) if self.lags_days else None


@dataclass
class Figures:
    decisions: int
    with_prior_notice: int
    median_lag_days: float | None
    told_late: int
    not_told: int
    open_grapevine: int
    months: list[Month]
    #: Times members were told of a decision but not of the version that stands now.
    told_earlier_version: int = 0
    #: Times members heard of a decision along the grapevine before anyone told them.
    heard_first_via_grapevine: int = 0


def group_figures(group: Group, now: datetime | None = None) -> Figures:
    """Headline figures and month-by-month pictures. A fixed number of queries."""
    now = now or utcnow()
    decisions = list(
        db.session.scalars(
            select(Decision).where(Decision.group_id == group.id).order_by(Decision.decided_at)
        )
    )
    plans = {
        e.id: e
        for e in db.session.scalars(
            select(ForwardPlanEntry).where(ForwardPlanEntry.group_id == group.id)
        )
    }
    informed = informed_for(group, states_for(decisions), now)
    months: dict[str, Month] = {}
    all_lags: list[float] = []
    late = missing = prior = earlier = grapevine = 0
    for decision in decisions:
        label = decision.decided_at.strftime("%Y-%m")
        month = months.setdefault(label, Month(label))
        month.decisions += 1
        if notice_given(group, decision.decided_at, plans.get(decision.forward_plan_id)):
            month.with_prior_notice += 1
            prior += 1
        for row in informed[decision.id]:
            told = ("told_on_time", "told_late", "told_earlier_version")
            if row.status in told and row.lag is not None:
                days = max(row.lag.total_seconds(), 0) / 86400
                month.lags_days.append(days)
                all_lags.append(days)
            if row.status == "told_late":
                month.late += 1
                late += 1
            if row.status == "not_told_overdue":
                month.missing += 1
                missing += 1
            earlier += row.status == "told_earlier_version"
            grapevine += row.heard_first_via_grapevine_at is not None
    return Figures(
        decisions=len(decisions),
        with_prior_notice=prior,
        median_lag_days=statistics.median(all_lags) if all_lags else None,
        told_late=late,
        not_told=missing,
        open_grapevine=open_grapevine_count(group),
        months=[months[k] for k in sorted(months)],
        told_earlier_version=earlier,
        heard_first_via_grapevine=grapevine,
    )
