from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import db

#: Ways a member can be told things, in the order forms show them.
CHANNELS = ("in_app", "email", "sms", "letter", "phone", "in_person")
#: How often news reaches someone by email or letter: each thing as it happens, or
#: gathered into one message a day or a week.
DIGESTS = ("each", "daily", "weekly")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased; empty for members added by a facilitator who have no email.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    #: Argon2id hash; empty for people who cannot sign in (no email yet).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Bumped on sign-out and password change, which ends every existing session.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    preferred_channels: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["in_app"])
    phone: Mapped[str | None] = mapped_column(String(40))
    postal_address: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(10), default="en")
    #: One of DIGESTS.
    digest: Mapped[str] = mapped_column(String(10), default="each")
    #: Letters in large print.
    large_print: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When a call found the phone number wrong: it needs checking before the next call.
    phone_wrong_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Part of the private calendar link; bumped to stop an old link working.
    feed_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the person was erased: their name is "Former member <id>" and every way of
    #: reaching them or signing in as them is gone. The row stays, so that the told
    #: records and votes that point at it keep the group's log whole.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Flask-Login protocol
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.password_hash is not None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def can_sign_in(self) -> bool:
        return bool(self.email and self.password_hash)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email or self.name}>"


class PasswordReset(db.Model):
    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
