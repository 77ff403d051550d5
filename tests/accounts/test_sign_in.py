"""Signing in and out: who gets in, where they land afterwards, and what guards the door."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest

from tests.factories import PASSWORD, make_group, make_member, make_user

NOT_RIGHT = "The email address or password is not right."


def post_sign_in(client, email, password, **kwargs):
    return client.post("/sign-in", data={"email": email, "password": password}, **kwargs)


@contextmanager
def app_config(app, **values):
    """Change app.config for the length of a block; the app is shared by every test."""
    old = {key: app.config[key] for key in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(old)


def is_signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def html(response) -> str:
    return response.get_data(as_text=True)


def csrf_token_from(response) -> str:
    match = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html(response))
    assert match, "the page has no csrf_token field"
    return match.group(1)


# Right and wrong passwords ---------------------------------------------------


def test_right_password_signs_in_and_the_cookie_opens_a_member_page(client):
    group = make_group(name="Riverside Group")
    user, _ = make_member(group, email="rita@example.org")

    response = post_sign_in(client, "rita@example.org", PASSWORD)

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    page = client.get(f"/groups/{group.slug}")
    assert page.status_code == 200
    assert "Riverside Group" in html(page)
    assert user.name in html(page)


def test_email_is_matched_whatever_its_case_and_spaces(client):
    make_user(email="rita@example.org")

    response = post_sign_in(client, "  Rita@Example.ORG ", PASSWORD)

    assert response.status_code == 303
    assert is_signed_in(client)


def _page_without_per_response_values(response, typed_email) -> str:
    page = html(response).replace(typed_email, "TYPED")
    page = re.sub(r'nonce(=|-)"?[A-Za-z0-9_\-]+', "NONCE", page)
    # The CSRF token carries the second it was made, so two answers a second apart differ
    # there; in the htmx header it sits inside an attribute, its quotes written &#34;.
    page = re.sub(r'X-CSRFToken(?:&#34;|"): (?:&#34;|")[^&"]*', "TOKEN", page)
    return re.sub(r'name="csrf_token" value="[^"]*"', "TOKEN", page)


def test_wrong_password_and_unknown_email_get_the_same_answer_keeping_the_typed_email(client):
    make_user(email="rita@example.org")

    wrong = post_sign_in(client, "rita@example.org", "not the password at all")
    unknown = post_sign_in(client, "nobody@example.org", "not the password at all")

    assert wrong.status_code == unknown.status_code == 422
    for response, typed in ((wrong, "rita@example.org"), (unknown, "nobody@example.org")):
        assert NOT_RIGHT in html(response)
        assert f'value="{typed}"' in html(response)
    # Nothing on the page tells an account holder's address from a stranger's.
    assert _page_without_per_response_values(
        wrong, "rita@example.org"
    ) == _page_without_per_response_values(unknown, "nobody@example.org")
    assert not is_signed_in(client)


def test_person_without_a_password_cannot_sign_in_with_any_password(client):
    group = make_group()
    make_member(group, email="nopass@example.org", password=None)

    for password in (PASSWORD, "anything at all here"):
        response = post_sign_in(client, "nopass@example.org", password)

        assert response.status_code == 422
        assert NOT_RIGHT in html(response)
        assert not is_signed_in(client)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "password": PASSWORD}, "Enter an email address"),
        ({"email": "rita@example.org", "password": ""}, "Enter your password"),
        ({}, "Enter an email address"),
        ({"email": "not an address", "password": PASSWORD}, "right format"),
    ],
)
def test_missing_or_malformed_fields_are_refused_with_422(client, data, message):
    make_user(email="rita@example.org")

    response = client.post("/sign-in", data=data)

    assert response.status_code == 422
    assert message in html(response)
    assert not is_signed_in(client)


def test_signing_in_starts_a_fresh_session_dropping_anything_stored_before(client):
    user = make_user(email="rita@example.org")
    with client.session_transaction() as session:
        session["planted"] = "set before sign-in, e.g. by an attacker"

    response = post_sign_in(client, "rita@example.org", PASSWORD)

    assert response.status_code == 303
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == user.get_id()


# Where people land -----------------------------------------------------------


def test_sign_in_follows_a_next_path_on_this_site(client):
    make_user(email="rita@example.org")

    response = client.post(
        "/sign-in",
        query_string={"next": "/groups/x"},
        data={"email": "rita@example.org", "password": PASSWORD},
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/groups/x"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)"],
)
def test_sign_in_ignores_a_next_address_that_leaves_the_site(client, target):
    make_user(email="rita@example.org")

    response = client.post(
        "/sign-in",
        query_string={"next": target},
        data={"email": "rita@example.org", "password": PASSWORD},
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert is_signed_in(client)


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example"])
def test_already_signed_in_visitor_is_not_sent_off_site_either(client, login, target):
    login(make_user())

    response = client.get("/sign-in", query_string={"next": target})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_member_page_sends_a_signed_out_visitor_to_sign_in_and_back(client):
    group = make_group()
    make_member(group, email="rita@example.org")

    wall = client.get(f"/groups/{group.slug}")
    assert wall.status_code == 302
    assert wall.headers["Location"] == f"/sign-in?next=%2Fgroups%2F{group.slug}"

    response = client.post(
        wall.headers["Location"], data={"email": "rita@example.org", "password": PASSWORD}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/groups/{group.slug}"


# Signing out -----------------------------------------------------------------


def test_signing_out_on_one_device_ends_the_session_on_every_device(app, client):
    group = make_group()
    user, _ = make_member(group, email="rita@example.org")
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        assert post_sign_in(device, "rita@example.org", PASSWORD).status_code == 303
        assert device.get(f"/groups/{group.slug}").status_code == 200

    response = phone.post("/sign-out")

    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in"
    for device in (laptop, phone):
        page = device.get(f"/groups/{group.slug}")
        assert page.status_code == 302
        assert page.headers["Location"].startswith("/sign-in")
    # Signing in again works.
    assert post_sign_in(laptop, "rita@example.org", PASSWORD).status_code == 303
    assert laptop.get(f"/groups/{group.slug}").status_code == 200


def test_session_cookie_is_http_only_and_same_site_lax(client):
    make_user(email="rita@example.org")

    response = post_sign_in(client, "rita@example.org", PASSWORD)

    assert response.status_code == 303
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1
    assert "HttpOnly" in cookies[0]
    assert "SameSite=Lax" in cookies[0]


# CSRF ------------------------------------------------------------------------


def test_form_posted_without_csrf_token_is_refused_plainly_and_signs_nobody_in(app, client):
    group = make_group()
    make_member(group, email="rita@example.org")
    with app_config(app, WTF_CSRF_ENABLED=True):
        response = post_sign_in(client, "rita@example.org", PASSWORD)

        assert response.status_code == 400
        assert "This form had expired" in html(response)
        assert "Nothing was saved" in html(response)
        assert not is_signed_in(client)
        assert client.get(f"/groups/{group.slug}").status_code == 302


def test_form_posted_with_a_wrong_csrf_token_is_refused(app, client):
    make_user(email="rita@example.org")
    with app_config(app, WTF_CSRF_ENABLED=True):
        client.get("/sign-in")
        response = client.post(
            "/sign-in",
            data={"email": "rita@example.org", "password": PASSWORD},
            headers={"X-CSRFToken": "forged", "HX-Request": "true"},
        )

        assert response.status_code == 400
        assert "This form had expired" in html(response)
        assert not is_signed_in(client)


def test_htmx_request_carrying_the_csrf_token_in_a_header_is_accepted(app, client):
    group = make_group()
    make_member(group, email="rita@example.org")
    with app_config(app, WTF_CSRF_ENABLED=True):
        token = csrf_token_from(client.get("/sign-in"))

        response = client.post(
            "/sign-in",
            data={"email": "rita@example.org", "password": PASSWORD},
            headers={"X-CSRFToken": token, "HX-Request": "true"},
        )

        assert response.status_code == 303
        assert client.get(f"/groups/{group.slug}").status_code == 200


def test_form_carrying_the_csrf_token_field_is_accepted(app, client):
    make_user(email="rita@example.org")
    with app_config(app, WTF_CSRF_ENABLED=True):
        token = csrf_token_from(client.get("/sign-in"))

        response = client.post(
            "/sign-in",
            data={"email": "rita@example.org", "password": PASSWORD, "csrf_token": token},
        )

        assert response.status_code == 303
        assert is_signed_in(client)
