"""Rate limits: failed sign-ins, and what one signed-in person may post.

Sign-in counts failures only. A church hall where forty people sign in on one
connection, or a facilitator signing people in one after another, never meets a
limit; guessing does:

- wrong passwords for one account from one address (someone guessing at a person),
- failures from one address across any accounts (one password tried on many),
- failures for one account from everywhere together, set high, so guessing spread
  over many addresses is slowed but a stranger cannot lock the owner out.

The first two together mean that someone guessing at an account from one place
does not stop its owner signing in from another.

Counts live in Flask-Limiter's storage (RATELIMIT_STORAGE_URI), so several
processes share them when it points at a shared store.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from limits import RateLimitItem, parse

from app.errors import TooMany
from app.extensions import client_address, limiter
from app.security import events

_SIGN_IN_LIMITS = (
    # (setting, what the count is keyed on)
    ("LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS", ("account", "address")),
    ("LOGIN_LIMIT_PER_ADDRESS", ("address",)),
    ("LOGIN_LIMIT_PER_ACCOUNT", ("account",)),
)


def _sign_in_counts(email: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    parts = {"account": "account=" + email, "address": "address=" + client_address()}
    return [
        (parse(current_app.config[setting]), ("sign-in-failures", setting, *(parts[p] for p in on)))
        for setting, on in _SIGN_IN_LIMITS
    ]


def check_sign_in(email: str) -> None:
    """Refuse (429) before a password is even looked at when there have been too many
    failures for this account from here, from here at all, or for this account."""
    if not limiter.enabled:
        return
    for item, keys in _sign_in_counts(email):
        if not limiter.limiter.test(item, *keys):
            events.record("sign_in.limited", email=email, limit=keys[1])
            raise TooMany(_("Too many attempts. Wait a few minutes, then try again."))


def sign_in_failed(email: str) -> None:
    """Count a wrong password (or unknown email) against every limit, and note it."""
    events.record("sign_in.failed", email=email)
    if not limiter.enabled:
        return
    for item, keys in _sign_in_counts(email):
        limiter.limiter.hit(item, *keys)


def _person_key() -> str:
    if getattr(current_user, "is_authenticated", False):
        return f"person:{current_user.id}"
    return "address:" + (request.remote_addr or "unknown")


def per_person(setting: str, scope: str) -> Callable:
    """Limit how often one signed-in person may post to every route carrying this
    decorator with the same scope (a comment on a priority and on the forward plan
    share one budget). Going over answers with the 429 page."""
    return limiter.shared_limit(
        lambda: current_app.config[setting], scope=scope, key_func=_person_key, methods=["POST"]
    )
