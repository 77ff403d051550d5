"""Your data, in a real browser: a resident downloads everything held about them, then
erases themselves and can no longer sign in. Every page visited is checked with axe-core,
also at 360 px."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from playwright.sync_api import expect

from app.accounts import services as accounts
from app.extensions import db
from app.groups import services as groups
from tests.e2e.helpers import check_page, sign_in

EMAIL = "ezra.erased@example.org"
PASSWORD = "a long and private passphrase"


def test_a_resident_downloads_their_data_then_erases_themselves(page, live_server, new_page):
    # Their own person, so the demo's residents stay for the other browser tests.
    with live_server.app.app_context():
        ezra = accounts.create_user(email=EMAIL, name="Ezra Penhaligon", password=PASSWORD)
        groups.add_member(groups.get_group("riverside"), ezra, "resident")
        db.session.commit()
        db.session.remove()

    sign_in(page, EMAIL, PASSWORD)
    page.get_by_role("link", name="Your details").click()
    page.get_by_role("link", name="Download everything Logbook holds about you").click()
    expect(page.get_by_role("heading", name="Your data", level=1)).to_be_visible()
    check_page(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    assert download.value.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(Path(download.value.path())) as archive:
        data = json.loads(archive.read("data.json"))
        index = archive.read("index.html").decode()
    assert data["profile"]["email"] == EMAIL
    assert [m["group"] for m in data["memberships"]] == ["riverside"]
    assert "Ezra Penhaligon" in index

    page.get_by_role("link", name="Find out what erasing you means").click()
    expect(page.get_by_role("heading", name="Erase me", level=1)).to_be_visible()
    check_page(page)

    # A wrong password is refused with a clear message, and nothing happens.
    page.get_by_label("Type your email address to confirm").fill(EMAIL)
    page.get_by_label("Your password").fill("not my passphrase")
    page.get_by_role("button", name="Erase me").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_text("The password is not right").first).to_be_visible()
    check_page(page)

    page.get_by_label("Type your email address to confirm").fill(EMAIL)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Erase me").click()
    expect(page.get_by_text("You have been erased.")).to_be_visible()
    check_page(page)

    # They cannot sign in again.
    again = new_page()
    again.goto("/sign-in")
    again.get_by_label("Email address").fill(EMAIL)
    again.get_by_label("Password", exact=True).fill(PASSWORD)
    again.get_by_role("button", name="Sign in").click()
    expect(again.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()

    # Nor does the group show their name any more.
    fatima = new_page()
    sign_in(fatima, "facilitator@example.org")
    fatima.goto("/groups/riverside/members")
    expect(fatima.get_by_text("Ezra Penhaligon")).to_have_count(0)
    fatima.goto("/groups/riverside/members/former")
    expect(fatima.get_by_text("Erased at their request")).to_be_visible()
    check_page(fatima)


def test_the_pages_for_leaving_removing_and_erasing_others_pass_the_checks(page, new_page):
    # Looked at, not used: the demo's people stay for the other browser tests.
    sign_in(page, "facilitator@example.org")
    page.goto("/groups/riverside")
    page.get_by_role("link", name="Leave this group").click()
    expect(
        page.get_by_role("heading", name="Leave Riverside Local Oversight Group")
    ).to_be_visible()
    check_page(page)
    page.goto("/groups/riverside/members")
    page.get_by_role("link", name="Tom Kaur").click()
    page.get_by_role("link", name="Remove from the group").click()
    expect(page.get_by_role("heading", name="Remove Tom Kaur from the group")).to_be_visible()
    page.get_by_role("button", name="Remove from the group").click()
    expect(page.get_by_text("Say why they are being removed").first).to_be_visible()
    check_page(page)

    admin = new_page()
    sign_in(admin, "admin@example.org")
    admin.get_by_role("link", name="People").click()
    admin.get_by_label("Name or email address").fill("doris")
    admin.get_by_role("button", name="Find").click()
    check_page(admin)
    admin.get_by_role("link", name="Erase Doris Hughes").click()
    expect(admin.get_by_role("heading", name="Erase Doris Hughes")).to_be_visible()
    check_page(admin)
