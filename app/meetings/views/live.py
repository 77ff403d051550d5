"""Live mode: running a meeting as it happens, from a phone or a laptop.

htmx swaps one part of the live page at a time; a plain form gets the whole page.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.actions.forms import CaptureActionForm
from app.decisions import services as decisions
from app.errors import Invalid, Refused
from app.extensions import db, htmx
from app.forms import EmptyForm, none_choice
from app.groups import services as groups
from app.meetings import agenda, attendance, bp, captures, live
from app.meetings.common import NotesConflict, new_capture_key
from app.meetings.forms import CaptureDecisionForm, GuestsForm, NotesForm
from app.meetings.labels import labels
from app.meetings.views.common import load_item, load_meeting, load_meeting_for, meeting_url
from app.permissions import can
from app.viewing import load_group, refused
from app.voting import services as voting


def capture_decision_form(group, form=None):
    form = form or CaptureDecisionForm(
        formdata=None,
        prefix="decision",
        capture_key=new_capture_key(),
        decided_by_kind="group_vote",  # most decisions taken in the room are the group's own
    )
    form.forward_plan_id.choices = none_choice(_("No, it was not in the forward plan")) + [
        (entry.id, entry.title) for entry in decisions.open_forward_plan(group)
    ]
    return form


def capture_action_form(group, members, captured_states, form=None):
    form = form or CaptureActionForm(formdata=None, prefix="action", capture_key=new_capture_key())
    form.offer(members, decisions.decision_choices(group, captured_states))
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
    rows = agenda.agenda(meeting)
    current = live.current_item(meeting, rows)
    # Notes answer for the item they were written on, even if the meeting moved on.
    notes_item = notes_item or (current.item if current else None)
    found = captures.captured(meeting)
    members = groups.all_members(group)
    name = (request.values.get("name") or "").strip()[:60]
    return {
        "group": group,
        "meeting": meeting,
        "rows": rows,
        "current": current,
        "captured": found,
        "attendance": attendance.attendance_rows(group, meeting, name),
        "name": name,
        "counts": attendance.attendance_counts(group, meeting),
        "notes_item": notes_item,
        "notes_form": _notes_form(notes_item, notes_form),
        "decision_form": capture_decision_form(group, decision_form),
        "action_form": capture_action_form(group, members, found.all_decisions, action_form),
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


def live_answer(group, meeting, fragment: str, *, status: int = 200, anchor: str = "", **context):
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
    return live_answer(group, meeting, fragment, status=exc.status, error=str(exc))


def _number(name: str) -> int:
    """A whole number a plain form sent (an id or a position); 0 when it is not one."""
    value = (request.form.get(name) or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else 0


# The routes ----------------------------------------------------------------------------


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/live", endpoint="live")
def live_page(slug: str, meeting_id: int):
    group, meeting = load_meeting_for(slug, meeting_id, "meeting.run")
    return render_template("meetings/live.html", **_live_context(group, meeting))


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/start", methods=["POST"])
def start(slug: str, meeting_id: int):
    group, meeting = load_meeting_for(slug, meeting_id, "meeting.run")
    try:
        live.start_meeting(meeting)
    except Refused as exc:
        return _live_refusal(group, meeting, exc)
    flash(_("The meeting is under way."))
    return redirect(url_for("meetings.live", slug=slug, meeting_id=meeting.id), 303)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/finish", methods=["POST"])
def finish(slug: str, meeting_id: int):
    group, meeting = load_meeting_for(slug, meeting_id, "meeting.run")
    try:
        live.finish_meeting(meeting)
    except Refused as exc:
        return _live_refusal(group, meeting, exc)
    flash(_("The meeting has finished. The minutes are drafted from what was captured."))
    if can(current_user, "meeting.minutes", group):
        return redirect(url_for("meetings.minutes", slug=slug, meeting_id=meeting.id), 303)
    return redirect(meeting_url(group, meeting), 303)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/step", methods=["POST"])
def step(slug: str, meeting_id: int):
    group, meeting = load_meeting_for(slug, meeting_id, "meeting.run")
    try:
        live.step_to(meeting, _number("position"))
    except Refused as exc:
        return _live_refusal(group, meeting, exc)
    return live_answer(group, meeting, "_live_item.html", anchor="#live-item")


@bp.route(
    "/groups/<slug>/meetings/<int:meeting_id>/attendance", methods=["POST"], endpoint="attendance"
)
def check_in(slug: str, meeting_id: int):
    group, meeting = load_meeting_for(slug, meeting_id, "meeting.run")
    state = request.form.get("state", "")
    try:
        _membership, person = attendance.set_attendance(
            group, meeting, _number("member"), state, current_user
        )
    except Refused as exc:
        return _live_refusal(group, meeting, exc, "_live_attendance.html")
    message = {
        "present": _("%(name)s is checked in.", name=person.name),
        "apologies": _("Apologies recorded for %(name)s.", name=person.name),
        "clear": _("%(name)s is no longer checked in.", name=person.name),
    }[state]
    return live_answer(
        group, meeting, "_live_attendance.html", anchor="#attendance", message=message
    )


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/guests", methods=["POST"])
def guests(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.run")
    meeting = load_meeting(group, meeting_id)
    form = GuestsForm()
    if not form.validate_on_submit():
        return live_answer(group, meeting, "_live_attendance.html", status=422, guests_form=form)
    try:
        attendance.set_guests(meeting, form.guests.data)
    except Refused as exc:
        refused(form, exc)
        return live_answer(
            group, meeting, "_live_attendance.html", status=exc.status, guests_form=form
        )
    message = ngettext("%(num)d guest.", "%(num)d guests.", form.guests.data)
    return live_answer(
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
        return live_answer(
            group, meeting, "_live_notes.html", status=422, notes_form=form, **answer
        )
    try:
        live.save_notes(meeting, item, current_user, form.notes.data, form.version.data)
    except NotesConflict as conflict:
        # Keep what this person wrote in the box and show theirs beside it; saving
        # again (with their version number) goes over theirs, knowingly.
        form.version.data, form.version.raw_data = conflict.version, None
        return live_answer(
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
        return live_answer(
            group,
            meeting,
            "_live_notes.html",
            status=exc.status,
            notes_form=form,
            error=str(exc),
            **answer,
        )
    return live_answer(group, meeting, "_live_notes.html", message=_("Notes saved."), **answer)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/tell", methods=["POST"])
def tell_room(slug: str, meeting_id: int):
    group, meeting = load_meeting_for(slug, meeting_id, "meeting.run")
    decision = decisions.get_decision(group, _number("decision"))
    try:
        if decision is None:
            raise Invalid(_("Choose a decision from the agenda"))
        recorded = captures.tell_the_room(group, meeting, decision, current_user)
    except Refused as exc:
        return _live_refusal(group, meeting, exc)
    message = ngettext(
        "%(num)d member here is recorded as told in person.",
        "%(num)d members here are recorded as told in person.",
        recorded,
    )
    return live_answer(group, meeting, "_live_item.html", anchor="#live-item", message=message)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/ballots", methods=["POST"])
def open_ballot(slug: str, meeting_id: int):
    group, meeting = load_meeting_for(slug, meeting_id, "ballot.manage")
    ballot = voting.get_ballot(group, _number("ballot"))
    if ballot is None:
        return live_answer(
            group, meeting, "_live_ballots.html", status=422, error=_("Choose a vote from the list")
        )
    try:
        voting.open_ballot(group, ballot)
    except Refused as exc:
        db.session.rollback()
        return live_answer(group, meeting, "_live_ballots.html", status=409, error=str(exc))
    return live_answer(
        group,
        meeting,
        "_live_ballots.html",
        anchor="#ballots",
        message=_("The vote is open. People can vote on their phones now."),
    )
