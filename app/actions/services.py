"""Actions: agreeing them, saying how they are going, the lists, and reminding owners.

An action agreed at a meeting is captured there: the meetings service passes the
meeting's and item's ids (and whether it is still taking captures), so this
domain never imports meetings.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.actions.labels import ACTION_STATUS_LABELS
from app.actions.models import ACTION_OPEN, ACTION_STATUSES, Action, ActionUpdate
from app.dbtypes import local_today, utcnow
from app.decisions import services as decisions
from app.errors import Conflict, Invalid
from app.extensions import db
from app.groups import services as group_services
from app.groups.models import Group, Membership
from app.links import path_for
from app.notices import services as notices
from app.pagination import Page, paginate
from app.voting.priorities import get_priority

#: Which actions a list shows.
ACTION_VIEWS = ("open", "overdue", "done", "all")
#: Remind owners of actions due this many days ahead, and again no sooner than a week.
REMIND_AHEAD = timedelta(days=2)
REMIND_AGAIN_AFTER = timedelta(days=6)


def _within(text: str | None, limit: int) -> str:
    return (text or "").strip()[:limit]


# Finding and listing -----------------------------------------------------------------


def get_action(group: Group, action_id: int) -> Action | None:
    return db.session.scalar(
        select(Action).where(Action.id == action_id, Action.group_id == group.id)
    )


def _actions_query(group: Group, show: str, today: date):
    query = (
        select(Action, User)
        .outerjoin(User, User.id == Action.owner_id)
        .where(Action.group_id == group.id)
    )
    if show == "open":
        query = query.where(Action.status.in_(ACTION_OPEN))
    elif show == "overdue":
        query = query.where(Action.status.in_(ACTION_OPEN), Action.due_on < today)
    elif show == "done":
        query = query.where(Action.status.not_in(ACTION_OPEN))
    if show == "done":
        return query.order_by(Action.completed_at.desc(), Action.id.desc())
    # Soonest due first; those with no date last.
    return query.order_by(Action.due_on.is_(None), Action.due_on, Action.id)


def actions_page(
    group: Group, page: int, per_page: int, show: str = "open", today: date | None = None
) -> Page:
    show = show if show in ACTION_VIEWS else "open"
    return paginate(_actions_query(group, show, today or local_today()), page, per_page, rows=True)


def overdue_actions(group: Group, limit: int, today: date | None = None) -> Page:
    """The first few overdue actions and how many there are, for the group page."""
    return paginate(_actions_query(group, "overdue", today or local_today()), 1, limit, rows=True)


def owned_by(user: User, limit: int) -> Page:
    """The person's own open actions, in groups they are still in: (Action, Group), the
    soonest due first (those with no date last)."""
    query = (
        select(Action, Group)
        .join(Group, Group.id == Action.group_id)
        .join(
            Membership,
            (Membership.group_id == Action.group_id) & (Membership.user_id == user.id),
        )
        .where(Action.owner_id == user.id, Action.status.in_(ACTION_OPEN))
        .order_by(Action.due_on.is_(None), Action.due_on, Action.id)
    )
    return paginate(query, 1, limit, rows=True)


def is_overdue(action: Action, today: date | None = None) -> bool:
    today = today or local_today()
    return action.status in ACTION_OPEN and action.due_on is not None and action.due_on < today


def action_updates(action: Action) -> list[tuple[ActionUpdate, User | None]]:
    return [
        (u, p)
        for u, p in db.session.execute(
            select(ActionUpdate, User)
            .outerjoin(User, User.id == ActionUpdate.author_id)
            .where(ActionUpdate.action_id == action.id)
            .order_by(ActionUpdate.created_at, ActionUpdate.id)
            .limit(200)
        )
    ]


def actions_for_decisions(decision_ids: list[int]) -> list[tuple[Action, User | None]]:
    """What was set in motion by some decisions: "you said, we did". One query."""
    if not decision_ids:
        return []
    return [
        (a, u)
        for a, u in db.session.execute(
            select(Action, User)
            .outerjoin(User, User.id == Action.owner_id)
            .where(Action.decision_id.in_(decision_ids))
            .order_by(Action.id)
            .limit(100)
        )
    ]


def actions_of_meeting(meeting_id: int) -> tuple[list[Action], dict[int, User]]:
    """The actions agreed at a meeting, in the order agreed, and their owners who are
    members, by id. Two queries at most, whatever their number."""
    found = list(
        db.session.scalars(
            select(Action).where(Action.meeting_id == meeting_id).order_by(Action.id)
        )
    )
    owner_ids = {a.owner_id for a in found if a.owner_id}
    if not owner_ids:
        return found, {}
    return found, {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(owner_ids)))}


def count_under_item(agenda_item_id: int) -> int:
    """How many actions were agreed under an agenda item."""
    return db.session.scalar(
        select(func.count()).select_from(Action).where(Action.agenda_item_id == agenda_item_id)
    )


# Agreeing and changing ---------------------------------------------------------------


def _fields(
    group: Group,
    *,
    title: str,
    details: str = "",
    owner_id: int | None = None,
    owner_name: str = "",
    due_on: date | None = None,
    decision_id: int | None = None,
    priority_id: int | None = None,
) -> tuple[User | None, dict]:
    """An action's details, checked and tidied: the member who owns it (None for a named
    organisation or person), and the values to store on the action."""
    title, owner_name = _within(title, 300), _within(owner_name, 200)
    if not title:
        raise Invalid(_("Say what will be done"), "title")
    owner = None
    if owner_id:
        owner = db.session.scalar(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.group_id == group.id, User.id == owner_id)
        )
        if owner is None:
            raise Invalid(_("Choose a member of this group"), "owner_id")
    elif not owner_name:
        raise Invalid(_("Choose who will do it, or name the organisation or person"), "owner_id")
    if decision_id and decisions.get_decision(group, decision_id) is None:
        raise Invalid(_("Choose a decision from the list"), "decision_id")
    if priority_id and get_priority(group, priority_id) is None:
        raise Invalid(_("Choose a priority from the list"), "priority_id")
    return owner, {
        "title": title,
        "details": (details or "").strip(),
        "owner_id": owner.id if owner else None,
        "owner_name": "" if owner else owner_name,
        "due_on": due_on,
        "decision_id": decision_id or None,
        "priority_id": priority_id or None,
    }


def _already_captured(capture_key: str) -> bool:
    return db.session.scalar(select(Action.id).where(Action.capture_key == capture_key)) is not None


def create_action(
    group: Group,
    by: User,
    *,
    meeting_id: int | None = None,
    agenda_item_id: int | None = None,
    capture_key: str | None = None,
    capture_open: bool = False,
    today: date | None = None,
    now: datetime | None = None,
    **details,
) -> Action:
    """Agree an action (details as for _fields); its owner, if a member, is told.

    An action captured at a meeting comes with the capture form's one-time key
    (sending the form twice records one action) and `capture_open`, whether the
    meeting is still taking captures (it is under way).
    """
    now = now or utcnow()
    today = today or local_today()
    owner, fields = _fields(group, **details)
    if fields["due_on"] is not None and fields["due_on"] < today:
        raise Invalid(_("The date it is due by has passed"), "due_on")
    if capture_key is not None:
        if meeting_id is None or not capture_open:
            raise Conflict(_("Start the meeting first."))
        if not capture_key or len(capture_key) > Action.__table__.c.capture_key.type.length:
            # The meeting page's own key, never typed: the form did not come whole.
            raise Invalid(_("Reload the page and try again."))
        if _already_captured(capture_key):
            raise Conflict(_("That action has already been recorded."))
    action = Action(
        group_id=group.id,
        **fields,
        meeting_id=meeting_id,
        agenda_item_id=agenda_item_id,
        capture_key=capture_key,
        created_by_id=by.id,
        created_at=now,
    )
    try:
        db.session.add(action)
        db.session.flush()
        db.session.add(
            ActionUpdate(
                action_id=action.id, status="open", note="", author_id=by.id, created_at=now
            )
        )
        if owner is not None:
            _tell_new_owner(group, action, owner, now)
        db.session.flush()
    except IntegrityError as exc:  # the same capture form, sent twice at once
        db.session.rollback()
        raise Conflict(_("That action has already been recorded.")) from exc
    return action


def _tell_new_owner(group: Group, action: Action, owner: User, now) -> None:
    _tell_owner(
        group, action, owner, lambda: _("New action for you: %(title)s", title=action.title), now
    )


def _tell_owner(group: Group, action: Action, owner: User, title, now) -> None:
    """Tell an action's owner of it, in their language (`title` writes the title)."""

    def body() -> str:
        due = (
            _("It is due by %(date)s.", date=format_date(action.due_on, "d MMMM yyyy"))
            if action.due_on
            else ""
        )
        return "\n\n".join(
            part
            for part in (
                _("In %(group)s, you agreed to do this:", group=group.name),
                action.title,
                action.details,
                due,
                _("Open the link to say how it is going:"),
            )
            if part
        )

    notices.announce(
        group_id=group.id,
        subject_kind="action",
        subject_id=action.id,
        title=title,
        body=body,
        url=path_for("actions.show", slug=group.slug, action_id=action.id),
        people=[owner],
        now=now,
    )


