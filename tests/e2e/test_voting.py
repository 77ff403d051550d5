"""Priorities and a ranked-choice vote in a real browser, residents on 360 px phones.
Every page visited is checked with axe-core, at desktop width and at 360 px."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from app.accounts import services as accounts
from app.extensions import db
from app.groups import services as groups
from tests.e2e.helpers import check_page, sign_in

PASSWORD = "kettle orchard lantern mosaic"


def add_resident(live_server, email: str, name: str) -> None:
    with live_server.app.app_context():
        group = groups.get_group("riverside")
        if accounts.get_user_by_email(email) is None:
            user = accounts.create_user(email=email, name=name, password=PASSWORD)
            groups.add_member(group, user, "resident")
            db.session.commit()
        db.session.remove()


def rank(page, ranking: list[str]) -> None:
    for position, label in enumerate(ranking, start=1):
        page.get_by_label(label, exact=True).select_option(str(position))


def test_residents_propose_and_vote_and_find_their_receipt_in_the_box(page, new_page, live_server):
    add_resident(live_server, "nadia.voter@example.org", "Nadia Voter")
    rita = new_page(width=360, height=740)
    sign_in(rita, "resident@example.org")

    # Residents propose and back priorities.
    rita.goto("/groups/riverside/priorities")
    check_page(rita)
    rita.get_by_role("button", name="Propose a priority").click()
    check_page(rita)
    rita.get_by_role("button", name="Propose it").click()
    expect(rita.get_by_role("link", name="Enter the priority in a few words")).to_be_visible()
    rita.get_by_label("What should the group work on?").fill("Bus shelter on Station Road")
    rita.get_by_label("Living environment").check()
    rita.get_by_role("button", name="Propose it").click()
    expect(rita.get_by_text("Your priority has been proposed")).to_be_visible()
    check_page(rita)

    ade = new_page(width=360, height=740)
    sign_in(ade, "adviser@example.org")
    ade.goto("/groups/riverside/priorities?domain=living_environment")
    ade.get_by_role("link", name="Bus shelter on Station Road").click()
    ade.get_by_role("button", name="I back this").click()
    expect(ade.get_by_text("1 member backs this")).to_be_visible()
    check_page(ade)

    # The facilitator shortlists it and opens a ranked-choice vote.
    sign_in(page, "facilitator@example.org")
    page.goto("/groups/riverside/priorities")
    page.get_by_role("link", name="Bus shelter on Station Road").click()
    page.get_by_role("link", name="Change status").click()
    page.get_by_label("Shortlisted").check()
    page.get_by_role("button", name="Save status").click()
    page.goto("/groups/riverside/ballots")
    check_page(page)
    page.get_by_role("button", name="Create a vote").click()
    check_page(page)
    page.get_by_label("What is the vote about?").fill("Which shall we take to the council?")
    page.get_by_label("Bus shelter on Station Road").check()
    page.get_by_label("Slow the traffic on Mill Lane").check()
    page.get_by_label("Other options (optional)").fill("Fix the street lights")
    page.get_by_label("Ranked choice").check()
    page.get_by_role("button", name="Create the vote").click()
    expect(page.get_by_text("The vote has been created")).to_be_visible()
    page.get_by_role("button", name="Open the vote").click()
    expect(page.get_by_text("The vote is open")).to_be_visible()
    # The fingerprint is there for auditors, folded below the vote.
    page.get_by_text("For checking").click()
    expect(page.get_by_text("SHA-256 of the options")).to_be_visible()
    check_page(page)
    ballot_url = page.url

    # Three residents vote on their phones; one changes their mind.
    nadia = new_page(width=360, height=740)
    sign_in(nadia, "nadia.voter@example.org", PASSWORD)
    ballots = {
        rita: ["Bus shelter on Station Road", "Fix the street lights"],
        ade: ["Slow the traffic on Mill Lane", "Bus shelter on Station Road"],
        nadia: ["Fix the street lights", "Bus shelter on Station Road"],
    }
    for voter, ranking in ballots.items():
        voter.goto(ballot_url)
        check_page(voter)
        rank(voter, ranking)
        voter.get_by_role("button", name="Cast my vote").click()
        expect(voter.get_by_text("Your vote has been counted")).to_be_visible()
    # A repeated rank is refused, and Rita's vote stands until she fixes it.
    rank(rita, ["Fix the street lights", "Fix the street lights"])
    rita.get_by_label("Bus shelter on Station Road", exact=True).select_option("1")
    rita.get_by_label("Fix the street lights", exact=True).select_option("1")
    rita.get_by_role("button", name="Replace my vote").click()
    expect(rita.get_by_role("link", name="Give each number to one option only")).to_be_visible()
    check_page(rita)
    rita.goto(ballot_url)
    rank(rita, ["Fix the street lights", "Bus shelter on Station Road"])
    rita.get_by_label("Slow the traffic on Mill Lane", exact=True).select_option("3")
    rita.get_by_role("button", name="Replace my vote").click()
    expect(rita.get_by_text("Your vote has been counted")).to_be_visible()
    receipt = rita.locator(".lb-receipt").first.inner_text()
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", receipt)

    # The facilitator enters a paper ballot for a member without email.
    page.goto(ballot_url)
    page.get_by_role("button", name="Enter a vote for a member").click()
    check_page(page)
    page.get_by_label("Doris Hughes", exact=True).check()
    page.get_by_label("Where (optional)").fill("Paper slip at the church hall")
    rank(page, ["Bus shelter on Station Road"])
    page.get_by_role("button", name="Enter this vote").click()
    expect(page.get_by_text("Doris Hughes's vote has been entered")).to_be_visible()
    expect(page.get_by_text("4 of")).to_be_visible()
    # Closing cannot be undone: a page asks to confirm it (and why, if it is early).
    page.get_by_role("button", name="Close and count").click()
    expect(page.get_by_role("heading", name="Close the vote and count it?")).to_be_visible()
    check_page(page)
    if page.get_by_label("Why is it closing early?").count():
        page.get_by_label("Why is it closing early?").fill("Everyone has voted.")
    page.get_by_label("I understand that closing the vote cannot be undone").check()
    page.get_by_role("button", name="Close and count").click()
    expect(page.get_by_text("The vote is closed and counted.")).to_be_visible()
    check_page(page)

    # Everyone sees the rounds and the chart.
    for viewer in (rita, ade, nadia):
        viewer.goto(ballot_url)
        expect(viewer.get_by_role("heading", name="Result")).to_be_visible()
        expect(viewer.get_by_text("Round 1:")).to_be_visible()
        expect(viewer.locator("svg.lb-chart--result")).to_be_visible()
    check_page(rita)

    # Rita finds her receipt in the ballot box, with her second ballot's choices.
    with rita.expect_response(re.compile(r"box\.json$")) as answer:
        rita.goto(ballot_url + "/box.json")
    box = json.loads(answer.value.text())
    mine = [row for row in box["ballots"] if row["receipt"] == receipt]
    labels = {o["id"]: o["label"] for o in box["ballot"]["options"]}
    assert [labels[i] for i in mine[0]["choices"]] == [
        "Fix the street lights",
        "Bus shelter on Station Road",
        "Slow the traffic on Mill Lane",
    ]
    assert len(box["ballots"]) == 4
    assert box["result"]["rounds"]
