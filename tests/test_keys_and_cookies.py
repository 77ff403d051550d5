"""Keys and cookies, from the attacker's side: a session cookie signed with the old
built-in development key opens nothing; production will not start with a guessable
key; and in production the session cookie and HTTPS are as strict as browsers allow."""

from __future__ import annotations

import secrets
import stat
import threading

import pytest
from flask import Flask

from app import create_app
from app.accounts import sessions
from app.config import TestConfig, UnsafeConfiguration, local_secret_key
from app.extensions import db
from tests.factories import PASSWORD, make_user

OLD_BUILT_IN_KEY = "dev-only-not-secret"
HTTPS = "https://logbook.example.org"


def signed_session(secret_key: str, payload: dict) -> str:
    """A session cookie as Flask makes it, signed with `secret_key`."""
    signer = Flask("forger")
    signer.secret_key = secret_key
    return signer.session_interface.get_signing_serializer(signer).dumps(payload)


def app_like(app, **settings) -> Flask:
    """Another app on the test database, built with these settings."""
    config = type(
        "Config",
        (TestConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "MAIL_PORT": app.config["MAIL_PORT"],
            **settings,
        },
    )
    return create_app(config)


def development_app(app, key_file) -> Flask:
    """A development run with no SECRET_KEY set, as on a fresh clone."""
    return app_like(app, LOGBOOK_ENV="development", SECRET_KEY=None, SECRET_KEY_FILE=str(key_file))


def production_app(app, **settings) -> Flask:
    return app_like(
        app,
        **{
            "LOGBOOK_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "MAIL_SERVER": "127.0.0.1",
            **settings,
        },
    )


# Development: a key of its own, made once ---------------------------------------------


def test_a_development_run_makes_a_private_random_key_once_and_keeps_it(app, tmp_path):
    key_file = tmp_path / "instance" / "secret_key"

    first = development_app(app, key_file)
    again = development_app(app, key_file)

    key = first.config["SECRET_KEY"]
    assert key != OLD_BUILT_IN_KEY and len(key) >= 32
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert again.config["SECRET_KEY"] == key  # sessions survive a restart
    assert list(key_file.parent.iterdir()) == [key_file]  # no drafts left behind


def test_another_clone_gets_a_different_key(app, tmp_path):
    one = development_app(app, tmp_path / "one" / "secret_key").config["SECRET_KEY"]
    two = development_app(app, tmp_path / "two" / "secret_key").config["SECRET_KEY"]

    assert one != two


def test_the_site_and_its_worker_starting_together_share_one_key(tmp_path):
    key_file = tmp_path / "secret_key"
    keys = []
    start = threading.Barrier(8)

    def start_up():
        start.wait()
        keys.append(local_secret_key(key_file))

    threads = [threading.Thread(target=start_up) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(keys) == 8 and len(set(keys)) == 1


def test_an_emptied_key_file_is_refused_rather_than_used(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("\n")

    with pytest.raises(UnsafeConfiguration, match="delete it"):
        local_secret_key(key_file)


def test_a_session_forged_with_the_old_built_in_key_does_not_open_admin_pages(app, ctx, tmp_path):
    admin = make_user(email="admin@example.org", admin=True)
    site = development_app(app, tmp_path / "secret_key")
    key = sessions.start(admin, address="127.0.0.1", user_agent=None)
    db.session.commit()
    payload = {"_user_id": admin.get_id(), sessions.SESSION_KEY: key, "_fresh": True}

    forger = site.test_client()
    forger.set_cookie("session", signed_session(OLD_BUILT_IN_KEY, payload))
    forged = forger.get("/admin/groups")

    assert forged.status_code == 302
    assert forged.headers["Location"].startswith("/sign-in")
    # The same cookie signed with the site's own key does open it: the forgery failed
    # only for want of the key.
    insider = site.test_client()
    insider.set_cookie("session", signed_session(site.config["SECRET_KEY"], payload))
    assert insider.get("/admin/groups").status_code == 200


# Production: refuses guessable keys, in one line ---------------------------------------


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("x", "SECRET_KEY is 1 characters long, at least 32 are needed"),
        (OLD_BUILT_IN_KEY, "SECRET_KEY is a published default"),
        ("test-secret", "SECRET_KEY is a published default"),
        ("k" * 31, "SECRET_KEY is 31 characters long"),
        (None, "SECRET_KEY is not set"),
        ("", "SECRET_KEY is not set"),
    ],
)
def test_production_refuses_a_short_or_known_key_in_one_line(app, key, says):
    with pytest.raises(UnsafeConfiguration) as refused:
        production_app(app, SECRET_KEY=key)

    message = str(refused.value)
    assert message.startswith("Logbook will not start in production: ")
    assert says in message
    assert "\n" not in message


def test_production_never_falls_back_to_a_key_file(app, tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_hex(32))

    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY is not set"):
        production_app(app, SECRET_KEY=None, SECRET_KEY_FILE=str(key_file))


def test_production_starts_with_a_long_random_key(app):
    assert production_app(app).config["SESSION_COOKIE_NAME"] == "__Host-session"


# Production: strict cookies and HTTPS -------------------------------------------------


def test_production_session_cookie_is_host_only_secure_and_hidden_from_scripts(app, ctx):
    make_user(email="admin@example.org", admin=True)
    # Even told otherwise by the environment, production keeps cookies to HTTPS.
    site = production_app(app, SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    browser = site.test_client()

    signed_in = browser.post(
        "/sign-in", base_url=HTTPS, data={"email": "admin@example.org", "password": PASSWORD}
    )

    assert signed_in.status_code == 303
    [cookie] = signed_in.headers.getlist("Set-Cookie")
    assert cookie.partition("=")[0] == "__Host-session"
    attributes = {part.strip().split("=")[0].lower(): part for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "path", "samesite"} <= set(attributes)
    assert attributes["path"].strip() == "Path=/"
    assert attributes["samesite"].strip() == "SameSite=Lax"
    assert "domain" not in attributes  # __Host- cookies belong to this host alone
    assert browser.get("/admin/groups", base_url=HTTPS).status_code == 200


def test_production_answers_carry_hsts_for_at_least_a_year(app):
    site = production_app(app)

    response = site.test_client().get("/sign-in", base_url=HTTPS)

    hsts = response.headers["Strict-Transport-Security"]
    max_age = int(hsts.split("max-age=")[1].split(";")[0])
    assert max_age >= 365 * 24 * 60 * 60
    assert "includeSubDomains" in hsts


def test_development_sends_no_hsts(client):
    response = client.get("/sign-in")

    assert "Strict-Transport-Security" not in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_pages_for_a_signed_in_person_are_never_kept_by_the_browser_or_a_proxy(app, ctx):
    from tests.conftest import sign_in
    from tests.factories import make_user

    client = app.test_client()
    sign_in(client, make_user())

    response = client.get("/account")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
