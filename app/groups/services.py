"""Groups and their members: creating groups, inviting and adding people."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts import services as accounts
from app.accounts.models import User
from app.dbtypes import utcnow
from app.errors import Conflict, Invalid, NotAllowed
from app.extensions import db
from app.groups.models import ROLES, Group, Invitation, Membership, MembershipEnd
from app.links import external_url
from app.mail import send_email
from app.pagination import Page, paginate
from app.security import events
from app.tokens import hash_token, new_token

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")


def get_group(slug: str) -> Group | None:
    return db.session.scalar(select(Group).where(Group.slug == slug))


def get_group_by_id(group_id: int) -> Group | None:
    return db.session.get(Group, group_id)


def facilitator_names(group: Group) -> list[str]:
    """Who to ask about the group, by name (letters name them)."""
    return list(
        db.session.scalars(
            select(User.name)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.group_id == group.id, Membership.role == "facilitator")
            .order_by(User.name)
        )
    )


def groups_of(user: User) -> list[tuple[Group, str]]:
    rows = db.session.execute(
        select(Group, Membership.role)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == user.id)
        .order_by(Group.name)
    )
    return [(group, role) for group, role in rows]


def all_groups(page: int, per_page: int) -> Page:
    return paginate(select(Group).order_by(Group.name), page, per_page)


def create_group(
    *, slug: str, name: str, neighbourhood: str = "", description: str = "", focus: str = ""
) -> Group:
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug):
        raise Invalid(
            _("Use lower-case letters, numbers and hyphens for the web address, like riverside.")
        )
    if get_group(slug):
        raise Invalid(_("A group already uses that web address."))
    group = Group(
        slug=slug,
        name=name.strip(),
        neighbourhood=neighbourhood.strip(),
        description=description.strip(),
        focus=focus.strip(),
    )
    db.session.add(group)
    db.session.flush()
    return group


def add_member(group: Group, user: User, role: str) -> Membership:
    if role not in ROLES:
        raise Invalid(_("Choose a role from the list."))
    existing = db.session.scalar(
        select(Membership).where(Membership.group_id == group.id, Membership.user_id == user.id)
    )
    if existing:
        raise Invalid(_("%(name)s is already a member of this group.", name=user.name))
    found = Membership(group_id=group.id, user_id=user.id, role=role)
    db.session.add(found)
    try:
        db.session.flush()
    except IntegrityError as exc:  # a second request got there first
        db.session.rollback()
        raise Invalid(_("%(name)s is already a member of this group.", name=user.name)) from exc
    return found


def add_member_without_email(group: Group, *, name: str, role: str, **profile) -> Membership:
    """A person the group tells by letter, phone or in person: no account to sign in with."""
    user = accounts.create_user(email=None, name=name)
    accounts.update_profile(user, **profile)
    found = add_member(group, user, role)
    db.session.flush()
    return found


def _members_query(group: Group):
    return (
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.group_id == group.id)
        .order_by(User.name, Membership.id)
    )


def members(group: Group, page: int, per_page: int) -> Page:
    return paginate(_members_query(group), page, per_page, rows=True)


def all_members(group: Group) -> list[tuple[Membership, User]]:
    """Every member: for telling them all, and for counting who was told."""
    return [(m, u) for m, u in db.session.execute(_members_query(group))]


def everyone_to_tell(group: Group, roles: frozenset[str] | None = None) -> list[User]:
    """The people an announcement to the group goes to: every member (or, with `roles`,
    every member in one of those roles). The one way to name them."""
    return [u for m, u in all_members(group) if roles is None or m.role in roles]


def memberships_of(group: Group, user_ids) -> dict[int, Membership]:
    """The group's memberships of these people, by user id (non-members are left out)."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    return {
        m.user_id: m
        for m in db.session.scalars(
            select(Membership).where(Membership.group_id == group.id, Membership.user_id.in_(ids))
        )
    }


def role_counts(group: Group) -> dict[str, int]:
    rows = db.session.execute(
        select(Membership.role, func.count())
        .where(Membership.group_id == group.id)
        .group_by(Membership.role)
    )
    return {role: count for role, count in rows}


def get_member(group: Group, member_id: int) -> tuple[Membership, User] | None:
    row = db.session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.id == member_id, Membership.group_id == group.id)
    ).first()
    return (row[0], row[1]) if row else None


