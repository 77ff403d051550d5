"""Who may do what: the one place that answers it.

Every view asks `require(user, action, target)` (or `can` to decide what to
show). Deny by default: an action missing from the tables is refused.
Non-members asking about a group get 404, so private groups stay unseen.
"""

from __future__ import annotations

from flask import abort, current_app, g, request
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
    #: Leaving the group: any member (the last facilitator is refused by the service).
    "group.leave": EVERY_ROLE,
    #: Who was a member and why they went: those who manage members.
    "group.history": FACILITATORS,
    "group.edit_settings": FACILITATORS,
    "member.view": EVERY_ROLE,
    #: Phone numbers and postal addresses: those who tell people things, and the person.
    "member.view_contact": frozenset({"facilitator", "officer"}),
    "member.edit": FACILITATORS,
    "member.remove": FACILITATORS,
    "member.view_told": EVERY_ROLE,
    "decision.view": EVERY_ROLE,
    "decision.record": RECORDERS,
    "decision.amend": RECORDERS,
    "decision.acknowledge": EVERY_ROLE,
    "decision.record_told": RECORDERS,
    #: The delivery desk: letters to post, calls to make, emails that failed.
    "desk.use": RECORDERS,
    "decision.figures": EVERY_ROLE,
    "forward_plan.view": EVERY_ROLE,
    "forward_plan.publish": RECORDERS,
    "forward_plan.comment": EVERY_ROLE,
    #: Answering a member's comment, under it: those who publish what is coming up.
    "forward_plan.reply": RECORDERS,
    "grapevine.view": EVERY_ROLE,
    "grapevine.report": EVERY_ROLE,
    "grapevine.resolve": RECORDERS,
    "priority.view": EVERY_ROLE,
    "priority.propose": EVERY_ROLE,
    "priority.support": EVERY_ROLE,
    "priority.comment": EVERY_ROLE,
    "priority.set_status": FACILITATORS,
    "ballot.view": EVERY_ROLE,
    #: Checking a vote from the outside: its ballot box, a receipt in it, and the list
    #: of voters behind its fingerprint (everyone's too once it closes: see below).
    "ballot.verify": EVERY_ROLE,
    "ballot.vote": EVERY_ROLE,
    "ballot.manage": FACILITATORS,
    #: Entering a vote for a member who votes in person, on paper or by phone: helping
    #: residents take part is what Resident Advisers do.
    "ballot.assist": MEETING_HELPERS,
    #: Checking someone else's work: confirming a count, or paper slips entered by another.
    "ballot.check": ACTION_SETTERS,
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
    # Resident-led enquiries: every member reads them; Resident Advisers lead them.
    "enquiry.view": EVERY_ROLE,
    "enquiry.start": frozenset({"resident_adviser", "facilitator"}),
    "evidence.view": EVERY_ROLE,
}

# Resident-led enquiries --------------------------------------------------------
#: Any role on an enquiry's team (lead, peer researcher, academic lead, facilitator).
ON_THE_TEAM = frozenset({"lead", "peer_researcher", "academic_lead", "facilitator"})
#: Actions on one enquiry, or on something in it, and who may take them: the enquiry
#: team roles, and the group roles that may take them without being on the team. The
#: target answers `team_role_of(user_id)` (app.enquiries.models.OnAnEnquiry).
TEAM_ACTIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "enquiry.edit": (ON_THE_TEAM, frozenset()),
    "enquiry.manage_team": (frozenset({"lead"}), FACILITATORS),
    "evidence.add": (ON_THE_TEAM, frozenset()),
    "evidence.record_consent": (ON_THE_TEAM, frozenset()),
}
#: Refusals that must not reveal the thing exists: a story shared without its teller's
#: consent is for the enquiry team alone, so anyone else is told there is nothing there.
HIDDEN_WHEN_REFUSED = frozenset({"evidence.view"})


def team_role(user, target) -> str | None:
    """The user's role on the enquiry team that owns the target, looked up once per request."""
    ask = getattr(target, "team_role_of", None)
    enquiry_id = getattr(target, "enquiry_id", None)
    if ask is None or enquiry_id is None:
        return None
    cache = g.setdefault("_team_roles", {})
    key = (user.id, enquiry_id)
    if key not in cache:
        cache[key] = ask(user.id)
    return cache[key]


def _team_allows(user, action: str, target, role: str) -> bool:
    if action == "evidence.view" and getattr(target, "team_only", False):
        return team_role(user, target) is not None
    if action not in TEAM_ACTIONS:
        return True
    team_roles, group_roles = TEAM_ACTIONS[action]
    return role in group_roles or team_role(user, target) in team_roles


#: Read-only actions open to everyone, signed in or not, when a group publishes its log.
PUBLIC_LOG_ACTIONS = frozenset({"decision.view", "meeting.calendar"})
#: The same, for something finished only: anyone may check a vote of a group that
#: publishes its log once the vote has closed (the target has a `closed_at`); while it
#: is open, only members may.
PUBLIC_LOG_ONCE_CLOSED = frozenset({"ballot.verify"})

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
    if action in PUBLIC_LOG_ACTIONS or (
        action in PUBLIC_LOG_ONCE_CLOSED and getattr(target, "closed_at", None) is not None
    ):
        group = _group_of(target)
        if group is not None and group.public_log:
            return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if action in SITE_ACTIONS:
        return bool(user.is_admin)
    allowed = GROUP_ACTIONS.get(action)
    if action in TEAM_ACTIONS:
        allowed = EVERY_ROLE  # every member, then the enquiry's team decides
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
    if role not in allowed:
        return False
    return _team_allows(user, action, target, role)


def require(user, action: str, target=None) -> None:
    """Abort unless allowed: sign-in first for visitors (on open data, 401 or 404
    instead), 404 to outsiders of a group (so private groups stay unseen), 403 to
    members without the right."""
    if can(user, action, target):
        return
    if user is None or not getattr(user, "is_authenticated", False):
        if not answers_in_json():
            abort(login_manager.unauthorized())
        # A program cannot use a sign-in page. It is told to sign in (401) only where
        # the group is already known to be there, because it publishes its log.
        group = _group_of(target)
        abort(401 if group is not None and group.public_log else 404)
    group = _group_of(target)
    if group is not None and role_in(user, group) is None:
        abort(404)
    if action in HIDDEN_WHEN_REFUSED:
        abort(404)
    abort(403)


def public(view):
    """Mark a view as open to visitors who are not signed in (everything else needs sign-in)."""
    view.is_public = True
    return view


def takes_json(view):
    """Mark a view that reads a JSON body (a program posting to it). Every other view
    takes forms, and a JSON body sent to one is refused before it is read: Flask-WTF
    would otherwise fill the form from it, with numbers, lists and objects where every
    field expects text."""
    view.takes_json = True
    return view


def open_data(view):
    """Mark a view as open data (JSON, CSV, calendars), read by programs as much as by
    people: open to visitors like `public`, and refusing in JSON, never by sending the
    reader to the sign-in page."""
    view.is_public = True
    view.answers_in_json = True
    return view


def answers_in_json() -> bool:
    """Whether this request is for open data, so refusals are JSON, not pages."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "answers_in_json", False)


def reads_own_authorization(view):
    """Mark a view that checks an `Authorization` header of its own (a service's callback),
    so members' tokens for scripts are not looked for there."""
    view.reads_own_authorization = True
    return view
