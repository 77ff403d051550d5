from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import db

#: What can be commented on: a forward-plan entry, a priority.
SUBJECT_KINDS = ("forward_plan", "priority")


class Comment(db.Model):
    """One member's comment on one thing, kept as written."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_subject", "subject_kind", "subject_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    #: One of SUBJECT_KINDS, and the id of the thing it is about.
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: A reply (an officer answering a member's comment) names the comment it answers.
    reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
