from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import segno
from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, logout_user

from app.accounts import api_tokens as api_tokens_service
from app.accounts import bp, reauth, sessions, two_factor
from app.accounts import services as accounts
from app.accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    ConfirmPasswordForm,
    ForgotPasswordForm,
    ProfileForm,
    ResetPasswordForm,
    RevokeApiTokenForm,
    SignInCodeForm,
    SignInForm,
    TwoFactorOffForm,
    TwoFactorSetUpForm,
)
from app.actions import services as actions
from app.dbtypes import local_today, utcnow
from app.decisions import reports, upcoming
from app.errors import Invalid, Refused
from app.extensions import limiter, undo
from app.forms import EmptyForm
from app.groups import services as groups
from app.notices import notify, schedule
from app.notices import services as notices
from app.permissions import public
from app.security import events, limits
from app.viewing import flash_refusal, form_status, refused, save_form
from app.voting import services as voting


def _forgot_limit() -> str:
    from flask import current_app

    return current_app.config["FORGOT_PASSWORD_LIMIT_PER_ADDRESS"]


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: never another host, scheme or a protocol-relative URL."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/")
@public
def index():
    if not current_user.is_authenticated:
        return render_template("accounts/welcome.html")
    return render_template(
        "accounts/home.html", memberships=groups.groups_of(current_user), **for_you(current_user)
    )


#: How many of each kind of thing the home page lists before "and N more".
FOR_YOU_LIMIT = 5
#: How long an answer to something the person asked stays on their home page.
ANSWERS_SHOWN_FOR = timedelta(days=30)


def for_you(user) -> dict:
    """What is waiting for this person in the groups they are in, for the top of their
    home page: each list is its domain's own query, the first few and how many (two
    statements each, however much is waiting)."""
    since = utcnow() - ANSWERS_SHOWN_FOR
    return {
        "unread_decisions": notices.unseen_about(user, "decision", FOR_YOU_LIMIT),
        "votes_waiting": voting.waiting_for_vote(user, FOR_YOU_LIMIT),
        "my_actions": actions.owned_by(user, FOR_YOU_LIMIT),
        "answered_reports": reports.answered_for(user, since, FOR_YOU_LIMIT),
        "plan_replies": upcoming.replies_to(user, since, FOR_YOU_LIMIT),
        "today": local_today(),
    }


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("accounts.index"))
    form = SignInForm()
    if form.validate_on_submit():
        email = accounts.normalise_email(form.email.data) or ""
        limits.check_sign_in(email)
        user = accounts.authenticate(email, form.password.data)
        if user is None:
            limits.sign_in_failed(email)
            form.password.errors.append(_("The email address or password is not right."))
        else:
            if user.two_factor_on:
                return _ask_for_code(user, next_url)
            return _finish_sign_in(user, next_url)
    status = 422 if form.errors else 200
    return render_template("accounts/sign_in.html", form=form), status


def _finish_sign_in(user, next_url: str | None):
    """The person has proved who they are (password, and code when they use one): a
    fresh session for this browser."""
    sessions.sign_in_browser(user)
    reauth.mark_password_typed()
    if two_factor.staff_must_set_up(user):
        session[SET_UP_FIRST] = True
        flash(
            _("This site asks site admins and facilitators to use two-step sign-in. Set it up now.")
        )
        return redirect(url_for("accounts.two_factor_page", next=next_url), 303)
    return redirect(next_url or url_for("accounts.index"), 303)


# Two-step sign-in: the code step -------------------------------------------------


def _limit(setting: str) -> str:
    """A rate limit from the settings (read when a request comes, so tests can change it)."""
    from flask import current_app

    return current_app.config[setting]


#: How long after the password the code may be typed.
PENDING_SECONDS = 10 * 60
_PENDING = ("pending_user_id", "pending_version", "pending_at", "pending_next")
#: Set on signing in when the site requires a second factor this person lacks:
#: nothing but setting it up (or signing out) is open until they have.
SET_UP_FIRST = "two_factor_set_up_first"


