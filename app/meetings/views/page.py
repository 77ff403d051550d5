"""A meeting's own page, and its "are you coming?" part (an htmx fragment)."""

from __future__ import annotations

from flask import flash, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import Refused
from app.extensions import htmx, undo
from app.meetings import agenda, attendance, bp, captures, papers
from app.meetings.forms import RsvpForm
from app.meetings.labels import labels
from app.meetings.views.common import load_meeting, meeting_url
from app.notices import services as notices
from app.permissions import can
from app.viewing import load_group


def rsvp_part(group, meeting, error: str | None = None) -> dict:
    """What the RSVP section (#rsvp) shows: the viewer's answer, and who is coming."""
    return {
        "group": group,
        "meeting": meeting,
        "mine": attendance.my_attendance(meeting, current_user),
        "counts": attendance.attendance_counts(group, meeting),
        "error": error,
        **labels(),
    }


def meeting_page(group, meeting, *, error: str | None = None, status: int = 200):
    """The meeting's page; with `error`, the refusal that brought the viewer back to it."""
    notices.mark_seen(current_user.id, ("meeting", "agenda"), meeting.id)
    sending = meeting.status == "planned" and can(current_user, "meeting.plan", group)
    return render_template(
        "meetings/show.html",
        rows=agenda.agenda(meeting),
        agenda_sent=agenda.last_agenda_sent(meeting) if sending else None,
        can_send_agenda=sending,
        papers=papers.papers(meeting),
        captured=captures.captured(meeting) if meeting.status == "finished" else None,
        **rsvp_part(group, meeting, error),
    ), status


def refused_on_page(group, meeting, exc: Refused):
    """Keep nothing of the request, and show the meeting's page with the reason."""
    undo()
    return meeting_page(group, meeting, error=str(exc), status=exc.status)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>")
def show(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.view")
    return meeting_page(group, load_meeting(group, meeting_id))


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/rsvp", methods=["POST"])
def rsvp(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.rsvp")
    meeting = load_meeting(group, meeting_id)
    form = RsvpForm()
    error = None
    if not form.validate_on_submit():
        error, status = _("Choose whether you are coming"), 422
    else:
        try:
            attendance.rsvp(meeting, current_user, form.answer.data)
            status = 200
        except Refused as exc:
            undo()
            error, status = str(exc), exc.status
    if htmx:
        return render_template("meetings/_rsvp.html", **rsvp_part(group, meeting, error)), status
    if error:
        return meeting_page(group, meeting, error=error, status=status)
    flash(
        _("Thank you. The facilitator knows you are coming.")
        if form.answer.data == "coming"
        else _("Thank you. Your apologies are recorded.")
    )
    return redirect(meeting_url(group, meeting, "#rsvp"), 303)
