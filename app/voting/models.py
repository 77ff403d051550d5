"""Priorities and ballots.

A ballot's casts are append-only: re-casting adds a row, and `current_ballots`
points at each voter's latest one (one row per voter, enforced by the
database). Voters are identified in the ballot box by a keyed hash, so a
secret ballot's choices are never stored next to a person's id.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import db

#: The programme's five resilience domains.
DOMAINS = (
    "inclusive_governance",
    "social_connectivity",
    "cultural_coherence",
    "living_environment",
    "local_economy",
)
PRIORITY_STATUSES = (
    "proposed",
    "shortlisted",
    "chosen",
    "in_action",
    "achieved",
    "not_taken_forward",
)
METHODS = ("approval", "dot", "ranked", "score")
VOTERS = ("all_members", "residents_only")


class Priority(db.Model):
    __tablename__ = "priorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    domain: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    #: Shown to everyone when a priority is not taken forward.
    status_reason: Mapped[str | None] = mapped_column(Text)
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PrioritySupport(db.Model):
    """ "I back this"."""

    __tablename__ = "priority_supports"
    __table_args__ = (UniqueConstraint("priority_id", "user_id", name="uq_priority_supports_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(
        ForeignKey("priorities.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Ballot(db.Model):
    __tablename__ = "ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(10))
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Dot voting: dots per voter, and the most on one option.
    dots: Mapped[int] = mapped_column(Integer, default=0)
    max_per_option: Mapped[int] = mapped_column(Integer, default=0)
    quorum_percent: Mapped[int] = mapped_column(Integer, default=0)
    voters: Mapped[str] = mapped_column(String(20), default="all_members")
    #: Whether paper tallies from public events count towards the result.
    count_paper: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Planned times (optional); opened_at/closed_at are when it really happened.
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: SHA-256 over the options and eligible voters, frozen when it opens.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    eligible_count: Mapped[int] = mapped_column(Integer, default=0)
    #: The counted result, stored when it closes (see app.voting.tally).
    result: Mapped[dict | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BallotOption(db.Model):
    __tablename__ = "ballot_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    priority_id: Mapped[int | None] = mapped_column(
        ForeignKey("priorities.id", ondelete="SET NULL")
    )


class EligibleVoter(db.Model):
    """Who may vote, frozen when the ballot opens."""

    __tablename__ = "eligible_voters"
    __table_args__ = (UniqueConstraint("ballot_id", "user_id", name="uq_eligible_voters_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: When they last cast (for reminders and turnout), never what they chose.
    voted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Cast(db.Model):
    """One ballot as cast. Never updated; a re-cast is a new row."""

    __tablename__ = "casts"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    #: HMAC of the ballot and the voter: links re-casts without naming anyone.
    voter_key: Mapped[str] = mapped_column(String(64))
    #: Named ballots only; always empty for secret ones.
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    choices: Mapped[object] = mapped_column(JSON)
    receipt: Mapped[str] = mapped_column(String(20), unique=True)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Entered by a facilitator for someone voting in person or on paper.
    assisted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assisted_note: Mapped[str | None] = mapped_column(String(200))


class CurrentBallot(db.Model):
    """Each voter's ballot that counts: their latest cast. One per voter per ballot."""

    __tablename__ = "current_ballots"
    __table_args__ = (
        UniqueConstraint("ballot_id", "voter_key", name="uq_current_ballots_one_per_voter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    voter_key: Mapped[str] = mapped_column(String(64))
    cast_id: Mapped[int] = mapped_column(ForeignKey("casts.id", ondelete="CASCADE"))


class PaperTally(db.Model):
    """Counts from paper slips at a public event, by people who are not members."""

    __tablename__ = "paper_tallies"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(200))
    #: {option id: number of slips} (first preferences for ranked choice).
    counts: Mapped[dict] = mapped_column(JSON)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
