from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import db


class Upload(db.Model):
    """One stored file. The file lives in UPLOAD_FOLDER under `stored_name`, never under
    the name it came with."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    #: Random, generated here; the only name the file has on disk.
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    #: The name it had on the person's device, checked; offered back when downloading.
    original_name: Mapped[str] = mapped_column(String(200))
    #: Decided from the file's content and extension, never from what the browser claimed.
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
