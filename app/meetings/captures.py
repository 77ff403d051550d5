"""What a meeting records as it goes: decisions taken in the room, actions agreed, and
decisions taken elsewhere that the room is told of.

A decision goes into the decision log through the decisions service, in the same
transaction as the meeting's own record of it; members checked in at that moment
are recorded as told in person there and then. An action goes to the actions
service, linked to the meeting and the item being taken.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.accounts.services import people_by_id
from app.actions import services as actions
from app.actions.models import Action
from app.dbtypes import utcnow
from app.decisions import services as decisions
from app.decisions.models import Decision
from app.decisions.told import record_told
from app.errors import Conflict, Invalid, Refused
from app.extensions import db
from app.groups.models import Group
from app.meetings.attendance import present_user_ids
from app.meetings.live import must_be_under_way
from app.meetings.models import AgendaItem, Meeting, MeetingDecision

#: The longest capture key stored (the page makes shorter ones: new_capture_key).
CAPTURE_KEY_LENGTH = MeetingDecision.__table__.c.capture_key.type.length


def place_of(meeting: Meeting) -> str:
    """How the decision log names where a meeting's decision was taken."""
    where = f"{meeting.title}, {meeting.place}" if meeting.place else meeting.title
    return where[:200]


def _in_the_room(meeting: Meeting) -> str:
    return _("In the room at the meeting: %(title)s", title=meeting.title)


def _already_captured(capture_key: str) -> bool:
    return (
        db.session.scalar(
            select(MeetingDecision.id).where(MeetingDecision.capture_key == capture_key)
        )
        is not None
    )


def capture_decision(
    group: Group,
    meeting: Meeting,
    item: AgendaItem | None,
    by: User,
    *,
    capture_key: str,
    title: str,
    summary: str,
    decided_by_kind: str,
    decided_by_name: str = "",
    forward_plan_id: int | None = None,
    short_notice_reason: str | None = None,
    now: datetime | None = None,
) -> Decision:
    """Record a decision the meeting has just taken, with everyone in the room told.

    The decision, its place in the chain, its notices and the meeting's link to
    it are one transaction: sending the same form twice records it once.
    """
    now = now or utcnow()
    must_be_under_way(meeting)
    if not capture_key or len(capture_key) > CAPTURE_KEY_LENGTH:
        # The page's own key, never typed: none, or one longer than any it makes
        # (and than the column holds), means the form did not come whole from it.
        raise Invalid(_("Reload the page and try again."))
    if _already_captured(capture_key):
        raise Conflict(_("That decision has already been recorded."))
    try:
        decision = decisions.record_decision(
            group,
            by,
            title=title,
            summary=summary,
            decided_at=now,
            decided_by_kind=decided_by_kind,
            decided_by_name=decided_by_name,
            place=place_of(meeting),
            forward_plan_id=forward_plan_id,
            short_notice_reason=short_notice_reason,
            now=now,
            told_in_person=present_user_ids(meeting),
            told_note=_in_the_room(meeting),
        )
        db.session.add(
            MeetingDecision(
                meeting_id=meeting.id,
                agenda_item_id=item.id if item else None,
                decision_id=decision.id,
                capture_key=capture_key,
            )
        )
        db.session.flush()
    except IntegrityError as exc:
        # The same form sent twice at once, or (on SQLite, which cannot lock the log)
        # another decision recorded at the same instant: nothing of this one was saved.
        db.session.rollback()
        if _already_captured(capture_key):
            raise Conflict(_("That decision has already been recorded.")) from exc
        raise Conflict(
            _("Another decision was being recorded at the same moment. Send it again.")
        ) from exc
    return decision


def capture_action(
    group: Group,
    meeting: Meeting,
    item: AgendaItem | None,
    by: User,
    *,
    capture_key: str,
    **details,
) -> Action:
    """Record an action agreed in the room, under the item being taken (details as for
    the actions service's create_action). Sending the same form twice records it once."""
    return actions.create_action(
        group,
        by,
        meeting_id=meeting.id,
        agenda_item_id=item.id if item else None,
        capture_key=capture_key,
        capture_open=meeting.status == "under_way",
        **details,
    )


def tell_the_room(
    group: Group, meeting: Meeting, decision: Decision, by: User, now: datetime | None = None
) -> int:
    """Record that everyone checked in now heard about a decision, in person, at this moment.

    For a decision taken elsewhere and reported to the meeting. Returns how many
    were newly recorded.
    """
    now = now or utcnow()
    must_be_under_way(meeting)
    present = present_user_ids(meeting)
    if not present:
        raise Conflict(_("Nobody has been checked in yet."))
    try:
        recorded, _already = record_told(
            group,
            decision,
            by,
            people=people_by_id(present).values(),
            channel="in_person",
            told_at=now,
            note=_in_the_room(meeting),
            skip_already=True,
            skip_late_joiners=True,
            now=now,
        )
    except Refused as exc:
        raise Conflict(str(exc)) from exc
    return recorded


@dataclass
class Captured:
    """What a meeting decided and set people to do, by agenda item (None: no item)."""

    decisions: dict[int | None, list[decisions.DecisionState]] = field(
        default_factory=lambda: defaultdict(list)
    )
    actions: dict[int | None, list[Action]] = field(default_factory=lambda: defaultdict(list))
    owners: dict[int, User] = field(default_factory=dict)

    @property
    def all_decisions(self) -> list[decisions.DecisionState]:
        return [s for states in self.decisions.values() for s in states]

    @property
    def all_actions(self) -> list[Action]:
        return [a for found in self.actions.values() for a in found]


def _decisions_by_item(meeting: Meeting) -> dict[int | None, list[decisions.DecisionState]]:
    """Decisions taken at a meeting, by agenda item, in the order of the log. Two queries."""
    found = defaultdict(list)
    rows = list(
        db.session.execute(
            select(MeetingDecision.agenda_item_id, Decision)
            .join(Decision, Decision.id == MeetingDecision.decision_id)
            .where(MeetingDecision.meeting_id == meeting.id)
            .order_by(Decision.number)
        )
    )
    states = decisions.states_for([d for _i, d in rows])
    for (item_id, _d), state in zip(rows, states, strict=True):
        found[item_id].append(state)
    return found


def decisions_taken(meeting: Meeting) -> list[decisions.DecisionState]:
    """The decisions taken at a meeting, as Captured.all_decisions lists them. Two queries."""
    return [state for states in _decisions_by_item(meeting).values() for state in states]


def captured(meeting: Meeting) -> Captured:
    """Decisions and actions captured at a meeting. Four queries, whatever their number."""
    result = Captured(decisions=_decisions_by_item(meeting))
    agreed, result.owners = actions.actions_of_meeting(meeting.id)
    for action in agreed:
        result.actions[action.agenda_item_id].append(action)
    return result


def meeting_of_decision(decision_id: int) -> Meeting | None:
    """The meeting a decision was taken at, if any."""
    return db.session.scalar(
        select(Meeting)
        .join(MeetingDecision, MeetingDecision.meeting_id == Meeting.id)
        .where(MeetingDecision.decision_id == decision_id)
    )
