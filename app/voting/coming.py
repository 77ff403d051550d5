"""Votes closing soon, for the "coming up" part of a member's digest: those they may
vote in and have not yet."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.groups.models import Group
from app.links import path_for
from app.notices.digests import Line, part
from app.voting.models import Ballot, EligibleVoter


@part("votes", _l("Votes closing soon that you have not voted in"))
def votes_closing(person: User, group_ids: list[int], now: datetime, until: datetime) -> list[Line]:
    rows = db.session.execute(
        select(Ballot, Group.slug)
        .join(Group, Group.id == Ballot.group_id)
        .join(EligibleVoter, EligibleVoter.ballot_id == Ballot.id)
        .where(
            Ballot.group_id.in_(group_ids),
            Ballot.opened_at.is_not(None),
            Ballot.closed_at.is_(None),
            Ballot.closes_at.is_not(None),
            Ballot.closes_at > now,
            Ballot.closes_at <= until,
            EligibleVoter.user_id == person.id,
            EligibleVoter.voted.is_(False),
        )
        .order_by(Ballot.closes_at, Ballot.id)
        .limit(20)
    )
    return [
        Line(
            ballot.group_id,
            ballot.title,
            _(
                "Voting closes %(when)s.",
                when=format_datetime(ballot.closes_at, "EEEE d MMMM, HH:mm"),
            ),
            path_for("voting.ballot", slug=slug, ballot_id=ballot.id),
        )
        for ballot, slug in rows
    ]
