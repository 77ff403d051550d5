"""Site admins create groups with a first facilitator; facilitators keep the settings."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.groups.models import Group, Invitation, Membership
from tests.conftest import client_for, count
from tests.factories import make_group, make_member, make_user

NEW_PASSWORD = "kettle orbit lantern meadow"


def html(response) -> str:
    return response.get_data(as_text=True)


def group_data(**overrides):
    data = {
        "name": "Canal Side Group",
        "neighbourhood": "Canal Side",
        "slug": "canal-side",
        "description": "Damp homes along the canal.",
        "facilitator_name": "Fatima Facilitator",
        "facilitator_email": "fatima@example.org",
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin(app, ctx):
    return client_for(app, make_user(admin=True, name="Sam Admin"))


# Creating groups -------------------------------------------------------------


def test_admin_creates_a_group_and_a_new_facilitator_is_emailed_an_invitation(app, admin, mailbox):
    response = admin.post("/admin/groups/new", data=group_data())

    assert response.status_code == 200
    assert "Invitation created" in html(response)
    assert "fatima@example.org" in html(response)
    group = db.session.scalar(select(Group).where(Group.slug == "canal-side"))
    assert group.name == "Canal Side Group"
    assert group.neighbourhood == "Canal Side"
    assert count(Membership, Membership.group_id == group.id) == 0
    [message] = mailbox.to("fatima@example.org")
    body = mailbox.body(message)
    assert "Sam Admin has invited you to join Canal Side Group" in body
    path = re.search(r"http://localhost(/join/[A-Za-z0-9_-]+)", body).group(1)
    invitation = db.session.scalar(select(Invitation).where(Invitation.group_id == group.id))
    assert invitation.role == "facilitator"

    # The link makes them the group's facilitator.
    newcomer = app.test_client()
    joined = newcomer.post(
        path, data={"name": "Fatima", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert joined.status_code == 303
    assert newcomer.get("/groups/canal-side/settings").status_code == 200


def test_admin_creates_a_group_and_an_existing_account_is_facilitator_at_once(app, admin, mailbox):
    fatima = make_user(email="fatima@example.org")

    response = admin.post(
        "/admin/groups/new", data=group_data(facilitator_email="Fatima@Example.org")
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/groups"
    group = db.session.scalar(select(Group).where(Group.slug == "canal-side"))
    membership = db.session.scalar(
        select(Membership).where(Membership.group_id == group.id, Membership.user_id == fatima.id)
    )
    assert membership.role == "facilitator"
    assert mailbox.messages == []
    assert count(Invitation) == 0
    listing = html(admin.get("/admin/groups"))
    assert "Canal Side Group was created" in listing
    assert client_for(app, fatima).get("/groups/canal-side/settings").status_code == 200


def test_group_web_address_already_in_use_is_refused(admin, mailbox):
    make_group("canal-side", name="The First Canal Group")

    response = admin.post("/admin/groups/new", data=group_data())

    assert response.status_code == 422
    assert "already uses" in html(response)
    assert count(Group, Group.slug == "canal-side") == 1
    assert db.session.scalar(select(Group.name).where(Group.slug == "canal-side")) == (
        "The First Canal Group"
    )
    assert mailbox.messages == []
    assert count(Invitation) == 0


@pytest.mark.parametrize("slug", ["Bad Slug!", "-leading", "trailing-", "under_score", ""])
def test_bad_group_web_address_is_refused(admin, mailbox, slug):
    response = admin.post("/admin/groups/new", data=group_data(slug=slug))

    assert response.status_code == 422
    assert count(Group) == 0
    assert mailbox.messages == []


def test_bad_slug_is_explained(admin):
    response = admin.post("/admin/groups/new", data=group_data(slug="Bad Slug!"))

    assert response.status_code == 422
    assert "Use lower-case letters, numbers and hyphens only" in html(response)


def test_group_web_address_is_lower_cased(admin, mailbox):
    response = admin.post("/admin/groups/new", data=group_data(slug=" Canal-Side "))

    assert response.status_code == 200
    assert count(Group, Group.slug == "canal-side") == 1


def test_non_admin_cannot_create_groups(app, ctx, mailbox):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")

    response = client_for(app, facilitator).post("/admin/groups/new", data=group_data())

    assert response.status_code == 403
    assert count(Group, Group.slug == "canal-side") == 0
    assert mailbox.messages == []


# Settings --------------------------------------------------------------------


def settings_data(**overrides):
    data = {
        "name": "Riverside Group",
        "neighbourhood": "Riverside",
        "focus": "Damp and cold homes",
        "description": "We meet monthly.\n\nEveryone is welcome.",
        "inform_within_days": "5",
        "notice_period_days": "28",
        "who_may_vote": "residents_only",
        "public_log": "y",
        "confirm": "yes",  # publishing the log is asked about first: see below
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def facilitated(app, ctx):
    group = make_group("riverside", name="Old Name")
    facilitator, _ = make_member(group, "facilitator")
    return group, client_for(app, facilitator)


def reloaded(group) -> Group:
    db.session.expire_all()
    return db.session.get(Group, group.id)


def test_saving_settings_keeps_them(facilitated):
    group, client = facilitated

    response = client.post("/groups/riverside/settings", data=settings_data())

    assert response.status_code == 303
    assert response.headers["Location"] == "/groups/riverside"
    saved = reloaded(group)
    assert saved.name == "Riverside Group"
    assert saved.focus == "Damp and cold homes"
    assert saved.inform_within_days == 5
    assert saved.notice_period_days == 28
    assert saved.who_may_vote == "residents_only"
    assert saved.public_log is True
    home = html(client.get("/groups/riverside"))
    assert "The group&#39;s settings have been saved." in home
    assert "Working on: Damp and cold homes" in home
    assert "Everyone is welcome." in home


def test_unticking_public_log_turns_it_off(facilitated):
    group, client = facilitated
    client.post("/groups/riverside/settings", data=settings_data())
    assert reloaded(group).public_log is True

    response = client.post("/groups/riverside/settings", data=settings_data(public_log=None))

    assert response.status_code == 303
    assert reloaded(group).public_log is False


def test_publishing_the_log_asks_first_and_a_single_post_changes_nothing(facilitated):
    group, client = facilitated

    response = client.post("/groups/riverside/settings", data=settings_data(confirm=None))

    assert response.status_code == 200
    page = html(response)
    assert "Publish the group&#39;s decision log?" in page
    assert "If you publish the log, anyone can see, without signing in:" in page
    assert "These stay with members only:" in page
    assert 'name="name" value="Riverside Group"' in page and 'name="confirm" value="yes"' in page
    saved = reloaded(group)
    assert saved.public_log is False and saved.name == "Old Name"  # nothing of it is kept

    assert (
        client.post("/groups/riverside/settings", data=settings_data(confirm="no")).status_code
        == 200
    )
    assert reloaded(group).public_log is False
    done = client.post("/groups/riverside/settings", data=settings_data())
    assert done.status_code == 303
    saved = reloaded(group)
    assert saved.public_log is True and saved.name == "Riverside Group"


def test_the_settings_page_says_what_publishing_the_log_makes_public_and_what_not(
    facilitated,
):
    _group, client = facilitated
    page = html(client.get("/groups/riverside/settings"))
    shown = page[page.index('id="what-is-public"') :]
    public, private = shown.split("These stay with members only:", 1)
    assert "numbers only" in public and "but not the link to join" in public
    for kept in ("names, roles and contact details", "people with no account", "letter, phone"):
        assert kept in private


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("inform_within_days", "-1", "Enter a number from 0 to 365"),
        ("notice_period_days", "-28", "Enter a number from 0 to 365"),
        ("inform_within_days", "366", "Enter a number from 0 to 365"),
        ("inform_within_days", "", "Enter a number of days"),
        ("inform_within_days", "seven", "Enter a whole number"),
        ("who_may_vote", "everyone_online", "Not a valid choice"),
        ("name", "", "Enter the group"),
    ],
)
def test_settings_with_bad_values_are_refused(facilitated, field, value, message):
    group, client = facilitated

    response = client.post("/groups/riverside/settings", data=settings_data(**{field: value}))

    assert response.status_code == 422
    assert message in html(response)
    saved = reloaded(group)
    assert saved.name == "Old Name"
    assert saved.inform_within_days == 7
    assert saved.notice_period_days == 28


def test_description_over_5000_characters_is_refused(facilitated):
    group, client = facilitated

    response = client.post("/groups/riverside/settings", data=settings_data(description="d" * 5001))

    assert response.status_code == 422
    assert "at most 5000 characters" in html(response)
    assert reloaded(group).description == ""


def test_description_of_exactly_5000_characters_is_kept(facilitated):
    group, client = facilitated

    response = client.post("/groups/riverside/settings", data=settings_data(description="d" * 5000))

    assert response.status_code == 303
    assert reloaded(group).description == "d" * 5000


@pytest.mark.parametrize("role", ["resident", "officer", "partner", "resident_adviser"])
def test_only_facilitators_may_change_settings(app, facilitated, role):
    group, _ = facilitated
    member, _ = make_member(group, role)

    response = client_for(app, member).post("/groups/riverside/settings", data=settings_data())

    assert response.status_code == 403
    assert reloaded(group).name == "Old Name"
