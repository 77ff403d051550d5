from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, Text
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
    #: The language of their pages, notices and letters; None until they choose one
    #: or first sign in (then it is the language they signed in with).
    language: Mapped[str | None] = mapped_column(String(10))
    #: One of DIGESTS.
    digest: Mapped[str] = mapped_column(String(10), default="each")
    #: Letters in large print.
    large_print: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When a call found the phone number wrong: it needs checking before the next call.
    phone_wrong_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Part of the private calendar link; bumped to stop an old link working.
    feed_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The shared secret (base32) of the person's authenticator app; set only once a
    #: code from the app has confirmed it.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    #: When the second factor was turned on; empty while it is off.
    two_factor_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last time-step (30 seconds each) whose code was accepted: a code seen once
    #: is never accepted again, even within its half-minute.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

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

    @property
    def two_factor_on(self) -> bool:
        return self.two_factor_since is not None and self.totp_secret is not None

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


class ApiToken(db.Model):
    """A member's key for scripts that read open data (JSON, CSV, calendars) as them.

    Only a SHA-256 hash of the token is kept, with its first few characters so its
    owner can tell tokens apart; the token itself is shown once, when it is made.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: What its owner calls it, like "ward dashboard".
    name: Mapped[str] = mapped_column(String(80))
    #: The token's first characters ("lbk_" and a few more): enough to recognise, not to use.
    prefix: Mapped[str] = mapped_column(String(16))
    #: Hex SHA-256 of the whole token. The token is 32 random bytes, so a plain hash
    #: (no salt, no slow hashing) cannot be reversed, and it can be looked up directly.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When a script last used it, to the hour (it is written at most once an hour).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Kept after revoking, for the security event log's sake; it never works again.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RecoveryCode(db.Model):
    """One of the single-use codes a person keeps on paper, to sign in when their
    authenticator app is lost. Only a hash is stored (the codes are long and random,
    so a plain SHA-256 is enough)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserSession(db.Model):
    """One signed-in browser. The browser's cookie carries a random key; only its hash
    is stored, so a copy of the database opens no one's account."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the key in the session cookie.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: When the person signed in: the session ends a fixed time after this, however busy.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The last request, to within a minute (kept coarse so reading pages writes little).
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Where the sign-in came from (after trusted proxies).
    address: Mapped[str | None] = mapped_column(String(64))
    #: A short description of the browser, like "Firefox on Windows".
    browser: Mapped[str | None] = mapped_column(String(120))
    #: When it was signed out or ended from another browser; empty while it lasts.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
