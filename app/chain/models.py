"""One link of a group's hash chain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import db

#: What an entry can be about.
ENTRY_KINDS = ("decision", "amendment", "told", "withdrawal")


class LogEntry(db.Model):
    """One record in a group's chain: a decision, an amendment, someone told, or a
    record of telling withdrawn, in the order they were recorded."""

    __tablename__ = "log_entries"
    __table_args__ = (UniqueConstraint("group_id", "seq", name="uq_log_entries_group_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    #: One of ENTRY_KINDS.
    kind: Mapped[str] = mapped_column(String(20))
    # RESTRICT: the database refuses to delete a logged record, rather than quietly
    # taking its log entry with it.
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id", ondelete="RESTRICT"))
    amendment_id: Mapped[int | None] = mapped_column(
        ForeignKey("amendments.id", ondelete="RESTRICT")
    )
    #: For "told" and "withdrawal": the notice. No foreign key on purpose: a notice
    #: deleted behind Logbook's back must leave its entry behind, to be caught.
    notice_id: Mapped[int | None] = mapped_column(Integer, index=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
