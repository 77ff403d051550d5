"""Accounts: people, passwords, sessions and password resets."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select, update
from zxcvbn import zxcvbn

from app.accounts import sessions
from app.accounts.models import PasswordReset, User
from app.dbtypes import utcnow
from app.errors import Invalid
from app.extensions import db
from app.links import external_url
from app.mail import send_email
from app.security import events
from app.tokens import hash_token, new_token

MIN_PASSWORD_LENGTH = 12
#: Argon2 hashes every character (unlike bcrypt's 72 bytes); the bound only keeps
#: a request's work small. Long passphrases are welcome.
MAX_PASSWORD_LENGTH = 256
#: zxcvbn refuses to score more than this many characters (its work grows with length).
SCORED_LENGTH = 72
#: zxcvbn scores 0-4; 3 is "safely unguessable: moderate protection from offline attack".
MIN_PASSWORD_SCORE = 3


def normalise_email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    return email or None


def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=current_app.config["ARGON2_TIME_COST"],
        memory_cost=current_app.config["ARGON2_MEMORY_COST"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def password_problems(password: str, *, user_inputs: tuple[str, ...] = ()) -> list[str]:
    """Why a password would be refused, in plain words; empty when it is fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [_("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [_("Use at most %(n)d characters.", n=MAX_PASSWORD_LENGTH)]
    hints = [i for i in user_inputs if i]
    # The first 72 characters decide the score: zxcvbn raises on anything longer,
    # and more characters only make a password harder to guess.
    result = zxcvbn(password[:SCORED_LENGTH], user_inputs=hints)
    if result["score"] < MIN_PASSWORD_SCORE:
        return [
            _(
                "This password is too easy to guess. Try three or four random words "
                "together, like a short sentence only you would think of."
            )
        ]
    return []


def set_password(user: User, password: str) -> None:
    """A new password ends every session there is (each browser signs in again)."""
    user.password_hash = hash_password(password)
    user.session_version = (user.session_version or 0) + 1
    sessions.end_all(user)


def change_password(user: User, current: str, new: str) -> None:
    """A signed-in person changes their own password: the current one must be right.
    Every other browser of theirs is signed out; this one carries on, and they are
    told by email in case it was not them."""
    if authenticate(user.email or "", current) is None:
        events.record("password.change_refused", user=user)
        raise Invalid(_("Your current password is not right."), field="current_password")
    problems = password_problems(new, user_inputs=(user.email or "", user.name))
    if problems:
        raise Invalid(problems[0], field="password")
    this_browser = sessions.current_row()
    user.password_hash = hash_password(new)
    sessions.end_all(user, except_row=this_browser)
    db.session.flush()
    events.record("password.changed", user=user)
    tell_password_changed(user)


def tell_password_changed(user: User) -> None:
    """Email the person that their password changed, with a way back in if it was not
    them."""
    _tell_sign_in_changed(
        user,
        _("Your Logbook password was changed"),
        _("Your Logbook password was changed on %(when)s."),
    )


def tell_two_factor_changed(user: User, *, on: bool) -> None:
    """Email the person that two-step sign-in was turned on or off for their account."""
    if on:
        subject = _("Two-step sign-in is now on for your Logbook account")
        said = _("Two-step sign-in was turned on for your Logbook account on %(when)s.")
    else:
        subject = _("Two-step sign-in was turned off for your Logbook account")
        said = _("Two-step sign-in was turned off for your Logbook account on %(when)s.")
    _tell_sign_in_changed(user, subject, said)


def _tell_sign_in_changed(user: User, subject: str, said: str) -> None:
    """A change to how the person signs in, told by email at once, with a way back in
    if it was not them. `said` has a %(when)s."""
    if not user.email:
        return
    when = format_datetime(utcnow(), "d MMMM yyyy, HH:mm")
    link = external_url("accounts.forgot_password")
    send_email(
        user.email,
        subject,
        _(
            "Hello %(name)s,\n\n%(said)s If this was not you, reset your password now: %(link)s\n",
            name=user.name,
            said=said % {"when": when},
            link=link,
        ),
    )
    db.session.flush()  # a development site keeps the message on its caught-mail page


def get_user_by_email(email: str | None) -> User | None:
    email = normalise_email(email)
    if not email:
        return None
    return db.session.scalar(select(User).where(User.email == email))


def create_user(
    *, email: str | None, name: str, password: str | None = None, is_admin: bool = False
) -> User:
    email = normalise_email(email)
    if email and get_user_by_email(email):
        raise Invalid(_("Someone already has an account with that email address."))
    user = User(email=email, name=name.strip(), is_admin=is_admin, session_version=1)
    if password:
        user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.flush()
    return user


_DUMMY_HASH: str | None = None


def authenticate(email: str, password: str) -> User | None:
    """The user if the email and password match; None otherwise, in similar time."""
    global _DUMMY_HASH
    user = get_user_by_email(email)
    hasher = _hasher()
    if user is None or not user.password_hash:
        # Spend the same work on unknown emails so timing does not reveal who has an account.
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hasher.hash("not a real password, only for timing")
        try:
            hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
        db.session.flush()
    return user


def password_matches(user: User, password: str | None) -> bool:
    """Whether a signed-in person typed their own password again (to confirm an act)."""
    if not user.password_hash or not password:
        return False
    try:
        return _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def end_all_sessions(user: User) -> None:
    """Sign the person out everywhere: every cookie carrying the old version stops working."""
    db.session.execute(
        update(User).where(User.id == user.id).values(session_version=User.session_version + 1)
    )
    sessions.end_all(user)
    db.session.refresh(user)


def request_password_reset(email: str) -> None:
    """Email a reset link if the address has an account. Says nothing either way."""
    user = get_user_by_email(email)
    if user is None or not user.can_sign_in:
        return
    token, token_hash = new_token()
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    db.session.add(
        PasswordReset(
            user_id=user.id, token_hash=token_hash, expires_at=utcnow() + timedelta(hours=hours)
        )
    )
    db.session.flush()
    link = external_url("accounts.reset_password", token=token)
    send_email(
        user.email,
        _("Reset your Logbook password"),
        _(
            "Hello %(name)s,\n\nSomeone asked to reset the password for your Logbook account. "
            "If it was you, open this link within %(hours)d hours to choose a new password:\n\n"
            "%(link)s\n\nIf it was not you, ignore this email: your password stays as it is.\n",
            name=user.name,
            hours=hours,
            link=link,
        ),
    )
    db.session.flush()  # a development site keeps the message on its caught-mail page


def find_password_reset(token: str) -> PasswordReset | None:
    """The reset for this token if it can still be used."""
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    return reset


def user_for_reset(reset: PasswordReset) -> User:
    return db.session.get(User, reset.user_id)


def complete_password_reset(token: str, password: str) -> User:
    reset = find_password_reset(token)
    if reset is None:
        raise Invalid(_("This link has expired or has already been used."))
    # Claim the token atomically so two tabs cannot both use it.
    claimed = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if claimed != 1:
        raise Invalid(_("This link has expired or has already been used."))
    # Any other link still out there (an older email, a leaked one) stops working too.
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == reset.user_id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )
    user = db.session.get(User, reset.user_id)
    set_password(user, password)
    db.session.flush()
    events.record("password.reset", user=user)
    tell_password_changed(user)
    return user


#: What a person, or a facilitator for them, may change about how they are told.
PROFILE_FIELDS = (
    "name",
    "preferred_channels",
    "phone",
    "postal_address",
    "language",
    "digest",
    "large_print",
)


def update_profile(user: User, **fields) -> None:
    """Change someone's details. A new phone number is a fresh start: one found wrong
    on the call sheet is no longer marked so."""
    if "phone" in fields and (fields["phone"] or None) != (user.phone or None):
        user.phone_wrong_at = None
    for name in PROFILE_FIELDS:
        if name in fields and fields[name] is not None:
            setattr(user, name, fields[name])
    if "phone" in fields and fields["phone"] is None:
        user.phone = None
    if "postal_address" in fields and fields["postal_address"] is None:
        user.postal_address = None
    db.session.flush()


def people_by_id(user_ids) -> dict[int, User]:
    """Several people at once, by id, in one query."""
    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


# Private feed links ------------------------------------------------------------


def _feed_signature(user_id: int, version: int) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    message = f"feed:{user_id}:{version}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def feed_token(user: User) -> str:
    """The secret part of a person's private calendar link (calendar apps cannot sign in).

    Signed rather than stored, so the database holds no usable copy; a new
    version makes every earlier link stop working.
    """
    return f"{user.id}-{_feed_signature(user.id, user.feed_version)}"


def user_for_feed_token(token: str) -> User | None:
    user_id, _dash, signature = (token or "").partition("-")
    if not user_id.isdigit() or len(user_id) > 12 or not signature:
        return None
    user = db.session.get(User, int(user_id))
    if user is None:
        return None
    expected = _feed_signature(user.id, user.feed_version)
    return user if hmac.compare_digest(expected, signature) else None


def renew_feed_token(user: User) -> None:
    """Stop the old private link working and make a new one."""
    user.feed_version = (user.feed_version or 1) + 1
    db.session.flush()
