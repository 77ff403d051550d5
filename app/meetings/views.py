from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.accounts import services as accounts
from app.accounts.services import people_by_id
from app.dbtypes import LOCAL_ZONE, local_to_utc
from app.decisions import services as decisions
from app.decisions.upcoming import open_forward_plan
from app.enquiries import services as enquiries
from app.errors import Invalid, Refused
from app.extensions import db, htmx
from app.forms import EmptyForm, parse_clock
from app.groups import services as groups
from app.links import external_url
from app.meetings import bp, calendar
from app.meetings import services as meetings
from app.meetings.forms import (
    ActionForm,
    AgendaItemForm,
    CancelForm,
    CaptureActionForm,
    CaptureDecisionForm,
    GuestsForm,
    MeetingForm,
    MinutesForm,
    NotesForm,
    PaperForm,
    ProgressForm,
    RsvpForm,
)
from app.meetings.labels import labels
from app.notices import services as notices
from app.pagination import page_arg, page_size
from app.permissions import can, public, require
from app.uploads import services as uploads
from app.viewing import form_status, load_group, refused
from app.voting import priorities
from app.voting import services as voting


def load_meeting(group, meeting_id: int):
    meeting = meetings.get_meeting(group, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def load_item(meeting, item_id: int):
    item = meetings.get_item(meeting, item_id)
    if item is None:
        abort(404)
    return item


def load_action(group, action_id: int):
    action = meetings.get_action(group, action_id)
    if action is None:
        abort(404)
    return action


def _meeting_url(group, meeting, anchor: str = "") -> str:
    return url_for("meetings.show", slug=group.slug, meeting_id=meeting.id) + anchor


def _meeting_values(form) -> dict:
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


def _none_choice(label):
    return [(0, label)]


def _recent_decision_choices(group, first=()):
    """Decisions to link to: those just taken (first), then the latest in the log."""
    states = list(first) + [
        s
        for s in decisions.states_for(decisions.recent_decisions(group, 100))
        if s.id not in {f.id for f in first}
    ]
    return [(s.id, _("Decision %(n)d: %(title)s", n=s.number, title=s.title)) for s in states]


# The group's meetings -----------------------------------------------------------


@bp.route("/groups/<slug>/meetings")
def index(slug: str):
    group = load_group(slug, "meeting.view")
    past = request.args.get("past") == "1"
    return render_template(
        "meetings/index.html",
        group=group,
        past=past,
        page=meetings.meetings_page(group, page_arg(), page_size(), past=past),
        **labels(),
    )


@bp.route("/groups/<slug>/meetings/new", methods=["GET", "POST"])
def new(slug: str):
    group = load_group(slug, "meeting.plan")
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            meeting = meetings.plan_meeting(group, current_user, **_meeting_values(form))
        except Refused as exc:
            exc.field = _form_field(exc.field)
            refused(form, exc)
        else:
            flash(_("The meeting is planned, and members are being told. Now add the agenda."))
            return redirect(_meeting_url(group, meeting, "#agenda"), 303)
    return render_template("meetings/form.html", group=group, form=form, meeting=None), form_status(
        form
    )


def _form_field(name):
    """Service field names that the form spells differently."""
    return {"starts_on": "day"}.get(name, name)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>")
def show(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.view")
    meeting = load_meeting(group, meeting_id)
    return _show(group, meeting)


def _show(group, meeting, *, error: str | None = None, status: int = 200):
    notices.mark_seen(current_user.id, "meeting", meeting.id)
    found = meetings.captured(meeting) if meeting.status == "finished" else None
    return render_template(
        "meetings/show.html",
        group=group,
        meeting=meeting,
        rows=meetings.agenda(meeting),
        papers=meetings.papers(meeting),
        counts=meetings.attendance_counts(group, meeting),
        mine=meetings.my_attendance(meeting, current_user),
        captured=found,
        error=error,
        empty_form=EmptyForm(),
        **labels(),
    ), status


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.plan")
    meeting = load_meeting(group, meeting_id)
    if meeting.status != "planned":
        return _show(
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
            told = meetings.change_meeting(group, meeting, current_user, **_meeting_values(form))
        except Refused as exc:
            exc.field = _form_field(exc.field)
            refused(form, exc)
            return render_template(
                "meetings/form.html", group=group, form=form, meeting=meeting
            ), exc.status
        flash(
            _("The meeting has changed, and members are being told.")
            if told
            else _("The changes are saved.")
        )
        return redirect(_meeting_url(group, meeting), 303)
    return render_template(
        "meetings/form.html", group=group, form=form, meeting=meeting
    ), form_status(form)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
def cancel(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.plan")
    meeting = load_meeting(group, meeting_id)
    form = CancelForm()
    status = None
    if form.validate_on_submit():
        try:
            meetings.cancel_meeting(group, meeting, current_user, form.reason.data)
        except Refused as exc:
            status = refused(form, exc)
        else:
            flash(_("The meeting is cancelled, and members are being told."))
            return redirect(_meeting_url(group, meeting), 303)
    return render_template(
        "meetings/cancel.html", group=group, meeting=meeting, form=form, **labels()
    ), status or form_status(form)


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
            meetings.rsvp(meeting, current_user, form.answer.data)
            status = 200
        except Refused as exc:
            db.session.rollback()
            error, status = str(exc), exc.status
    if htmx:
        return render_template(
            "meetings/_rsvp.html",
            group=group,
            meeting=meeting,
            mine=meetings.my_attendance(meeting, current_user),
            counts=meetings.attendance_counts(group, meeting),
            error=error,
            **labels(),
        ), status
    if error:
        return _show(group, meeting, error=error, status=status)
    flash(
        _("Thank you. The facilitator knows you are coming.")
        if form.answer.data == "coming"
        else _("Thank you. Your apologies are recorded.")
    )
    return redirect(_meeting_url(group, meeting, "#rsvp"), 303)


# Agenda and papers --------------------------------------------------------------


def _item_form_choices(group, form):
    form.priority_id.choices = _none_choice(_("No")) + priorities.priority_choices(group)
    form.ballot_id.choices = _none_choice(_("No")) + [
        (b.id, b.title) for b in voting.ballots_page(group, 1, 200).items
    ]
    form.decision_id.choices = _none_choice(_("No")) + _recent_decision_choices(group)
    form.enquiry_id.choices = _none_choice(_("No")) + [
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


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/agenda/new", methods=["GET", "POST"])
def agenda_new(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.plan")
    meeting = load_meeting(group, meeting_id)
    if meeting.status in ("finished", "cancelled"):
        return _show(
            group,
            meeting,
            error=_("The agenda of a finished or cancelled meeting cannot change."),
            status=409,
        )
    form = AgendaItemForm()
    _item_form_choices(group, form)
    status = None
    if form.validate_on_submit():
        try:
            meetings.add_item(group, meeting, **_item_values(form))
        except Refused as exc:
            status = refused(form, exc)
        else:
            flash(_("The item is on the agenda."))
            if request.form.get("another"):
                return redirect(
                    url_for("meetings.agenda_new", slug=slug, meeting_id=meeting.id), 303
                )
            return redirect(_meeting_url(group, meeting, "#agenda"), 303)
    return render_template(
        "meetings/agenda_item.html", group=group, meeting=meeting, form=form, item=None
    ), status or form_status(form)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/agenda/<int:item_id>", methods=["GET", "POST"])
def agenda_edit(slug: str, meeting_id: int, item_id: int):
    group = load_group(slug, "meeting.plan")
    meeting = load_meeting(group, meeting_id)
    item = load_item(meeting, item_id)
    if meeting.status in ("finished", "cancelled"):
        return _show(
            group,
            meeting,
            error=_("The agenda of a finished or cancelled meeting cannot change."),
            status=409,
        )
    form = AgendaItemForm(obj=item)
    _item_form_choices(group, form)
    if request.method == "GET":
        for name in ("priority_id", "ballot_id", "decision_id", "enquiry_id"):
            getattr(form, name).data = getattr(item, name) or 0
    status = None
    if form.validate_on_submit():
        try:
            meetings.change_item(group, meeting, item, **_item_values(form))
        except Refused as exc:
            status = refused(form, exc)
        else:
            flash(_("The item has been saved."))
            return redirect(_meeting_url(group, meeting, "#agenda"), 303)
    return render_template(
        "meetings/agenda_item.html", group=group, meeting=meeting, form=form, item=item
    ), status or form_status(form)


def _seen_order() -> list[int]:
    try:
        return [int(n) for n in (request.form.get("order") or "").split(",") if n]
    except ValueError:
        abort(400)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/agenda/<int:item_id>/move", methods=["POST"])
def agenda_move(slug: str, meeting_id: int, item_id: int):
    group = load_group(slug, "meeting.plan")
    meeting = load_meeting(group, meeting_id)
    item = load_item(meeting, item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        meetings.move_item(meeting, item, request.form.get("direction", ""), _seen_order())
    except Refused as exc:
        db.session.rollback()
        return _show(group, meeting, error=str(exc), status=exc.status)
    return redirect(_meeting_url(group, meeting, f"#item-{item.id}"), 303)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/agenda/<int:item_id>/remove", methods=["POST"])
def agenda_remove(slug: str, meeting_id: int, item_id: int):
    group = load_group(slug, "meeting.plan")
    meeting = load_meeting(group, meeting_id)
    item = load_item(meeting, item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        meetings.remove_item(meeting, item)
    except Refused as exc:
        db.session.rollback()
        return _show(group, meeting, error=str(exc), status=exc.status)
    flash(_("The item has been taken off the agenda."))
    return redirect(_meeting_url(group, meeting, "#agenda"), 303)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/papers", methods=["GET", "POST"])
def papers(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.plan")
    meeting = load_meeting(group, meeting_id)
    form = PaperForm()
    status = None
    if form.validate_on_submit():
        try:
            meetings.add_paper(
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
            return redirect(url_for("meetings.papers", slug=slug, meeting_id=meeting.id), 303)
    return render_template(
        "meetings/papers.html",
        group=group,
        meeting=meeting,
        papers=meetings.papers(meeting),
        form=form,
        file=uploads.chooser(meetings.PAPER_FILES),
    ), status or form_status(form)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/papers/<int:paper_id>/file")
def paper_file(slug: str, meeting_id: int, paper_id: int):
    group = load_group(slug, "meeting.view")
    meeting = load_meeting(group, meeting_id)
    paper = meetings.get_paper(meeting, paper_id)
    upload = uploads.get_upload(paper.upload_id) if paper else None
    if upload is None:
        abort(404)
    return uploads.download_response(upload)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/papers/<int:paper_id>/remove", methods=["POST"])
def paper_remove(slug: str, meeting_id: int, paper_id: int):
    group = load_group(slug, "meeting.plan")
    meeting = load_meeting(group, meeting_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        meetings.remove_paper(meeting, paper_id)
    except Refused as exc:
        db.session.rollback()
        return _show(group, meeting, error=str(exc), status=exc.status)
    flash(_("The paper has been removed."))
    return redirect(url_for("meetings.papers", slug=slug, meeting_id=meeting.id), 303)


# Live mode ----------------------------------------------------------------------


def _decision_form(group, form=None):
    form = form or CaptureDecisionForm(
        formdata=None,
        prefix="decision",
        capture_key=meetings.new_capture_key(),
        decided_by_kind="group_vote",  # most decisions taken in the room are the group's own
    )
    form.forward_plan_id.choices = _none_choice(_("No, it was not in the forward plan")) + [
        (entry.id, entry.title) for entry in open_forward_plan(group)
    ]
    return form


def _action_form(group, members, captured_states, form=None):
    form = form or CaptureActionForm(
        formdata=None, prefix="action", capture_key=meetings.new_capture_key()
    )
    form.owner_id.choices = _none_choice(_("Someone who is not a member (name them below)")) + [
        (person.id, person.name) for _m, person in members
    ]
    form.decision_id.choices = _none_choice(_("None")) + _recent_decision_choices(
        group, captured_states
    )
    return form


def _notes_form(item, form=None):
    if item is None:
        return None
    return form or NotesForm(
        formdata=None, prefix="notes", data={"notes": item.notes, "version": item.notes_version}
    )


def _live_context(
    group,
    meeting,
    *,
    notes_form=None,
    decision_form=None,
    action_form=None,
    guests_form=None,
    notes_item=None,
    conflict=None,
    error: str | None = None,
    message: str | None = None,
) -> dict:
    rows = meetings.agenda(meeting)
    current = meetings.current_item(meeting, rows)
    # Notes answer for the item they were written on, even if the meeting moved on.
    notes_item = notes_item or (current.item if current else None)
    found = meetings.captured(meeting)
    members = groups.all_members(group)
    name = (request.values.get("name") or "").strip()[:60]
    return {
        "group": group,
        "meeting": meeting,
        "rows": rows,
        "current": current,
        "captured": found,
        "attendance": meetings.attendance_rows(group, meeting, name),
        "name": name,
        "counts": meetings.attendance_counts(group, meeting),
        "notes_item": notes_item,
        "notes_form": _notes_form(notes_item, notes_form),
        "decision_form": _decision_form(group, decision_form),
        "action_form": _action_form(group, members, found.all_decisions, action_form),
        "guests_form": guests_form or GuestsForm(formdata=None, guests=meeting.guests),
        "ballots": voting.ballots_to_run(group, 10),
        "ballot_state": voting.state,
        "conflict": conflict,
        "error": error,
        "message": message,
        "has_errors": bool(error or conflict)
        or any(f is not None and f.errors for f in (notes_form, decision_form, action_form)),
        "order": ",".join(str(r.id) for r in rows),
        "empty_form": EmptyForm(),
        **labels(),
    }


def _live_answer(group, meeting, fragment: str, *, status: int = 200, anchor: str = "", **context):
    """htmx gets the part of the live page that changed; a plain form gets the page."""
    if htmx:
        found = _live_context(group, meeting, **context)
        return render_template(f"meetings/{fragment}", fragment=fragment, **found), status
    if status >= 400:
        return render_template(
            "meetings/live.html", **_live_context(group, meeting, **context)
        ), status
    if context.get("message"):
        flash(context["message"])
    return redirect(url_for("meetings.live", slug=group.slug, meeting_id=meeting.id) + anchor, 303)


def _live_refusal(group, meeting, exc, fragment="_live_item.html"):
    db.session.rollback()
    return _live_answer(group, meeting, fragment, status=exc.status, error=str(exc))


def _number(name: str) -> int:
    """A whole number a plain form sent (an id or a position); 0 when it is not one."""
    value = (request.form.get(name) or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else 0


def _load_live(slug: str, meeting_id: int, action: str = "meeting.run"):
    group = load_group(slug, action)
    meeting = load_meeting(group, meeting_id)
    if request.method == "POST" and not EmptyForm().validate_on_submit():
        abort(400)
    return group, meeting


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/live")
def live(slug: str, meeting_id: int):
    group, meeting = _load_live(slug, meeting_id)
    return render_template("meetings/live.html", **_live_context(group, meeting))


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/start", methods=["POST"])
def start(slug: str, meeting_id: int):
    group, meeting = _load_live(slug, meeting_id)
    try:
        meetings.start_meeting(meeting)
    except Refused as exc:
        db.session.rollback()
        return _live_answer(group, meeting, "_live_item.html", status=exc.status, error=str(exc))
    flash(_("The meeting is under way."))
    return redirect(url_for("meetings.live", slug=slug, meeting_id=meeting.id), 303)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/finish", methods=["POST"])
def finish(slug: str, meeting_id: int):
    group, meeting = _load_live(slug, meeting_id)
    try:
        meetings.finish_meeting(meeting)
    except Refused as exc:
        db.session.rollback()
        return _live_answer(group, meeting, "_live_item.html", status=exc.status, error=str(exc))
    flash(_("The meeting has finished. The minutes are drafted from what was captured."))
    if can(current_user, "meeting.minutes", group):
        return redirect(url_for("meetings.minutes", slug=slug, meeting_id=meeting.id), 303)
    return redirect(_meeting_url(group, meeting), 303)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/step", methods=["POST"])
def step(slug: str, meeting_id: int):
    group, meeting = _load_live(slug, meeting_id)
    try:
        meetings.step_to(meeting, _number("position"))
    except Refused as exc:
        return _live_refusal(group, meeting, exc)
    return _live_answer(group, meeting, "_live_item.html", anchor="#live-item")


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/attendance", methods=["POST"])
def attendance(slug: str, meeting_id: int):
    group, meeting = _load_live(slug, meeting_id)
    state = request.form.get("state", "")
    try:
        _membership, person = meetings.set_attendance(
            group, meeting, _number("member"), state, current_user
        )
    except Refused as exc:
        return _live_refusal(group, meeting, exc, "_live_attendance.html")
    message = {
        "present": _("%(name)s is checked in.", name=person.name),
        "apologies": _("Apologies recorded for %(name)s.", name=person.name),
        "clear": _("%(name)s is no longer checked in.", name=person.name),
    }[state]
    return _live_answer(
        group, meeting, "_live_attendance.html", anchor="#attendance", message=message
    )


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/guests", methods=["POST"])
def guests(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.run")
    meeting = load_meeting(group, meeting_id)
    form = GuestsForm()
    if not form.validate_on_submit():
        return _live_answer(group, meeting, "_live_attendance.html", status=422, guests_form=form)
    try:
        meetings.set_guests(meeting, form.guests.data)
    except Refused as exc:
        refused(form, exc)
        return _live_answer(
            group, meeting, "_live_attendance.html", status=exc.status, guests_form=form
        )
    message = ngettext("%(num)d guest.", "%(num)d guests.", form.guests.data)
    return _live_answer(
        group, meeting, "_live_attendance.html", anchor="#attendance", message=message
    )


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/agenda/<int:item_id>/notes", methods=["POST"])
def notes(slug: str, meeting_id: int, item_id: int):
    group = load_group(slug, "meeting.run")
    meeting = load_meeting(group, meeting_id)
    item = load_item(meeting, item_id)
    form = NotesForm(prefix="notes")
    answer = {"anchor": "#notes", "notes_item": item}
    if not form.validate_on_submit():
        return _live_answer(
            group, meeting, "_live_notes.html", status=422, notes_form=form, **answer
        )
    try:
        meetings.save_notes(meeting, item, current_user, form.notes.data, form.version.data)
    except meetings.NotesConflict as conflict:
        # Keep what this person wrote in the box and show theirs beside it; saving
        # again (with their version number) goes over theirs, knowingly.
        form.version.data, form.version.raw_data = conflict.version, None
        return _live_answer(
            group,
            meeting,
            "_live_notes.html",
            status=409,
            notes_form=form,
            conflict=conflict,
            **answer,
        )
    except Refused as exc:
        db.session.rollback()
        return _live_answer(
            group,
            meeting,
            "_live_notes.html",
            status=exc.status,
            notes_form=form,
            error=str(exc),
            **answer,
        )
    return _live_answer(group, meeting, "_live_notes.html", message=_("Notes saved."), **answer)


def _capture_refused(group, meeting, fragment: str, form, exc):
    """A capture the service refused: the reason on the form, and at the top of the page
    when it is about no one field (say, the meeting has not started)."""
    status = refused(form, exc)
    which = "decision_form" if fragment == "_live_decision.html" else "action_form"
    error = str(exc) if getattr(exc, "field", None) is None else None
    return _live_answer(group, meeting, fragment, status=status, error=error, **{which: form})


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/decisions", methods=["POST"])
def capture_decision(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.capture_decision")
    meeting = load_meeting(group, meeting_id)
    form = _decision_form(group, CaptureDecisionForm(prefix="decision"))
    if not form.validate_on_submit():
        return _live_answer(group, meeting, "_live_decision.html", status=422, decision_form=form)
    rows = meetings.agenda(meeting)
    current = meetings.current_item(meeting, rows)
    try:
        decision = meetings.capture_decision(
            group,
            meeting,
            current.item if current else None,
            current_user,
            capture_key=form.capture_key.data,
            title=form.title.data,
            summary=form.summary.data,
            decided_by_kind=form.decided_by_kind.data,
            decided_by_name=form.decided_by_name.data or "",
            forward_plan_id=form.forward_plan_id.data or None,
            short_notice_reason=form.short_notice_reason.data,
        )
    except Refused as exc:
        return _capture_refused(group, meeting, "_live_decision.html", form, exc)
    message = _(
        "Decision %(n)d is in the log. The %(count)d members here are recorded as told "
        "in person; the others are being told.",
        n=decision.number,
        count=len(meetings.present_user_ids(meeting)),
    )
    return _live_answer(group, meeting, "_live_decision.html", anchor="#captured", message=message)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/actions", methods=["POST"])
def capture_action(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.run")
    meeting = load_meeting(group, meeting_id)
    members = groups.all_members(group)
    found = meetings.captured(meeting)
    form = _action_form(group, members, found.all_decisions, CaptureActionForm(prefix="action"))
    if not form.validate_on_submit():
        return _live_answer(group, meeting, "_live_action.html", status=422, action_form=form)
    current = meetings.current_item(meeting, meetings.agenda(meeting))
    try:
        meetings.create_action(
            group,
            current_user,
            title=form.title.data,
            owner_id=form.owner_id.data or None,
            owner_name=form.owner_name.data or "",
            due_on=form.due_on.data,
            decision_id=form.decision_id.data or None,
            meeting=meeting,
            item=current.item if current else None,
            capture_key=form.capture_key.data or "",
        )
    except Refused as exc:
        return _capture_refused(group, meeting, "_live_action.html", form, exc)
    return _live_answer(
        group,
        meeting,
        "_live_action.html",
        anchor="#captured",
        message=_("The action is recorded, and its owner is being told."),
    )


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/tell", methods=["POST"])
def tell_room(slug: str, meeting_id: int):
    group, meeting = _load_live(slug, meeting_id)
    decision = decisions.get_decision(group, _number("decision"))
    try:
        if decision is None:
            raise Invalid(_("Choose a decision from the agenda"))
        recorded = meetings.tell_the_room(group, meeting, decision, current_user)
    except Refused as exc:
        return _live_refusal(group, meeting, exc)
    message = ngettext(
        "%(num)d member here is recorded as told in person.",
        "%(num)d members here are recorded as told in person.",
        recorded,
    )
    return _live_answer(group, meeting, "_live_item.html", anchor="#live-item", message=message)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/ballots", methods=["POST"])
def open_ballot(slug: str, meeting_id: int):
    group, meeting = _load_live(slug, meeting_id, "ballot.manage")
    ballot = voting.get_ballot(group, _number("ballot"))
    if ballot is None:
        return _live_answer(
            group, meeting, "_live_ballots.html", status=422, error=_("Choose a vote from the list")
        )
    try:
        voting.open_ballot(group, ballot)
    except Refused as exc:
        db.session.rollback()
        return _live_answer(group, meeting, "_live_ballots.html", status=409, error=str(exc))
    return _live_answer(
        group,
        meeting,
        "_live_ballots.html",
        anchor="#ballots",
        message=_("The vote is open. People can vote on their phones now."),
    )


# Minutes and print ----------------------------------------------------------------


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
def minutes(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.view")
    meeting = load_meeting(group, meeting_id)
    editor = can(current_user, "meeting.minutes", group)
    if request.method == "POST":
        require(current_user, "meeting.minutes", group)
    form = conflict = None
    status = 200
    if editor and meeting.minutes_published_at is None and meeting.status == "finished":
        # Until the first save, the draft is written afresh from what was captured (a GET
        # stores nothing); saving it, version 0, makes version 1.
        text = (
            meeting.minutes_text
            if meeting.minutes_version
            else meetings.draft_minutes(group, meeting)
        )
        form = MinutesForm(data={"text": text, "version": meeting.minutes_version})
        if form.validate_on_submit():
            try:
                meetings.save_minutes(meeting, form.text.data, form.version.data)
                if request.form.get("publish"):
                    meetings.publish_minutes(group, meeting, current_user)
            except meetings.NotesConflict as found:
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
        refused=status == 409 and form is None,
        attendance=meetings.attendance_rows(group, meeting),
        captured=meetings.captured(meeting),
        minutes_html=decisions.render_body(meeting.minutes_text)
        if meeting.minutes_published_at
        else "",
        publisher=people_by_id([meeting.minutes_published_by_id]).get(
            meeting.minutes_published_by_id
        ),
        **labels(),
    ), status


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/print")
def print_view(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.view")
    meeting = load_meeting(group, meeting_id)
    published = meeting.minutes_published_at is not None
    return render_template(
        "meetings/print.html",
        group=group,
        meeting=meeting,
        rows=meetings.agenda(meeting),
        papers=meetings.papers(meeting),
        large=request.args.get("large") == "1",
        attendance=meetings.attendance_rows(group, meeting) if published else [],
        minutes_html=decisions.render_body(meeting.minutes_text) if published else "",
        **labels(),
    )


# Calendars ----------------------------------------------------------------------


def _ics(body: bytes, name: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'inline; filename="{name}.ics"'},
    )


@bp.route("/groups/<slug>/meetings.ics")
@public
def group_calendar(slug: str):
    group = load_group(slug, "meeting.calendar")
    return _ics(calendar.group_calendar(group), f"{group.slug}-meetings")


@bp.route("/calendar/<token>.ics")
@public
def member_calendar(token: str):
    person = accounts.user_for_feed_token(token)
    if person is None:
        abort(404)
    return _ics(calendar.member_calendar(person), "logbook-meetings")


@bp.route("/calendar", methods=["GET", "POST"])
def calendar_link():
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        accounts.renew_feed_token(current_user)
        flash(_("You have a new calendar link. The old one no longer works."))
        return redirect(url_for("meetings.calendar_link"), 303)
    return render_template(
        "meetings/calendar.html",
        link=external_url("meetings.member_calendar", token=accounts.feed_token(current_user)),
        my_groups=groups.groups_of(current_user),
        form=form,
    )


# Actions ------------------------------------------------------------------------


def _action_choices(group, form):
    form.owner_id.choices = _none_choice(_("Someone who is not a member (name them below)")) + [
        (person.id, person.name) for _m, person in groups.all_members(group)
    ]
    form.decision_id.choices = _none_choice(_("None")) + _recent_decision_choices(group)
    form.priority_id.choices = _none_choice(_("None")) + priorities.priority_choices(group)


def _action_values(form) -> dict:
    return {
        "title": form.title.data,
        "details": form.details.data or "",
        "owner_id": form.owner_id.data or None,
        "owner_name": form.owner_name.data or "",
        "due_on": form.due_on.data,
        "decision_id": form.decision_id.data or None,
        "priority_id": form.priority_id.data or None,
    }


@bp.route("/groups/<slug>/actions")
def actions(slug: str):
    group = load_group(slug, "action.view")
    show_which = request.args.get("show", "open")
    show_which = show_which if show_which in meetings.ACTION_VIEWS else "open"
    return render_template(
        "meetings/actions.html",
        group=group,
        show=show_which,
        page=meetings.actions_page(group, page_arg(), page_size(), show_which),
        is_overdue=meetings.is_overdue,
        empty_form=EmptyForm(),
        **labels(),
    )


@bp.route("/groups/<slug>/actions/new", methods=["GET", "POST"])
def action_new(slug: str):
    group = load_group(slug, "action.create")
    form = ActionForm()
    _action_choices(group, form)
    status = None
    if form.validate_on_submit():
        try:
            action = meetings.create_action(group, current_user, **_action_values(form))
        except Refused as exc:
            status = refused(form, exc)
        else:
            flash(_("The action is recorded."))
            return redirect(url_for("meetings.action", slug=slug, action_id=action.id), 303)
    return render_template(
        "meetings/action_form.html", group=group, form=form, action=None
    ), status or form_status(form)


@bp.route("/groups/<slug>/actions/<int:action_id>", methods=["GET", "POST"])
def action(slug: str, action_id: int):
    group = load_group(slug, "action.view")
    item = load_action(group, action_id)
    form = ProgressForm(obj=item)
    status = 200
    if request.method == "POST":
        require(current_user, "action.update", item)
        if form.validate_on_submit():
            try:
                meetings.update_progress(
                    item, current_user, status=form.status.data, note=form.note.data or ""
                )
            except Refused as exc:
                status = refused(form, exc)
            else:
                flash(_("Progress saved. Members can see it on this page."))
                return redirect(url_for("meetings.action", slug=slug, action_id=item.id), 303)
        else:
            status = 422
    notices.mark_seen(current_user.id, "action", item.id)
    people = people_by_id([item.owner_id, item.created_by_id])
    return render_template(
        "meetings/action.html",
        group=group,
        action=item,
        owner=people.get(item.owner_id),
        updates=meetings.action_updates(item),
        decision=decisions.get_decision(group, item.decision_id) if item.decision_id else None,
        priority=priorities.get_priority(group, item.priority_id) if item.priority_id else None,
        meeting=meetings.get_meeting(group, item.meeting_id) if item.meeting_id else None,
        overdue=meetings.is_overdue(item),
        form=form,
        **labels(),
    ), status


@bp.route("/groups/<slug>/actions/<int:action_id>/edit", methods=["GET", "POST"])
def action_edit(slug: str, action_id: int):
    group = load_group(slug, "action.create")
    item = load_action(group, action_id)
    form = ActionForm(obj=item)
    _action_choices(group, form)
    if request.method == "GET":
        for name in ("owner_id", "decision_id", "priority_id"):
            getattr(form, name).data = getattr(item, name) or 0
    status = None
    if form.validate_on_submit():
        try:
            meetings.change_action(group, item, **_action_values(form))
        except Refused as exc:
            status = refused(form, exc)
        else:
            flash(_("The action has been saved."))
            return redirect(url_for("meetings.action", slug=slug, action_id=item.id), 303)
    return render_template(
        "meetings/action_form.html", group=group, form=form, action=item
    ), status or form_status(form)


@bp.route("/groups/<slug>/actions/remind", methods=["POST"])
def remind(slug: str):
    group = load_group(slug, "action.remind")
    if not EmptyForm().validate_on_submit():
        abort(400)
    sent = meetings.remind_owners(group)
    if sent:
        flash(
            ngettext("%(num)d owner is being reminded.", "%(num)d owners are being reminded.", sent)
        )
    else:
        flash(_("Nobody needed a reminder: owners hear at most once a week."))
    return redirect(url_for("meetings.actions", slug=slug), 303)
