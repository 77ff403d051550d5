"""Minutes: drafted from what a meeting captured, edited, then published to members."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import update

from app.accounts.models import User
from app.chain import services as chain
from app.dbtypes import utcnow
from app.errors import Conflict, Invalid
from app.extensions import db
from app.groups import services as group_services
from app.groups.models import Group
from app.links import path_for
from app.meetings.agenda import agenda
from app.meetings.captures import captured
from app.meetings.common import NotesConflict, details_text, when
from app.meetings.models import Meeting
from app.notices import services as notices


def draft_minutes(group: Group, meeting: Meeting) -> str:
    """A first draft from what was captured: each item's notes, decisions and actions.

    Who was there is not in the text: the minutes show it from the attendance record.
    """
    rows = agenda(meeting)
    found = captured(meeting)
    held = (
        _(
            "The meeting was held on %(when)s at %(place)s.",
            when=when(meeting),
            place=meeting.place,
        )
        if meeting.place
        else _("The meeting was held on %(when)s.", when=when(meeting))
    )
    parts = [held]
    if meeting.description:
        parts.append(meeting.description)

    def decided(states):
        return [
            "- " + _("Decided (decision %(n)d): %(title)s", n=state.number, title=state.title)
            for state in states
        ]

    def actions(found_actions):
        lines = []
        for action in found_actions:
            owner = found.owners.get(action.owner_id)
            who = owner.name if owner else action.owner_name
            due = (
                _(", by %(date)s", date=format_date(action.due_on, "d MMMM yyyy"))
                if action.due_on
                else ""
            )
            lines.append(
                "- " + _("Action: %(what)s (%(who)s%(due)s)", what=action.title, who=who, due=due)
            )
        return lines

    def listed(item_id):
        return decided(found.decisions.get(item_id, [])) + actions(found.actions.get(item_id, []))

    for row in rows:
        item = row.item
        section = [f"## {item.position}. {item.title}"]
        if item.lead:
            section.append(_("Led by %(name)s.", name=item.lead))
        if item.notes:
            section.append(item.notes)
        lines = listed(item.id)
        if lines:
            section.append("\n".join(lines))
        parts.append("\n\n".join(section))
    loose = listed(None)
    if loose:
        parts.append("## " + _("Also agreed") + "\n\n" + "\n".join(loose))
    return "\n\n".join(parts).strip() + "\n"


def start_minutes(group: Group, meeting: Meeting) -> None:
    """Write the first draft once; after that the facilitator's edits are kept."""
    if meeting.status != "finished":
        raise Conflict(_("Minutes are written once the meeting has finished."))
    if meeting.minutes_version:
        return
    text = draft_minutes(group, meeting)
    db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.minutes_version == 0)
        .values(minutes_text=text, minutes_version=1)
    )
    db.session.flush()
    db.session.refresh(meeting)


def save_minutes(meeting: Meeting, text: str, seen_version: int) -> None:
    if meeting.minutes_published_at is not None:
        raise Conflict(_("These minutes have been published, so they can no longer change."))
    text = (text or "").strip()
    if not text:
        raise Invalid(_("The minutes cannot be empty"), "text")
    if len(text) > 100_000:
        raise Invalid(_("Use at most %(max)d characters.", max=100_000), "text")
    saved = db.session.execute(
        update(Meeting)
        .where(
            Meeting.id == meeting.id,
            Meeting.minutes_version == seen_version,
            Meeting.minutes_published_at.is_(None),
        )
        .values(minutes_text=text, minutes_version=Meeting.minutes_version + 1)
    ).rowcount
    db.session.flush()
    db.session.refresh(meeting)
    if saved != 1:
        if meeting.minutes_published_at is not None:
            raise Conflict(_("These minutes have been published, so they can no longer change."))
        raise NotesConflict(meeting.minutes_text, meeting.minutes_version, "", None)


def publish_minutes(group: Group, meeting: Meeting, by: User, now: datetime | None = None) -> None:
    """Publish the minutes, once, and tell every member."""
    now = now or utcnow()
    if meeting.status != "finished":
        raise Conflict(_("Minutes are published once the meeting has finished."))
    if not meeting.minutes_version or not meeting.minutes_text.strip():
        raise Conflict(_("Write the minutes first."))
    published = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.minutes_published_at.is_(None))
        .values(
            minutes_published_at=now,
            minutes_published_by_id=by.id,
            minutes_chain_head=chain.head(group.id),
        )
    ).rowcount
    if published != 1:
        raise Conflict(_("These minutes have already been published."))
    db.session.refresh(meeting)
    notices.announce(
        group_id=group.id,
        subject_kind="minutes",
        subject_id=meeting.id,
        title=lambda: _("Minutes: %(title)s", title=meeting.title),
        body=lambda: "\n\n".join(
            (
                _("The minutes of a meeting of %(group)s are ready to read.", group=group.name),
                details_text(meeting),
                _("Open the link to read what was said, decided and agreed:"),
            )
        ),
        url=path_for("meetings.minutes", slug=group.slug, meeting_id=meeting.id),
        people=group_services.everyone_to_tell(group),
        now=now,
        author=by,
    )
    db.session.flush()
