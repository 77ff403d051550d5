"""Every route, for every kind of visitor: who gets in, who is turned away and how.

The table below must name every endpoint in the app. A new route that is not
added here fails `test_every_route_is_in_the_matrix`, so none can be forgotten.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.accounts.models import PasswordReset
from app.dbtypes import utcnow
from app.extensions import db
from app.groups import services as groups
from app.tokens import new_token
from tests.conftest import sign_in
from tests.factories import make_group, make_member, make_user

VISITORS = (
    "anonymous",
    "non_member",
    "admin",
    "resident",
    "resident_adviser",
    "facilitator",
    "officer",
    "partner",
)
MEMBERS = {"resident", "resident_adviser", "facilitator", "officer", "partner"}
SIGNED_IN = MEMBERS | {"non_member", "admin"}
EVERYONE = set(VISITORS)

#: endpoint -> (method, who may use it, whether visitors need not sign in)
MATRIX: dict[str, tuple[str, set[str], bool]] = {
    "accounts.index": ("GET", EVERYONE, True),
    "accounts.sign_in": ("GET", EVERYONE, True),
    "accounts.sign_out": ("POST", SIGNED_IN, False),
    "accounts.forgot_password": ("GET", EVERYONE, True),
    "accounts.reset_password": ("GET", EVERYONE, True),
    "accounts.profile": ("GET", SIGNED_IN, False),
    "groups.admin_groups": ("GET", {"admin"}, False),
    "groups.admin_new_group": ("GET", {"admin"}, False),
    "groups.home": ("GET", MEMBERS, False),
    "groups.members": ("GET", MEMBERS, False),
    "groups.member": ("GET", MEMBERS, False),
    "groups.add_member": ("GET", {"facilitator"}, False),
    "groups.edit_member": ("GET", {"facilitator"}, False),
    "groups.invitations": ("GET", {"facilitator"}, False),
    "groups.withdraw_invitation": ("POST", {"facilitator"}, False),
    "groups.settings": ("GET", {"facilitator"}, False),
    "groups.join": ("GET", EVERYONE, True),
}


@pytest.fixture
def world(app, ctx):
    group = make_group("riverside")
    people = {}
    for role in sorted(MEMBERS):
        people[role], _ = make_member(group, role)
    people["non_member"] = make_user()
    people["admin"] = make_user(admin=True)
    subject, subject_membership = make_member(group, "resident")
    invitation, link = groups.invite(
        group, email="new@example.org", name="New", role="resident", invited_by=None
    )
    token, token_hash = new_token()
    db.session.add(
        PasswordReset(
            user_id=subject.id, token_hash=token_hash, expires_at=utcnow() + timedelta(hours=1)
        )
    )
    db.session.commit()
    url_args = {
        "slug": group.slug,
        "member_id": subject_membership.id,
        "invitation_id": invitation.id,
        "token": link.rsplit("/", 1)[1],
    }
    reset_args = {"token": token}
    return people, url_args, reset_args


def _url(app, endpoint, url_args, reset_args):
    from flask import url_for

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    source = reset_args if endpoint == "accounts.reset_password" else url_args
    with app.test_request_context():
        return url_for(endpoint, **{name: source[name] for name in rule.arguments})


def test_every_route_is_in_the_matrix(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static"}
    assert endpoints - set(MATRIX) == set(), "add these routes to the permission matrix"
    assert set(MATRIX) - endpoints == set(), "these matrix rows name no route"


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_answers_each_visitor_as_the_matrix_says(app, world, endpoint):
    people, url_args, reset_args = world
    method, allowed, is_public = MATRIX[endpoint]
    url = _url(app, endpoint, url_args, reset_args)
    for visitor in VISITORS:
        client = app.test_client()
        if visitor != "anonymous":
            sign_in(client, people[visitor])
        response = client.open(url, method=method)
        where = f"{visitor} {method} {url}"
        if visitor in allowed:
            assert response.status_code < 400 or response.status_code == 422, where
            if response.status_code in (302, 303):
                # The sign-in wall redirects with ?next=; any other redirect is the page's own.
                assert "next=" not in response.headers["Location"], where
        elif visitor == "anonymous":
            assert not is_public, where
            assert response.status_code == 302, where
            assert response.headers["Location"].startswith("/sign-in?next="), where
        elif visitor in ("non_member", "admin") and "slug" in url_args and url_args["slug"] in url:
            # Outsiders must not even learn that a private group exists.
            assert response.status_code == 404, where
        else:
            assert response.status_code == 403, where
