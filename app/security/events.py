"""The security event log: one structured line per event in the application log
(logger "logbook.security", JSON), and a row site admins read on /admin/security.

Events recorded during a request are stored after the request's own transaction has
ended, in a short one of their own: a refused request (403, 429) rolls back what it
did, but the record that it was refused stays. Outside a request (the CLI, the
worker) an event is added to the current transaction.

Never pass a password, token, code or the text someone typed: only who, what kind,
and plain facts (an email address tried is allowed, so failed sign-ins can be
traced to the account they aimed at).
"""

from __future__ import annotations

import json
import logging
import secrets

from flask import g, has_request_context, request

from app.dbtypes import utcnow
from app.extensions import db
from app.security.models import SecurityEvent

log = logging.getLogger("logbook.security")

#: Details never written, whatever a caller passes.
_SECRET_WORDS = ("password", "token", "secret", "code", "otp", "key")


def new_reference() -> str:
    """A short reference a person can read out over the phone: 10 characters, A-Z 2-9."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def _clean(details: dict) -> dict:
    kept = {}
    for name, value in details.items():
        if any(word in name.lower() for word in _SECRET_WORDS):
            continue
        if isinstance(value, str):
            value = value[:200]
        kept[name] = value
    return kept


def record(
    kind: str,
    *,
    user=None,
    user_id: int | None = None,
    status: int | None = None,
    reference: str | None = None,
    **details,
) -> SecurityEvent:
    """Note that something happened. `user` (or `user_id`) is who it was about; by
    default, whoever is signed in."""
    if user is None and user_id is None and has_request_context():
        from flask_login import current_user

        if getattr(current_user, "is_authenticated", False):
            user = current_user
    if user is not None and getattr(user, "id", None) is not None:
        user_id = user.id
    event = SecurityEvent(
        at=utcnow(),
        kind=kind,
        user_id=user_id,
        status=status,
        reference=reference,
        details=_clean(details),
    )
    if has_request_context():
        from app.extensions import client_address

        event.address = client_address()[:64]
        event.path = f"{request.method} {request.path}"[:300]
    log.info(
        json.dumps(
            {
                "event": kind,
                "at": event.at.isoformat(),
                "user_id": user_id,
                "address": event.address,
                "path": event.path,
                "status": status,
                "reference": reference,
                **event.details,
            },
            sort_keys=True,
            default=str,
        )
    )
    if has_request_context():
        g.setdefault("security_events", []).append(event)
    else:
        db.session.add(event)
    return event


def store_pending() -> None:
    """Store the events of the request that has just ended (its own transaction is
    already committed or rolled back)."""
    pending = g.pop("security_events", None) if has_request_context() else None
    if not pending:
        return
    try:
        db.session.add_all(pending)
        db.session.commit()
    except Exception:  # the log line is written; never turn an answer into a 500
        db.session.rollback()
        log.exception("Security events could not be stored")


def listed(page: int, per_page: int, *, kind: str | None = None, reference: str | None = None):
    """Stored events, newest first, with who they were about: a page of (event, user)
    rows. `kind` matches a whole kind ("sign_in.code_failed") or every kind under a
    prefix ("refused"); `reference` matches exactly, whatever the case."""
    from sqlalchemy import or_, select

    from app.accounts.models import User
    from app.pagination import paginate

    query = (
        select(SecurityEvent, User)
        .outerjoin(User, User.id == SecurityEvent.user_id)
        .order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc())
    )
    if kind:
        query = query.where(
            or_(
                SecurityEvent.kind == kind,
                SecurityEvent.kind.startswith(kind + ".", autoescape=True),
            )
        )
    if reference:
        query = query.where(SecurityEvent.reference == reference.strip().upper())
    return paginate(query, page, per_page, rows=True)
