"""Limits on signing in, seen from the attacker's side: guessing is stopped, but a hall
full of people on one connection, or someone guessing at your account from
elsewhere, does not keep you out."""

from __future__ import annotations

from sqlalchemy import select

from app.security.models import SecurityEvent
from tests.accounts.test_sign_in import app_config, html, is_signed_in, post_sign_in
from tests.conftest import count
from tests.factories import PASSWORD, make_user

HALL = "192.0.2.10"
ATTACKER = "203.0.113.66"
HOME = "198.51.100.7"


def from_(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def kinds(kind: str) -> list[SecurityEvent]:
    count(SecurityEvent)  # expire what the session holds: events are stored after requests
    from app.extensions import db

    return list(db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind == kind)))


def test_forty_people_signing_in_from_one_hall_connection_all_get_in(app, ctx):
    people = [make_user() for _ in range(40)]

    for person in people:
        browser = app.test_client()
        response = post_sign_in(browser, person.email, PASSWORD, **from_(HALL))
        assert response.status_code == 303, person.email
        assert is_signed_in(browser)


def test_a_facilitator_signing_people_in_one_after_another_is_never_stopped(app, client):
    person = make_user(email="rita@example.org")
    with app_config(app, LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS="3 per minute"):
        for _ in range(8):
            browser = app.test_client()
            assert post_sign_in(browser, person.email, PASSWORD, **from_(HALL)).status_code == 303
            assert browser.post("/sign-out").status_code == 303


def test_eleventh_wrong_password_from_one_address_is_refused_even_when_right(app, client):
    make_user(email="target@example.org")
    for n in range(10):
        wrong = post_sign_in(client, "target@example.org", f"guess number {n}", **from_(ATTACKER))
        assert wrong.status_code == 422, n

    # Spelt differently, with the right password: the attacker cannot test it any more.
    blocked = post_sign_in(client, " TARGET@Example.org", PASSWORD, **from_(ATTACKER))

    assert blocked.status_code == 429
    assert "Too many attempts" in html(blocked)
    assert not is_signed_in(client)
    [limited] = kinds("sign_in.limited")
    assert limited.details["email"] == "target@example.org"
    assert limited.address == ATTACKER


def test_guessing_at_an_account_from_one_address_does_not_lock_its_owner_out(app, client):
    owner = make_user(email="target@example.org")
    for n in range(11):
        post_sign_in(client, "target@example.org", f"guess number {n}", **from_(ATTACKER))
    assert (
        post_sign_in(client, "target@example.org", PASSWORD, **from_(ATTACKER)).status_code == 429
    )

    at_home = app.test_client()
    response = post_sign_in(at_home, "target@example.org", PASSWORD, **from_(HOME))

    assert response.status_code == 303
    assert is_signed_in(at_home)
    [ok] = kinds("sign_in.ok")
    assert (ok.user_id, ok.address) == (owner.id, HOME)


def test_one_address_trying_passwords_on_many_accounts_is_stopped(app, client):
    people = [make_user() for _ in range(5)]
    with app_config(app, LOGIN_LIMIT_PER_ADDRESS="3 per minute"):
        for person in people[:3]:
            wrong = post_sign_in(client, person.email, "Summer2026!", **from_(ATTACKER))
            assert wrong.status_code == 422

        # A fourth account, even with its right password, is refused from there...
        blocked = post_sign_in(client, people[3].email, PASSWORD, **from_(ATTACKER))
        assert blocked.status_code == 429
        assert not is_signed_in(client)

        # ...and the same person signs in from anywhere else.
        elsewhere = app.test_client()
        assert post_sign_in(elsewhere, people[3].email, PASSWORD, **from_(HOME)).status_code == 303


