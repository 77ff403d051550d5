"""Your data: downloading everything Logbook holds about you, and being erased; a
site admin's side of erasure, for people who cannot do it themselves."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy import func, or_, select

from app.accounts import reauth
from app.accounts import services as accounts
from app.accounts.models import User
from app.dbtypes import utcnow
from app.errors import Refused
from app.extensions import db, limiter
from app.groups import services as groups
from app.pagination import page_arg, page_size, paginate
from app.permissions import require
from app.privacy import bp, erasure, export
from app.privacy.forms import AdminEraseForm, EraseSelfForm, ExportForm, FindPersonForm
from app.security import events
from app.viewing import found, refused, show_error


@bp.route("/account/your-data", methods=["GET", "POST"])
@reauth.recent_password(methods=("POST",))
def your_data():
    """The page says what the download holds; downloading it needs the password typed
    within the last few minutes (a borrowed, signed-in phone must not hand it over)."""
    form = ExportForm()
    if form.validate_on_submit():
        archive = export.build_zip(current_user)
        events.record("data.exported", user=current_user)
        stamp = utcnow().strftime("%Y-%m-%d")
        return send_file(
            archive,
            mimetype="application/zip",
            as_attachment=True,
            download_name=f"logbook-your-data-{stamp}.zip",
            max_age=0,
        )
    return render_template("privacy/your_data.html", form=form), 422 if form.errors else 200


def _password_tries() -> str:
    return current_app.config["CONFIRM_LIMIT_PER_ACCOUNT"]


def _tries_key() -> str:
    return f"erase:{current_user.get_id()}"


@bp.route("/account/your-data/erase", methods=["GET", "POST"])
# The form checks a password: as many tries as signing in allows, so it is no way
# round the sign-in limits for someone holding a stolen session.
@limiter.limit(_password_tries, key_func=_tries_key, methods=["POST"])
def erase():
    form = EraseSelfForm()
    alone = erasure.last_facilitator_of(current_user)
    status = 200
    if form.validate_on_submit():
        typed = accounts.normalise_email(form.email.data)
        if not current_user.email or typed != current_user.email:
            show_error(form, _("Type the email address you sign in with"), "email")
        elif accounts.authenticate(current_user.email, form.password.data) is None:
            show_error(form, _("The password is not right"), "password")
        else:
            try:
                erasure.erase(current_user._get_current_object())
            except Refused as exc:
                status = refused(form, exc, "email")
            else:
                logout_user()
                flash(_("You have been erased. Logbook no longer holds your name or details."))
                return redirect(url_for("accounts.index"), 303)
    if form.errors and status == 200:
        status = 422
    return render_template("privacy/erase.html", form=form, alone=alone), status


@bp.route("/admin/people")
def admin_people():
    require(current_user, "site.admin")
    form = FindPersonForm(formdata=None)
    form.q.data = (request.args.get("q") or "").strip()[:120]
    query = select(User).where(User.erased_at.is_(None)).order_by(User.name, User.id)
    if form.q.data:
        like = f"%{form.q.data.lower()}%"
        query = query.where(or_(func.lower(User.name).like(like), User.email.like(like)))
    page = paginate(query, page_arg(), page_size())
    return render_template("privacy/admin_people.html", form=form, page=page)


@bp.route("/admin/people/<int:person_id>/erase", methods=["GET", "POST"])
def admin_erase(person_id: int):
    require(current_user, "site.admin")
    person = found(db.session.get(User, person_id))
    form = AdminEraseForm()
    status = 200
    if person.erased_at is None and form.validate_on_submit():
        try:
            result = erasure.erase(person, by=current_user)
        except Refused as exc:
            status = refused(form, exc, "confirm")
        else:
            flash(_("The person has been erased. They are now %(name)s.", name=result.new_name))
            if result.left_in_log:
                flash(
                    _(
                        "Their name is still written in records the decision log covers, "
                        "which cannot be changed: %(places)s. Correct those decisions by "
                        "an amendment if the name must not be read there.",
                        places=", ".join(result.left_in_log),
                    )
                )
            return redirect(url_for("privacy.admin_people"), 303)
    if form.errors and status == 200:
        status = 422
    return render_template(
        "privacy/admin_erase.html",
        form=form,
        person=person,
        memberships=groups.groups_of(person),
        uploads=len(export.owned_uploads(person)),
    ), status
