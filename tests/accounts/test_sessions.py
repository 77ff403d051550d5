"""Signed-in browsers: how long a session lasts, seeing them, ending them, and changing
one's password while signed in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.accounts.models import UserSession
from app.accounts.sessions import SESSION_KEY, describe_browser
from app.dbtypes import utcnow
from app.extensions import db
from app.security.models import SecurityEvent
from tests.accounts.test_sign_in import app_config, html, post_sign_in
from tests.conftest import count
from tests.factories import PASSWORD, make_group, make_member, make_user

NEW_PASSWORD = "kettle orbit lantern meadow"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def browser(app, email="rita@example.org", password=PASSWORD, agent=FIREFOX, address="192.0.2.1"):
    """A fresh browser that has signed in through the form."""
    client = app.test_client()
    response = post_sign_in(
        client,
        email,
        password,
        environ_base={"REMOTE_ADDR": address},
        headers={"User-Agent": agent},
    )
    assert response.status_code == 303
    return client


def works(client) -> bool:
    """Whether the browser still gets a members' page."""
    response = client.get("/account")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def rows(user) -> list[UserSession]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
        )
    )


def shift(row: UserSession, **ago) -> None:
    """Move a session's times into the past, as if that much time had gone by."""
    values = {name: utcnow() - delta for name, delta in ago.items()}
    db.session.execute(update(UserSession).where(UserSession.id == row.id).values(**values))
    db.session.commit()


@pytest.fixture
def rita(client):
    group = make_group()
    user, _ = make_member(group, email="rita@example.org")
    return user


# How long a session lasts -------------------------------------------------------


def test_signing_in_keeps_one_row_for_the_browser_and_only_a_hash_of_its_key(app, rita):
    phone = browser(app, agent=IPHONE, address="198.51.100.20")

    [row] = rows(rita)
    with phone.session_transaction() as cookie:
        key = cookie[SESSION_KEY]
    assert key not in row.key_hash
    assert (row.browser, row.address, row.ended_at) == ("Safari, iPhone", "198.51.100.20", None)


def test_half_an_hour_without_a_request_ends_the_session(app, rita):
    laptop = browser(app)
    [row] = rows(rita)

    shift(row, last_seen_at=timedelta(minutes=29))
    assert works(laptop)
    shift(row, last_seen_at=timedelta(minutes=31))

    page = laptop.get("/account")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/sign-in")


def test_idle_limit_is_a_setting(app, rita):
    laptop = browser(app)
    [row] = rows(rita)
    shift(row, last_seen_at=timedelta(minutes=20))

    with app_config(app, SESSION_IDLE_MINUTES=15):
        assert not works(laptop)


def test_a_busy_session_still_ends_twelve_hours_after_signing_in(app, rita):
    laptop = browser(app)
    [row] = rows(rita)

    shift(row, created_at=timedelta(hours=11, minutes=58))
    assert works(laptop)
    shift(row, created_at=timedelta(hours=12, minutes=1), last_seen_at=timedelta(seconds=5))
    assert not works(laptop)


def test_using_the_site_does_not_move_the_sign_in_time_on(app, rita):
    laptop = browser(app)
    [row] = rows(rita)
    signed_in = row.created_at
    shift(row, last_seen_at=timedelta(minutes=5))

    assert works(laptop)
    saved = laptop.post(
        "/account", data={"name": "Rita", "preferred_channels": "email", "language": "en"}
    )
    assert saved.status_code == 303

    [row] = rows(rita)
    assert row.created_at == signed_in
    assert row.last_seen_at > utcnow() - timedelta(minutes=1)


def test_last_seen_is_written_at_most_once_a_minute(app, rita, count_queries):
    laptop = browser(app)
    works(laptop)
    with count_queries() as q:
        works(laptop)
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in q.statements)

    [row] = rows(rita)
    shift(row, last_seen_at=timedelta(minutes=2))
    with count_queries() as q:
        works(laptop)
    assert any("UPDATE user_sessions" in s for s in q.statements)


def test_a_cookie_without_a_session_key_opens_nothing(app, rita):
    """Someone holding only the old kind of cookie (user id and version) is not let in."""
    stranger = app.test_client()
    with stranger.session_transaction() as cookie:
        cookie["_user_id"] = rita.get_id()
        cookie["_fresh"] = True

    assert not works(stranger)