def test_guessing_spread_over_many_addresses_meets_the_account_wide_limit(app, client):
    make_user(email="target@example.org")
    with app_config(app, LOGIN_LIMIT_PER_ACCOUNT="5 per minute"):
        for n in range(5):
            address = f"203.0.113.{n + 1}"
            wrong = post_sign_in(client, "target@example.org", "a wrong guess", **from_(address))
            assert wrong.status_code == 422

        blocked = post_sign_in(client, "target@example.org", PASSWORD, **from_("203.0.113.99"))
        assert blocked.status_code == 429


def test_each_failure_is_recorded_with_the_email_tried_and_never_the_password(app, client):
    make_user(email="rita@example.org")

    post_sign_in(client, "Rita@example.org", "my secret guess", **from_(ATTACKER))
    post_sign_in(client, "nobody@example.org", "another secret guess", **from_(ATTACKER))

    failed = kinds("sign_in.failed")
    assert sorted(e.details["email"] for e in failed) == ["nobody@example.org", "rita@example.org"]
    assert all(e.address == ATTACKER for e in failed)
    assert "secret guess" not in repr([e.details for e in failed])


def test_forgot_password_is_still_limited_per_address(app, client, mailbox):
    make_user(email="rita@example.org")
    with app_config(app, FORGOT_PASSWORD_LIMIT_PER_ADDRESS="3 per minute"):
        for _ in range(3):
            asked = client.post(
                "/password/forgot", data={"email": "rita@example.org"}, **from_(ATTACKER)
            )
            assert asked.status_code == 200

        flooded = client.post(
            "/password/forgot", data={"email": "rita@example.org"}, **from_(ATTACKER)
        )

        assert flooded.status_code == 429
        assert len(mailbox.to("rita@example.org")) == 3


def test_looking_at_the_sign_in_page_is_not_rate_limited(app, client):
    with app_config(app, LOGIN_LIMIT_PER_ADDRESS="2 per minute"):
        for _ in range(5):
            assert client.get("/sign-in").status_code == 200


# Addresses behind proxies ------------------------------------------------------


def site_behind(app, proxies: int):
    from tests.test_keys_and_cookies import app_like

    return app_like(app, TRUSTED_PROXIES=proxies, LOGIN_LIMIT_PER_ADDRESS="3 per minute")


def spoofed(address: str) -> dict:
    """A request from the attacker's own address claiming, in X-Forwarded-For, to come
    from somewhere fresh."""
    return {"environ_base": {"REMOTE_ADDR": ATTACKER}, "headers": {"X-Forwarded-For": address}}


def test_with_no_trusted_proxy_a_forged_forwarded_for_header_gives_no_fresh_address(app, ctx):
    site = site_behind(app, 0)
    people = [make_user() for _ in range(4)]
    client = site.test_client()
    for n, person in enumerate(people[:3]):
        wrong = post_sign_in(client, person.email, "a wrong guess", **spoofed(f"10.0.0.{n}"))
        assert wrong.status_code == 422

    blocked = post_sign_in(client, people[3].email, "a wrong guess", **spoofed("10.9.9.9"))

    assert blocked.status_code == 429
    [limited] = kinds("sign_in.limited")
    assert limited.address == ATTACKER


def test_behind_one_trusted_proxy_the_address_it_forwards_is_the_one_counted(app, ctx):
    site = site_behind(app, 1)
    people = [make_user() for _ in range(4)]
    client = site.test_client()
    # Here ATTACKER is the proxy's own address; X-Forwarded-For is what it saw.
    for person in people[:3]:
        post_sign_in(client, person.email, "a wrong guess", **spoofed("192.0.2.50"))
    assert (
        post_sign_in(client, people[3].email, PASSWORD, **spoofed("192.0.2.50")).status_code == 429
    )

    neighbour = site.test_client()
    response = post_sign_in(neighbour, people[3].email, PASSWORD, **spoofed("192.0.2.51"))

    assert response.status_code == 303
    [ok] = [e for e in kinds("sign_in.ok") if e.user_id == people[3].id]
    assert ok.address == "192.0.2.51"
