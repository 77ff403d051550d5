"""Members' tokens for scripts that read open data as them.

A token is "lbk_" and 43 random URL-safe characters (32 bytes). The database keeps
its SHA-256 hash and first characters only, so a copy of the database opens nothing.
A token is read from `Authorization: Bearer <token>` and works on open data (GET)
alone: never a page, never a form, and it never starts a session.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import ApiToken, User
from app.dbtypes import utcnow
from app.errors import Invalid, NotFound
from app.extensions import db
from app.security import events

PREFIX = "lbk_"
#: How many characters of a token its owner sees again, to tell tokens apart.
SHOWN = len(PREFIX) + 6
#: Anything else in the header is refused before the database is asked.
TOKEN_RE = re.compile(r"^lbk_[A-Za-z0-9_-]{32,100}$")
MAX_NAME = 80
#: Enough for every script a person might run; a cap keeps the page and the table small.
MAX_LIVE = 20
#: "Last used" is written at most this often, so reading data rarely writes.
LAST_USED_EVERY = timedelta(hours=1)


@dataclass
class Made:
    """A new token: the stored row, and the token itself, which is shown once."""

    row: ApiToken
    token: str


def hash_of(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def live_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def get_live(user: User, token_id: int) -> ApiToken | None:
    """One of the user's own tokens that still works (anyone else's is not there)."""
    return db.session.scalar(
        select(ApiToken).where(
            ApiToken.id == token_id,
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
        )
    )


def make_token(user: User, name: str) -> Made:
    name = " ".join((name or "").split())
    if not name:
        raise Invalid(_("Give the token a name, like the script that will use it."), "name")
    if len(name) > MAX_NAME:
        raise Invalid(_("The name must be %(num)d characters or fewer.", num=MAX_NAME), "name")
    live = db.session.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )
    if live >= MAX_LIVE:
        raise Invalid(
            _(
                "You have %(num)d tokens already. Revoke one you no longer use first.",
                num=live,
            ),
            "name",
        )
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, prefix=token[:SHOWN], token_hash=hash_of(token))
    db.session.add(row)
    db.session.flush()
    events.record("api_token.created", user=user, access_id=row.id, prefix=row.prefix)
    return Made(row, token)


def revoke(user: User, token_id: int) -> ApiToken:
    row = get_live(user, token_id)
    if row is None:
        raise NotFound(_("That token is not there: it may have been revoked already."))
    row.revoked_at = utcnow()
    db.session.flush()
    events.record("api_token.revoked", user=user, access_id=row.id, prefix=row.prefix)
    return row


def bearer_of(header: str | None) -> str | None:
    """The token in an `Authorization: Bearer <token>` header, or None if it is not one."""
    scheme, _space, value = (header or "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not TOKEN_RE.match(value):
        return None
    return value


def user_for(header: str | None) -> tuple[User, ApiToken] | None:
    """Whose token this is, if it is a well-formed, live token of a person who can still
    sign in; None otherwise (the caller refuses, saying why only in the event log).
    Notes when it was used, at most once an hour."""
    token = bearer_of(header)
    if token is None:
        events.record("api_token.refused", user_id=None, status=401, reason="malformed")
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_of(token)))
    if row is None:
        events.record("api_token.refused", user_id=None, status=401, reason="unknown")
        return None
    if row.revoked_at is not None:
        events.record(
            "api_token.refused",
            user_id=row.user_id,
            status=401,
            reason="revoked",
            access_id=row.id,
        )
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.is_active:
        events.record(
            "api_token.refused",
            user_id=row.user_id,
            status=401,
            reason="account_closed",
            access_id=row.id,
        )
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
        row.last_used_at = now
    return user, row