def test_a_key_from_a_session_that_was_ended_opens_nothing(app, rita):
    laptop = browser(app)
    with laptop.session_transaction() as cookie:
        stolen = dict(cookie)
    assert laptop.post("/sign-out").status_code == 303
    assert rows(rita)[0].ended_at is not None

    thief = app.test_client()
    with thief.session_transaction() as cookie:
        cookie.update(stolen)
        # Even with the version signing out moved on to, the ended row refuses it.
        cookie["_user_id"] = f"{rita.id}:{rita.session_version + 1}"

    assert not works(thief)


# The security page ---------------------------------------------------------------


def test_security_page_lists_each_browser_and_marks_this_one(app, rita):
    laptop = browser(app, agent=FIREFOX, address="192.0.2.1")
    browser(app, agent=IPHONE, address="198.51.100.20")

    page = laptop.get("/account/security")

    assert page.status_code == 200
    text = html(page)
    assert "Firefox, Windows" in text and "Safari, iPhone" in text
    assert "192.0.2.1" in text and "198.51.100.20" in text
    assert text.count("This browser") == 1
    assert text.count("Sign out this browser") == 1
    assert "Sign out everywhere else" in text


def test_profile_page_links_to_the_security_page(app, rita):
    laptop = browser(app)
    assert 'href="/account/security"' in html(laptop.get("/account"))


def test_signing_out_another_browser_ends_it_and_keeps_this_one(app, rita):
    laptop = browser(app)
    phone = browser(app, agent=IPHONE)
    phone_row = rows(rita)[1]

    response = laptop.post(f"/account/security/sessions/{phone_row.id}/end")

    assert response.status_code == 303
    assert "That browser has been signed out." in html(laptop.get("/account/security"))
    assert not works(phone)
    assert works(laptop)


def test_nobody_can_end_someone_elses_session(app, rita):
    rita_laptop = browser(app)
    [ritas_row] = rows(rita)
    make_user(email="mallory@example.org")
    mallory = browser(app, email="mallory@example.org")

    response = mallory.post(f"/account/security/sessions/{ritas_row.id}/end")

    assert response.status_code == 303
    assert works(rita_laptop)
    assert rows(rita)[0].ended_at is None


def test_sign_out_everywhere_else_keeps_only_this_browser(app, rita):
    laptop = browser(app)
    others = [browser(app, agent=IPHONE) for _ in range(2)]

    assert laptop.post("/account/security/end-others").status_code == 303

    assert works(laptop)
    assert not any(works(other) for other in others)
    assert "You are not signed in anywhere else." in html(laptop.get("/account/security"))


def test_ending_this_browser_from_its_own_list_does_nothing(app, rita):
    laptop = browser(app)
    [row] = rows(rita)

    assert laptop.post(f"/account/security/sessions/{row.id}/end").status_code == 303
    assert works(laptop)


