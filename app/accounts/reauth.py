"""Asking for the password again before acts that matter: publishing a group's log,
changing a member's role or someone's contact details, turning off the second
factor, the site's settings.

A cookie taken from a shared computer, or a laptop left open, is then not enough:
the person must have typed their password in the last few minutes. Signing in
counts (with two-step sign-in on, once the code has been typed too); after that,
the password alone confirms it again (the code is not asked twice).

The moment is kept in the session, which is signed, and cleared on sign-out.
"""

from __future__ import annotations

import time
from functools import wraps

from flask import redirect, request, session, url_for

#: How long a typed password counts as recent.
RECENT_SECONDS = 10 * 60
#: The session entry holding when the password was last typed (seconds since 1970).
SESSION_KEY = "password_at"


def mark_password_typed() -> None:
    """The person has just typed their password (signing in, or confirming)."""
    session[SESSION_KEY] = int(time.time())


def password_is_recent() -> bool:
    typed = session.get(SESSION_KEY)
    if not isinstance(typed, int):
        return False
    return 0 <= time.time() - typed <= RECENT_SECONDS


def confirm_first(back_to: str | None = None):
    """A redirect to the confirm page that comes back to `back_to` (by default this
    page, without what was posted: nothing sent is kept)."""
    if back_to is None:
        back_to = request.full_path.rstrip("?") if request.method == "GET" else request.path
    return redirect(url_for("accounts.confirm_password", next=back_to), 303)


def recent_password(view=None, *, methods=("GET", "POST")):
    """Unless the password was typed recently, send the person to type it, then back.

    With `methods=("POST",)` the page can be read without it; only acting needs it.
    A POST without a recent password does nothing: the view is not run at all.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if request.method in methods and not password_is_recent():
                return confirm_first()
            return view(*args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate
