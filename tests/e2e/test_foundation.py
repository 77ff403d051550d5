"""The foundation's journeys, in a real browser: sign in and out, joining by
invitation, expired invitations, password reset, and a resident kept out of a
facilitator's page. Every page visited is checked with axe-core, also at 360 px.
"""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import urlsplit

from playwright.sync_api import expect
from sqlalchemy import update

from app.dbtypes import utcnow
from app.extensions import db
from app.groups import services as groups
from app.groups.models import Invitation
from tests.e2e.helpers import check_page, link_in, sign_in


def wait_for_mail(mailbox, address: str, count: int = 1, seconds: float = 10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = mailbox.to(address)
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no email reached {address}")


def test_sign_in_shows_my_groups_and_sign_out_ends_the_session(page, new_page, mailbox):
    page.goto("/")
    check_page(page)
    page.get_by_role("button", name="Sign in").click()
    check_page(page)

    # Wrong password: a clear message, the email kept, nothing else happens.
    page.get_by_label("Email address").fill("facilitator@example.org")
    page.get_by_label("Password", exact=True).fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    assert page.get_by_label("Email address").input_value() == "facilitator@example.org"
    check_page(page)

    sign_in(page, "facilitator@example.org")
    expect(page.get_by_role("heading", name="My groups")).to_be_visible()
    page.get_by_role("link", name="Riverside Local Oversight Group").click()
    expect(page.get_by_role("heading", name="Riverside Local Oversight Group")).to_be_visible()
    check_page(page)

    cookies = page.context.cookies()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    check_page(page)

    # A copy of the old session cookie no longer opens anything.
    thief = new_page()
    thief.context.add_cookies(cookies)
    thief.goto("/groups/riverside")
    assert urlsplit(thief.url).path == "/sign-in"


def test_facilitator_invites_a_resident_who_joins_from_the_link(page, new_page, mailbox):
    sign_in(page, "facilitator@example.org")
    page.goto("/groups/riverside/members")
    check_page(page)
    page.get_by_role("button", name="Invite someone").click()
    check_page(page)

    # Missing and malformed input is refused with an error summary.
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("link", name="Enter a name")).to_be_visible()
    page.get_by_label("Their name").fill("Nadia Newcomer")
    page.get_by_label("Their email address").fill("not-an-email")
    page.get_by_role("button", name="Send invitation").click()
    expect(
        page.get_by_role("link", name="Enter an email address in the right format")
    ).to_be_visible()
    check_page(page)

    page.get_by_label("Their email address").fill("nadia@example.org")
    page.get_by_label("Resident", exact=True).check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("heading", name="Invitation created")).to_be_visible()
    check_page(page)

    message = wait_for_mail(mailbox, "nadia@example.org")[0]
    link = link_in(mailbox.body(message))

    resident = new_page(width=360, height=740)
    resident.goto(link)
    expect(
        resident.get_by_role("heading", name="Join Riverside Local Oversight Group")
    ).to_be_visible()
    check_page(resident)
    resident.get_by_label("Choose a password").fill("password123456")
    resident.get_by_label("Type the password again").fill("password123456")
    resident.get_by_role("button", name="Join the group").click()
    expect(resident.get_by_text("too easy to guess").first).to_be_visible()
    check_page(resident)

    resident.get_by_label("Choose a password").fill("kettle orchard lantern mosaic")
    resident.get_by_label("Type the password again").fill("kettle orchard lantern mosaic")
    resident.get_by_role("button", name="Join the group").click()
    expect(resident.get_by_text("Welcome to Riverside Local Oversight Group.")).to_be_visible()
    check_page(resident)
    resident.goto("/groups/riverside/members")
    expect(resident.get_by_role("link", name="Nadia Newcomer")).to_be_visible()

    # The link works once.
    again = new_page()
    again.goto(link)
    expect(again.get_by_text("already been used")).to_be_visible()
    check_page(again)


def test_an_expired_invitation_says_so_and_lets_nobody_in(page, live_server, mailbox):
    with live_server.app.app_context():
        group = groups.get_group("riverside")
        invitation, link = groups.invite(
            group, email="late@example.org", name="Lee Late", role="resident", invited_by=None
        )
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id)
            .values(expires_at=utcnow() - timedelta(days=1))
        )
        db.session.commit()
        db.session.remove()
    response = page.goto(link)
    assert response.status == 410
    expect(page.get_by_text("This invitation has expired")).to_be_visible()
    expect(page.get_by_role("button", name="Join the group")).to_have_count(0)
    check_page(page)


def test_password_reset_by_emailed_link_works_once(page, mailbox):
    page.goto("/sign-in")
    page.get_by_role("link", name="I have forgotten my password").click()
    check_page(page)
    page.get_by_label("Email address").fill("partner@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    check_page(page)

    link = link_in(mailbox.body(wait_for_mail(mailbox, "partner@example.org")[0]))
    page.goto(link)
    check_page(page)
    page.get_by_label("Choose a password").fill("marble willow copper sunrise")
    page.get_by_label("Type the password again").fill("marble willow different words")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("link", name="The two passwords are not the same")).to_be_visible()
    page.get_by_label("Choose a password").fill("marble willow copper sunrise")
    page.get_by_label("Type the password again").fill("marble willow copper sunrise")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_text("Your password has been changed")).to_be_visible()

    sign_in(page, "partner@example.org", "marble willow copper sunrise")
    expect(page.get_by_role("heading", name="My groups")).to_be_visible()

    response = page.goto(link)
    assert response.status == 410
    expect(page.get_by_text("expired or has already been used")).to_be_visible()


def test_a_resident_is_refused_a_facilitator_page(page):
    sign_in(page, "resident@example.org")
    page.goto("/groups/riverside")
    expect(page.get_by_role("link", name="Settings")).to_have_count(0)
    expect(page.get_by_role("link", name="Invitations")).to_have_count(0)
    response = page.goto("/groups/riverside/settings")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    check_page(page)
    response = page.goto("/groups/riverside/invitations")
    assert response.status == 403
