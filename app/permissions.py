"""Who may do what: the one place that answers it.

Every view asks `require(user, action, target)` (or `can` to decide what to
show). Deny by default: an action missing from the tables is refused.
Non-members asking about a group get 404, so private groups stay unseen.
"""

from __future__ import annotations

from flask import abort, g
from sqlalchemy import select

from app.extensions import db, login_manager
from app.groups.models import Group, Membership

EVERY_ROLE = frozenset({"resident", "resident_adviser", "facilitator", "officer", "partner"})
FACILITATORS = frozenset({"facilitator"})
#: Those who record decisions and how members were told.
RECORDERS = frozenset({"facilitator", "officer"})

#: Resident Advisers help run meetings.
MEETING_HELPERS = frozenset({"facilitator", "resident_adviser"})
#: Those who agree actions on the group's behalf and follow them up.
ACTION_SETTERS = frozenset({"facilitator", "officer", "resident_adviser"})

#: Group actions and the roles that may take them.
GROUP_ACTIONS: dict[str, frozenset[str]] = {
    "group.view": EVERY_ROLE,
    "group.manage_members": FACILITATORS,
    "group.edit_settings": FACILITATORS,
    "member.view": EVERY_ROLE,
    #: Phone numbers and postal addresses: those who tell people things, and the person.
    "member.view_contact": frozenset({"facilitator", "officer"}),
    "member.edit": FACILITATORS,
    "member.view_told": EVERY_ROLE,
    "decision.view": EVERY_ROLE,
    "decision.record": RECORDERS,
    "decision.amend": RECORDERS,
    "decision.acknowledge": EVERY_ROLE,
    "decision.record_told": RECORDERS,
    "decision.figures": EVERY_ROLE,
    "forward_plan.view": EVERY_ROLE,
    "forward_plan.publish": RECORDERS,
    "forward_plan.comment": EVERY_ROLE,
    "grapevine.view": EVERY_ROLE,
    "grapevine.report": EVERY_ROLE,
    "grapevine.resolve": RECORDERS,
    "priority.view": EVERY_ROLE,
    "priority.propose": EVERY_ROLE,
    "priority.support": EVERY_ROLE,
    "priority.comment": EVERY_ROLE,
    "priority.set_status": FACILITATORS,
    "ballot.view": EVERY_ROLE,
    "ballot.vote": EVERY_ROLE,
    "ballot.manage": FACILITATORS,
    "meeting.view": EVERY_ROLE,
    "meeting.rsvp": EVERY_ROLE,
    "meeting.calendar": EVERY_ROLE,
    "meeting.plan": FACILITATORS,
    #: Live mode: checking people in, stepping through the agenda, notes, actions.
    "meeting.run": MEETING_HELPERS,
    "meeting.capture_decision": FACILITATORS,
    "meeting.minutes": FACILITATORS,
    "action.view": EVERY_ROLE,
    "action.create": ACTION_SETTERS,
    #: Saying how an action is going: those who set actions, and its owner (see OWNED).
    "action.update": ACTION_SETTERS,
    "action.remind": FACILITATORS,
}

#: Read-only actions open to everyone, signed in or not, when a group publishes its log.
PUBLIC_LOG_ACTIONS = frozenset({"decision.view", "meeting.calendar"})

#: Actions any member may also take on what they own (a target whose owner_id is theirs).
OWNED = frozenset({"action.update"})

#: Site-wide actions, decided by the site-admin flag alone.
SITE_ACTIONS = frozenset({"site.admin"})


def membership(user, group: Group) -> Membership | None:
    """The user's membership of the group, looked up once per request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cache = g.setdefault("_memberships", {})
    key = (user.id, group.id)
    if key not in cache:
        cache[key] = db.session.scalar(
            select(Membership).where(Membership.group_id == group.id, Membership.user_id == user.id)
        )
    return cache[key]


def role_in(user, group: Group) -> str | None:
    found = membership(user, group)
    return found.role if found else None


def _group_of(target) -> Group | None:
    """The group a target belongs to: a Group, or anything with a group_id."""
    if isinstance(target, Group):
        return target
    group_id = getattr(target, "group_id", None)
    # session.get answers from the identity map when the group is already loaded.
    return db.session.get(Group, group_id) if group_id else None


def can(user, action: str, target=None) -> bool:
    if action in PUBLIC_LOG_ACTIONS:
        group = _group_of(target)
        if group is not None and group.public_log:
            return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if action in SITE_ACTIONS:
        return bool(user.is_admin)
    allowed = GROUP_ACTIONS.get(action)
    if allowed is None:
        return False
    if action == "member.view_contact" and isinstance(target, Membership):
        if target.user_id == user.id:
            return True
    group = _group_of(target)
    if group is None:
        return False
    role = role_in(user, group)
    if role is None:
        return False
    if action in OWNED and getattr(target, "owner_id", None) == user.id:
        return True
    return role in allowed


def require(user, action: str, target=None) -> None:
    """Abort unless allowed: sign-in first for visitors, 404 to outsiders of a group
    (so private groups stay unseen), 403 to members without the right."""
    if can(user, action, target):
        return
    if user is None or not getattr(user, "is_authenticated", False):
        abort(login_manager.unauthorized())
    group = _group_of(target)
    if group is not None and role_in(user, group) is None:
        abort(404)
    abort(403)


def public(view):
    """Mark a view as open to visitors who are not signed in (everything else needs sign-in)."""
    view.is_public = True
    return view
