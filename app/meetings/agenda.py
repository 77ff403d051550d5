"""A meeting's agenda: its items in order, what each links to, and changing them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import User
from app.actions import services as actions
from app.dbtypes import utcnow
from app.decisions import services as decisions
from app.decisions.models import Decision
from app.enquiries import services as enquiries
from app.enquiries.models import Enquiry
from app.errors import Conflict, Invalid
from app.extensions import db
from app.groups import services as group_services
from app.groups.models import Group
from app.links import path_for
from app.meetings.common import details_text, within
from app.meetings.models import AgendaItem, Meeting, MeetingDecision
from app.notices import services as notices
from app.notices.models import Announcement
from app.voting import services as voting
from app.voting.models import Ballot, Priority
from app.voting.priorities import get_priority

MAX_AGENDA_ITEMS = 40


@dataclass
class AgendaRow:
    item: AgendaItem
    priority_title: str | None
    ballot: Ballot | None
    decision: decisions.DecisionState | None
    enquiry_question: str | None = None

    @property
    def id(self) -> int:
        return self.item.id


def agenda(meeting: Meeting) -> list[AgendaRow]:
    """The items in order, with the titles of what they link to. Two queries."""
    rows = list(
        db.session.execute(
            select(AgendaItem, Priority.title, Ballot, Decision, Enquiry.question)
            .outerjoin(Priority, Priority.id == AgendaItem.priority_id)
            .outerjoin(Ballot, Ballot.id == AgendaItem.ballot_id)
            .outerjoin(Decision, Decision.id == AgendaItem.decision_id)
            .outerjoin(Enquiry, Enquiry.id == AgendaItem.enquiry_id)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )
    linked = [d for _i, _p, _b, d, _q in rows if d is not None]
    states = {s.id: s for s in decisions.states_for(linked)} if linked else {}
    return [
        AgendaRow(item, priority_title, ballot, states.get(d.id) if d else None, question)
        for item, priority_title, ballot, d, question in rows
    ]


def get_item(meeting: Meeting, item_id: int) -> AgendaItem | None:
    return db.session.scalar(
        select(AgendaItem).where(AgendaItem.id == item_id, AgendaItem.meeting_id == meeting.id)
    )


def _open_for_agenda(meeting: Meeting) -> None:
    if meeting.status in ("finished", "cancelled"):
        raise Conflict(_("The agenda of a finished or cancelled meeting cannot change."))


def _item_fields(
    group: Group,
    meeting: Meeting,
    *,
    title: str,
    details: str = "",
    lead: str = "",
    minutes_allowed: int | None = None,
    priority_id: int | None = None,
    ballot_id: int | None = None,
    decision_id: int | None = None,
    enquiry_id: int | None = None,
) -> dict:
    """An agenda item's details, checked and tidied, ready to store on the item."""
    _open_for_agenda(meeting)
    title = within(title, 200)
    if not title:
        raise Invalid(_("Enter what the item is about"), "title")
    if minutes_allowed is not None and not 1 <= minutes_allowed <= 600:
        raise Invalid(_("Give the time in minutes, from 1 to 600"), "minutes_allowed")
    if priority_id and get_priority(group, priority_id) is None:
        raise Invalid(_("Choose a priority from the list"), "priority_id")
    if ballot_id and voting.get_ballot(group, ballot_id) is None:
        raise Invalid(_("Choose a vote from the list"), "ballot_id")
    if decision_id and decisions.get_decision(group, decision_id) is None:
        raise Invalid(_("Choose a decision from the list"), "decision_id")
    if enquiry_id and enquiries.get_enquiry(group, enquiry_id) is None:
        raise Invalid(_("Choose an enquiry from the list"), "enquiry_id")
    return {
        "title": title,
        "details": (details or "").strip(),
        "lead": within(lead, 120),
        "minutes_allowed": minutes_allowed,
        "priority_id": priority_id or None,
        "ballot_id": ballot_id or None,
        "decision_id": decision_id or None,
        "enquiry_id": enquiry_id or None,
    }


def add_item(group: Group, meeting: Meeting, **details) -> AgendaItem:
    """Add an item at the end of the agenda (details as for _item_fields)."""
    fields = _item_fields(group, meeting, **details)
    # Lock the meeting so two items added at once get different positions.
    db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    count, last = db.session.execute(
        select(func.count(), func.max(AgendaItem.position)).where(
            AgendaItem.meeting_id == meeting.id
        )
    ).one()
    if count >= MAX_AGENDA_ITEMS:
        raise Invalid(_("An agenda can have at most %(n)d items.", n=MAX_AGENDA_ITEMS), "title")
    item = AgendaItem(meeting_id=meeting.id, position=(last or 0) + 1, **fields)
    db.session.add(item)
    db.session.flush()
    return item


