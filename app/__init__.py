"""Logbook: decision logs for Local Oversight Groups."""

from __future__ import annotations

import secrets

from flask import Flask, g, has_request_context, jsonify, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import format_datetime, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app import languages
from app.config import ROOT, Config, settle_config
from app.errors import Refused
from app.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate, undo


def create_app(config: type | dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "app" / "static"),
    )
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    settle_config(app.config)
    if app.config["TRUSTED_PROXIES"]:
        # Only as many X-Forwarded-* entries as there are proxies of our own are
        # believed: anything further left was written by whoever sent the request.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.session_interface = _SessionsForPeople()
    app.jinja_env.add_extension("jinja2.ext.do")
    WTFormsHelpers(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=languages.select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = None  # the sign-in page explains itself
    # "basic": a changed phone network must not sign people out; sign-out is
    # enforced by the per-user session version instead.
    login_manager.session_protection = "basic"

    from app.accounts import sessions as account_sessions

    login_manager.user_loader(account_sessions.load)

    from app.security import models as security_models  # noqa: F401  (its tables)

    # Before any route is added: every <int:...> in an address is an id.
    app.url_map.converters["int"] = IdConverter
    _register_blueprints(app)
    _register_jobs()
    _register_guards(app)
    _register_errors(app)
    _register_transactions(app)
    _register_templating(app)
    _register_cli(app)
    return app


class IdConverter(IntegerConverter):
    """A number in an address is an id, and no id is larger than a database column
    holds: a larger one is simply not found, where looking it up would fail the whole
    request (SQLite cannot even take a number past 2**63)."""

    def __init__(self, map, *args, **kwargs):
        from app.forms import LARGEST_NUMBER

        kwargs.setdefault("max", LARGEST_NUMBER)
        super().__init__(map, *args, **kwargs)


def _register_blueprints(app: Flask) -> None:
    from app.accounts.views import bp as accounts_bp
    from app.actions.views import bp as actions_bp
    from app.decisions.views import bp as decisions_bp
    from app.groups.views import bp as groups_bp
    from app.meetings.views import bp as meetings_bp
    from app.notices.views import bp as notices_bp
    from app.voting import open_data  # noqa: F401  (registers its routes on the blueprint)
    from app.voting.views import bp as voting_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(languages.bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(decisions_bp)
    app.register_blueprint(voting_bp)
    app.register_blueprint(actions_bp)
    app.register_blueprint(meetings_bp)

    from app.security.views import bp as security_bp

    app.register_blueprint(security_bp)

    # Resident-led enquiries and their evidence (issue 6).
    from app.enquiries.views import bp as enquiries_bp

    app.register_blueprint(enquiries_bp)

    from app.privacy.views import bp as privacy_bp

    app.register_blueprint(privacy_bp)


def _register_jobs() -> None:
    """What the worker does when its time comes, registered by the domains that own it
    (the order they run in is each job's `order`, not the order of these imports)."""
    from app.actions import jobs as action_jobs  # noqa: F401  (registers on import)
    from app.decisions import coming as plan_ahead  # noqa: F401
    from app.decisions import jobs as decision_jobs  # noqa: F401
    from app.meetings import coming as meetings_ahead  # noqa: F401
    from app.notices import by_notify, digests  # noqa: F401
    from app.privacy import retention  # noqa: F401
    from app.voting import coming as votes_closing  # noqa: F401
    from app.voting import jobs  # noqa: F401


def _contains_nul(value) -> bool:
    """Whether a NUL character hides anywhere in a decoded value (JSON nests)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(v) for v in value)
    return False


def _request_contains_nul() -> bool:
    """A NUL in the query, the form's names or values, or JSON. (An uploaded file's
    name is the uploads module's to refuse, with its own message.)"""
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            # A part of a multipart form whose header could not be read has no name.
            if "\x00" in (key or "") or "\x00" in (value or ""):
                return True
    return request.is_json and _contains_nul(request.get_json(silent=True))


def _register_guards(app: Flask) -> None:
    @app.before_request
    def refuse_oversized_forms():
        # A form with files is parsed a part at a time, and a text part larger than
        # MAX_FORM_MEMORY_SIZE is refused; a plain form (or htmx's) is read whole, up
        # to MAX_CONTENT_LENGTH (room for an upload): it gets a limit of its own,
        # checked before anything reads it.
        if (
            request.mimetype == "application/x-www-form-urlencoded"
            and (request.content_length or 0) > app.config["MAX_PLAIN_FORM_BYTES"]
        ):
            return render_error(
                413,
                _(
                    "That form is too large to be saved. Shorten what you wrote and "
                    "try again. Nothing was saved."
                ),
            )
        return None

    @app.before_request
    def refuse_nul_characters():
        # PostgreSQL cannot store or even look up text with a NUL in it and fails the
        # whole request; nobody types one, so it is refused here, before any view sees
        # it. No page has a NUL in its address.
        if "\x00" in request.path:
            return render_error(404)
        if _request_contains_nul():
            return render_error(
                422,
                _(
                    "What was sent contains a NUL character (code 0), which cannot be "
                    "stored. Remove it and try again. Nothing was saved."
                ),
            )
        return None

    @app.before_request
    def sign_in_by_token():
        """A script's `Authorization: Bearer` token reads open data (GET) as its owner. It
        opens nothing else, not even a public page: a script has no use for one, and a
        token that leaked must not be able to send a form. It never starts a session."""
        from app.accounts import api_tokens
        from app.permissions import answers_in_json

        if request.endpoint is None or request.endpoint == "static":
            return None
        view = app.view_functions.get(request.endpoint)
        if getattr(view, "reads_own_authorization", False):
            return None  # a route that checks a bearer of its own, like Notify's receipts
        header = request.headers.get("Authorization", "")
        if not header.strip().lower().startswith("bearer"):
            return None
        g.signed_in_by_token = True
        if request.method not in ("GET", "HEAD") or not answers_in_json():
            from app.security import events

            events.record("api_token.refused", user_id=None, status=401, reason="not_open_data")
            return _token_refused(
                _("A token only reads open data (JSON, CSV and calendars). Sign in to do more.")
            )
        found = api_tokens.user_for(header)
        if found is None:
            return _token_refused(_("That token is not valid. It may have been revoked."))
        # How Flask-Login keeps the user of this request (what login_user does, without
        # the session).
        g._login_user = found[0]
        return None

    @app.before_request
    def require_sign_in():
        g.csp_nonce = secrets.token_urlsafe(16)
        if request.endpoint is None or request.endpoint == "static":
            return None
        view = app.view_functions.get(request.endpoint)
        if getattr(view, "is_public", False) or current_user.is_authenticated:
            return None
        return login_manager.unauthorized()

    @app.before_request
    def refuse_json_sent_to_forms():
        # Our pages post forms; Flask-WTF would fill a form from a JSON body too, with
        # numbers, lists and objects where each field expects text, and fail on them.
        if request.method in ("GET", "HEAD", "OPTIONS") or not request.is_json:
            return None
        view = app.view_functions.get(request.endpoint or "")
        if view is None or getattr(view, "takes_json", False):
            return None
        return render_error(
            400,
            _("This address takes a form sent from its page, not JSON. Nothing was saved."),
        )

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        nonce = g.get("csp_nonce", "")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; frame-ancestors 'none'; "
            "form-action 'self'; base-uri 'self'; object-src 'none'",
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        )
        if app.config["STRICT_TRANSPORT_SECURITY"]:
            response.headers["Strict-Transport-Security"] = app.config["STRICT_TRANSPORT_SECURITY"]
        if current_user and getattr(current_user, "is_authenticated", False):
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response


def _token_refused(message: str):
    response = jsonify({"error": message})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="logbook"'
    return response


class _SessionsForPeople(SecureCookieSessionInterface):
    """Sessions are for people in browsers: a request made with a token never gets a
    session cookie, whatever it touched."""

    def save_session(self, app, session, response):
        if g.get("signed_in_by_token"):
            return
        super().save_session(app, session, response)


#: What each error page says; a refusal from a service brings its own message.
_TITLES = {
    400: lambda: _("Request not understood"),
    401: lambda: _("Sign in first"),
    403: lambda: _("Not allowed"),
    404: lambda: _("Page not found"),
    405: lambda: _("Not allowed"),
    409: lambda: _("That could not be done now"),
    410: lambda: _("No longer available"),
    413: lambda: _("Too large"),
    415: lambda: _("That kind of file cannot be used"),
    422: lambda: _("That could not be done"),
    429: lambda: _("Too many attempts"),
    500: lambda: _("Sorry, there is a problem"),
}
_MESSAGES = {
    400: lambda: _("Something in that request was not right. Go back and try again."),
    401: lambda: _("Sign in as a member of this group to see this."),
    403: lambda: _("You do not have permission to do that in this group."),
    404: lambda: _("We could not find that page. It may have moved, or you may not have access."),
    405: lambda: _("That page cannot be used in that way."),
    409: lambda: _(
        "Someone else changed this at the same moment. Nothing of yours was saved: "
        "go back, reload the page and try again."
    ),
    410: lambda: _("This has been used up or withdrawn."),
    413: lambda: _("That file or form is too large."),
    415: lambda: _("That kind of file cannot be used here."),
    422: lambda: _("Something in what was sent could not be used. Nothing was saved."),
    429: lambda: _("Too many attempts. Wait a few minutes, then try again."),
    500: lambda: _("Something went wrong on our side. Please try again later."),
}


def render_error(code: int, message: str | None = None, reference: str | None = None):
    """An error page (or, for htmx, just its message; for open data, JSON) with the
    given status. `reference` is the error's entry in the security event log, shown so
    that a person reporting the problem can quote it."""
    from app.permissions import answers_in_json

    code = code if code in _TITLES else 500
    message = message or _MESSAGES[code]()
    if has_request_context() and answers_in_json():
        body = {"error": message}
        if reference:
            body["reference"] = reference
        return jsonify(body), code
    if htmx:
        return render_template("errors/_message.html", message=message, reference=reference), code
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=_TITLES[code](),
            message=message,
            reference=reference,
        ),
        code,
    )


