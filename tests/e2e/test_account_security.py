"""Your account, Security, in a real browser: see where you are signed in, sign another
browser out, change your password and watch the other browser lose its session.
Every page is checked with axe-core, also at 360 px."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.accounts import services as accounts
from app.demo import DEMO_PASSWORD
from app.extensions import db
from tests.e2e.helpers import check_page, sign_in
from tests.e2e.test_foundation import wait_for_mail

EMAIL = "sam.security@example.org"
NEW_PASSWORD = "kettle orbit lantern meadow"


def test_security_page_ends_other_sessions_and_a_password_change_signs_them_out(
    live_server, new_page, mailbox
):
    with live_server.app.app_context():
        accounts.create_user(email=EMAIL, name="Sam Security", password=DEMO_PASSWORD)
        db.session.commit()
    laptop, phone, library = new_page(), new_page(), new_page()
    for browser in (laptop, phone, library):
        sign_in(browser, EMAIL)

    laptop.goto("/account")
    laptop.get_by_role("link", name=re.compile("Security")).click()
    expect(laptop.get_by_role("heading", name="Security", exact=True)).to_be_visible()
    expect(laptop.get_by_text("This browser", exact=True)).to_have_count(1)
    expect(laptop.get_by_role("button", name=re.compile("Sign out this browser"))).to_have_count(2)
    check_page(laptop)

    # The library computer is signed out from here.
    laptop.get_by_role("button", name=re.compile("Sign out this browser")).first.click()
    expect(laptop.get_by_text("That browser has been signed out.")).to_be_visible()
    check_page(laptop)
    for other in (phone, library):
        other.goto("/account")
    assert len([other for other in (phone, library) if "/sign-in" in other.url]) == 1

    # A wrong current password: a clear message, nothing changed.
    laptop.goto("/account/security")
    laptop.get_by_role("link", name="Change your password").click()
    check_page(laptop)
    laptop.get_by_label("Your current password").fill("not my password at all")
    laptop.get_by_label("Choose a password").fill(NEW_PASSWORD)
    laptop.get_by_label("Type the password again").fill(NEW_PASSWORD)
    laptop.get_by_role("button", name="Change password").click()
    expect(laptop.get_by_text("Your current password is not right.").first).to_be_visible()
    check_page(laptop)

    laptop.get_by_label("Your current password").fill(DEMO_PASSWORD)
    laptop.get_by_label("Choose a password").fill(NEW_PASSWORD)
    laptop.get_by_label("Type the password again").fill(NEW_PASSWORD)
    laptop.get_by_role("button", name="Change password").click()
    expect(laptop.get_by_text("Your password has been changed.")).to_be_visible()
    expect(laptop.get_by_text("You are not signed in anywhere else.")).to_be_visible()
    check_page(laptop)

    # The browser that was still signed in has lost its session; this one has not.
    for other in (phone, library):
        other.goto("/account")
        expect(other).to_have_url(re.compile(r"/sign-in"))
    laptop.goto("/account")
    expect(laptop.get_by_role("heading", name="Your details")).to_be_visible()

    [told] = wait_for_mail(mailbox, EMAIL)
    assert "Your Logbook password was changed on" in mailbox.body(told)
    # The new password opens the account.
    fresh = new_page()
    sign_in(fresh, EMAIL, NEW_PASSWORD)
