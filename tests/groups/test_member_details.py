"""A person's name and contact details are theirs: a facilitator changes them only for
someone who cannot sign in and belongs to the facilitator's group alone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.groups import services as groups
from app.groups.models import Membership
from app.security.models import SecurityEvent
from tests.conftest import client_for
from tests.factories import make_group, make_member

TAKEOVER = {
    "name": "Somebody Else",
    "role": "resident",
    "preferred_channels": ["letter"],
    "phone": "",
    "postal_address": "1 Fake Street, Nowhere",
    "language": "en",
    "digest": "weekly",
}


@pytest.fixture
def group(ctx):
    return make_group(name="Riverside Group")


@pytest.fixture
def facilitator(group):
    user, _ = make_member(group, "facilitator", name="Aaron Facilitator")
    return user


def edit_url(group, membership) -> str:
    return f"/groups/{group.slug}/members/{membership.id}/edit"


def as_stored(user_id: int) -> tuple:
    db.session.expire_all()
    person = db.session.get(User, user_id)
    return (
        person.name,
        list(person.preferred_channels),
        person.phone,
        person.postal_address,
        person.digest,
        person.language,
    )


def events(kind: str) -> list[SecurityEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind == kind)))


def test_shared_member_edit_is_refused(app, group, facilitator):
    # A resident with an account, in this group and another: the attack is to rename her
    # and send her news as letters to an address she never gave.
    other = make_group(name="Hillside Group")
    person, membership = make_member(
        group, "resident", name="Rita Resident", email="rita@example.org"
    )
    groups.add_member(other, person, "resident")
    db.session.commit()
    before = as_stored(person.id)

    response = client_for(app, facilitator).post(edit_url(group, membership), data=TAKEOVER)

    assert response.status_code == 403
    assert "keeps their own name and contact details" in response.get_data(as_text=True)
    assert as_stored(person.id) == before
    assert events("member.details_changed") == []


def test_a_member_with_an_account_keeps_their_own_details_even_in_one_group(
    app, group, facilitator
):
    person, membership = make_member(group, "resident", name="Rita Resident")
    before = as_stored(person.id)

    response = client_for(app, facilitator).post(edit_url(group, membership), data=TAKEOVER)

    assert response.status_code == 403
    assert as_stored(person.id) == before


def test_a_resident_without_email_in_two_groups_is_not_one_groups_to_change(
    app, group, facilitator
):
    # Even a facilitator of both groups may not: the other group's facilitators rely on
    # the same details and would have no say.
    other = make_group(name="Hillside Group")
    groups.add_member(other, facilitator, "facilitator")
    person, membership = make_member(group, "resident", name="Doris Hughes", email=None)
    groups.add_member(other, person, "resident")
    db.session.commit()
    before = as_stored(person.id)

    response = client_for(app, facilitator).post(edit_url(group, membership), data=TAKEOVER)

    assert response.status_code == 403
    assert "also a member of another group" in response.get_data(as_text=True)
    assert as_stored(person.id) == before


def test_the_page_offers_only_the_role_and_says_who_keeps_the_details(app, group, facilitator):
    person, membership = make_member(group, "resident", name="Rita Resident")

    page = client_for(app, facilitator).get(edit_url(group, membership)).get_data(as_text=True)

    assert "keeps their own name and contact details" in page
    assert 'name="role"' in page
    for field in ("name", "preferred_channels", "phone", "postal_address", "digest"):
        assert f'name="{field}"' not in page, field


def test_the_role_of_a_shared_member_can_still_be_changed(app, group, facilitator):
    other = make_group(name="Hillside Group")
    person, membership = make_member(group, "resident", name="Rita Resident")
    groups.add_member(other, person, "resident")
    db.session.commit()
    before = as_stored(person.id)

    response = client_for(app, facilitator).post(
        edit_url(group, membership), data={"role": "resident_adviser"}
    )

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).role == "resident_adviser"
    assert as_stored(person.id) == before
    assert events("member.details_changed") == []


def test_single_group_member_without_account_can_still_be_edited(app, group, facilitator):
    person, membership = make_member(group, "resident", name="Doris Hughes", email=None)

    page = client_for(app, facilitator).get(edit_url(group, membership)).get_data(as_text=True)
    assert 'name="postal_address"' in page
    response = client_for(app, facilitator).post(edit_url(group, membership), data=TAKEOVER)

    assert response.status_code == 303
    name, channels, _phone, address, digest, _language = as_stored(person.id)
    assert (name, channels, address, digest) == (
        "Somebody Else",
        ["letter"],
        "1 Fake Street, Nowhere",
        "weekly",
    )
    [event] = events("member.details_changed")
    assert event.user_id == facilitator.id
    assert event.details["person_id"] == person.id
    assert event.details["group_id"] == group.id
    # Their language was not chosen before (None): English is now chosen for them.
    assert set(event.details["fields"]) == {
        "name",
        "preferred_channels",
        "postal_address",
        "digest",
        "language",
    }
    # Which fields, never what they now say.
    assert "Fake Street" not in str(event.details) and "Somebody" not in str(event.details)


def test_saving_without_changes_records_no_event(app, group, facilitator):
    person, membership = make_member(group, "resident", name="Doris Hughes", email=None)
    client = client_for(app, facilitator)
    client.post(edit_url(group, membership), data=TAKEOVER)
    client.post(edit_url(group, membership), data=TAKEOVER)

    assert len(events("member.details_changed")) == 1