def _register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            _(
                "This form had expired or was sent from somewhere else. "
                "Go back, reload the page and try again. Nothing was saved."
            ),
        )

    @app.errorhandler(Refused)
    def refused(error: Refused):
        # Nothing of a refused request is kept, and the page is drawn from what is stored.
        undo()
        return render_error(error.status, str(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code < 400:
            return error
        db.session.rollback()
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error):
        from app.security import events

        reference = events.new_reference()
        app.logger.exception("Unhandled error, reference %s", reference)
        db.session.rollback()
        events.record("error", status=500, reference=reference, error=type(error).__name__)
        return render_error(500, reference=reference)


#: Refusals the security event log keeps, by status (a 500 is kept where it happens,
#: with its reference).
REFUSALS_LOGGED = {
    401: "refused.sign_in_first",
    403: "refused.not_allowed",
    404: "refused.not_found",
    429: "refused.too_many",
}


def _register_transactions(app: Flask) -> None:
    """One transaction per request: services add and flush; the request commits once,
    when it answers with success, and keeps nothing when it answers with an error."""

    from app.security import events

    @app.after_request
    def end_transaction(response):
        if response.status_code >= 400:
            db.session.rollback()
            if response.status_code in REFUSALS_LOGGED:
                events.record(REFUSALS_LOGGED[response.status_code], status=response.status_code)
            events.store_pending()
            return response
        try:
            db.session.commit()
        except (IntegrityError, OperationalError) as exc:
            # Two requests changed the same thing at once, and this one lost.
            db.session.rollback()
            app.logger.warning("Request not saved: %s", exc.__class__.__name__)
            session.pop("_flashes", None)  # it must not say "saved" on the next page
            events.store_pending()
            return app.make_response(render_error(409))
        events.store_pending()
        return response


def _register_templating(app: Flask) -> None:
    from app import labels
    from app.mail import catching
    from app.permissions import can

    app.jinja_env.globals.update(
        can=can,
        get_locale=get_locale,
        text_direction=languages.direction,
        LANGUAGES=Config.LANGUAGES,
        ROLE_LABELS=labels.ROLE_LABELS,
        CHANNEL_LABELS=labels.CHANNEL_LABELS,
        VOTER_LABELS=labels.VOTER_LABELS,
        TOLD_LABELS=labels.TOLD_LABELS,
        TOLD_TAGS=labels.TOLD_TAGS,
        TOLD_CHANNEL_LABELS=labels.TOLD_CHANNEL_LABELS,
        TOLD_BY_WORDS=labels.TOLD_BY_WORDS,
        DIGEST_LABELS=labels.DIGEST_LABELS,
        mail_is_caught=catching,
    )

    @app.context_processor
    def per_request():
        return {
            "csp_nonce": g.get("csp_nonce", ""),
            "unread_count": _unread_count,
            "desk_to_do": _desk_to_do,
        }

    def _desk_to_do(group) -> int:
        from app.notices.desk import counts

        return counts(group.id).to_do

    def _unread_count() -> int:
        from app.notices.services import unread_count

        if not current_user.is_authenticated:
            return 0
        return unread_count(current_user)

    @app.template_filter("when")
    def when(value, day_only=False):
        """A UTC time shown in the site's time zone (Europe/London), day first. With
        `day_only` (only the date was known) the day alone: never an invented time."""
        if value is None:
            return ""
        if day_only:
            return date_only(value)
        return format_datetime(value, "d MMMM yyyy, HH:mm")

    @app.template_filter("lag")
    def lag(value):
        """A delay in plain words: "same day", "3 days", "about 12 weeks"."""
        if value is None:
            return ""
        days = value.total_seconds() / 86400
        if days < 1:
            return _("same day")
        whole = round(days)
        return ngettext("%(num)d day", "%(num)d days", whole)

    @app.template_filter("date")
    def date_only(value):
        if value is None:
            return ""
        from flask_babel import format_date, to_user_timezone

        return format_date(to_user_timezone(value), "d MMMM yyyy")

    @app.template_filter("day")
    def calendar_day(value):
        """A calendar date (no time of day, so no time zone): "3 March 2026"."""
        if value is None:
            return ""
        from flask_babel import format_date

        return format_date(value, "d MMMM yyyy")

    @app.template_filter("day_and_time")
    def day_and_time(value):
        """When something happens, for people going: "Tuesday 3 March 2026, 18:30"."""
        if value is None:
            return ""
        return format_datetime(value, "EEEE d MMMM yyyy, HH:mm")

    @app.template_filter("notify_status")
    def notify_status(value, kind=None):
        """GOV.UK Notify's word for where a message is, in plain words."""
        from app.notices.notify import describe

        return describe(value, kind)

    @app.template_filter("clock")
    def clock(value):
        """Just the time of day, in the site's time zone: "20:00"."""
        if value is None:
            return ""
        return format_datetime(value, "HH:mm")


def _register_cli(app: Flask) -> None:
    from app.accounts.cli import users_cli
    from app.actions.cli import actions_cli
    from app.decisions.cli import decisions_cli
    from app.demo import demo_cli
    from app.groups.cli import groups_cli
    from app.notices.cli import notices_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(groups_cli)
    app.cli.add_command(decisions_cli)
    app.cli.add_command(notices_cli)
    app.cli.add_command(actions_cli)
    app.cli.add_command(demo_cli)
