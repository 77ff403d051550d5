"""The group's meetings: the list, planning one, changing it, cancelling it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.dbtypes import LOCAL_ZONE, local_to_utc
from app.errors import Refused
from app.forms import parse_clock
from app.meetings import bp, planning
from app.meetings.forms import CancelForm, MeetingForm
from app.meetings.labels import labels
from app.meetings.views.common import load_meeting, meeting_url
from app.meetings.views.page import meeting_page
from app.pagination import page_arg, page_size
from app.viewing import form_status, load_group, refused


def _values(form) -> dict:
    """What a meeting form says, with its day and times as UTC moments (typed in London)."""
    day = form.day.data
    return {
        "title": form.title.data,
        "kind": form.kind.data,
        "starts_at": local_to_utc(day, parse_clock(form.starts_time.data)),
        "ends_at": local_to_utc(day, parse_clock(form.ends_time.data)),
        "description": form.description.data or "",
        "place": form.place.data or "",
        "online_link": form.online_link.data or "",
        "access_features": form.access_features.data or [],
        "access_notes": form.access_notes.data or "",
    }


def _refused(form, exc: Refused) -> int:
    """A refusal shown on the form; the service names the start "starts_on", the form "day"."""
    exc.field = {"starts_on": "day"}.get(exc.field, exc.field)
    return refused(form, exc)


def _form_page(group, form, meeting, status: int | None = None):
    return render_template(
        "meetings/form.html", group=group, form=form, meeting=meeting
    ), status or form_status(form)


@bp.route("/groups/<slug>/meetings")
def index(slug: str):
    group = load_group(slug, "meeting.view")
    past = request.args.get("past") == "1"
    return render_template(
        "meetings/index.html",
        group=group,
        past=past,
        page=planning.meetings_page(group, page_arg(), page_size(), past=past),
        **labels(),
    )


@bp.route("/groups/<slug>/meetings/new", methods=["GET", "POST"])
def new(slug: str):
    group = load_group(slug, "meeting.plan")
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            meeting = planning.plan_meeting(group, current_user, **_values(form))
        except Refused as exc:
            _refused(form, exc)
        else:
            flash(_("The meeting is planned, and members are being told. Now add the agenda."))
            return redirect(meeting_url(group, meeting, "#agenda"), 303)
    return _form_page(group, form, None)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.plan")
    meeting = load_meeting(group, meeting_id)
    if meeting.status != "planned":
        return meeting_page(
            group,
            meeting,
            error=_("Only a meeting that has not started yet can be changed."),
            status=409,
        )
    form = MeetingForm(obj=meeting)
    if request.method == "GET":
        starts, ends = (
            meeting.starts_at.astimezone(LOCAL_ZONE),
            meeting.ends_at.astimezone(LOCAL_ZONE),
        )
        form.day.data = starts.date()
        form.starts_time.data = starts.strftime("%H:%M")
        form.ends_time.data = ends.strftime("%H:%M")
    form.submit.label.text = _("Save the changes")
    if form.validate_on_submit():
        try:
            told = planning.change_meeting(group, meeting, current_user, **_values(form))
        except Refused as exc:
            return _form_page(group, form, meeting, _refused(form, exc))
        flash(
            _("The meeting has changed, and members are being told.")
            if told
            else _("The changes are saved.")
        )
        return redirect(meeting_url(group, meeting), 303)
    return _form_page(group, form, meeting)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
def cancel(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.plan")
    meeting = load_meeting(group, meeting_id)
    form = CancelForm()
    status = None
    if form.validate_on_submit():
        try:
            planning.cancel_meeting(group, meeting, current_user, form.reason.data)
        except Refused as exc:
            status = refused(form, exc)
        else:
            flash(_("The meeting is cancelled, and members are being told."))
            return redirect(meeting_url(group, meeting), 303)
    return render_template(
        "meetings/cancel.html", group=group, meeting=meeting, form=form, **labels()
    ), status or form_status(form)