def change_action(group: Group, action: Action, **details) -> None:
    """Change who does what by when (details as for _fields); a new member owner is told."""
    owner, fields = _fields(group, **details)
    due_on = fields["due_on"]
    if due_on is not None and due_on != action.due_on and due_on < local_today():
        raise Invalid(_("The date it is due by has passed"), "due_on")
    new_owner = owner is not None and owner.id != action.owner_id
    for name, value in fields.items():
        setattr(action, name, value)
    if new_owner:
        _tell_new_owner(group, action, owner, utcnow())
    db.session.flush()


# How it is going ---------------------------------------------------------------------


def update_progress(
    action: Action, by: User, *, status: str, note: str, now: datetime | None = None
) -> ActionUpdate:
    """Say how an action is going ("we did"). Every update is kept."""
    now = now or utcnow()
    if status not in ACTION_STATUSES:
        raise Invalid(_("Choose how it is going"), "status")
    note = (note or "").strip()
    if status == action.status and not note:
        raise Invalid(_("Say what has happened, or choose a new status"), "note")
    if status == "dropped" and not note:
        raise Invalid(_("Say why it is not going ahead: members will see it"), "note")
    update_row = ActionUpdate(
        action_id=action.id, status=status, note=note, author_id=by.id, created_at=now
    )
    db.session.add(update_row)
    action.status = status
    action.completed_at = now if status not in ACTION_OPEN else None
    db.session.flush()
    _tell_members_of_progress(action, by, note, now)
    return update_row


