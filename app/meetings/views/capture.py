"""Live mode's capture forms: a decision taken in the room, and an action agreed there.

Each answers htmx with its own section (and the list of what the meeting has
recorded); a plain form gets the live page (see views/live.py).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from app.actions.forms import CaptureActionForm
from app.errors import Refused
from app.meetings import attendance, bp, captures, live
from app.meetings.forms import CaptureDecisionForm
from app.meetings.views.common import load_meeting
from app.meetings.views.live import live_answer, offer_forward_plan, offer_owners_and_decisions
from app.viewing import load_group, refused


def _refused(group, meeting, fragment: str, form, exc: Refused):
    """A capture the service refused: the reason on the form, and at the top of the page
    when it is about no one field (say, the meeting has not started)."""
    status = refused(form, exc)
    which = "decision_form" if fragment == "_live_decision.html" else "action_form"
    error = str(exc) if getattr(exc, "field", None) is None else None
    return live_answer(group, meeting, fragment, status=status, error=error, **{which: form})


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/decisions", methods=["POST"])
def capture_decision(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.capture_decision")
    meeting = load_meeting(group, meeting_id)
    form = CaptureDecisionForm(prefix="decision")
    offer_forward_plan(group, form)
    if not form.validate_on_submit():
        return live_answer(group, meeting, "_live_decision.html", status=422, decision_form=form)
    try:
        decision = captures.capture_decision(
            group,
            meeting,
            live.current_agenda_item(meeting),
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
        return _refused(group, meeting, "_live_decision.html", form, exc)
    message = _(
        "Decision %(n)d is in the log. The %(count)d members here are recorded as told "
        "in person; the others are being told.",
        n=decision.number,
        count=len(attendance.present_user_ids(meeting)),
    )
    return live_answer(group, meeting, "_live_decision.html", anchor="#captured", message=message)


@bp.route("/groups/<slug>/meetings/<int:meeting_id>/actions", methods=["POST"])
def capture_action(slug: str, meeting_id: int):
    group = load_group(slug, "meeting.run")
    meeting = load_meeting(group, meeting_id)
    form = CaptureActionForm(prefix="action")
    offer_owners_and_decisions(group, captures.decisions_taken(meeting), form)
    if not form.validate_on_submit():
        return live_answer(group, meeting, "_live_action.html", status=422, action_form=form)
    try:
        captures.capture_action(
            group,
            meeting,
            live.current_agenda_item(meeting),
            current_user,
            capture_key=form.capture_key.data or "",
            title=form.title.data,
            owner_id=form.owner_id.data or None,
            owner_name=form.owner_name.data or "",
            due_on=form.due_on.data,
            decision_id=form.decision_id.data or None,
        )
    except Refused as exc:
        return _refused(group, meeting, "_live_action.html", form, exc)
    return live_answer(
        group,
        meeting,
        "_live_action.html",
        anchor="#captured",
        message=_("The action is recorded, and its owner is being told."),
    )
