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