def change_item(group: Group, meeting: Meeting, item: AgendaItem, **details) -> None:
    """Change an item's details (as for _item_fields); its place on the agenda stays."""
    for name, value in _item_fields(group, meeting, **details).items():
        setattr(item, name, value)
    db.session.flush()


def _has_captures(item: AgendaItem) -> bool:
    decided = db.session.scalar(
        select(func.count())
        .select_from(MeetingDecision)
        .where(MeetingDecision.agenda_item_id == item.id)
    )
    return bool(item.notes.strip() or decided or actions.count_under_item(item.id))


def remove_item(meeting: Meeting, item: AgendaItem) -> None:
    _open_for_agenda(meeting)
    if _has_captures(item):
        raise Conflict(_("This item has notes, decisions or actions, so it stays on the record."))
    db.session.delete(item)
    db.session.flush()
    _renumber(meeting)
    db.session.flush()


def _renumber(meeting: Meeting) -> None:
    items = db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position, AgendaItem.id)
    )
    for position, item in enumerate(items, start=1):
        item.position = position


def move_item(meeting: Meeting, item: AgendaItem, direction: str, seen_order: list[int]) -> None:
    """Move an item up or down, if the agenda is still as the person saw it.

    `seen_order` is the item ids in the order the page showed them. If someone
    else reordered, added or removed an item since, nothing moves (409).
    """
    _open_for_agenda(meeting)
    if direction not in ("up", "down"):
        raise Invalid(_("Choose up or down"))
    items = list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
            .with_for_update()
        )
    )
    if [i.id for i in items] != seen_order:
        raise Conflict(
            _(
                "The agenda changed since you opened this page, so nothing was moved. "
                "Here it is as it is now: try again."
            )
        )
    index = next(n for n, i in enumerate(items) if i.id == item.id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        raise Conflict(_("That item cannot move further that way."))
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items, start=1):
        each.position = position
    db.session.flush()


# Sending the agenda to members --------------------------------------------------------


def agenda_text(rows: list[AgendaRow]) -> str:
    """The agenda in plain text, an item a paragraph, for an email or a letter."""
    parts = []
    for row in rows:
        item = row.item
        lines = [f"{item.position}. {item.title}"]
        about = []
        if item.lead:
            about.append(_("Led by %(name)s", name=item.lead))
        if item.minutes_allowed:
            about.append(ngettext("%(num)d minute", "%(num)d minutes", item.minutes_allowed))
        if about:
            lines.append("   " + ", ".join(about))
        lines += ["   " + line for line in item.details.splitlines() if line.strip()]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _agenda_body(group: Group, meeting: Meeting, rows: list[AgendaRow], changed: bool) -> str:
    opening = (
        _("The agenda of this meeting of %(group)s has changed. Here it is now.", group=group.name)
        if changed
        else _("Here is the agenda of the next meeting of %(group)s.", group=group.name)
    )
    return "\n\n".join(
        (opening, details_text(meeting), _("Agenda"), agenda_text(rows), _("See it online:"))
    )


def last_agenda_sent(meeting: Meeting) -> Announcement | None:
    """The latest agenda members were sent for a meeting (None: never sent)."""
    return db.session.scalar(
        select(Announcement)
        .where(Announcement.subject_kind == "agenda", Announcement.subject_id == meeting.id)
        .order_by(Announcement.version.desc(), Announcement.id.desc())
        .limit(1)
    )


def send_agenda(
    group: Group, meeting: Meeting, by: User, now: datetime | None = None
) -> Announcement:
    """Send the agenda to every member, or, once it has changed, the agenda as it is now
    ("Agenda changed"). Each sending is the next version, so a letter of an older one
    not yet posted is overtaken. Sending what members already have is refused."""
    now = now or utcnow()
    if meeting.status != "planned":
        raise Conflict(_("The agenda can only be sent before the meeting starts."))
    # One sending at a time per meeting: two facilitators at once send one version.
    db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    rows = agenda(meeting)
    if not rows:
        raise Invalid(_("There is nothing on the agenda yet. Add the items first."))
    last = last_agenda_sent(meeting)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):  # as `body` is stored
        unchanged = last is not None and last.body == _agenda_body(
            group, meeting, rows, last.version > 1
        )
    if unchanged:
        raise Conflict(
            _(
                "Members already have this agenda: nothing has changed since it was sent. "
                "Change the agenda first, then send it again."
            )
        )
    changed = last is not None
    return notices.announce(
        group_id=group.id,
        subject_kind="agenda",
        subject_id=meeting.id,
        title=lambda: (
            _("Agenda changed: %(title)s", title=meeting.title)
            if changed
            else _("Agenda: %(title)s", title=meeting.title)
        ),
        body=lambda: _agenda_body(group, meeting, rows, changed),
        url=path_for("meetings.show", slug=group.slug, meeting_id=meeting.id) + "#agenda",
        people=group_services.everyone_to_tell(group),
        now=now,
        version=last.version + 1 if last else 1,
        author=by,
    )
