"""Which language a page is in, and choosing it before or after signing in.

A signed-in person's own choice wins. Before signing in (or until someone has
chosen), the language picked from the list at the top of every page does, kept
in a cookie for a year; failing that, the browser's Accept-Language; failing
that, English. The first sign-in keeps the language the person signed in with
as theirs, so their notices, digests and letters go out in it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, request
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import Invalid
from app.extensions import db
from app.permissions import public

bp = Blueprint("languages", __name__)

COOKIE = "logbook_language"
#: Languages written right to left: their pages set dir="rtl".
RIGHT_TO_LEFT = frozenset({"ur", "ar", "fa", "he", "ps"})


def offered() -> dict[str, str]:
    """Code → the language's own name, as configured in LANGUAGES."""
    return current_app.config["LANGUAGES"]


def _from_browser() -> str | None:
    chosen = request.cookies.get(COOKIE)
    if chosen in offered():
        return chosen
    return request.accept_languages.best_match(list(offered()))


def select_locale() -> str | None:
    """Flask-Babel's locale selector (outside a request: the default)."""
    from flask import has_request_context

    if not has_request_context():
        return None  # CLI and workers: the default, unless the caller forces a locale
    if current_user and getattr(current_user, "is_authenticated", False):
        if current_user.language in offered():
            return current_user.language
    return _from_browser() or current_app.config["BABEL_DEFAULT_LOCALE"]


def direction() -> str:
    """ "rtl" for a page in a right-to-left language, else "ltr"."""
    return "rtl" if str(get_locale()).split("_")[0] in RIGHT_TO_LEFT else "ltr"


def keep_for(person) -> None:
    """On signing in or joining: someone who never chose a language keeps the
    one their pages are in, so their notices go out in it too."""
    if person.language not in offered():
        person.language = _from_browser() or current_app.config["BABEL_DEFAULT_LOCALE"]


def _back(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return "/"
    return target


@bp.post("/language")
@public
def choose():
    """Choose the language of the pages (and, when signed in, of one's notices)."""
    chosen = request.form.get("language", "")
    if chosen not in offered():
        raise Invalid(_("Choose one of the languages listed at the top of the page."))
    response = redirect(_back(request.form.get("next")), code=303)
    response.set_cookie(
        COOKIE,
        chosen,
        max_age=365 * 24 * 3600,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )
    if current_user.is_authenticated and current_user.language != chosen:
        current_user.language = chosen
        db.session.commit()
    refresh()
    return response