def _ask_for_code(user, next_url: str | None):
    """The password was right; the person is not signed in until the code is too."""
    session.clear()
    session.update(
        pending_user_id=user.id,
        pending_version=user.session_version,
        pending_at=time.time(),
        pending_next=next_url,
    )
    return redirect(url_for("accounts.sign_in_code"), 303)


def _forget_pending() -> None:
    for key in _PENDING:
        session.pop(key, None)


def _pending_user():
    started = session.get("pending_at")
    if not isinstance(started, int | float) or not 0 <= time.time() - started <= PENDING_SECONDS:
        return None
    return two_factor.pending_user(session.get("pending_user_id"), session.get("pending_version"))


def _pending_key() -> str:
    return f"code:{session.get('pending_user_id')}"


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
@limiter.limit(lambda: _limit("CONFIRM_LIMIT_PER_ACCOUNT"), key_func=_pending_key, methods=["POST"])
def sign_in_code():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.index"))
    user = _pending_user()
    if user is None:
        _forget_pending()
        flash(_("Sign in with your email address and password first."))
        return redirect(url_for("accounts.sign_in"), 303)
    form = SignInCodeForm()
    if form.validate_on_submit():
        started = datetime.fromtimestamp(session["pending_at"], UTC)
        if two_factor.too_many_code_failures(user.id, started):
            _forget_pending()
            flash(_("Too many wrong codes. Sign in again with your password."), "error")
            return redirect(url_for("accounts.sign_in"), 303)
        accepted = two_factor.check_code(user, form.code.data)
        if accepted:
            response = _finish_sign_in(user, session.get("pending_next"))
            if accepted == "recovery":
                left = two_factor.recovery_codes_left(user)
                flash(
                    ngettext(
                        "You used a recovery code. You have %(num)d left.",
                        "You used a recovery code. You have %(num)d left.",
                        left,
                    )
                )
            return response
        events.record("sign_in.code_failed", user=user)
        form.code.errors.append(
            _("That code is not right. Type the 6 numbers your app shows now, or a recovery code.")
        )
    status = 422 if form.errors else 200
    return render_template("accounts/sign_in_code.html", form=form), status


@bp.before_app_request
def two_factor_before_anything_else():
    """Staff the site requires a second factor of set it up before anything else
    (public pages too: signed in, they show the person's groups)."""
    if not session.get(SET_UP_FIRST) or not current_user.is_authenticated:
        return None
    if request.endpoint is None or request.endpoint in _OPEN_BEFORE_SET_UP:
        return None
    return redirect(url_for("accounts.two_factor_page"))


_OPEN_BEFORE_SET_UP = frozenset(
    {
        "static",
        "accounts.two_factor_page",
        "accounts.confirm_password",
        "accounts.sign_out",
        "accounts.forgot_password",
        "accounts.reset_password",
    }
)


# Two-step sign-in: setting it up and turning it off -----------------------------

_SETUP_SECRET = "two_factor_new_secret"


@bp.route("/account/two-factor", methods=["GET", "POST"])
@reauth.recent_password(methods=("POST",))
def two_factor_page():
    next_url = safe_next(request.args.get("next"))
    if current_user.two_factor_on:
        session.pop(SET_UP_FIRST, None)
        return render_template(
            "accounts/two_factor_on.html", left=two_factor.recovery_codes_left(current_user)
        )
    secret = session.get(_SETUP_SECRET)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session[_SETUP_SECRET] = two_factor.new_secret()
    form = TwoFactorSetUpForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_set_up(current_user, secret, form.code.data)
        except Refused as exc:
            refused(form, exc)
        else:
            session.pop(_SETUP_SECRET, None)
            session.pop(SET_UP_FIRST, None)
            return render_template(
                "accounts/recovery_codes.html",
                codes=codes,
                first_time=True,
                next_url=next_url or url_for("accounts.index"),
            )
    uri = two_factor.provisioning_uri(current_user, secret)
    return render_template(
        "accounts/two_factor_set_up.html",
        form=form,
        secret=two_factor.grouped(secret),
        qr=segno.make(uri, error="m").svg_data_uri(scale=5, border=4),
        required=bool(session.get(SET_UP_FIRST)),
    ), form_status(form)


