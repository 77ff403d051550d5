"""Typing the password again: a cookie taken from a shared computer, without the
password, cannot publish a log, change a role or someone's contact details."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from app.extensions import db
from app.groups.models import Group, Membership
from app.security.models import SecurityEvent
from tests.conftest import sign_in
from tests.factories import PASSWORD, make_group, make_member

STALE = 11 * 60  # seconds: more than the 10 minutes a typed password counts for


def events(kind: str) -> list[SecurityEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind == kind)))


def settings_form(group, **changes) -> dict:
    data = {
        "name": group.name,
        "neighbourhood": group.neighbourhood,
        "inform_within_days": "14",
        "notice_period_days": "28",
        "who_may_vote": group.who_may_vote,
    }
    data.update(changes)
    return data


def stale_client(app, user):
    client = app.test_client()
    sign_in(client, user, password_typed_ago=STALE)
    return client


def sent_to_confirm(response, back_to: str) -> bool:
    if response.status_code != 303:
        return False
    parts = urlsplit(response.headers["Location"])
    return parts.path == "/account/confirm" and parse_qs(parts.query)["next"] == [back_to]


def test_publishing_the_log_needs_the_password_typed_lately(app, ctx):
    group = make_group(public_log=False)
    facilitator, _ = make_member(group, "facilitator")
    client = stale_client(app, facilitator)
    url = f"/groups/{group.slug}/settings"

    response = client.post(url, data=settings_form(group, public_log="y", name="Renamed"))

    assert sent_to_confirm(response, url)
    db.session.expire_all()
    published = db.session.get(Group, group.id)
    assert not published.public_log
    assert published.name != "Renamed"  # nothing of the form was kept

    wrong = client.post(f"/account/confirm?next={url}", data={"password": "not it at all"})
    assert wrong.status_code == 422
    assert len(events("reauth.failed")) == 1

    right = client.post(f"/account/confirm?next={url}", data={"password": PASSWORD})
    assert right.status_code == 303
    assert right.headers["Location"] == url
    assert len(events("reauth.ok")) == 1

    asked = client.post(url, data=settings_form(group, public_log="y"))
    assert asked.status_code == 200 and "Publish the group" in asked.text  # and then to confirm
    done = client.post(url, data=settings_form(group, public_log="y", confirm="yes"))
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(Group, group.id).public_log


def test_other_group_settings_do_not_ask_for_the_password(app, ctx):
    group = make_group(public_log=False)
    facilitator, _ = make_member(group, "facilitator")
    client = stale_client(app, facilitator)

    response = client.post(
        f"/groups/{group.slug}/settings", data=settings_form(group, name="Riverside Voices")
    )

    assert response.status_code == 303
    assert response.headers["Location"] == f"/groups/{group.slug}"
    db.session.expire_all()
    assert db.session.get(Group, group.id).name == "Riverside Voices"


def member_form(person, **changes) -> dict:
    data = {
        "name": person.name,
        "role": "resident",
        "preferred_channels": ["in_app"],
        "language": "en",
        "digest": "each",
    }
    data.update(changes)
    return data


def test_changing_a_role_needs_the_password_typed_lately_and_is_recorded(app, ctx):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    resident, membership = make_member(group, "resident")
    url = f"/groups/{group.slug}/members/{membership.id}/edit"

    stale = stale_client(app, facilitator)
    response = stale.post(url, data={"role": "facilitator"})
    assert sent_to_confirm(response, url)
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).role == "resident"
    assert events("role.changed") == []

    fresh = app.test_client()
    sign_in(fresh, facilitator)
    assert fresh.post(url, data={"role": "officer"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).role == "officer"
    (changed,) = events("role.changed")
    assert changed.user_id == facilitator.id
    assert changed.details == {
        "group_id": group.id,
        "member_user_id": resident.id,
        "old_role": "resident",
        "new_role": "officer",
    }


def test_editing_someone_elses_contact_details_needs_the_password_typed_lately(app, ctx):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    # The one kind of member whose details a facilitator keeps: no account, this group only.
    resident, membership = make_member(group, "resident", email=None)
    url = f"/groups/{group.slug}/members/{membership.id}/edit"

    response = stale_client(app, facilitator).post(
        url, data=member_form(resident, phone="07700 900999", preferred_channels=["phone"])
    )

    assert sent_to_confirm(response, url)
    db.session.expire_all()
    assert db.session.get(type(resident), resident.id).phone is None


def test_the_edit_page_itself_still_opens_with_an_old_password(app, ctx):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    _resident, membership = make_member(group, "resident")

    response = stale_client(app, facilitator).get(
        f"/groups/{group.slug}/members/{membership.id}/edit"
    )

    assert response.status_code == 200


def test_outsiders_are_refused_before_being_asked_for_a_password(app, ctx):
    group = make_group()
    _resident, membership = make_member(group, "resident")
    outsider, _ = make_member(make_group(), "facilitator")

    response = stale_client(app, outsider).post(
        f"/groups/{group.slug}/members/{membership.id}/edit", data={"role": "facilitator"}
    )

    assert response.status_code == 404


def test_confirming_never_sends_the_person_to_another_site(app, ctx):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    client = stale_client(app, facilitator)

    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(f"/account/confirm?next={target}", data={"password": PASSWORD})
        assert response.status_code == 303
        assert response.headers["Location"] == "/account", target


def test_guessing_the_password_on_the_confirm_page_is_limited(app, ctx):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    client = stale_client(app, facilitator)

    answers = [
        client.post("/account/confirm", data={"password": f"guess number {n}"}).status_code
        for n in range(12)
    ]

    assert answers[:10] == [422] * 10
    assert answers[10:] == [429, 429]
    # Even the right password waits now.
    assert client.post("/account/confirm", data={"password": PASSWORD}).status_code == 429
