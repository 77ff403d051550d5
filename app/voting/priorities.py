"""Priorities: what residents propose the group works on, who backs them, and how far
each has got (proposed, shortlisted, chosen, in action, achieved or not taken forward)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.dbtypes import utcnow
from app.errors import Invalid
from app.extensions import db
from app.groups.models import Group
from app.links import path_for
from app.notices import services as notices
from app.pagination import Page, paginate
from app.voting.labels import PRIORITY_STATUS_LABELS
from app.voting.models import DOMAINS, PRIORITY_STATUSES, Priority, PrioritySupport


def propose(group: Group, proposer: User, *, title: str, description: str, domain: str) -> Priority:
    title = (title or "").strip()
    if not title:
        raise Invalid(_("Enter the priority in a few words"), "title")
    if domain not in DOMAINS:
        raise Invalid(_("Choose the area it belongs to"), "domain")
    priority = Priority(
        group_id=group.id,
        title=title,
        description=(description or "").strip(),
        domain=domain,
        proposer_id=proposer.id,
    )
    db.session.add(priority)
    db.session.flush()
    return priority


def priorities_page(
    group: Group, page: int, per_page: int, *, domain: str | None = None, status: str | None = None
) -> Page:
    """Priorities with how many back them, most backed first."""
    backers = (
        select(func.count())
        .where(PrioritySupport.priority_id == Priority.id)
        .correlate(Priority)
        .scalar_subquery()
    )
    query = (
        select(Priority, backers.label("backers"), User)
        .outerjoin(User, User.id == Priority.proposer_id)
        .where(Priority.group_id == group.id)
    )
    if domain in DOMAINS:
        query = query.where(Priority.domain == domain)
    if status in PRIORITY_STATUSES:
        query = query.where(Priority.status == status)
    query = query.order_by(backers.desc(), Priority.created_at.desc(), Priority.id.desc())
    return paginate(query, page, per_page, rows=True)


def priority_choices(group: Group, limit: int = 200) -> list[tuple[int, str]]:
    """(id, title) of the group's priorities that are still in play, for drop-downs."""
    return [
        (priority_id, title)
        for priority_id, title in db.session.execute(
            select(Priority.id, Priority.title)
            .where(Priority.group_id == group.id, Priority.status != "not_taken_forward")
            .order_by(Priority.title)
            .limit(limit)
        )
    ]


def get_priority(group: Group, priority_id: int) -> Priority | None:
    return db.session.scalar(
        select(Priority).where(Priority.id == priority_id, Priority.group_id == group.id)
    )


def supporters(priority: Priority) -> int:
    """How many members back a priority."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(PrioritySupport)
            .where(PrioritySupport.priority_id == priority.id)
        )
        or 0
    )


def backs(priority: Priority, user: User) -> bool:
    return (
        db.session.scalar(
            select(PrioritySupport.id).where(
                PrioritySupport.priority_id == priority.id, PrioritySupport.user_id == user.id
            )
        )
        is not None
    )


def toggle_support(priority: Priority, user: User) -> bool:
    """Back it, or stop backing it. Returns whether they back it now."""
    existing = db.session.scalar(
        select(PrioritySupport).where(
            PrioritySupport.priority_id == priority.id, PrioritySupport.user_id == user.id
        )
    )
    if existing:
        db.session.delete(existing)
        db.session.flush()
        return False
    db.session.add(PrioritySupport(priority_id=priority.id, user_id=user.id))
    try:
        db.session.flush()
    except IntegrityError:  # a double click: the other request already backed it
        db.session.rollback()  # nothing left to do: it is backed either way
    return True


def set_priority_status(
    priority: Priority,
    status: str,
    reason: str = "",
    *,
    by: User | None = None,
    why: str = "",
    now: datetime | None = None,
) -> bool:
    """Move a priority on (or back). Returns whether its status changed.

    When it changed, its proposer and everyone who backs it are told, with the reason
    (or `why`, what moved it on, when that is not a reason to show on the priority).
    Whoever changed it (`by`) is not told of what they did themselves.
    """
    if status not in PRIORITY_STATUSES:
        raise Invalid(_("Choose a status"), "status")
    reason = (reason or "").strip()
    if status == "not_taken_forward" and not reason:
        raise Invalid(
            _("Say why it is not being taken forward: everyone will see the reason"), "reason"
        )
    changed = status != priority.status
    priority.status = status
    priority.status_reason = reason or None
    db.session.flush()
    if changed:
        _tell_backers(priority, reason or why, by, now or utcnow())
    return changed


def _tell_backers(priority: Priority, why: str, by: User | None, now: datetime) -> None:
    """Tell the proposer and the backers of a priority where it has got to."""
    people = list(
        db.session.scalars(
            select(User)
            .where(
                or_(
                    User.id == priority.proposer_id,
                    User.id.in_(
                        select(PrioritySupport.user_id).where(
                            PrioritySupport.priority_id == priority.id
                        )
                    ),
                )
            )
            .order_by(User.id)
        )
    )
    people = [person for person in people if by is None or person.id != by.id]
    if not people:
        return
    group = db.session.get(Group, priority.group_id)

    def label() -> str:
        return str(PRIORITY_STATUS_LABELS[priority.status])

    notices.announce(
        group_id=group.id,
        subject_kind="priority",
        subject_id=priority.id,
        title=lambda: _(
            "Priority update: %(title)s (%(status)s)", title=priority.title, status=label()
        ),
        body=lambda: "\n\n".join(
            part
            for part in (
                _(
                    "A priority you proposed or back in %(group)s has moved on.",
                    group=group.name,
                ),
                priority.title,
                _("It is now: %(status)s.", status=label()),
                _("Why: %(why)s", why=why) if why else "",
            )
            if part
        ),
        url=path_for("voting.priority", slug=group.slug, priority_id=priority.id),
        people=people,
        now=now,
    )


def votable_priorities(group: Group) -> list[Priority]:
    """Priorities that can be options in a vote: shortlisted or chosen ones."""
    return list(
        db.session.scalars(
            select(Priority)
            .where(Priority.group_id == group.id, Priority.status.in_(("shortlisted", "chosen")))
            .order_by(Priority.title)
            .limit(100)
        )
    )
