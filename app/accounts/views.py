from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.accounts import bp, sessions
from app.accounts import services as accounts
from app.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    ProfileForm,
    ResetPasswordForm,
    SignInForm,
)
from app.errors import Refused
from app.extensions import limiter, undo
from app.forms import EmptyForm
from app.groups import services as groups
from app.notices import notify, schedule
from app.permissions import public
from app.security import limits
from app.viewing import refused


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
    return render_template("accounts/home.html", memberships=groups.groups_of(current_user))


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
            return _finish_sign_in(user, next_url)
    status = 422 if form.errors else 200
    return render_template("accounts/sign_in.html", form=form), status


def _finish_sign_in(user, next_url: str | None):
    """The person has proved who they are: a fresh session for this browser."""
    sessions.sign_in_browser(user)
    return redirect(next_url or url_for("accounts.index"), 303)


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
    form = ProfileForm(obj=current_user, texts=notify.texts_available())
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
