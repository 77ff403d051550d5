"""A resident checks a receipt and the list of voters on a 360 px phone with no
JavaScript; both pages pass axe-core and do not scroll sideways."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.helpers import check_page, sign_in


def test_a_resident_checks_a_receipt_and_the_list_of_voters_on_a_phone(new_page):
    rita = new_page(width=360, height=740, javascript=False)
    sign_in(rita, "resident@example.org")
    rita.goto("/groups/riverside/ballots")
    rita.get_by_role("link", name="Our first priority (ranked choice)").click()
    ballot_url = rita.url
    box = rita.request.get(ballot_url + "/box.json").json()
    receipt = box["ballots"][0]["receipt"]
    first_choice = box["ballots"][0]["choices_by_label"][0]

    rita.get_by_role("link", name="Check your vote with your receipt code").click()
    check_page(rita)
    rita.get_by_label("Receipt code").fill(receipt.lower().replace("-", " "))
    rita.get_by_role("button", name="Check this receipt").click()
    expect(rita.get_by_text("Counted, as:")).to_be_visible()
    expect(rita.locator("#choices")).to_contain_text(first_choice)
    check_page(rita)

    rita.get_by_label("Receipt code").fill("not a code")
    rita.get_by_role("button", name="Check this receipt").click()
    expect(rita.get_by_role("alert")).to_contain_text("A receipt code is 10 letters and numbers")
    check_page(rita)

    rita.get_by_role("link", name="Who could vote, and how to check the vote's fingerprint").click()
    expect(rita.get_by_role("heading", name="Who could vote")).to_be_visible()
    expect(rita.get_by_text(re.compile(r"Your number is \d+\."))).to_be_visible()
    expect(rita.locator("#canonical")).to_contain_text('"method":"ranked"')
    check_page(rita)
