"""Resident-led enquiries: the question, the team, the evidence gathered, what was found
and the decisions that followed.

An enquiry belongs to a group and (usually) to one of its priorities. Its team
are group members with a role on the enquiry; only they add evidence. A
lived-experience story whose teller's consent has not been recorded is seen by
the team alone.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import db
from app.uploads.models import Upload  # noqa: F401  (evidence and outputs point at uploads)

STATUSES = ("planning", "fieldwork", "analysis", "reported", "acted_on")
METHODS = (
    "survey",
    "face_to_face_interviews",
    "group_interviews",
    "illustrated_booklet",
    "drama_workshop",
    "citizen_science",
    "photo_video",
    "walkabout",
    "other",
)
TEAM_ROLES = ("lead", "peer_researcher", "academic_lead", "facilitator")
EVIDENCE_KINDS = (
    "peer_reviewed",
    "grey_literature",
    "website",
    "lived_experience",
    "survey_data",
    "photo_video",
)
#: Evidence that is someone's own story: shared beyond the team only with their consent.
STORY = "lived_experience"
OUTPUT_KINDS = ("exhibition", "booklet", "video", "report", "presentation")


def team_role(enquiry_id: int, user_id: int) -> str | None:
    """The person's role on the enquiry's team, or None if they are not on it."""
    return db.session.scalar(
        select(TeamMember.role).where(
            TeamMember.enquiry_id == enquiry_id, TeamMember.user_id == user_id
        )
    )


class OnAnEnquiry:
    """Something that belongs to one enquiry and answers the permission module's question
    "what is this person's role on its team?"."""

    def team_role_of(self, user_id: int) -> str | None:
        return team_role(self.enquiry_id, user_id)  # type: ignore[attr-defined]


class Gathered:
    """Something an enquiry gathered or made: its kind and title, where to find it (a link,
    an uploaded file, or both), and who added it when."""

    enquiry_id: Mapped[int] = mapped_column(
        ForeignKey("enquiries.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    #: Where it can be found (http or https only).
    link: Mapped[str | None] = mapped_column(String(2000))
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Enquiry(OnAnEnquiry, db.Model):
    __tablename__ = "enquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    #: What the residents want to find out, in their words.
    question: Mapped[str] = mapped_column(String(300))
    priority_id: Mapped[int | None] = mapped_column(
        ForeignKey("priorities.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="planning")
    #: Codes from METHODS; several may be used.
    methods: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: What "other" method means here.
    other_method: Mapped[str] = mapped_column(String(200), default="")
    #: How consent is taken, how what people say is kept safe, what is anonymised.
    ethics_notes: Mapped[str] = mapped_column(Text, default="")
    #: How many people have taken part so far.
    participants: Mapped[int | None] = mapped_column(Integer)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    findings: Mapped[str] = mapped_column(Text, default="")
    findings_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def enquiry_id(self) -> int:
        return self.id


class TeamMember(db.Model):
    __tablename__ = "enquiry_team"
    __table_args__ = (UniqueConstraint("enquiry_id", "user_id", name="uq_enquiry_team_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(
        ForeignKey("enquiries.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Evidence(OnAnEnquiry, Gathered, db.Model):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    #: What it says, in plain words (for a story, it may be the story itself).
    summary: Mapped[str] = mapped_column(Text)
    #: Stories only: the teller agreed it may be shared with the whole group.
    consent_given: Mapped[bool] = mapped_column(Boolean, default=False)
    #: How and when consent was given (or why it is held back).
    consent_notes: Mapped[str] = mapped_column(Text, default="")
    consent_recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    consent_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def team_only(self) -> bool:
        """A story shared without its teller's recorded consent: for the enquiry team alone."""
        return self.kind == STORY and not self.consent_given


class Output(Gathered, db.Model):
    """What the enquiry produced to share its findings: an exhibition, a booklet, a video..."""

    __tablename__ = "enquiry_outputs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Where and when it was shown, who it was for.
    description: Mapped[str] = mapped_column(Text, default="")


class JournalEntry(db.Model):
    """One dated update in the enquiry's journal; a change of status is written here too."""

    __tablename__ = "enquiry_journal"

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(
        ForeignKey("enquiries.id", ondelete="CASCADE"), index=True
    )
    #: The day it happened (a walkabout written up a week later keeps its own date).
    happened_on: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text, default="")
    #: Set when this entry records the enquiry moving to a new status.
    status: Mapped[str | None] = mapped_column(String(20))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DecisionLink(db.Model):
    """A decision in the group's log that came out of the enquiry."""

    __tablename__ = "enquiry_decisions"
    __table_args__ = (
        UniqueConstraint("enquiry_id", "decision_id", name="uq_enquiry_decisions_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(
        ForeignKey("enquiries.id", ondelete="CASCADE"), index=True
    )
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("decisions.id", ondelete="CASCADE"), index=True
    )
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
