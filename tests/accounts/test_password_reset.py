"""Forgotten passwords: a link by email that works once, for a short time."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import PasswordReset, User
from app.dbtypes import utcnow
from app.extensions import db
from tests.factories import PASSWORD, make_group, make_member, make_user

NEW_PASSWORD = "kettle orbit lantern meadow"


def html(response) -> str:
    return response.get_data(as_text=True)


def ask_for_reset(client, email):
    return client.post("/password/forgot", data={"email": email})


def reset_path(mailbox, email) -> str:
    [message] = mailbox.to(email)
    match = re.search(r"http://localhost(/password/reset/[A-Za-z0-9_-]+)", mailbox.body(message))
    assert match, mailbox.body(message)
    return match.group(1)


def choose(client, path, password, confirm=None):
    return client.post(
        path, data={"password": password, "confirm": password if confirm is None else confirm}
    )


def sign_in_status(app, email, password) -> int:
    return (
        app.test_client().post("/sign-in", data={"email": email, "password": password}).status_code
    )


def test_unknown_email_gets_the_same_check_your_email_page_and_no_mail(client, mailbox):
    make_user(email="rita@example.org")

    unknown = ask_for_reset(client, "nobody@example.org")
    known = ask_for_reset(client, "rita@example.org")

    assert unknown.status_code == known.status_code == 200
    assert "Check your email" in html(unknown)
    assert "If nobody@example.org has a Logbook account" in html(unknown)
    assert "If rita@example.org has a Logbook account" in html(known)
    assert mailbox.to("nobody@example.org") == []
    assert len(mailbox.messages) == 1
    assert db.session.scalar(select(db.func.count()).select_from(PasswordReset)) == 1


def test_person_without_a_password_is_sent_no_reset_link(client, mailbox):
    group = make_group()
    make_member(group, email="nopass@example.org", password=None)

    response = ask_for_reset(client, "nopass@example.org")

    assert response.status_code == 200
    assert "Check your email" in html(response)
    assert mailbox.messages == []


def test_known_email_is_sent_one_email_with_a_reset_link(client, mailbox):
    make_user(email="rita@example.org", name="Rita Resident")

    response = ask_for_reset(client, " Rita@Example.org")

    assert response.status_code == 200
    [message] = mailbox.to("rita@example.org")
    assert len(mailbox.messages) == 1
    assert message["Subject"] == "Reset your Logbook password"
    assert "Hello Rita Resident" in mailbox.body(message)
    path = reset_path(mailbox, "rita@example.org")
    page = client.get(path)
    assert page.status_code == 200
    assert "Choose a new password" in html(page)


def test_forgot_password_form_needs_an_email_address(client, mailbox):
    response = ask_for_reset(client, "")

    assert response.status_code == 422
    assert "Enter an email address" in html(response)
    assert mailbox.messages == []


def test_reset_link_refuses_weak_or_mismatched_passwords_then_sets_a_good_one(app, client, mailbox):
    make_user(email="rita@example.org")
    ask_for_reset(client, "rita@example.org")
    path = reset_path(mailbox, "rita@example.org")

    too_short = choose(client, path, "short words")
    assert too_short.status_code == 422
    assert "at least 12 characters" in html(too_short)

    guessable = choose(client, path, "password1234")
    assert guessable.status_code == 422
    assert "too easy to guess" in html(guessable)

    mismatch = choose(client, path, NEW_PASSWORD, confirm=NEW_PASSWORD + " x")
    assert mismatch.status_code == 422
    assert "not the same" in html(mismatch)

    # None of the refusals used up the link or changed the password.
    assert sign_in_status(app, "rita@example.org", PASSWORD) == 303

    done = choose(client, path, NEW_PASSWORD)
    assert done.status_code == 303
    assert done.headers["Location"] == "/sign-in"
    assert "Your password has been changed" in html(client.get("/sign-in"))

    assert sign_in_status(app, "rita@example.org", PASSWORD) == 422
    assert sign_in_status(app, "rita@example.org", NEW_PASSWORD) == 303


def test_reset_link_works_only_once(app, client, mailbox):
    make_user(email="rita@example.org")
    ask_for_reset(client, "rita@example.org")
    path = reset_path(mailbox, "rita@example.org")
    assert choose(client, path, NEW_PASSWORD).status_code == 303

    again = client.get(path)
    assert again.status_code == 410
    assert "expired or has already been used" in html(again)

    reused = choose(client, path, "another fine password chosen later")
    assert reused.status_code == 410
    assert sign_in_status(app, "rita@example.org", "another fine password chosen later") == 422
    assert sign_in_status(app, "rita@example.org", NEW_PASSWORD) == 303


def test_reset_link_expires(app, client, mailbox):
    make_user(email="rita@example.org")
    ask_for_reset(client, "rita@example.org")
    path = reset_path(mailbox, "rita@example.org")
    reset = db.session.scalar(select(PasswordReset))
    reset.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    page = client.get(path)
    assert page.status_code == 410
    assert "expired" in html(page)

    attempt = choose(client, path, NEW_PASSWORD)
    assert attempt.status_code == 410
    assert sign_in_status(app, "rita@example.org", NEW_PASSWORD) == 422
    assert sign_in_status(app, "rita@example.org", PASSWORD) == 303


def test_made_up_reset_link_does_not_work(client):
    make_user(email="rita@example.org")

    response = client.get("/password/reset/not-a-real-token")

    assert response.status_code == 410


def test_completing_a_reset_ends_existing_sessions(app, client, mailbox):
    group = make_group()
    make_member(group, email="rita@example.org")
    elsewhere = app.test_client()
    assert (
        elsewhere.post(
            "/sign-in", data={"email": "rita@example.org", "password": PASSWORD}
        ).status_code
        == 303
    )
    assert elsewhere.get(f"/groups/{group.slug}").status_code == 200

    ask_for_reset(client, "rita@example.org")
    assert choose(client, reset_path(mailbox, "rita@example.org"), NEW_PASSWORD).status_code == 303

    page = elsewhere.get(f"/groups/{group.slug}")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/sign-in")
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "rita@example.org"))
    assert user.session_version == 2


def test_completing_a_reset_cancels_the_other_outstanding_reset_links(app, client, mailbox):
    make_user(email="rita@example.org")
    ask_for_reset(client, "rita@example.org")
    ask_for_reset(client, "rita@example.org")
    older, newer = (
        re.search(r"http://localhost(/password/reset/[A-Za-z0-9_-]+)", mailbox.body(m)).group(1)
        for m in mailbox.to("rita@example.org")
    )
    assert choose(client, newer, NEW_PASSWORD).status_code == 303

    assert client.get(older).status_code == 410


def test_reset_refuses_a_password_made_of_the_persons_own_email(app, client, mailbox):
    make_user(email="rita.resident@example.org", name="Rita Resident")
    ask_for_reset(client, "rita.resident@example.org")
    path = reset_path(mailbox, "rita.resident@example.org")

    response = choose(client, path, "rita.resident@example.org")

    assert response.status_code == 422
    assert "too easy to guess" in html(response)


#: A passphrase longer than the 72 characters the strength checker will score.
LONG_PASSWORD = "kettle orbit lantern meadow, quietly folding maps beside the harbour wall!!!"
assert len(LONG_PASSWORD) == 76


def test_reset_accepts_a_long_passphrase_and_it_signs_in(app, client, mailbox):
    long_password = LONG_PASSWORD
    make_user(email="rita@example.org")
    ask_for_reset(client, "rita@example.org")
    path = reset_path(mailbox, "rita@example.org")

    done = choose(client, path, long_password)

    assert done.status_code == 303
    assert sign_in_status(app, "rita@example.org", long_password) == 303
    # Every character counts: the same password cut short is not it.
    assert sign_in_status(app, "rita@example.org", long_password[:72]) == 422


def test_reset_refuses_a_password_over_256_characters_with_a_message(app, client, mailbox):
    make_user(email="rita@example.org")
    ask_for_reset(client, "rita@example.org")
    path = reset_path(mailbox, "rita@example.org")

    longest = (LONG_PASSWORD * 4)[:256]
    too_long = longest + "x"

    refused = choose(client, path, too_long)
    assert refused.status_code == 422
    assert "Use at most 256 characters" in html(refused)
    assert sign_in_status(app, "rita@example.org", PASSWORD) == 303

    assert choose(client, path, longest).status_code == 303
    assert sign_in_status(app, "rita@example.org", longest) == 303
