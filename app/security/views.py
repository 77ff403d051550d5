"""The site admin's pages: the site's settings, and the security event log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import reauth
from app.pagination import page_arg, page_size
from app.permissions import require
from app.security import events
from app.security import settings as site_settings
from app.security.forms import EventFilterForm, SiteSettingsForm
from app.viewing import form_status

bp = Blueprint("security", __name__)


@bp.route("/admin/settings", methods=["GET", "POST"])
def admin_settings():
    require(current_user, "site.admin")
    if not reauth.password_is_recent():
        return reauth.confirm_first()
    form = SiteSettingsForm(obj=site_settings.current())
    if form.validate_on_submit():
        site_settings.update(
            current_user,
            require_two_factor_for_staff=form.require_two_factor_for_staff.data,
            keep_notice_contacts_months=form.keep_notice_contacts_months.data,
            keep_security_events_days=form.keep_security_events_days.data,
        )
        flash(_("The site's settings have been saved."))
        return redirect(url_for("security.admin_settings"), 303)
    return render_template("security/settings.html", form=form), form_status(form)


@bp.route("/admin/security")
def admin_events():
    require(current_user, "site.admin")
    form = EventFilterForm(request.args)
    kind = reference = None
    if form.validate():
        kind, reference = form.kind.data or None, form.reference.data or None
    page = events.listed(page_arg(), page_size(), kind=kind, reference=reference)
    return render_template(
        "security/events.html",
        form=form,
        page=page,
        filters={"kind": kind or "", "reference": reference or ""},
    ), form_status(form)
