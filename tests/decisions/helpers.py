"""Builders for decision-log tests."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from app.dbtypes import utcnow
from app.decisions import services as decisions
from app.extensions import db
from app.groups.models import Membership


def backdate_members(group, days: int = 400) -> None:
    """Members who joined long ago, so that past decisions count for them."""
    db.session.execute(
        update(Membership)
        .where(Membership.group_id == group.id)
        .values(joined_at=utcnow() - timedelta(days=days))
    )
    db.session.commit()


def record(group, by, days_ago: float = 0, **fields):
    values = {
        "title": "Youth centre opens on Saturdays",
        "summary": "It opens 1pm to 5pm.",
        "decided_by_kind": "council_cabinet",
    }
    values.update(fields)
    decision = decisions.record_decision(
        group, by, decided_at=utcnow() - timedelta(days=days_ago), **values
    )
    db.session.commit()  # as the request that recorded it would
    return decision