def details_kept_by_group(user: User, group_id: int) -> bool:
    """Whether the group's facilitators keep this person's name, contact details and
    ways of being told up to date: only for someone who cannot sign in to do it (added
    without email) and who belongs to this group alone.

    A person's details are theirs, not a group's: the same row tells every group they
    are in how to reach them. So even a facilitator of every group the person is in
    may not change them here: the other groups' facilitators would find a member
    moved to letters, or renamed, by someone they never chose, with nothing on their
    side to show it. Only where no one else relies on the details is the facilitator
    their keeper; anyone else keeps their own.
    """
    if user.email is not None or user.password_hash is not None:
        return False
    elsewhere = db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.user_id == user.id, Membership.group_id != group_id)
    )
    return not elsewhere


def details_kept_elsewhere(user: User) -> str:
    """Why a facilitator may not change this person's details, in plain words."""
    if user.email is not None or user.password_hash is not None:
        return _(
            "%(name)s has an account and keeps their own name and contact details, and how "
            "they are told, up to date. You can change their role in this group.",
            name=user.name,
        )
    return _(
        "%(name)s is also a member of another group, so their name and contact details "
        "are not this group's alone to change. You can change their role in this group.",
        name=user.name,
    )


def is_last_facilitator(membership: Membership) -> bool:
    """Whether the group would have no facilitator without this membership."""
    if membership.role != "facilitator":
        return False
    others = db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.group_id == membership.group_id,
            Membership.role == "facilitator",
            Membership.id != membership.id,
        )
    )
    return not others


def update_member(membership: Membership, user: User, *, role: str, by: User, **profile) -> None:
    """Change a member's role in this group, and (`profile`) their details where the
    group keeps them (`details_kept_by_group`); otherwise details are refused (403)."""
    if profile and not details_kept_by_group(user, membership.group_id):
        raise NotAllowed(details_kept_elsewhere(user))
    if role not in ROLES:
        raise Invalid(_("Choose a role from the list."))
    if role != "facilitator" and is_last_facilitator(membership):
        raise Invalid(_("A group needs at least one facilitator. Add another one first."))
    if membership.role != role:
        events.record(
            "role.changed",
            group_id=membership.group_id,
            member_user_id=user.id,
            old_role=membership.role,
            new_role=role,
        )
    membership.role = role
    if not profile:
        return
    before = {name: getattr(user, name) for name in accounts.PROFILE_FIELDS}
    accounts.update_profile(user, **profile)
    changed = [name for name in accounts.PROFILE_FIELDS if getattr(user, name) != before[name]]
    if changed:
        # Who changed whose details, and which: never the values (addresses, numbers).
        events.record(
            "member.details_changed",
            user=by,
            person_id=user.id,
            group_id=membership.group_id,
            fields=changed,
        )


def end_membership(
    membership: Membership,
    *,
    how: str,
    by: User | None = None,
    reason: str = "",
    allow_last_facilitator: bool = False,
) -> MembershipEnd:
    """Someone leaves the group, is removed from it, or is erased. The membership goes
    (so the group's private pages are closed to them at once) and the group's history
    keeps who they were, from when until when, and why. What they were told while a
    member is untouched: notices and the chain refer to the person, not the membership."""
    if not allow_last_facilitator and is_last_facilitator(membership):
        raise Conflict(
            _(
                "You are the group's only facilitator. Make someone else a facilitator "
                "before you go."
            )
            if by is None
            else _("This is the group's only facilitator. Make someone else a facilitator first.")
        )
    ended = MembershipEnd(
        group_id=membership.group_id,
        user_id=membership.user_id,
        role=membership.role,
        joined_at=membership.joined_at,
        ended_at=utcnow(),
        how=how,
        reason=reason,
        by_id=by.id if by else None,
    )
    db.session.add(ended)
    db.session.delete(membership)
    db.session.flush()
    return ended


def former_members(group: Group, page: int, per_page: int) -> Page:
    """The group's history of memberships that ended, latest first, with each person."""
    return paginate(
        select(MembershipEnd, User)
        .outerjoin(User, User.id == MembershipEnd.user_id)
        .where(MembershipEnd.group_id == group.id)
        .order_by(MembershipEnd.ended_at.desc(), MembershipEnd.id.desc()),
        page,
        per_page,
        rows=True,
    )


def update_settings(group: Group, **settings) -> None:
    for key in (
        "name",
        "neighbourhood",
        "description",
        "focus",
        "inform_within_days",
        "notice_period_days",
        "who_may_vote",
        "public_log",
    ):
        if key in settings:
            setattr(group, key, settings[key])
    db.session.flush()


@dataclass
class NewGroup:
    group: Group
    invitation: Invitation | None  # None when the facilitator already had an account
    link: str | None


