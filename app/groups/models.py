from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.dbtypes import UTCDateTime, utcnow
from app.extensions import db

#: Roles inside a group, in the order forms show them.
ROLES = ("resident", "resident_adviser", "facilitator", "officer", "partner")
#: Who may vote in the group's ballots.
VOTERS = ("all_members", "residents_only")


class Group(db.Model):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    neighbourhood: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    focus: Mapped[str] = mapped_column(String(200), default="")
    #: Members should be told of a decision within this many days of it.
    inform_within_days: Mapped[int] = mapped_column(Integer, default=7)
    #: Days of forward-plan notice this group's own decisions need.
    notice_period_days: Mapped[int] = mapped_column(Integer, default=28)
    who_may_vote: Mapped[str] = mapped_column(String(20), default="all_members")
    #: When true, anyone may read the decision log, signed in or not.
    public_log: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Group {self.slug}>"


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("group_id", "user_id", name="uq_memberships_group_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[Group] = relationship(lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"<Membership {self.user_id} in {self.group_id} as {self.role}>"


#: How a membership ended.
ENDINGS = ("left", "removed", "erased")


class MembershipEnd(db.Model):
    """A membership that ended: the group's history of who was a member, in what role,
    from when until when, and why they went. The membership itself is deleted (so
    nothing private is shown to them again); what they were told while a member stays
    in the notices and the group's chain, which never depended on the membership."""

    __tablename__ = "membership_ends"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: One of ENDINGS.
    how: Mapped[str] = mapped_column(String(10))
    #: Why a facilitator removed them, as they wrote it (kept in the group's history).
    reason: Mapped[str] = mapped_column(Text, default="")
    #: Who removed them (empty when they left of their own accord).
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Whether the mail server accepted the invitation email.
    email_sent: Mapped[bool] = mapped_column(Boolean, default=False)

    group: Mapped[Group] = relationship(lazy="raise")
    invited_by: Mapped[User | None] = relationship(lazy="raise")
