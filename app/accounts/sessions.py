"""Signed-in browsers: one row each, so a person can see where they are signed in and
end any of them, and so a session ends after a quiet hour or a long day whatever
the cookie says.

The cookie carries the user's id and session version (Flask-Login's `_user_id`) and
a random key for this browser (`SESSION_KEY`); the row keeps only the key's hash.
Bumping `User.session_version` still ends every session at once.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import current_app, g, has_request_context, request
from flask import session as cookie
from flask_login import login_user
from sqlalchemy import delete, select, update

from app.accounts.models import User, UserSession
from app.dbtypes import utcnow
from app.extensions import db
from app.security import events
from app.tokens import hash_token, new_token

#: Where the browser's key sits in the (signed) session cookie.
SESSION_KEY = "_session_key"
#: last_seen_at is written at most this often, so reading pages costs few writes.
SEEN_EVERY = timedelta(minutes=1)
#: How long a finished session stays listed in the table (never on the Security page),
#: so a recent one can still be traced; they go when the person next signs in.
KEEP_ENDED = timedelta(days=30)


def _idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def _longest() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_MAX_HOURS"])


def is_live(row: UserSession, now: datetime | None = None) -> bool:
    """Not ended, used within the idle limit, and younger than the fixed maximum."""
    now = now or utcnow()
    return (
        row.ended_at is None
        and row.last_seen_at > now - _idle_limit()
        and row.created_at > now - _longest()
    )


def start(user: User, *, address: str | None, user_agent: str | None) -> str:
    """A new session for a person who has just proved who they are; the key to put in
    their cookie."""
    key, key_hash = new_token()
    now = utcnow()
    # Sessions long over are of no use to anyone, and say where the person was.
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.created_at < now - _longest() - KEEP_ENDED
        )
    )
    db.session.add(
        UserSession(
            user_id=user.id,
            key_hash=key_hash,
            created_at=now,
            last_seen_at=now,
            address=(address or "")[:64] or None,
            browser=describe_browser(user_agent),
        )
    )
    db.session.flush()
    events.record("sign_in.ok", user=user)
    return key


def sign_in_browser(user: User) -> None:
    """Sign this browser in as the person, who has just proved who they are: a fresh
    cookie (nothing from before carries over) holding a new session's key."""
    from app import languages

    cookie.clear()
    cookie[SESSION_KEY] = start(user, **request_details())
    languages.keep_for(user)
    login_user(user)


def load(user_id_and_version: str) -> User | None:
    """The signed-in person for this request, if the cookie's session still lasts
    (Flask-Login's user loader). One query; the row's last-seen time is brought up
    to date at most once a minute."""
    try:
        user_id, version = (int(part) for part in user_id_and_version.split(":", 1))
    except ValueError:
        return None
    key = cookie.get(SESSION_KEY) if has_request_context() else None
    if not isinstance(key, str) or not key:
        return None
    found = db.session.execute(
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == user_id, UserSession.key_hash == hash_token(key))
    ).first()
    if found is None:
        return None
    user, row = found
    now = utcnow()
    if user.session_version != version or not user.is_active or not is_live(row, now):
        return None
    if row.last_seen_at <= now - SEEN_EVERY:
        row.last_seen_at = now
    g.user_session = row
    return user


def current_row() -> UserSession | None:
    """This browser's session row, once the signed-in person has been loaded."""
    return g.get("user_session")


def end(row: UserSession) -> None:
    if row.ended_at is None:
        row.ended_at = utcnow()
    db.session.flush()


def end_one(user: User, session_id: int) -> bool:
    """End one of the person's own sessions; False if there is no such live one."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id or not is_live(row):
        return False
    end(row)
    return True


def end_all(user: User, *, except_row: UserSession | None = None) -> int:
    """End every session of the person (but `except_row`); how many were ended."""
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if except_row is not None:
        query = query.where(UserSession.id != except_row.id)
    return db.session.execute(query.values(ended_at=utcnow())).rowcount


def live_sessions(user: User) -> list[UserSession]:
    """The person's sessions that still work, newest first."""
    now = utcnow()
    rows = db.session.scalars(
        select(UserSession)
        .where(
            UserSession.user_id == user.id,
            UserSession.ended_at.is_(None),
            UserSession.last_seen_at > now - _idle_limit(),
            UserSession.created_at > now - _longest(),
        )
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return list(rows)


def request_details() -> dict:
    """Where a request comes from, for a new session row."""
    return {"address": request.remote_addr, "user_agent": request.headers.get("User-Agent")}


_BROWSERS = (
    ("Edge", r"Edg(e|A|iOS)?/"),
    ("Opera", r"OPR/|Opera"),
    ("Samsung Internet", r"SamsungBrowser/"),
    ("Firefox", r"Firefox/|FxiOS/"),
    ("Chrome", r"Chrome/|CriOS/"),
    ("Safari", r"Safari/"),
)
_SYSTEMS = (
    ("iPhone", r"iPhone"),
    ("iPad", r"iPad"),
    ("Android", r"Android"),
    ("ChromeOS", r"CrOS"),
    ("Windows", r"Windows"),
    ("Mac", r"Macintosh|Mac OS X"),
    ("Linux", r"Linux"),
)


def describe_browser(user_agent: str | None) -> str | None:
    """ "Firefox, Windows", "Safari, iPhone": product names (never translated), enough
    to recognise one's own devices; never the whole header, which says more than
    anyone needs."""
    if not user_agent:
        return None
    text = user_agent[:500]
    browser = next((name for name, pattern in _BROWSERS if re.search(pattern, text)), None)
    system = next((name for name, pattern in _SYSTEMS if re.search(pattern, text)), None)
    if browser and system:
        return f"{browser}, {system}"
    return browser or system
