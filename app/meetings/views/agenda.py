"""Planning a meeting's agenda and its papers."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.decisions import services as decisions
from app.enquiries import services as enquiries
from app.errors import Refused
from app.forms import none_choice
from app.meetings import agenda, bp, papers
from app.meetings.forms import AgendaItemForm, PaperForm
from app.meetings.views.common import load_item, load_meeting, load_meeting_for, meeting_url
from app.meetings.views.page import meeting_page, refused_on_page
from app.security.limits import per_person
from app.uploads import services as uploads
from app.viewing import form_status, load_group, refused
from app.voting import services as voting
from app.voting.priorities import priority_choices


def _item_form_choices(group, form) -> None:
    form.priority_id.choices = none_choice(_("No")) + priority_choices(group)
    form.ballot_id.choices = none_choice(_("No")) + [
        (b.id, b.title) for b in voting.ballots_page(group, 1, 200).items
    ]
    form.decision_id.choices = none_choice(_("No")) + decisions.decision_choices(group)
    form.enquiry_id.choices = none_choice(_("No")) + [
        (e.id, e.question) for e in enquiries.group_enquiries(group)
    ]


def _item_values(form) -> dict:
    return {
        "title": form.title.data,
        "details": form.details.data or "",
        "lead": form.lead.data or "",
        "minutes_allowed": form.minutes_allowed.data,
        "priority_id": form.priority_id.data or None,
        "ballot_id": form.ballot_id.data or None,
        "decision_id": form.decision_id.data or None,
        "enquiry_id": form.enquiry_id.data or None,
    }


def _item_page(group, meeting, form, item, status: int | None):
    return render_template(
        "meetings/agenda_item.html", group=group, meeting=meeting, form=form, item=item
    ), status or form_status(form)


def _closed_page(group, meeting):
    """The meeting's page saying why, when its agenda can no longer change; else None."""
    if meeting.status not in ("finished", "cancelled"):
        return None
    return meeting_page(
        group,
        meeting,
        error=_("The agenda of a finished or cancelled meeting cannot change."),
        status=409,
    )


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/agenda/new", methods=["GET", "POST"])
def agenda_new(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.plan")
    meeting = load_meeting(group, meeting_id)
    closed = _closed_page(group, meeting)
    if closed:
        return closed
    form = AgendaItemForm()
    _item_form_choices(group, form)
    status = None
    if form.validate_on_submit():
        try:
            agenda.add_item(group, meeting, **_item_values(form))
        except Refused as exc:
            status = refused(form, exc)
        else:
            flash(_("The item is on the agenda."))
            if request.form.get("another"):
                return redirect(
                    url_for("meetings.agenda_new", slug=slug, meeting_id=meeting.id), 303
                )
            return redirect(meeting_url(group, meeting, "#agenda"), 303)
    return _item_page(group, meeting, form, None, status)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/agenda/<int:item_id>", methods=["GET", "POST"])
def agenda_edit(slug: str, meeting_id: int, item_id: int):
    group = load_group(slug, "meeting.plan")
    meeting = load_meeting(group, meeting_id)
    item = load_item(meeting, item_id)
    closed = _closed_page(group, meeting)
    if closed:
        return closed
    form = AgendaItemForm(obj=item)
    _item_form_choices(group, form)
    if request.method == "GET":
        for name in ("priority_id", "ballot_id", "decision_id", "enquiry_id"):
            getattr(form, name).data = getattr(item, name) or 0
    status = None
    if form.validate_on_submit():
        try:
            agenda.change_item(group, meeting, item, **_item_values(form))
        except Refused as exc:
            status = refused(form, exc)
        else:
            flash(_("The item has been saved."))
            return redirect(meeting_url(group, meeting, "#agenda"), 303)
    return _item_page(group, meeting, form, item, status)


def _seen_order() -> list[int]:
    try:
        return [int(n) for n in (request.form.get("order") or "").split(",") if n]
    except ValueError:
        abort(400)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/agenda/<int:item_id>/move", methods=["POST"])
def agenda_move(slug: str, meeting_id: int, item_id: int):
    group, meeting = load_meeting_for(slug, meeting_id, "meeting.plan")
    item = load_item(meeting, item_id)
    try:
        agenda.move_item(meeting, item, request.form.get("direction", ""), _seen_order())
    except Refused as exc:
        return refused_on_page(group, meeting, exc)
    return redirect(meeting_url(group, meeting, f"#item-{item.id}"), 303)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/agenda/<int:item_id>/remove", methods=["POST"])
def agenda_remove(slug: str, meeting_id: int, item_id: int):
    group, meeting = load_meeting_for(slug, meeting_id, "meeting.plan")
    item = load_item(meeting, item_id)
    try:
        agenda.remove_item(meeting, item)
    except Refused as exc:
        return refused_on_page(group, meeting, exc)
    flash(_("The item has been taken off the agenda."))
    return redirect(meeting_url(group, meeting, "#agenda"), 303)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/agenda/send", methods=["POST"])
def agenda_send(slug: str, meeting_id: int):
    group, meeting = load_meeting_for(slug, meeting_id, "meeting.plan")
    try:
        sent = agenda.send_agenda(group, meeting, current_user)
    except Refused as exc:
        return refused_on_page(group, meeting, exc)
    flash(
        _("The changed agenda is on its way to every member.")
        if sent.version > 1
        else _("The agenda is on its way to every member.")
    )
    return redirect(meeting_url(group, meeting, "#agenda"), 303)


# Papers -------------------------------------------------------------------------------


def _papers_url(group, meeting) -> str:
    return url_for("meetings.papers", slug=group.slug, meeting_id=meeting.id)


@bp.route(
    "/groups/<slug>/meetings/<int:meeting_id>/papers", methods=["GET", "POST"], endpoint="papers"
)
@per_person("UPLOAD_LIMIT_PER_PERSON", scope="uploads")
def papers_page(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.plan")
    meeting = load_meeting(group, meeting_id)
    form = PaperForm()
    status = None
    if form.validate_on_submit():
        try:
            papers.add_paper(
                meeting,
                current_user,
                title=form.title.data,
                url=form.url.data or "",
                file=form.file.data,
            )
        except Refused as exc:
            status = refused(form, exc, "file")
        else:
            flash(_("The paper has been added."))
            return redirect(_papers_url(group, meeting), 303)
    return render_template(
        "meetings/papers.html",
        group=group,
        meeting=meeting,
        papers=papers.papers(meeting),
        form=form,
        file=uploads.chooser(papers.PAPER_FILES),
    ), status or form_status(form)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/papers/<int:paper_id>/file")
def paper_file(slug: str, meeting_id: int, paper_id: int):
    group = load_group(slug, "meeting.view")
    meeting = load_meeting(group, meeting_id)
    paper = papers.get_paper(meeting, paper_id)
    upload = uploads.get_upload(paper.upload_id) if paper else None
    if upload is None:
        abort(404)
    return uploads.download_response(upload)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/papers/<int:paper_id>/remove", methods=["POST"])
def paper_remove(slug: str, meeting_id: int, paper_id: int):
    group, meeting = load_meeting_for(slug, meeting_id, "meeting.plan")
    try:
        papers.remove_paper(meeting, paper_id)
    except Refused as exc:
        return refused_on_page(group, meeting, exc)
    flash(_("The paper has been removed."))
    return redirect(_papers_url(group, meeting), 303)