def _tell_members_of_progress(action: Action, by: User, note: str, now: datetime) -> None:
    """ "You said, we did": the group hears how an action is going, quietly (in the
    inbox and in digests, never an email of its own). Whoever said it is not told."""
    group = db.session.get(Group, action.group_id)
    people = [p for p in group_services.everyone_to_tell(group) if p.id != by.id]
    if not people:
        return
    notices.announce(
        group_id=group.id,
        subject_kind="action_progress",
        subject_id=action.id,
        title=lambda: _(
            "Progress: %(title)s (%(status)s)",
            title=action.title,
            status=str(ACTION_STATUS_LABELS[action.status]),
        ),
        body=lambda: "\n\n".join(
            part
            for part in (
                _(
                    "%(name)s said how an action of %(group)s is going.",
                    name=by.name,
                    group=group.name,
                ),
                action.title,
                _("Now: %(status)s.", status=str(ACTION_STATUS_LABELS[action.status])),
                note,
            )
            if part
        ),
        url=path_for("actions.show", slug=group.slug, action_id=action.id),
        people=people,
        now=now,
        quiet=True,
    )


def remind_owners(
    group: Group | None = None, now: datetime | None = None, today: date | None = None
) -> int:
    """Tell owners about their actions that are due soon or overdue. Returns how many.

    Each action is reminded at most once a week; owners who have left the group
    are skipped (facilitators see their actions as overdue instead).
    """
    now = now or utcnow()
    today = today or local_today()
    query = (
        select(Action, User, Group)
        .join(User, User.id == Action.owner_id)
        .join(Group, Group.id == Action.group_id)
        .join(
            Membership,
            (Membership.user_id == Action.owner_id) & (Membership.group_id == Action.group_id),
        )
        .where(
            Action.status.in_(ACTION_OPEN),
            Action.due_on.is_not(None),
            Action.due_on <= today + REMIND_AHEAD,
            or_(Action.reminded_at.is_(None), Action.reminded_at < now - REMIND_AGAIN_AFTER),
        )
        .order_by(Action.id)
    )
    if group is not None:
        query = query.where(Action.group_id == group.id)
    reminded = 0
    for action, owner, action_group in db.session.execute(query).all():
        overdue = action.due_on < today

        def heading(action=action, overdue=overdue) -> str:
            if overdue:
                return _("Overdue: %(title)s", title=action.title)
            return _("Due soon: %(title)s", title=action.title)

        _tell_owner(action_group, action, owner, heading, now)
        action.reminded_at = now
        reminded += 1
    db.session.flush()
    return reminded
