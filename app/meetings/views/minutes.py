"""A meeting's minutes (drafted, edited, published) and its printable agenda."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.accounts.services import people_by_id
from app.decisions import services as decisions
from app.errors import Refused
from app.groups import services as groups
from app.meetings import agenda, attendance, bp, captures, minutes, papers
from app.meetings.common import NotesConflict
from app.meetings.forms import MinutesForm
from app.meetings.labels import labels
from app.meetings.views.common import load_meeting
from app.notices import services as notices
from app.permissions import can, require
from app.viewing import confirmation_page, confirmed, load_group, refused


@bp.route(
    "/groups/<slug>/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"], endpoint="minutes"
)
def minutes_page(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.view")
    meeting = load_meeting(group, meeting_id)
    editor = can(current_user, "meeting.minutes", group)
    if request.method == "POST":
        require(current_user, "meeting.minutes", group)
    form = conflict = preview = None
    status = 200
    if editor and meeting.minutes_published_at is None and meeting.status == "finished":
        # Until the first save, the draft is written afresh from what was captured (a GET
        # stores nothing); saving it, version 0, makes version 1.
        text = (
            meeting.minutes_text
            if meeting.minutes_version
            else minutes.draft_minutes(group, meeting)
        )
        form = MinutesForm(data={"text": text, "version": meeting.minutes_version})
        valid = form.validate_on_submit()
        publishing = bool(request.form.get("publish"))
        if valid and request.form.get("preview"):
            # Shown with the very renderer members' page uses; nothing is stored, and the
            # text stays in the box as typed.
            preview = decisions.render_body(form.text.data)
        elif valid and publishing and not confirmed():
            return _confirm_publish(group, meeting)  # nothing is saved before it is confirmed
        elif valid:
            try:
                minutes.save_minutes(meeting, form.text.data, form.version.data)
                if publishing:
                    minutes.publish_minutes(group, meeting, current_user)
            except NotesConflict as found:
                conflict = found
                form.version.data, form.version.raw_data = found.version, None
                status = 409
            except Refused as exc:
                status = refused(form, exc)
            else:
                if meeting.minutes_published_at:
                    flash(_("The minutes are published, and every member is being told."))
                else:
                    flash(_("The draft is saved. Members cannot see it until you publish it."))
                return redirect(url_for("meetings.minutes", slug=slug, meeting_id=meeting.id), 303)
        elif request.method == "POST":
            status = 422
    elif request.method == "POST":
        status = 409  # published already, or the meeting has not finished
    if meeting.minutes_published_at:
        notices.mark_seen(current_user.id, "minutes", meeting.id)
    return render_template(
        "meetings/minutes.html",
        group=group,
        meeting=meeting,
        form=form,
        conflict=conflict,
        preview=preview,
        refused=status == 409 and form is None,
        attendance=attendance.attendance_rows(group, meeting),
        captured=captures.captured(meeting),
        minutes_html=decisions.render_body(meeting.minutes_text)
        if meeting.minutes_published_at
        else "",
        publisher=people_by_id([meeting.minutes_published_by_id]).get(
            meeting.minutes_published_by_id
        ),
        **labels(),
    ), status


def _confirm_publish(group, meeting):
    members = sum(groups.role_counts(group).values())
    return confirmation_page(
        group,
        caption=meeting.title,
        heading=_("Publish the minutes?"),
        lines=[
            _("The minutes are saved as they are now and can no longer be changed."),
            ngettext(
                "The %(num)d member of %(group)s can read them, and is told they are ready.",
                "All %(num)d members of %(group)s can read them, and each is told they are "
                "ready, the way they chose to hear from the group.",
                members,
                group=group.name,
            ),
        ],
        button=_("Publish the minutes"),
        back_url=url_for("meetings.minutes", slug=group.slug, meeting_id=meeting.id),
    )


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/print")
def print_view(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.view")
    meeting = load_meeting(group, meeting_id)
    published = meeting.minutes_published_at is not None
    return render_template(
        "meetings/print.html",
        group=group,
        meeting=meeting,
        rows=agenda.agenda(meeting),
        papers=papers.papers(meeting),
        large=request.args.get("large") == "1",
        attendance=attendance.attendance_rows(group, meeting) if published else [],
        minutes_html=decisions.render_body(meeting.minutes_text) if published else "",
        **labels(),
    )
