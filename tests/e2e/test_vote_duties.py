"""A vote no single person controls, in a real browser with and without JavaScript: a
Resident Adviser enters Tom's vote (he has no email) and its receipt code reaches the
call sheet; the facilitator closes the vote early, confirming it and saying why; an
officer confirms the count; and Rita checks her receipt on a 360 px phone. Every page
visited passes axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.accounts import services as accounts
from app.dbtypes import utcnow
from app.extensions import db
from app.groups import services as groups
from app.voting import services as voting
from tests.e2e.helpers import PHONE_WIDTH, check_page, sign_in

RECEIPT = re.compile(r"[A-Z2-9]{5}-[A-Z2-9]{5}")


def open_secret_vote(app, title: str) -> str:
    """A secret ranked vote set to close in a week, opened (as the facilitator would)."""
    with app.app_context():
        group = groups.get_group("riverside")
        fatima = accounts.get_user_by_email("facilitator@example.org")
        ballot = voting.create_ballot(
            group,
            fatima,
            title=title,
            method="ranked",
            options=[("Damp homes", None), ("Youth centre", None), ("Traffic", None)],
            secret=True,
            closes_at=utcnow() + timedelta(days=7),
        )
        voting.open_ballot(group, ballot)
        db.session.commit()
        url = f"/groups/riverside/ballots/{ballot.id}"
        db.session.remove()
    return url


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_vote_entered_for_tom_closed_early_confirmed_and_checked(
    new_page, live_server, javascript
):
    title = f"What first this winter? ({'js' if javascript else 'plain'})"
    url = open_secret_vote(live_server.app, title)

    # Rita votes herself on her phone and keeps her receipt code.
    rita = new_page(width=PHONE_WIDTH, height=740, javascript=javascript)
    sign_in(rita, "resident@example.org")
    rita.goto(url)
    rita.get_by_label("Youth centre").select_option("1")
    rita.get_by_label("Damp homes").select_option("2")
    rita.get_by_role("button", name="Cast my vote").click()
    rita_receipt = RECEIPT.search(rita.get_by_text("Your receipt code is").first.inner_text())[0]

    # Ade, a Resident Adviser, enters Tom's vote from a phone call.
    ade = new_page(javascript=javascript)
    sign_in(ade, "adviser@example.org")
    ade.goto(url)
    ade.get_by_role("button", name="Enter a vote for a member").click()
    check_page(ade)
    ade.get_by_label("Tom Kaur").check()
    ade.get_by_label("Where (optional)").fill("on the phone")
    ade.get_by_label("Damp homes").select_option("1")
    ade.get_by_role("button", name="Enter this vote").click()
    entered = ade.get_by_text("Tom Kaur's vote has been entered")
    expect(entered).to_be_visible()
    tom_receipt = RECEIPT.search(entered.inner_text())[0]
    check_page(ade)

    # Tom takes his news by phone: the call sheet tells Fatima what to say, code included.
    fatima = new_page(javascript=javascript)
    sign_in(fatima, "facilitator@example.org")
    fatima.goto("/groups/riverside/desk/calls")
    tom = fatima.locator(".lb-call").filter(has_text="Tom Kaur")
    expect(tom).to_contain_text(f"A vote was entered for you: {title}")
    expect(tom).to_contain_text(tom_receipt)
    expect(tom).to_contain_text("Ade Adviser entered a vote for you (on the phone)")
    check_page(fatima)

    # Fatima closes the vote a week early: asked to confirm, and why.
    fatima.goto(url)
    fatima.get_by_role("button", name="Close and count").click()
    expect(fatima.get_by_role("heading", name="Close the vote and count it?")).to_be_visible()
    check_page(fatima)
    fatima.get_by_role("button", name="Close and count").click()
    expect(fatima.get_by_role("alert")).to_be_visible()  # neither ticked nor a reason
    fatima.get_by_label("Why is it closing early?").fill("Everyone who could vote has voted.")
    fatima.get_by_label("I understand that closing the vote cannot be undone").check()
    fatima.get_by_role("button", name="Close and count").click()
    expect(fatima.get_by_text("Closed early: Everyone who could vote has voted.")).to_be_visible()
    expect(fatima.get_by_text("The count has not been confirmed yet")).to_be_visible()
    # She closed it, so she cannot confirm its count herself.
    expect(fatima.get_by_role("button", name="I have checked the count: confirm it")).to_have_count(
        0
    )
    check_page(fatima)

    # Owen, an officer, confirms the count.
    owen = new_page(javascript=javascript)
    sign_in(owen, "officer@example.org")
    owen.goto(url)
    owen.get_by_role("button", name="I have checked the count: confirm it").click()
    expect(owen.get_by_text("Count confirmed")).to_be_visible()
    expect(owen.get_by_text("by Owen Officer")).to_be_visible()
    check_page(owen)

    # Rita checks her receipt on her phone: counted as she cast it, by name.
    rita.goto(url)
    rita.get_by_role("link", name="Check your vote with your receipt code").click()
    rita.get_by_label("Receipt code").fill(rita_receipt)
    rita.get_by_role("button", name="Check this receipt").click()
    expect(rita.get_by_text("Counted, as:")).to_be_visible()
    expect(rita.locator("#choices")).to_contain_text("1. Youth centre")
    expect(rita.locator("#choices")).to_contain_text("2. Damp homes")
    assert rita.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE_WIDTH
    check_page(rita)
    # Tom's code, checked for him, reads as entered.
    rita.get_by_label("Receipt code").fill(tom_receipt)
    rita.get_by_role("button", name="Check this receipt").click()
    expect(rita.locator("#choices")).to_contain_text("1. Damp homes")
