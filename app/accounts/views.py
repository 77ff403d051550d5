from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.accounts import api_tokens as api_tokens_service
from app.accounts import bp
from app.accounts import services as accounts
from app.accounts.forms import (
    ApiTokenForm,
    ForgotPasswordForm,
    ProfileForm,
    ResetPasswordForm,
    RevokeApiTokenForm,
    SignInForm,
)
from app.errors import Invalid, Refused
from app.extensions import limiter, undo
from app.forms import EmptyForm
from app.groups import services as groups
from app.notices import notify, schedule
from app.permissions import public
from app.viewing import form_status, save_form


def _login_account_key() -> str:
    """Rate-limit key for sign-in attempts against one account, whoever makes them."""
    return "account:" + (accounts.normalise_email(request.form.get("email")) or "-")


def _login_limit(kind: str):
    from flask import current_app

    return current_app.config[kind]


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
@limiter.limit(lambda: _login_limit("LOGIN_LIMIT_PER_ADDRESS"), methods=["POST"])
@limiter.limit(
    lambda: _login_limit("LOGIN_LIMIT_PER_ACCOUNT"), key_func=_login_account_key, methods=["POST"]
)
def sign_in():
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("accounts.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("The email address or password is not right."))
        else:
            session.clear()  # a fresh session: nothing from before sign-in carries over
            login_user(user)
            return redirect(next_url or url_for("accounts.index"), 303)
    status = 422 if form.errors else 200
    return render_template("accounts/sign_in.html", form=form), status


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
@limiter.limit(lambda: _login_limit("LOGIN_LIMIT_PER_ADDRESS"), methods=["POST"])
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