@bp.route("/account/two-factor/recovery-codes", methods=["GET", "POST"])
@reauth.recent_password(methods=("POST",))
def recovery_codes():
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.regenerate_recovery_codes(current_user)
        except Refused as exc:
            flash_refusal(exc)
            return redirect(url_for("accounts.two_factor_page"), 303)
        return render_template(
            "accounts/recovery_codes.html",
            codes=codes,
            first_time=False,
            next_url=url_for("accounts.two_factor_page"),
        )
    if not current_user.two_factor_on:
        return redirect(url_for("accounts.two_factor_page"), 303)
    return render_template("accounts/recovery_codes_new.html", form=form)


@bp.route("/account/two-factor/off", methods=["GET", "POST"])
@reauth.recent_password(methods=("POST",))
@limiter.limit(
    # Guessing the code here would undo the second factor: as few tries as signing in.
    lambda: _limit("CONFIRM_LIMIT_PER_ACCOUNT"),
    key_func=lambda: _reauth_key(),
    methods=["POST"],
)
def two_factor_off():
    if not current_user.two_factor_on:
        return redirect(url_for("accounts.two_factor_page"), 303)
    form = TwoFactorOffForm()
    if form.validate_on_submit():
        if not accounts.password_matches(current_user, form.password.data):
            events.record("reauth.failed")
            form.password.errors.append(_("That password is not right."))
        else:
            try:
                two_factor.turn_off(current_user, form.code.data)
            except Refused as exc:
                refused(form, exc)
            else:
                flash(_("Two-step sign-in is off. You sign in with your password alone."))
                return redirect(url_for("accounts.two_factor_page"), 303)
    return render_template("accounts/two_factor_off.html", form=form), form_status(form)


# Typing the password again before an act that matters ---------------------------


def _reauth_key() -> str:
    return f"reauth:{current_user.get_id() if current_user.is_authenticated else '-'}"


