"""Invitations: a facilitator emails a link; the link lets one person join, once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.dbtypes import utcnow
from app.extensions import db
from app.groups.models import Invitation, Membership
from tests.conftest import count, sign_in
from tests.factories import PASSWORD, make_group, make_member, make_user

NEW_PASSWORD = "kettle orbit lantern meadow"


def html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def facilitated(app, ctx):
    """A group, and a test client signed in as its facilitator."""
    group = make_group(name="Riverside Group")
    facilitator, _ = make_member(group, "facilitator", name="Fatima Facilitator")
    client = app.test_client()
    sign_in(client, facilitator)
    return group, facilitator, client


def invite(client, group, email, name="Nia New", role="resident"):
    return client.post(
        f"/groups/{group.slug}/invitations", data={"name": name, "email": email, "role": role}
    )


def join_paths(mailbox, email) -> list[str]:
    paths = []
    for message in mailbox.to(email):
        match = re.search(r"http://localhost(/join/[A-Za-z0-9_-]+)", mailbox.body(message))
        assert match, mailbox.body(message)
        paths.append(match.group(1))
    return paths


def join_path(mailbox, email) -> str:
    [path] = join_paths(mailbox, email)
    return path


def join_as_new(client, path, name="Nia New", password=NEW_PASSWORD, confirm=None):
    return client.post(
        path,
        data={
            "name": name,
            "password": password,
            "confirm": password if confirm is None else confirm,
        },
    )


def membership_of(group, email) -> Membership | None:
    db.session.expire_all()
    return db.session.scalar(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.group_id == group.id, User.email == email)
    )


def invitation_for(email) -> Invitation:
    db.session.expire_all()
    return db.session.scalar(select(Invitation).where(Invitation.email == email))


# Sending ---------------------------------------------------------------------


def test_facilitator_invitation_sends_one_email_with_a_join_link(facilitated, mailbox):
    group, facilitator, client = facilitated

    response = invite(client, group, "nia@example.org", role="officer")

    assert response.status_code == 200
    page = html(response)
    assert "Invitation created" in page
    assert "We have emailed them a link to join Riverside Group" in page
    [message] = mailbox.to("nia@example.org")
    assert len(mailbox.messages) == 1
    assert message["Subject"] == "You are invited to join Riverside Group on Logbook"
    assert "Fatima Facilitator has invited you" in mailbox.body(message)
    path = join_path(mailbox, "nia@example.org")
    assert f"http://localhost{path}" in page  # the same link, shown once to the facilitator
    invitation = invitation_for("nia@example.org")
    assert invitation.role == "officer"
    assert invitation.email_sent is True
    assert invitation.invited_by_id == facilitator.id


def test_pending_invitation_is_listed_for_the_facilitator(facilitated, mailbox):
    group, _, client = facilitated
    invite(client, group, "nia@example.org")

    page = client.get(f"/groups/{group.slug}/invitations")

    assert page.status_code == 200
    assert "nia@example.org" in html(page)
    assert "email not sent" not in html(page)


def test_resident_cannot_send_invitations(app, ctx, mailbox):
    group = make_group()
    resident, _ = make_member(group, "resident")
    client = app.test_client()
    sign_in(client, resident)

    response = invite(client, group, "nia@example.org")

    assert response.status_code == 403
    assert mailbox.messages == []
    assert count(Invitation) == 0


def test_inviting_someone_already_a_member_is_refused(facilitated, mailbox):
    group, _, client = facilitated
    make_member(group, "resident", email="rita@example.org")

    response = invite(client, group, "Rita@Example.org")

    assert response.status_code == 422
    assert "already a member" in html(response)
    assert mailbox.messages == []
    assert count(Invitation) == 0


def test_invitation_is_kept_and_its_link_shown_when_the_mail_server_refuses(facilitated, mailbox):
    group, _, client = facilitated
    mailbox.refuse_with = "451 try later"

    response = invite(client, group, "nia@example.org")

    assert response.status_code == 200
    page = html(response)
    assert "We could not send the email just now" in page
    match = re.search(
        r'<code id="invitation-link">http://localhost(/join/[A-Za-z0-9_-]+)</code>', page
    )
    assert match
    assert mailbox.messages == []
    invitation = invitation_for("nia@example.org")
    assert invitation is not None
    assert invitation.email_sent is False
    listed = html(client.get(f"/groups/{group.slug}/invitations"))
    assert "email not sent" in listed
    # The link shown on the page works.
    visitor = client.application.test_client()
    assert visitor.get(match.group(1)).status_code == 200


# Joining as a new person -----------------------------------------------------


def test_new_person_joins_with_the_link_and_is_signed_in_with_the_invited_role(
    app, facilitated, mailbox
):
    group, _, client = facilitated
    invite(client, group, "nia@example.org", name="Nia New", role="officer")
    path = join_path(mailbox, "nia@example.org")
    newcomer = app.test_client()

    form = newcomer.get(path)
    assert form.status_code == 200
    assert "Join Riverside Group" in html(form)
    assert 'value="Nia New"' in html(form)

    response = join_as_new(newcomer, path, name="Nia Newcomer")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/groups/{group.slug}"
    membership = membership_of(group, "nia@example.org")
    assert membership is not None
    assert membership.role == "officer"
    user = db.session.get(User, membership.user_id)
    assert user.name == "Nia Newcomer"
    home = newcomer.get(f"/groups/{group.slug}")
    assert home.status_code == 200
    assert "Welcome to Riverside Group" in html(home)
    # And the new password works from anywhere.
    other = app.test_client()
    signed_in = other.post("/sign-in", data={"email": "nia@example.org", "password": NEW_PASSWORD})
    assert signed_in.status_code == 303


def test_join_with_a_too_easy_password_keeps_nothing(app, facilitated, mailbox):
    group, _, client = facilitated
    invite(client, group, "nia@example.org")
    path = join_path(mailbox, "nia@example.org")
    newcomer = app.test_client()

    response = join_as_new(newcomer, path, password="password1234")

    assert response.status_code == 422
    assert "too easy to guess" in html(response)
    assert count(User, User.email == "nia@example.org") == 0
    assert invitation_for("nia@example.org").accepted_at is None
    # The link still works for a better password.
    assert join_as_new(newcomer, path).status_code == 303


def test_join_with_a_76_character_passphrase_works(app, facilitated, mailbox):
    long_password = "kettle orbit lantern meadow, quietly folding maps beside the harbour wall!!!"
    assert len(long_password) == 76
    group, _, client = facilitated
    invite(client, group, "nia@example.org")
    path = join_path(mailbox, "nia@example.org")

    response = join_as_new(app.test_client(), path, password=long_password)

    assert response.status_code == 303
    assert membership_of(group, "nia@example.org") is not None
    signed_in = app.test_client().post(
        "/sign-in", data={"email": "nia@example.org", "password": long_password}
    )
    assert signed_in.status_code == 303


def test_join_with_mismatched_passwords_keeps_nothing(app, facilitated, mailbox):
    group, _, client = facilitated
    invite(client, group, "nia@example.org")
    path = join_path(mailbox, "nia@example.org")

    response = join_as_new(app.test_client(), path, confirm=NEW_PASSWORD + "!")

    assert response.status_code == 422
    assert "not the same" in html(response)
    assert count(User, User.email == "nia@example.org") == 0


def test_used_link_cannot_be_used_again(app, facilitated, mailbox):
    group, _, client = facilitated
    invite(client, group, "nia@example.org")
    path = join_path(mailbox, "nia@example.org")
    assert join_as_new(app.test_client(), path).status_code == 303

    stranger = app.test_client()
    again = stranger.get(path)
    assert again.status_code == 410
    assert "already been used" in html(again)
    assert join_as_new(stranger, path, name="Someone Else").status_code == 410
    assert count(User, User.email == "nia@example.org") == 1
    assert count(Membership, Membership.group_id == group.id) == 2


def test_expired_link_does_not_work(app, facilitated, mailbox):
    group, _, client = facilitated
    invite(client, group, "nia@example.org")
    path = join_path(mailbox, "nia@example.org")
    invitation = invitation_for("nia@example.org")
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    newcomer = app.test_client()

    page = newcomer.get(path)
    assert page.status_code == 410
    assert "expired" in html(page)
    assert join_as_new(newcomer, path).status_code == 410
    assert count(User, User.email == "nia@example.org") == 0


def test_withdrawn_link_does_not_work(app, facilitated, mailbox):
    group, _, client = facilitated
    invite(client, group, "nia@example.org")
    path = join_path(mailbox, "nia@example.org")
    invitation = invitation_for("nia@example.org")

    withdrawn = client.post(f"/groups/{group.slug}/invitations/{invitation.id}/withdraw")

    assert withdrawn.status_code == 303
    listing = html(client.get(f"/groups/{group.slug}/invitations"))
    assert "The invitation has been withdrawn" in listing
    assert "nia@example.org" not in listing
    newcomer = app.test_client()
    page = newcomer.get(path)
    assert page.status_code == 410
    assert "withdrawn" in html(page)
    assert join_as_new(newcomer, path).status_code == 410
    assert count(User, User.email == "nia@example.org") == 0


def test_withdrawing_an_invitation_of_another_group_does_nothing(app, facilitated, mailbox):
    group, _, client = facilitated
    other_group = make_group()
    other_facilitator, _ = make_member(other_group, "facilitator")
    other_client = app.test_client()
    sign_in(other_client, other_facilitator)
    invite(other_client, other_group, "nia@example.org")
    invitation = invitation_for("nia@example.org")

    response = client.post(f"/groups/{group.slug}/invitations/{invitation.id}/withdraw")

    assert response.status_code == 303
    assert invitation_for("nia@example.org").revoked_at is None
    assert "already been used or withdrawn" in html(client.get(f"/groups/{group.slug}/invitations"))


def test_unknown_link_is_not_found(client):
    response = client.get("/join/not-a-real-token")

    assert response.status_code == 404
    assert "We do not recognise this invitation link" in html(response)


def test_using_one_of_two_invitations_withdraws_the_other(app, facilitated, mailbox):
    group, _, client = facilitated
    assert invite(client, group, "nia@example.org").status_code == 200
    assert invite(client, group, "nia@example.org").status_code == 200
    first, second = join_paths(mailbox, "nia@example.org")
    assert first != second
    assert count(Invitation, Invitation.email == "nia@example.org") == 2

    newcomer = app.test_client()
    assert join_as_new(newcomer, first).status_code == 303

    # The second link was withdrawn when the first was used: nobody can use it.
    stranger = app.test_client()
    page = stranger.get(second)
    assert page.status_code == 410
    assert "withdrawn" in html(page)
    assert newcomer.post(second).status_code == 410
    listing = html(client.get(f"/groups/{group.slug}/invitations"))
    assert "No invitations are waiting." in listing
    assert count(User, User.email == "nia@example.org") == 1
    assert count(Membership, Membership.group_id == group.id) == 2


# Joining with an existing account --------------------------------------------


def test_account_holder_signed_out_is_told_to_sign_in_first_and_comes_back(
    app, facilitated, mailbox
):
    group, _, client = facilitated
    make_user(email="olu@example.org")
    invite(client, group, "olu@example.org")
    path = join_path(mailbox, "olu@example.org")
    visitor = app.test_client()

    page = visitor.get(path)

    assert page.status_code == 200
    assert "You already have a Logbook account" in html(page)
    assert count(Membership, Membership.group_id == group.id) == 1
    # A join form posted anyway creates nothing.
    assert join_as_new(visitor, path).status_code == 200
    assert count(User, User.email == "olu@example.org") == 1
    assert membership_of(group, "olu@example.org") is None
    # The sign-in button brings them back to the link.
    signed_in = visitor.post(
        "/sign-in",
        query_string={"next": path},
        data={"email": "olu@example.org", "password": PASSWORD},
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["Location"] == path


def test_account_holder_signed_in_joins_with_one_button(app, facilitated, mailbox):
    group, _, client = facilitated
    olu = make_user(email="olu@example.org")
    invite(client, group, "olu@example.org", role="partner")
    path = join_path(mailbox, "olu@example.org")
    member_client = app.test_client()
    sign_in(member_client, olu)

    page = member_client.get(path)
    assert page.status_code == 200
    assert "Join the group" in html(page)
    assert "You have been invited to join as Partner" in html(page)

    response = member_client.post(path)

    assert response.status_code == 303
    assert response.headers["Location"] == f"/groups/{group.slug}"
    membership = membership_of(group, "olu@example.org")
    assert membership is not None
    assert membership.role == "partner"
    assert member_client.get(f"/groups/{group.slug}").status_code == 200
    assert member_client.get(path).status_code == 410


def test_a_signed_in_person_cannot_use_an_invitation_sent_to_someone_else(
    app, facilitated, mailbox
):
    group, _, client = facilitated
    other = make_user(email="someone.else@example.org")
    invite(client, group, "olu@example.org", role="facilitator")
    path = join_path(mailbox, "olu@example.org")
    forwarded = app.test_client()
    sign_in(forwarded, other)

    response = forwarded.post(path)

    assert response.status_code == 303
    assert "This invitation was sent to olu@example.org" in html(
        forwarded.get(response.headers["Location"])
    )
    assert membership_of(group, "someone.else@example.org") is None
    assert invitation_for("olu@example.org").accepted_at is None  # still usable by Olu