def test_signed_out_visitor_is_sent_to_sign_in_from_the_security_pages(client):
    for path in ("/account/security", "/account/password"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in")


# Changing one's password ---------------------------------------------------------


def change(client, current, new, confirm=None):
    return client.post(
        "/account/password",
        data={
            "current_password": current,
            "password": new,
            "confirm": new if confirm is None else confirm,
        },
    )


def test_changing_password_signs_out_every_other_browser_and_emails_the_person(app, rita, mailbox):
    laptop = browser(app)
    phone = browser(app, agent=IPHONE)

    response = change(laptop, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 303
    assert response.headers["Location"] == "/account/security"
    assert works(laptop)
    assert not works(phone)
    [message] = mailbox.to("rita@example.org")
    body = mailbox.body(message)
    assert "Your Logbook password was changed on" in body
    assert re.search(r"changed on \d{1,2} \w+ \d{4}, \d\d:\d\d", body)
    assert "If this was not you, reset your password now: http://localhost/password/forgot" in body
    # The old password no longer opens the account; the new one does.
    assert (
        app.test_client()
        .post("/sign-in", data={"email": "rita@example.org", "password": PASSWORD})
        .status_code
        == 422
    )
    browser(app, password=NEW_PASSWORD)
    assert count(SecurityEvent, SecurityEvent.kind == "password.changed") == 1


def test_a_wrong_current_password_changes_nothing(app, rita, mailbox):
    laptop = browser(app)
    phone = browser(app, agent=IPHONE)

    response = change(laptop, "not my password at all", NEW_PASSWORD)

    assert response.status_code == 422
    assert "Your current password is not right." in html(response)
    assert works(phone)
    assert mailbox.messages == []
    browser(app, password=PASSWORD)


@pytest.mark.parametrize(
    ("new", "confirm", "says"),
    [
        ("short", None, "Use at least 12 characters."),
        ("password1234", None, "too easy to guess"),
        ("rita@example.org rita", None, "too easy to guess"),
        ("x" * 257, None, "at most 256 characters"),
        (NEW_PASSWORD, "something else entirely", "The two passwords are not the same"),
        ("", None, "Choose a password"),
    ],
)
def test_new_password_follows_the_same_rules_as_a_reset(app, rita, mailbox, new, confirm, says):
    laptop = browser(app)

    response = change(laptop, PASSWORD, new, confirm)

    assert response.status_code == 422
    assert says in html(response)
    assert mailbox.messages == []
    browser(app, password=PASSWORD)


def test_a_long_passphrase_of_256_characters_is_accepted(app, rita, mailbox):
    laptop = browser(app)
    passphrase = ("lantern kettle orbit meadow " * 10)[:256]

    assert change(laptop, PASSWORD, passphrase).status_code == 303
    browser(app, password=passphrase)


def test_a_stolen_session_cannot_guess_the_current_password_for_ever(app, rita):
    laptop = browser(app)
    with app_config(app, PASSWORD_CHANGE_LIMIT_PER_PERSON="3 per minute"):
        for n in range(3):
            assert change(laptop, f"guess number {n}", NEW_PASSWORD).status_code == 422

        refused = change(laptop, PASSWORD, NEW_PASSWORD)

    assert refused.status_code == 429
    browser(app, password=PASSWORD)


def test_resetting_a_password_also_emails_to_say_it_changed(app, rita, mailbox):
    laptop = browser(app)
    assert app.test_client().post("/password/forgot", data={"email": rita.email}).status_code == 200
    [link_mail] = mailbox.to(rita.email)
    path = re.search(r"http://localhost(/password/reset/\S+)", mailbox.body(link_mail)).group(1)

    done = app.test_client().post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert done.status_code == 303
    assert not works(laptop)
    assert all(row.ended_at is not None for row in rows(rita))
    changed = [m for m in mailbox.to(rita.email) if "was changed" in str(m["Subject"])]
    assert len(changed) == 1
    assert "If this was not you, reset your password now" in mailbox.body(changed[0])


# Browser descriptions ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("agent", "described"),
    [
        (FIREFOX, "Firefox, Windows"),
        (IPHONE, "Safari, iPhone"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge, Mac",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
            "Samsung Internet, Android",
        ),
        ("curl/8.5.0", None),
        ("", None),
        (None, None),
    ],
)
def test_browser_is_described_in_a_few_words(agent, described):
    assert describe_browser(agent) == described


def test_security_page_leaves_out_browsers_that_were_signed_out_or_ran_out(app, rita):
    laptop = browser(app, agent=FIREFOX)
    browser(app, agent=IPHONE)
    browser(app, agent="Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) Version/17.5 Safari/604.1")
    browser(app, agent="Mozilla/5.0 (Linux; Android 14) Chrome/126.0.0.0 Mobile Safari/537.36")
    _laptop, phone_row, tablet_row, _android = rows(rita)
    shift(phone_row, last_seen_at=timedelta(hours=2))
    assert laptop.post(f"/account/security/sessions/{tablet_row.id}/end").status_code == 303

    page = html(laptop.get("/account/security"))

    assert "Firefox, Windows" in page and "Chrome, Android" in page
    assert "Safari, iPhone" not in page
    assert "Safari, iPad" not in page
    assert page.count("Sign out this browser") == 1


def test_a_session_cannot_be_ended_by_following_a_link(app, rita):
    laptop = browser(app)
    phone = browser(app, agent=IPHONE)
    phone_row = rows(rita)[1]

    assert laptop.get(f"/account/security/sessions/{phone_row.id}/end").status_code == 405
    assert laptop.get("/account/security/end-others").status_code == 405
    assert works(phone)


def test_sessions_long_over_are_removed_when_the_person_next_signs_in(app, rita):
    browser(app)
    browser(app, agent=IPHONE)
    old, recent = rows(rita)
    old_id, recent_id = old.id, recent.id
    shift(old, created_at=timedelta(days=31), last_seen_at=timedelta(days=31))
    shift(recent, created_at=timedelta(days=29), last_seen_at=timedelta(days=29))

    browser(app)

    remaining = [row.id for row in rows(rita)]
    assert old_id not in remaining
    assert recent_id in remaining
    assert len(remaining) == 2