@bp.route("/account/confirm", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("CONFIRM_LIMIT_PER_ACCOUNT"), key_func=_reauth_key, methods=["POST"])
def confirm_password():
    next_url = safe_next(request.args.get("next")) or url_for("accounts.profile")
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        if accounts.password_matches(current_user, form.password.data):
            reauth.mark_password_typed()
            events.record("reauth.ok")
            return redirect(next_url, 303)
        events.record("reauth.failed")
        form.password.errors.append(_("That password is not right."))
    return render_template("accounts/confirm_password.html", form=form), form_status(form)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.index"), 303)
    accounts.end_all_sessions(current_user)
    logout_user()
    session.clear()
    flash(_("You have signed out."))
    return redirect(url_for("accounts.sign_in"), 303)


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(_forgot_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        return render_template("accounts/reset_sent.html", email=form.email.data)
    status = 422 if form.errors else 200
    return render_template("accounts/forgot_password.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    reset = accounts.find_password_reset(token)
    if reset is None:
        return render_template(
            "accounts/link_problem.html",
            message=_(
                "This password reset link has expired or has already been used. "
                "You can ask for a new one."
            ),
        ), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        person = accounts.user_for_reset(reset)
        problems = accounts.password_problems(
            form.password.data, user_inputs=(person.email or "", person.name)
        )
        if problems:
            form.password.errors.extend(problems)
        else:
            try:
                accounts.complete_password_reset(token, form.password.data)
            except Refused as exc:
                undo()
                return render_template("accounts/link_problem.html", message=str(exc)), 410
            logout_user()
            session.clear()
            flash(_("Your password has been changed. Sign in with your new password."))
            return redirect(url_for("accounts.sign_in"), 303)
    status = 422 if form.errors else 200
    return render_template("accounts/reset_password.html", form=form), status


@bp.route("/account", methods=["GET", "POST"])
def profile():
    form = ProfileForm(
        obj=current_user, texts=notify.texts_available(), has_email=bool(current_user.email)
    )
    if form.validate_on_submit():
        accounts.update_profile(
            current_user,
            name=form.name.data,
            preferred_channels=form.preferred_channels.data,
            phone=form.phone.data or None,
            postal_address=form.postal_address.data or None,
            language=form.language.data,
            digest=form.digest.data,
            large_print=form.large_print.data,
        )
        flash(_("Your details have been saved."))
        note = schedule.digest_note(current_user)
        if note:
            flash(note)
        return redirect(url_for("accounts.profile"), 303)
    status = 422 if form.errors else 200
    return render_template("accounts/profile.html", form=form), status


# Tokens for scripts ---------------------------------------------------------------


@bp.route("/account/tokens", methods=["GET", "POST"])
def api_tokens():
    """The member's tokens for scripts; a new one is shown on this answer and never again
    (so it is drawn here, not kept in the session cookie for a redirect)."""
    form = ApiTokenForm()
    made = save_form(form, lambda: api_tokens_service.make_token(current_user, form.name.data))
    confirm = None
    if request.method == "GET" and request.args.get("revoke", "").isdigit():
        # Revoking is asked once more, on this page: a script using the token stops working.
        confirm = api_tokens_service.get_live(current_user, int(request.args["revoke"]))
    return render_template(
        "accounts/api_tokens.html",
        form=form,
        made=made.value if made else None,
        tokens=api_tokens_service.live_tokens(current_user),
        confirm=confirm,
        revoke_form=RevokeApiTokenForm(token_id=confirm.id if confirm else None),
    ), form_status(form)


@bp.route("/account/tokens/revoke", methods=["POST"])
def revoke_api_token():
    form = RevokeApiTokenForm()
    if not form.validate_on_submit() or not form.token_id.data.isdigit():
        raise Invalid(_("Choose a token to revoke."))
    row = api_tokens_service.revoke(current_user, int(form.token_id.data))
    flash(
        _(
            "The token “%(name)s” was revoked. Scripts using it can no longer read anything.",
            name=row.name,
        )
    )
    return redirect(url_for("accounts.api_tokens"), 303)


@bp.route("/account/security")
def security():
    return render_template(
        "accounts/security.html",
        sessions=sessions.live_sessions(current_user),
        this_session=sessions.current_row(),
        form=EmptyForm(),
    )


@bp.route("/account/security/sessions/<int:session_id>/end", methods=["POST"])
def end_session(session_id: int):
    form = EmptyForm()
    if form.validate_on_submit():
        this = sessions.current_row()
        if this is not None and this.id == session_id:
            # Ending this browser's own session is signing out, which has its own button.
            return redirect(url_for("accounts.security"), 303)
        if sessions.end_one(current_user, session_id):
            flash(_("That browser has been signed out."))
        else:
            flash(_("That browser was already signed out."))
    return redirect(url_for("accounts.security"), 303)


@bp.route("/account/security/end-others", methods=["POST"])
def end_other_sessions():
    form = EmptyForm()
    if form.validate_on_submit():
        sessions.end_all(current_user, except_row=sessions.current_row())
        flash(_("Every other browser has been signed out."))
    return redirect(url_for("accounts.security"), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@limits.per_person("PASSWORD_CHANGE_LIMIT_PER_PERSON", scope="change-password")
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.password.data)
        except Refused as exc:
            status = refused(form, exc)
        else:
            flash(
                _(
                    "Your password has been changed. Every other browser has been signed "
                    "out, and we have emailed you to say so."
                )
            )
            return redirect(url_for("accounts.security"), 303)
    if form.errors:
        status = 422
    return render_template("accounts/change_password.html", form=form), status