def create_group_with_facilitator(
    *,
    slug: str,
    name: str,
    neighbourhood: str,
    description: str,
    facilitator_email: str,
    facilitator_name: str,
    created_by: User | None,
) -> NewGroup:
    """A site admin's new group: an existing account joins at once, anyone else is invited."""
    group = create_group(slug=slug, name=name, neighbourhood=neighbourhood, description=description)
    existing = accounts.get_user_by_email(facilitator_email)
    if existing:
        add_member(group, existing, "facilitator")
        db.session.flush()
        return NewGroup(group, None, None)
    invitation, link = invite(
        group,
        email=facilitator_email,
        name=facilitator_name,
        role="facilitator",
        invited_by=created_by,
    )
    return NewGroup(group, invitation, link)


# Invitations ---------------------------------------------------------------


def invite(
    group: Group, *, email: str, name: str, role: str, invited_by: User | None
) -> tuple[Invitation, str]:
    """Create an invitation and email its link. Returns it with the link (shown once)."""
    email = accounts.normalise_email(email)
    if role not in ROLES:
        raise Invalid(_("Choose a role from the list."))
    already = db.session.scalar(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.group_id == group.id, User.email == email)
    )
    if already:
        raise Invalid(_("Someone with that email address is already a member."))
    token, token_hash = new_token()
    days = current_app.config["INVITATION_DAYS"]
    invitation = Invitation(
        group_id=group.id,
        email=email,
        name=name.strip(),
        role=role,
        token_hash=token_hash,
        invited_by_id=invited_by.id if invited_by else None,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.flush()
    link = external_url("groups.join", token=token)
    inviter = invited_by.name if invited_by else _("The site administrator")
    invitation.email_sent = send_email(
        email,
        _("You are invited to join %(group)s on Logbook", group=group.name),
        _(
            "Hello %(name)s,\n\n%(inviter)s has invited you to join %(group)s on Logbook, "
            "where the group keeps its decisions and tells members about them.\n\n"
            "Open this link to join (it works once, for %(days)d days):\n\n%(link)s\n",
            name=name.strip() or email,
            inviter=inviter,
            group=group.name,
            days=days,
            link=link,
        ),
    )
    db.session.flush()
    return invitation, link


def pending_invitations(group: Group, page: int, per_page: int) -> Page:
    query = (
        select(Invitation)
        .where(
            Invitation.group_id == group.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    return paginate(query, page, per_page)


def revoke_invitation(group: Group, invitation_id: int) -> None:
    done = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation_id,
            Invitation.group_id == group.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    ).rowcount
    db.session.flush()
    if done != 1:
        raise Invalid(_("That invitation has already been used or withdrawn."))


@dataclass
class InvitationState:
    invitation: Invitation | None
    group: Group | None
    problem: str | None  # None when it can be accepted


def check_invitation(token: str) -> InvitationState:
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    if invitation is None:
        return InvitationState(None, None, _("We do not recognise this invitation link."))
    group = db.session.get(Group, invitation.group_id)
    if invitation.accepted_at is not None:
        problem = _("This invitation has already been used. Sign in to see the group.")
    elif invitation.revoked_at is not None:
        problem = _("This invitation was withdrawn. Ask the group's facilitator for a new one.")
    elif invitation.expires_at <= utcnow():
        problem = _("This invitation has expired. Ask the group's facilitator for a new one.")
    else:
        problem = None
    return InvitationState(invitation, group, problem)


def accept_invitation(
    token: str, *, user: User | None, name: str | None = None, password: str | None = None
) -> tuple[User, Group]:
    """Join the group: as the signed-in user, or by creating an account for the invited email."""
    state = check_invitation(token)
    if state.problem:
        raise Invalid(state.problem)
    invitation, group = state.invitation, state.group
    claimed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=utcnow())
    ).rowcount
    if claimed != 1:
        raise Conflict(_("This invitation has already been used. Sign in to see the group."))
    if user is not None and user.email != invitation.email:
        raise Invalid(
            _(
                "This invitation was sent to %(email)s, but you are signed in as someone else. "
                "Sign out, then open the link again.",
                email=invitation.email,
            )
        )
    if user is None:
        if accounts.get_user_by_email(invitation.email):
            raise Invalid(
                _("You already have an account. Sign in first, then open the link again.")
            )
        user = accounts.create_user(email=invitation.email, name=name or "", password=password)
    add_member(group, user, invitation.role)
    # Other invitations to the same address for this group are no longer needed.
    db.session.execute(
        update(Invitation)
        .where(
            Invitation.group_id == group.id,
            Invitation.email == invitation.email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
    db.session.flush()
    return user, group
