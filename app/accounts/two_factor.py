"""The second factor: a code from an authenticator app (TOTP, RFC 6238), with
single-use recovery codes for when the app is lost.

A code is accepted for the half-minute it belongs to and the ones either side of it
(phones' clocks drift), and never twice: the last time-step accepted is stored, and
only a later one is accepted after it. Recovery codes are stored as hashes and each
works once.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import timedelta

import pyotp
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from app.accounts import services as accounts
from app.accounts.models import RecoveryCode, User
from app.dbtypes import utcnow
from app.errors import Invalid
from app.extensions import db
from app.groups.models import Membership
from app.security import events
from app.security import settings as site_settings
from app.security.models import SecurityEvent
from app.tokens import hash_token

ISSUER = "Logbook"
#: Half-minutes either side of now whose code is still accepted (clock drift).
DRIFT_STEPS = 1
RECOVERY_CODES = 10
#: 16 characters from 31 that cannot be mistaken for each other (79 random bits):
#: long enough that a plain hash of one cannot be reversed by trying them all.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 16
#: Wrong codes allowed in one sign-in before the person must start again with their
#: password; and in an hour for one account, however many times they start again.
CODE_TRIES_PER_SIGN_IN = 5
CODE_TRIES_PER_HOUR = 15


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """What the QR code holds: authenticator apps read the secret and a label from it."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email or user.name, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _digits(code: str | None) -> str | None:
    """Six digits, however they were typed (spaces, a dash); None if it is not that."""
    cleaned = re.sub(r"[\s-]", "", code or "")
    return cleaned if re.fullmatch(r"[0-9]{6}", cleaned) else None


def looks_like_totp(code: str | None) -> bool:
    return _digits(code) is not None


def _matching_step(secret: str, code: str | None, after: int | None) -> int | None:
    """The time-step the code belongs to, if it is a code of now (give or take the
    drift) later than `after`; None otherwise."""
    digits = _digits(code)
    if digits is None:
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(utcnow())
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def confirm_set_up(user: User, secret: str, code: str | None) -> list[str]:
    """Turn the second factor on, if `code` shows the app holds `secret`. Returns the
    new recovery codes, to be shown once."""
    if user.two_factor_on:
        raise Invalid(_("Two-step sign-in is already on."), "code")
    step = _matching_step(secret, code, None)
    if step is None:
        raise Invalid(
            _(
                "That code is not right. Check the app shows Logbook, and type the 6 "
                "numbers it shows now."
            ),
            "code",
        )
    user.totp_secret = secret
    user.totp_last_step = step
    user.two_factor_since = utcnow()
    codes = _replace_recovery_codes(user)
    events.record("two_factor.on", user=user)
    accounts.tell_two_factor_changed(user, on=True)
    return codes


def turn_off(user: User, code: str | None) -> None:
    """Turn the second factor off; needs a code from the app (or a recovery code)."""
    if not user.two_factor_on:
        raise Invalid(_("Two-step sign-in is already off."), "code")
    if not check_code(user, code):
        raise Invalid(_("That code is not right."), "code")
    _clear(user)
    events.record("two_factor.off", user=user)
    accounts.tell_two_factor_changed(user, on=False)


def turn_off_for_lost_phone(user: User) -> None:
    """Someone who lost their phone and their recovery codes, helped by whoever runs
    the site (on the server, so no code is asked): the second factor is turned off and
    every session of theirs ends."""
    if not user.two_factor_on:
        raise Invalid(_("Two-step sign-in is already off."))
    _clear(user)
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()
    events.record("two_factor.off", user=user, by="command line")
    accounts.tell_two_factor_changed(user, on=False)


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_last_step = None
    user.two_factor_since = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()


def regenerate_recovery_codes(user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    if not user.two_factor_on:
        raise Invalid(_("Turn on two-step sign-in first."))
    codes = _replace_recovery_codes(user)
    events.record("two_factor.recovery_codes_renewed", user=user)
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4))


def _normal_recovery_code(code: str | None) -> str:
    return re.sub(r"[\s-]", "", (code or "").lower())


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=hash_token(_normal_recovery_code(c))) for c in codes
    )
    db.session.flush()
    return codes


def check_code(user: User, code: str | None) -> str | None:
    """Accept a code from the person's app or one of their recovery codes, using it
    up. Returns "app" or "recovery" for what was accepted, None when neither was."""
    if not user.two_factor_on or not code or len(code) > 64:
        return None
    if looks_like_totp(code):
        step = _matching_step(user.totp_secret, code, user.totp_last_step)
        if step is None:
            return None
        user.totp_last_step = step
        db.session.flush()
        return "app"
    normal = _normal_recovery_code(code)
    if len(normal) != _RECOVERY_LENGTH:
        return None
    found = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hash_token(normal),
            RecoveryCode.used_at.is_(None),
        )
    )
    if found is None:
        return None
    found.used_at = utcnow()
    db.session.flush()
    events.record("two_factor.recovery_used", user=user)
    return "recovery"


def code_failures_since(user_id: int, since) -> int:
    """Wrong codes typed for this account since a moment (kept in the event log,
    which survives the refused request that typed them)."""
    return db.session.scalar(
        select(func.count())
        .select_from(SecurityEvent)
        .where(
            SecurityEvent.kind == "sign_in.code_failed",
            SecurityEvent.user_id == user_id,
            SecurityEvent.at >= since,
        )
    )


def too_many_code_failures(user_id: int, pending_since) -> bool:
    """Whether this sign-in, or this account this hour, has had enough wrong codes."""
    hour_ago = utcnow() - timedelta(hours=1)
    if code_failures_since(user_id, max(pending_since, hour_ago)) >= CODE_TRIES_PER_SIGN_IN:
        return True
    return code_failures_since(user_id, hour_ago) >= CODE_TRIES_PER_HOUR


def pending_user(user_id, session_version) -> User | None:
    """The person part-way through signing in (password typed, code not yet), if
    their account still stands as it did: a password change or signing out
    everywhere since ends the pending sign-in too."""
    if not isinstance(user_id, int) or not isinstance(session_version, int):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.session_version != session_version:
        return None
    return user if user.two_factor_on else None


def staff_must_set_up(user: User) -> bool:
    """Whether the site requires a second factor of this person (a site admin or a
    facilitator of any group) and they have none yet."""
    if user.two_factor_on or not site_settings.current().require_two_factor_for_staff:
        return False
    if user.is_admin:
        return True
    return (
        db.session.scalar(
            select(Membership.id)
            .where(Membership.user_id == user.id, Membership.role == "facilitator")
            .limit(1)
        )
        is not None
    )
