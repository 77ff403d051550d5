"""Two-step sign-in in a real browser: set it up with a code computed from the key the
page shows, sign out, sign in with password and code, then with a recovery code, and
turn it off. The site admin's settings and security event pages. Every page is
checked with axe-core, also at 360 px."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pyotp
from playwright.sync_api import expect

from app.accounts import services as accounts
from app.demo import DEMO_PASSWORD
from app.extensions import db
from tests.e2e.helpers import check_page, sign_in

EMAIL = "tess.twostep@example.org"


def code_at(secret: str, steps_from_now: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_from_now)


def password_step(page, email: str = EMAIL) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def test_set_up_two_step_sign_in_and_sign_in_with_a_code_then_a_recovery_code(page, live_server):
    # A person of their own, so no other browser test meets a second factor.
    with live_server.app.app_context():
        if accounts.get_user_by_email(EMAIL) is None:
            accounts.create_user(email=EMAIL, name="Tess Twostep", password=DEMO_PASSWORD)
            db.session.commit()
        db.session.remove()

    sign_in(page, EMAIL)
    page.goto("/account")
    page.get_by_role("link", name="Set up two-step sign-in").click()
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    check_page(page)

    secret = page.locator("#setup-key").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("link", name=re.compile("That code is not right"))).to_be_visible()
    check_page(page)

    page.get_by_label("Code from the app").fill(code_at(secret))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", name="Two-step sign-in is on")).to_be_visible()
    codes = page.locator(".lb-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    check_page(page)
    page.get_by_role("link", name="I have kept my codes safe").click()
    sign_out(page)

    # The password alone is not enough: the code is asked for.
    password_step(page)
    expect(page.get_by_role("heading", name="Type the code from your app")).to_be_visible()
    assert urlsplit(page.url).path == "/sign-in/code"
    page.goto("/account")
    assert urlsplit(page.url).path == "/sign-in"  # not signed in yet
    password_step(page)
    check_page(page)
    page.get_by_label("Code from your authenticator app").fill(code_at(secret, 1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="My groups")).to_be_visible()
    sign_out(page)

    # No phone: a recovery code, once.
    password_step(page)
    page.get_by_label("Code from your authenticator app").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You used a recovery code. You have 9 left.")).to_be_visible()
    check_page(page)

    page.goto("/account/two-factor")
    expect(page.get_by_text("You have 9 recovery codes left.")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Get new recovery codes").click()
    check_page(page)
    page.get_by_role("button", name="Get new codes").click()
    expect(page.get_by_role("heading", name="Your new recovery codes")).to_be_visible()
    new_codes = page.locator(".lb-recovery-codes code").all_inner_texts()
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    check_page(page)

    page.goto("/account/confirm?next=/account")
    check_page(page)

    page.goto("/account/two-factor")
    page.get_by_role("link", name="Turn off two-step sign-in").click()
    check_page(page)
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    # The app's next code may not have come yet (one each half-minute): a recovery
    # code turns it off too.
    page.get_by_label("Code from your authenticator app").fill(new_codes[0])
    page.get_by_role("button", name="Turn off two-step sign-in").click()
    expect(page.get_by_text("Two-step sign-in is off.")).to_be_visible()
    check_page(page)


def test_site_admin_settings_and_security_events_pages(page):
    sign_in(page, "admin@example.org")
    page.get_by_role("link", name="Site settings").click()
    expect(page.get_by_role("heading", name="Site settings")).to_be_visible()
    check_page(page)
    page.get_by_label("Keep the security event log for this many days").fill("10")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("link", name="Enter a number from 30 to 3650")).to_be_visible()
    check_page(page)

    page.get_by_role("link", name="Security events").click()
    expect(page.get_by_role("heading", name="Security events")).to_be_visible()
    check_page(page)
    page.get_by_label("Kind").fill("sign_in")
    page.get_by_role("button", name="Show").click()
    check_page(page)
