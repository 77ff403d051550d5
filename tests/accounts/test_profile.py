"""Your details: name, and how you would like to be told about decisions."""

from __future__ import annotations

from app.extensions import db
from tests.factories import make_user


def html(response) -> str:
    return response.get_data(as_text=True)


def details(**overrides):
    data = {
        "name": "Rita Resident",
        "preferred_channels": ["email", "letter"],
        "phone": "",
        "postal_address": "12 Mill Lane\nRiverside",
        "language": "en",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def reloaded(user):
    db.session.expire_all()
    return db.session.get(type(user), user.id)


def test_profile_page_shows_the_current_details(client, login):
    user = make_user(email="rita@example.org", name="Rita Resident")
    login(user)

    page = client.get("/account")

    assert page.status_code == 200
    assert "Signed in as rita@example.org" in html(page)
    assert 'value="Rita Resident"' in html(page)


def test_saving_name_and_channels_keeps_them(client, login):
    user = make_user(name="Old Name")
    login(user)

    response = client.post(
        "/account", data=details(phone="0161 496 0000", preferred_channels=["phone", "letter"])
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/account"
    saved = reloaded(user)
    assert saved.name == "Rita Resident"
    assert sorted(saved.preferred_channels) == ["letter", "phone"]
    assert saved.phone == "0161 496 0000"
    assert saved.postal_address == "12 Mill Lane\nRiverside"
    page = client.get("/account")
    assert "Your details have been saved." in html(page)
    assert 'value="Rita Resident"' in html(page)


def test_clearing_optional_details_stores_nothing_rather_than_blanks(client, login):
    user = make_user()
    login(user)
    client.post("/account", data=details(phone="0161 496 0000"))

    response = client.post(
        "/account", data=details(preferred_channels=["in_app"], phone="", postal_address="")
    )

    assert response.status_code == 303
    saved = reloaded(user)
    assert saved.preferred_channels == ["in_app"]
    assert saved.phone is None
    assert saved.postal_address is None


def test_choosing_letters_without_an_address_is_refused(client, login):
    user = make_user(name="Old Name")
    login(user)

    response = client.post(
        "/account", data=details(preferred_channels=["letter"], postal_address="")
    )

    assert response.status_code == 422
    assert "Enter a postal address" in html(response)
    saved = reloaded(user)
    assert saved.name == "Old Name"
    assert saved.preferred_channels == ["in_app"]


def test_choosing_phone_calls_without_a_number_is_refused(client, login):
    user = make_user()
    login(user)

    response = client.post("/account", data=details(preferred_channels=["phone"], phone=""))

    assert response.status_code == 422
    assert "Enter a phone number" in html(response)


def test_name_over_120_characters_is_refused(client, login):
    user = make_user(name="Old Name")
    login(user)

    response = client.post("/account", data=details(name="x" * 121))

    assert response.status_code == 422
    assert "at most 120 characters" in html(response)
    assert reloaded(user).name == "Old Name"


def test_name_of_exactly_120_characters_is_kept(client, login):
    user = make_user()
    login(user)

    response = client.post("/account", data=details(name="y" * 120))

    assert response.status_code == 303
    assert reloaded(user).name == "y" * 120


def test_choosing_no_way_to_be_told_is_refused(client, login):
    user = make_user()
    login(user)

    response = client.post("/account", data=details(preferred_channels=None))

    assert response.status_code == 422
    assert "Choose at least one way to be told" in html(response)
    assert reloaded(user).preferred_channels == ["in_app"]


def test_unknown_channel_is_refused(client, login):
    user = make_user()
    login(user)

    response = client.post("/account", data=details(preferred_channels=["carrier_pigeon"]))

    assert response.status_code == 422
    assert reloaded(user).preferred_channels == ["in_app"]


def test_choosing_a_weekly_digest_and_large_print(client, login):
    user = make_user()
    login(user)
    page = client.get("/account")
    assert "How often would you like the group" in html(page)
    assert "Send letters in large print" in html(page)

    saved = client.post(
        "/account", data=details(digest="weekly", large_print="y"), follow_redirects=True
    )
    assert saved.status_code == 200
    assert (reloaded(user).digest, reloaded(user).large_print) == ("weekly", True)
    # They have email: the digest comes by email, nothing more to say.
    assert "Without email" not in html(saved)


def test_a_digest_without_email_says_plainly_how_news_will_come(client, login):
    user = make_user()
    login(user)
    weekly = client.post(
        "/account",
        data=details(preferred_channels=["letter"], digest="weekly"),
        follow_redirects=True,
    )
    assert "comes as one letter a week" in html(weekly)
    daily = client.post(
        "/account",
        data=details(preferred_channels=["letter"], digest="daily"),
        follow_redirects=True,
    )
    assert "Daily news comes by email only" in html(daily)
    assert reloaded(user).digest == "daily"  # kept as chosen, with the consequence said
    inbox_only = client.post(
        "/account",
        data=details(preferred_channels=["in_app"], digest="weekly"),
        follow_redirects=True,
    )
    assert "waits in the Logbook inbox" in html(inbox_only)


def test_text_messages_are_offered_only_when_the_site_can_send_them(
    app, client, login, monkeypatch
):
    user = make_user()
    login(user)
    assert 'value="sms"' not in html(client.get("/account"))
    refused = client.post(
        "/account", data=details(preferred_channels=["sms"], phone="07700 900123")
    )
    assert refused.status_code == 422
    assert "cannot send text messages" in html(refused)
    assert reloaded(user).preferred_channels != ["sms"]

    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", "key")
    monkeypatch.setitem(app.config, "NOTIFY_SMS_TEMPLATE_ID", "template")
    assert 'value="sms"' in html(client.get("/account"))
    no_number = client.post("/account", data=details(preferred_channels=["sms"]))
    assert no_number.status_code == 422 and "Enter a mobile number" in html(no_number)
    ok = client.post("/account", data=details(preferred_channels=["sms"], phone="07700 900123"))
    assert ok.status_code == 303 and reloaded(user).preferred_channels == ["sms"]


def test_a_new_phone_number_clears_a_wrong_number_mark(client, login):
    from app.dbtypes import utcnow

    user = make_user()
    user.phone, user.phone_wrong_at = "0161 000 0000", utcnow()
    db.session.commit()
    login(user)
    client.post("/account", data=details(phone="0161 000 0000"))
    assert reloaded(user).phone_wrong_at is not None  # same number: still wrong
    client.post("/account", data=details(phone="0161 496 0000"))
    assert reloaded(user).phone_wrong_at is None


def test_a_digest_with_neither_email_nor_letters_is_said_to_wait_in_the_inbox(client, login):
    user = make_user()
    login(user)
    saved = client.post(
        "/account",
        data=details(preferred_channels=["in_app"], digest="daily"),
        follow_redirects=True,
    )
    assert saved.status_code == 200
    assert "it waits in the Logbook inbox" in html(saved)
    assert reloaded(user).digest == "daily"


def test_news_once_a_day_is_offered_to_someone_with_email(client, login):
    user = make_user(email="rita@example.org")
    login(user)
    assert 'value="daily"' in html(client.get("/account"))
    response = client.post("/account", data=details(digest="daily"))
    assert response.status_code == 303
    assert reloaded(user).digest == "daily"


def test_news_once_a_day_is_refused_to_someone_without_email(client, login):
    user = make_user(email="rita@example.org")
    login(user)
    user.email = None  # an address removed after signing in
    db.session.commit()
    assert 'value="daily"' not in html(client.get("/account"))
    response = client.post("/account", data=details(digest="daily", preferred_channels=["letter"]))
    assert response.status_code == 422
    assert "News once a day comes by email only, and you have no email address" in html(response)
    assert reloaded(user).digest != "daily"
