"""Priorities and ballots.

A ballot's casts are append-only while it is open: re-casting adds a row, and
`current_ballots` points at each voter's latest one (one row per voter, enforced by
the database). Casts find their voter's earlier ones through a random per-voter token
(`voter_tokens`), never through anything a site secret can recompute. For a secret
ballot nothing stored links a person to a cast: casts keep no time and get random ids,
the record that someone voted is a yes or no, and when it closes the tokens are
deleted and the counted casts written again in a random order under fresh ids.
docs/voting.md is the threat model.
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
    #: How voters' casts are linked (docs/voting.md): "token-1", a random token per
    #: voter held apart from the casts and deleted at close. No site secret is used.
    key_scheme: Mapped[str] = mapped_column(String(20), default="token-1")
    #: Who closed it (None: the worker, at its set time), and why, when before that time.
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    close_reason: Mapped[str | None] = mapped_column(Text)
    #: Someone other than whoever closed it confirmed the count; the box is final then.
    certified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    certified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
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
    #: Whether they have voted (for reminders and turnout): no time, never what they chose.
    voted: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When they last cast, for named ballots only (a secret ballot keeps no time).
    voted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class VoterToken(db.Model):
    """A voter's random token for one ballot while it is open: what links their re-casts
    (`Cast.voter_key`). Deleted when the ballot closes, after which nothing links them."""

    __tablename__ = "voter_tokens"
    __table_args__ = (UniqueConstraint("ballot_id", "user_id", name="uq_voter_tokens_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(64), unique=True)


class AssistedVote(db.Model):
    """Someone entered a vote for a member (at a meeting, from a paper slip, on the
    phone): who, for whom, and where. Kept apart from the casts, and with no time, so it
    says nothing of what the member chose."""

    __tablename__ = "assisted_votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(String(200))
    #: They had already voted themselves, and whoever entered this confirmed replacing it.
    replaced_own_vote: Mapped[bool] = mapped_column(Boolean, default=False)


class Cast(db.Model):
    """One ballot as cast. Never updated; a re-cast is a new row."""

    __tablename__ = "casts"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    #: The voter's token while the ballot is open (links re-casts without naming
    #: anyone); random after a secret ballot closes.
    voter_key: Mapped[str] = mapped_column(String(64))
    #: Named ballots only; always empty for secret ones.
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    choices: Mapped[object] = mapped_column(JSON)
    receipt: Mapped[str] = mapped_column(String(20), unique=True)
    #: Named ballots only: a secret ballot's casts keep no time.
    cast_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Named ballots only: entered by someone for a member voting in person or on paper
    #: (for secret ones, `AssistedVote` says so, apart from the cast).
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
    """Counts from paper slips at a public event, by people who are not members. It
    counts once a second person confirms it; there are never more slips than the
    people present, as the person entering it stated."""

    __tablename__ = "paper_tallies"
    __table_args__ = (UniqueConstraint("ballot_id", "event", name="uq_paper_tallies_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(200))
    #: {option id: number of slips} (first preferences for ranked choice).
    counts: Mapped[dict] = mapped_column(JSON)
    #: How many people were present to vote on paper, as stated by whoever entered it.
    present: Mapped[int] = mapped_column(Integer, default=0)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
