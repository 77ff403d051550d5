"""The decision log: decisions, their amendments, the forward plan and grapevine reports.

Decisions and amendments are written once and never updated: the current state
of a decision is its original record with its amendments applied in order.
Each group's decisions and amendments are chained by SHA-256 (`app.chain`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import db

#: Who took a decision.
DECIDED_BY = ("group_vote", "council_cabinet", "officer_delegated", "partner_organisation", "other")
#: How far it has been carried out.
IMPLEMENTATION = ("not_started", "in_progress", "done", "dropped")
#: Kinds of amendment.
AMENDMENT_KINDS = ("correction", "revision", "revocation", "status")
#: Amendments that change what members need to know: each makes a new version of the
#: decision, announced to every member. A progress update does not.
NEW_VERSION_KINDS = ("correction", "revision", "revocation")
#: Fields an amendment may change.
AMENDABLE = ("title", "summary", "body", "decided_by_name", "place", "rationale", "status")


class Decision(db.Model):
    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("group_id", "number", name="uq_decisions_group_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    #: 1, 2, 3... within the group: what members call "decision 12".
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    #: Full text in Markdown; shown sanitised.
    body: Mapped[str] = mapped_column(Text, default="")
    #: When it was actually decided (may be long before it was recorded).
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    decided_by_kind: Mapped[str] = mapped_column(String(30))
    #: Which body or person: "Cabinet, 3 March", "Head of Housing"...
    decided_by_name: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    rationale: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    forward_plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("forward_plan_entries.id", ondelete="SET NULL"), index=True
    )
    #: Set when the group's own decision had less notice than its rule asks: why.
    short_notice_reason: Mapped[str | None] = mapped_column(Text)
    #: Stamped by the site; nobody can set them.
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Amendment(db.Model):
    __tablename__ = "amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("decisions.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: {field: new value} for the fields this amendment changes.
    changes: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ForwardPlanEntry(db.Model):
    """An upcoming decision, published so members are told before it is taken."""

    __tablename__ = "forward_plan_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    #: Who will take it: "Council cabinet", "this group's vote"...
    decision_by_kind: Mapped[str] = mapped_column(String(30))
    decision_by_name: Mapped[str] = mapped_column(String(200), default="")
    expected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class GrapevineReport(db.Model):
    """ "I heard that ... was decided": unconfirmed until linked to a decision or answered."""

    __tablename__ = "grapevine_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(Text)
    #: Roughly when, and by whom, the reporter heard it was decided (free text).
    heard_when: Mapped[str] = mapped_column(String(200), default="")
    heard_by_whom: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", ondelete="SET NULL"), index=True
    )
    answer: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
