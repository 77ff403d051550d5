"""Live mode: running a meeting as it happens, from a phone or a laptop.

The live page is made of parts that htmx swaps one at a time: the agenda with the
item being taken (and, while the meeting is under way, its notes, what has been
recorded, the capture forms and the votes), and who is here. Each part has its
own small context builder below; the full page is built from the same builders,
so answering with one part never costs more queries than the whole page.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.actions.forms import CaptureActionForm
from app.decisions import services as decisions
from app.decisions.upcoming import open_forward_plan
from app.errors import Invalid, Refused
from app.extensions import htmx, undo
from app.forms import none_choice
from app.groups import services as groups
from app.meetings import agenda, attendance, bp, captures, live
from app.meetings.common import NotesConflict, new_capture_key
from app.meetings.forms import CaptureDecisionForm, GuestsForm, NotesForm
from app.meetings.labels import labels
from app.meetings.views.common import load_item, load_meeting, load_meeting_for, meeting_url
from app.permissions import can
from app.viewing import confirmation_page, confirmed, load_group, refused
from app.voting import services as voting

# The capture forms ---------------------------------------------------------------------


def offer_forward_plan(group, form) -> None:
    form.forward_plan_id.choices = none_choice(_("No, it was not in the forward plan")) + [
        (entry.id, entry.title) for entry in open_forward_plan(group)
    ]


def offer_owners_and_decisions(group, captured_states, form) -> None:
    """Members to own an action, and decisions it may carry out: those just taken first."""
    form.offer(groups.all_members(group), decisions.decision_choices(group, captured_states))


def _new_decision_form(group):
    form = CaptureDecisionForm(
        formdata=None,
        prefix="decision",
        capture_key=new_capture_key(),
        decided_by_kind="group_vote",  # most decisions taken in the room are the group's own
    )
    offer_forward_plan(group, form)
    return form


def _new_action_form(group, captured_states):
    form = CaptureActionForm(formdata=None, prefix="action", capture_key=new_capture_key())
    offer_owners_and_decisions(group, captured_states, form)
    return form


# The parts of the page -----------------------------------------------------------------
# A form given to a builder is one sent back with its errors; it has its choices already.


def _notes_part(group, meeting, *, notes_item, notes_form=None, conflict=None) -> dict:
    """The notes on an item (#notes): the one they were written on, even if the meeting
    has moved on since."""
    if notes_item is not None and notes_form is None:
        notes_form = NotesForm(
            formdata=None,
            prefix="notes",
            data={"notes": notes_item.notes, "version": notes_item.notes_version},
        )
    return {"notes_item": notes_item, "notes_form": notes_form, "conflict": conflict}


def _decision_part(group, meeting, *, decision_form=None, counts=None) -> dict:
    """Recording a decision (#capture-decision), saying how many here are told in person."""
    return {
        "decision_form": decision_form or _new_decision_form(group),
        "counts": counts or attendance.attendance_counts(group, meeting),
    }


def _action_part(group, found, *, action_form=None) -> dict:
    """Recording an action (#capture-action), given what the meeting recorded so far."""
    return {"action_form": action_form or _new_action_form(group, found.all_decisions)}


def _ballots_part(group, meeting) -> dict:
    """The votes the meeting could open or is running (#ballots)."""
    return {"ballots": voting.ballots_to_run(group, 10), "ballot_state": voting.state}


def _item_part(
    group,
    meeting,
    *,
    counts=None,
    notes_item=None,
    notes_form=None,
    conflict=None,
    decision_form=None,
    action_form=None,
) -> dict:
    """The agenda and the item being taken (#live-item); while the meeting is under way,
    also the notes, what has been recorded, the capture forms and the votes."""
    rows = agenda.agenda(meeting)
    current = live.current_item(meeting, rows)
    part = {"rows": rows, "current": current}
    if meeting.status != "under_way":
        return part
    found = captures.captured(meeting)
    part.update(
        _notes_part(
            group,
            meeting,
            notes_item=notes_item or (current.item if current else None),
            notes_form=notes_form,
            conflict=conflict,
        ),
        captured=found,
        **_action_part(group, found, action_form=action_form),
        **_ballots_part(group, meeting),
    )
    if can(current_user, "meeting.capture_decision", group):
        part.update(_decision_part(group, meeting, decision_form=decision_form, counts=counts))
    return part


def _attendance_part(group, meeting, *, guests_form=None, counts=None) -> dict:
    """Who is here (#attendance): the members (found by name), the counts, the guests."""
    name = (request.values.get("name") or "").strip()[:60]
    return {
        "attendance": attendance.attendance_rows(group, meeting, name),
        "name": name,
        "counts": counts or attendance.attendance_counts(group, meeting),
        "guests_form": guests_form or GuestsForm(formdata=None, guests=meeting.guests),
    }


def _decision_fragment(group, meeting, *, decision_form=None) -> dict:
    """A decision recorded (or refused); once recorded, the list of what the meeting has
    recorded and the action form's list of decisions change with it."""
    part = _decision_part(group, meeting, decision_form=decision_form)
    if not part["decision_form"].errors:
        found = captures.captured(meeting)
        part.update(captured=found, **_action_part(group, found))
    return part


def _action_fragment(group, meeting, *, action_form=None) -> dict:
    """An action recorded (or refused); once recorded, the list of what the meeting has
    recorded changes with it."""
    if action_form is not None and action_form.errors:
        return {"action_form": action_form}
    found = captures.captured(meeting)
    return {"captured": found, **_action_part(group, found, action_form=action_form)}


#: What each htmx answer of live mode is built from.
FRAGMENTS = {
    "_live_item.html": _item_part,
    "_live_attendance.html": _attendance_part,
    "_live_notes.html": _notes_part,
    "_live_decision.html": _decision_fragment,
    "_live_action.html": _action_fragment,
    "_live_ballots.html": _ballots_part,
}


def _live_page(
    group,
    meeting,
    *,
    status: int = 200,
    error: str | None = None,
    guests_form=None,
    **item,
):
    """The whole live page: every part, and the reason for a refusal at the top."""
    counts = attendance.attendance_counts(group, meeting)
    parts = {
        **_item_part(group, meeting, counts=counts, **item),
        **_attendance_part(group, meeting, guests_form=guests_form, counts=counts),
    }
    forms = (item.get("notes_form"), item.get("decision_form"), item.get("action_form"))
    return render_template(
        "meetings/live.html",
        group=group,
        meeting=meeting,
        error=error,
        has_errors=bool(error or item.get("conflict"))
        or any(f is not None and f.errors for f in forms),
        **parts,
        **labels(),
    ), status


def live_answer(
    group,
    meeting,
    fragment: str,
    *,
    status: int = 200,
    anchor: str = "",
    error: str | None = None,
    message: str | None = None,
    **given,
):
    """htmx gets the part of the live page that changed; a plain form gets the page."""
    if htmx:
        return render_template(
            f"meetings/{fragment}",
            group=group,
            meeting=meeting,
            fragment=fragment,
            error=error,
            message=message,
            **FRAGMENTS[fragment](group, meeting, **given),
            **labels(),
        ), status
    if status >= 400:
        return _live_page(group, meeting, status=status, error=error, **given)
    if message:
        flash(message)
    return redirect(url_for("meetings.live", slug=group.slug, meeting_id=meeting.id) + anchor, 303)


def _live_refusal(group, meeting, exc, fragment="_live_item.html"):
    undo()
    return live_answer(group, meeting, fragment, status=exc.status, error=str(exc))


def _number(name: str) -> int:
    """A whole number a plain form sent (an id or a position); 0 when it is not one."""
    value = (request.form.get(name) or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else 0


# The routes ----------------------------------------------------------------------------


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/live", endpoint="live")
def live_page(slug: str, meeting_id: int):
    group, meeting = load_meeting_for(slug, meeting_id, "meeting.run")
    return _live_page(group, meeting)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/start", methods=["POST"])
def start(slug: str, meeting_id: int):
    group, meeting = load_meeting_for(slug, meeting_id, "meeting.run")
    try:
        live.start_meeting(meeting)
    except Refused as exc:
        return _live_refusal(group, meeting, exc)
    flash(_("The meeting is under way."))
    return redirect(url_for("meetings.live", slug=slug, meeting_id=meeting.id), 303)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/finish", methods=["GET", "POST"])
def finish(slug: str, meeting_id: int):
    """Finishing cannot be undone: a page says what it does first; only its button acts."""
    group, meeting = load_meeting_for(slug, meeting_id, "meeting.run")
    if meeting.status == "under_way" and not confirmed():
        return _confirm_finish(group, meeting)
    if request.method == "GET":
        return redirect(url_for("meetings.live", slug=slug, meeting_id=meeting.id), 303)
    try:
        live.finish_meeting(meeting)
    except Refused as exc:
        return _live_refusal(group, meeting, exc)
    flash(_("The meeting has finished. The minutes are drafted from what was captured."))
    if can(current_user, "meeting.minutes", group):
        return redirect(url_for("meetings.minutes", slug=slug, meeting_id=meeting.id), 303)
    return redirect(meeting_url(group, meeting), 303)


def _confirm_finish(group, meeting):
    counts = attendance.attendance_counts(group, meeting)
    return confirmation_page(
        group,
        caption=meeting.title,
        heading=_("Finish the meeting?"),
        lines=[
            _("Check-in, live notes and recording decisions and actions stop."),
            ngettext(
                "%(num)d of the %(members)d members is checked in as present, with "
                "%(apologies)d apologies. Who came can no longer be changed.",
                "%(num)d of the %(members)d members are checked in as present, with "
                "%(apologies)d apologies. Who came can no longer be changed.",
                counts.present,
                members=counts.members,
                apologies=counts.apologies,
            ),
            _(
                "The minutes are drafted from what was captured. Members do not see them "
                "until a facilitator publishes them."
            ),
        ],
        button=_("Finish the meeting"),
        back_url=url_for("meetings.live", slug=group.slug, meeting_id=meeting.id),
        carry=False,
    )


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
        error = None
        if form.version.errors:
            # The version number is the page's own, never typed: a form without it
            # was not sent whole, and no box would show its message.
            error = _(
                "These notes were not sent whole. Reload the page and try again. Nothing was saved."
            )
        return live_answer(
            group, meeting, "_live_notes.html", status=422, notes_form=form, error=error, **answer
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
        undo()
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
        undo()
        return live_answer(group, meeting, "_live_ballots.html", status=409, error=str(exc))
    return live_answer(
        group,
        meeting,
        "_live_ballots.html",
        anchor="#ballots",
        message=_("The vote is open. People can vote on their phones now."),
    )
