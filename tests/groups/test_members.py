"""Members: who is in a group, who may see their contact details, who may change them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.groups.models import Membership
from tests.conftest import client_for, count, sign_in
from tests.factories import make_group, make_member, make_user

PHONE = "0161 496 0123"
ADDRESS = "7 Canal Street, Riverside"


def html(response) -> str:
    return response.get_data(as_text=True)


def member_data(**overrides):
    data = {
        "name": "Doris Hughes",
        "role": "resident",
        "preferred_channels": ["letter"],
        "phone": "",
        "postal_address": "12 Mill Lane\nRiverside",
        "language": "en",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def group(ctx):
    return make_group(name="Riverside Group")


@pytest.fixture
def facilitator(group):
    user, _ = make_member(group, "facilitator", name="Aaron Facilitator")
    return user


# Adding people without email -------------------------------------------------


def test_facilitator_adds_a_member_without_email(app, group, facilitator):
    client = client_for(app, facilitator)

    response = client.post(f"/groups/{group.slug}/members/new", data=member_data())

    assert response.status_code == 303
    match = re.fullmatch(rf"/groups/{group.slug}/members/(\d+)", response.headers["Location"])
    assert match
    membership = db.session.get(Membership, int(match.group(1)))
    assert membership.group_id == group.id
    assert membership.role == "resident"
    person = db.session.get(User, membership.user_id)
    assert person.name == "Doris Hughes"
    assert person.email is None
    assert person.password_hash is None
    assert person.preferred_channels == ["letter"]
    assert person.postal_address == "12 Mill Lane\nRiverside"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Doris Hughes has been added to the group." in html(page)
    assert "Letter by post" in html(page)


def test_a_facilitator_sets_up_a_weekly_large_print_letter(app, group, facilitator):
    client = client_for(app, facilitator)
    added = client.post(
        f"/groups/{group.slug}/members/new",
        data=member_data(digest="weekly", large_print="y"),
        follow_redirects=True,
    )
    assert added.status_code == 200
    assert "comes as one letter a week" in html(added)
    assert "Letters in large print" in html(added)
    person = db.session.scalar(select(User).where(User.name == "Doris Hughes"))
    assert (person.digest, person.large_print) == ("weekly", True)


def test_adding_a_member_who_wants_letters_needs_an_address(app, group, facilitator):
    client = client_for(app, facilitator)

    response = client.post(f"/groups/{group.slug}/members/new", data=member_data(postal_address=""))

    assert response.status_code == 422
    assert "Enter a postal address" in html(response)
    assert count(User, User.name == "Doris Hughes") == 0
    assert count(Membership, Membership.group_id == group.id) == 1


def test_resident_cannot_add_members(app, group, facilitator):
    resident, _ = make_member(group, "resident")
    client = client_for(app, resident)

    response = client.post(f"/groups/{group.slug}/members/new", data=member_data())

    assert response.status_code == 403
    assert count(User, User.name == "Doris Hughes") == 0


def test_member_added_without_email_cannot_sign_in(app, group, facilitator):
    client_for(app, facilitator).post(f"/groups/{group.slug}/members/new", data=member_data())
    person = db.session.scalar(select(User).where(User.name == "Doris Hughes"))
    assert person.can_sign_in is False

    # Even a session cookie naming them (a forged or leftover one) opens nothing.
    forged = app.test_client()
    sign_in(forged, person)
    response = forged.get(f"/groups/{group.slug}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    # And the sign-in form has nothing to match them against.
    attempt = app.test_client().post("/sign-in", data={"email": "", "password": ""})
    assert attempt.status_code == 422


# Contact details -------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "sees_contact"),
    [
        ("facilitator", True),
        ("officer", True),
        ("themselves", True),
        ("resident", False),
        ("resident_adviser", False),
        ("partner", False),
    ],
)
def test_contact_details_are_shown_only_to_those_who_tell_people_and_the_person(
    app, group, viewer, sees_contact
):
    subject, membership = make_member(group, "resident", name="Sue Subject")
    subject.phone = PHONE
    subject.postal_address = ADDRESS
    db.session.commit()
    if viewer == "themselves":
        who = subject
    else:
        who, _ = make_member(group, viewer)

    page = client_for(app, who).get(f"/groups/{group.slug}/members/{membership.id}")

    assert page.status_code == 200
    assert "Sue Subject" in html(page)
    assert (PHONE in html(page)) is sees_contact
    assert (ADDRESS in html(page)) is sees_contact
    assert (subject.email in html(page)) is sees_contact


def test_contact_details_do_not_appear_on_the_members_list(app, group):
    subject, _ = make_member(group, "resident", name="Sue Subject")
    subject.phone = PHONE
    subject.postal_address = ADDRESS
    db.session.commit()
    resident, _ = make_member(group, "resident")

    page = client_for(app, resident).get(f"/groups/{group.slug}/members")

    assert page.status_code == 200
    assert "Sue Subject" in html(page)
    assert PHONE not in html(page)
    assert ADDRESS not in html(page)


def test_member_of_another_group_is_not_found_through_this_group(app, group, facilitator):
    other = make_group()
    _, elsewhere = make_member(other, "resident")

    response = client_for(app, facilitator).get(f"/groups/{group.slug}/members/{elsewhere.id}")

    assert response.status_code == 404


# Editing ---------------------------------------------------------------------


def test_facilitator_edits_a_member_the_group_keeps_the_details_of(app, group, facilitator):
    # No email, so no account, and in this group alone: the facilitator keeps her details.
    person, membership = make_member(group, "resident", name="Rita Resident", email=None)

    response = client_for(app, facilitator).post(
        f"/groups/{group.slug}/members/{membership.id}/edit",
        data=member_data(name="Rita Renamed", role="resident_adviser"),
    )

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).role == "resident_adviser"
    assert db.session.get(User, person.id).name == "Rita Renamed"


def test_last_facilitator_cannot_be_made_a_resident(app, group, facilitator):
    membership = db.session.scalar(select(Membership).where(Membership.user_id == facilitator.id))

    response = client_for(app, facilitator).post(
        f"/groups/{group.slug}/members/{membership.id}/edit",
        data={"role": "resident"},
    )

    assert response.status_code == 422
    assert "at least one facilitator" in html(response)
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).role == "facilitator"


def test_a_facilitator_can_step_down_when_another_remains(app, group, facilitator):
    make_member(group, "facilitator")
    membership = db.session.scalar(select(Membership).where(Membership.user_id == facilitator.id))

    response = client_for(app, facilitator).post(
        f"/groups/{group.slug}/members/{membership.id}/edit",
        data={"role": "resident"},
    )

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).role == "resident"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_non_member_gets_404_and_resident_403_on_edit(app, group, facilitator, method):
    person, membership = make_member(group, "resident", name="Rita Resident")
    url = f"/groups/{group.slug}/members/{membership.id}/edit"
    data = member_data(name="Changed By Someone", role="facilitator") if method == "POST" else None

    outsider = client_for(app, make_user())
    resident, _ = make_member(group, "resident")
    insider = client_for(app, resident)

    assert outsider.open(url, method=method, data=data).status_code == 404
    assert insider.open(url, method=method, data=data).status_code == 403
    # Nor may people edit themselves into a facilitator.
    assert client_for(app, person).open(url, method=method, data=data).status_code == 403
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).role == "resident"
    assert db.session.get(User, person.id).name == "Rita Resident"


# The list --------------------------------------------------------------------


def _names_on(response) -> list[str]:
    return re.findall(
        r'<a class="govuk-link" href="/groups/[^"]+/members/\d+">([^<]+)</a>', html(response)
    )


def test_members_list_is_paginated(app, group, facilitator):
    for n in range(1, 31):
        make_member(group, "resident", name=f"Member {n:02d}")
    client = client_for(app, facilitator)

    first = client.get(f"/groups/{group.slug}/members")
    second = client.get(f"/groups/{group.slug}/members?page=2")

    assert first.status_code == second.status_code == 200
    assert "31 members" in html(first)
    assert _names_on(first) == ["Aaron Facilitator"] + [f"Member {n:02d}" for n in range(1, 25)]
    assert _names_on(second) == [f"Member {n:02d}" for n in range(25, 31)]
    assert "Page 1 of 2" in html(first)
    assert "Page 2 of 2" in html(second)
    assert f'href="/groups/{group.slug}/members?page=2"' in html(first)


@pytest.mark.parametrize("page", ["abc", "0", "-3", "1.5", ""])
def test_members_list_treats_a_nonsense_page_number_as_the_first_page(
    app, group, facilitator, page
):
    for n in range(1, 31):
        make_member(group, "resident", name=f"Member {n:02d}")

    response = client_for(app, facilitator).get(f"/groups/{group.slug}/members?page={page}")

    assert response.status_code == 200
    assert "Page 1 of 2" in html(response)
    assert "Member 01" in html(response)


def test_members_list_past_the_last_page_is_empty_not_an_error(app, group, facilitator):
    response = client_for(app, facilitator).get(f"/groups/{group.slug}/members?page=99")

    assert response.status_code == 200
    assert _names_on(response) == []


def test_members_list_survives_an_absurdly_large_page_number(app, group, facilitator):
    response = client_for(app, facilitator).get(
        f"/groups/{group.slug}/members?page=99999999999999999999"
    )

    assert response.status_code in (200, 404)


def test_the_add_member_form_speaks_of_them_and_offers_no_email(app, group, facilitator):
    client = client_for(app, facilitator)
    page = html(client.get(f"/groups/{group.slug}/members/new"))
    assert "How would they like to be told about decisions?" in page
    assert "How often would they like the group" in page
    assert "Needed if they would like letters." in page
    assert "How would you" not in page and "suit you" not in page
    assert 'value="email"' not in page and 'value="in_app"' not in page
    assert 'value="letter"' in page


def test_news_once_a_day_is_not_offered_for_someone_without_email(app, group, facilitator):
    client = client_for(app, facilitator)
    page = html(client.get(f"/groups/{group.slug}/members/new"))
    assert 'name="digest"' in page
    assert 'value="daily"' not in page and "Once a day" not in page
    assert 'value="weekly"' in page and 'value="each"' in page  # a letter a week still comes

    response = client.post(f"/groups/{group.slug}/members/new", data=member_data(digest="daily"))

    assert response.status_code == 422
    assert "News once a day comes by email only, and they have no email address" in html(response)
    assert count(User) == 1  # only the facilitator
    response = client.post(f"/groups/{group.slug}/members/new", data=member_data(digest="weekly"))
    assert response.status_code == 303
    assert db.session.scalar(select(User.digest).where(User.name == "Doris Hughes")) == "weekly"


def test_a_member_without_email_left_on_daily_news_is_asked_to_choose_again(
    app, group, facilitator
):
    doris, membership = make_member(group, "resident", email=None, name="Doris Hughes")
    doris.preferred_channels, doris.postal_address = ["letter"], ADDRESS
    doris.digest = "daily"  # chosen before the choice was refused
    db.session.commit()
    client = client_for(app, facilitator)
    url = f"/groups/{group.slug}/members/{membership.id}/edit"

    page = html(client.get(url))
    assert re.search(r'value="daily"[^>]*checked', page)  # what they have is shown, not hidden

    response = client.post(url, data=member_data(digest="daily", postal_address=ADDRESS))
    assert response.status_code == 422 and "they have no email address" in html(response)
    response = client.post(url, data=member_data(digest="each", postal_address=ADDRESS))
    assert response.status_code == 303
    assert db.session.scalar(select(User.digest).where(User.id == doris.id)) == "each"


@pytest.mark.parametrize("channel", ["email", "in_app"])
def test_a_member_without_email_cannot_be_set_to_be_told_by_email(app, group, facilitator, channel):
    client = client_for(app, facilitator)
    response = client.post(
        f"/groups/{group.slug}/members/new",
        data=member_data(preferred_channels=["letter", channel]),
    )
    assert response.status_code == 422
    assert "They have no email address and cannot sign in" in html(response)
    assert count(User) == 1  # only the facilitator
