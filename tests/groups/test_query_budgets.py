"""Query budgets: a page runs the same number of SQL statements however big the group is.

Each page is measured twice, for a small group (5 members) and a large one (60
members, more pending invitations, a viewer in more groups). A page whose count
grows with the data is an N+1 query bug; a page over its budget has grown a query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.dbtypes import utcnow
from app.extensions import db
from app.groups import services as groups
from app.groups.models import Invitation
from app.tokens import new_token
from tests.conftest import sign_in
from tests.factories import make_group, make_member

#: The most SQL statements each page may run, whatever the size of the group.
#: Measured on SQLite and PostgreSQL. Every signed-in page runs the signed-in user and
#: the unread-notices count for the Inbox link in the menu; group pages add the group and
#: the viewer's membership (and, for facilitators and officers, what waits on the
#: delivery desk, one query); a paginated list is a count plus one page of rows.
BUDGETS = {
    # + member count, first 10 members, members per role, latest decisions and their
    # amendments, unanswered grapevine reports, open votes, next meetings, overdue
    # actions (count and first few with their owners)
    "group home": 14,
    "members list": 7,  # + member count, one page of members with their accounts
    "member page": 5,  # + the membership with its person
    "invitations": 7,  # + pending count, one page of pending invitations
    # + their groups with their roles, and "For you": five short lists (votes to cast,
    # unread notices, actions owed, decisions to read, next meetings), each a count
    # and its first few rows
    "my groups": 13,
}

PAGES = {
    "group home": "/groups/{slug}",
    "members list": "/groups/{slug}/members",
    "member page": "/groups/{slug}/members/{member_id}",
    "invitations": "/groups/{slug}/invitations",
    "my groups": "/",
}


@dataclass
class World:
    slug: str
    member_id: int
    client: object


def build_world(app, *, members: int, invitations: int, other_groups: int) -> World:
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    roles = ["resident", "resident_adviser", "officer", "partner"]
    subject_id = None
    for n in range(members - 1):
        user, membership = make_member(group, roles[n % len(roles)])
        user.phone = "0161 496 0000"
        user.postal_address = f"{n} Mill Lane"
        user.preferred_channels = ["email", "letter"]
        subject_id = subject_id or membership.id
    for n in range(invitations):
        _, token_hash = new_token()
        db.session.add(
            Invitation(
                group_id=group.id,
                email=f"invitee{n}-{group.slug}@example.org",
                name=f"Invitee {n}",
                role="resident",
                token_hash=token_hash,
                expires_at=utcnow() + timedelta(days=14),
                email_sent=n % 2 == 0,
            )
        )
    for _ in range(other_groups):
        other = make_group()
        groups.add_member(other, facilitator, "resident")
    db.session.commit()
    client = app.test_client()
    sign_in(client, facilitator)
    return World(group.slug, subject_id, client)


@pytest.fixture
def worlds(app, ctx):
    small = build_world(app, members=5, invitations=2, other_groups=0)
    large = build_world(app, members=60, invitations=40, other_groups=12)
    return small, large


def statements_for(page_queries, world: World, page: str) -> int:
    return page_queries(
        world.client, PAGES[page].format(slug=world.slug, member_id=world.member_id)
    )


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_runs_a_fixed_number_of_queries_whatever_the_group_size(worlds, page_queries, page):
    small, large = worlds

    small_count = statements_for(page_queries, small, page)
    large_count = statements_for(page_queries, large, page)

    assert small_count == large_count, (
        f"{page}: {small_count} queries with 5 members, {large_count} with 60"
    )
    assert large_count <= BUDGETS[page], f"{page}: {large_count} queries, budget {BUDGETS[page]}"
