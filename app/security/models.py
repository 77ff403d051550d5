from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import db


class SecurityEvent(db.Model):
    """One thing that matters to the site's security: a sign-in, a failure, a refusal,
    a role or settings change. Never a password, token or the text of a form."""

    __tablename__ = "security_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: A short dotted name: "sign_in.failed", "role.changed", "error".
    kind: Mapped[str] = mapped_column(String(40), index=True)
    #: Who it was about or who did it, when known (kept when the person is erased).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: The address the request came from (after trusted proxies).
    address: Mapped[str | None] = mapped_column(String(64))
    #: Method and path, without the query string (which may carry tokens).
    path: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[int | None] = mapped_column(Integer)
    #: For errors: the reference shown on the error page.
    reference: Mapped[str | None] = mapped_column(String(16), index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class SiteSettings(db.Model):
    """Settings for the whole site, changed by site admins. There is at most one row;
    with none, the defaults below apply."""

    __tablename__ = "site_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Site admins and facilitators must use a second factor to sign in.
    require_two_factor_for_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Months after which the postal addresses and phone numbers copied onto old
    #: letters and calls are deleted (0: kept).
    keep_notice_contacts_months: Mapped[int] = mapped_column(Integer, default=0)
    #: Days security events are kept.
    keep_security_events_days: Mapped[int] = mapped_column(Integer, default=365)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
