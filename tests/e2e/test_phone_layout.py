"""Logbook on a cheap 360 px phone: the group's menu folds away so each page's task
starts on the first screen, one long pasted word never makes a page scroll sideways,
and the fingerprints auditors check sit folded below the voting form. Every page
visited is checked with axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.accounts import services as accounts
from app.dbtypes import utcnow
from app.decisions import reports
from app.decisions import services as decisions
from app.extensions import db
from app.groups import services as groups
from app.voting import services as voting
from tests.e2e.helpers import check_page, sign_in

PHONE = {"width": 360, "height": 740}
#: One pasted "word" too long for any phone: text fields take 300 characters of it,
#: titles, names and labels (at most 200 characters) as much as they hold.
LONG = "Unbroken" + "x" * 292
SHORT_LONG = LONG[:200]
PASSWORD = "kettle orchard lantern mosaic"

#: Pages of the demo group, each with the heading its task starts with.
GROUP_PAGES = [
    ("/groups/riverside", re.compile("Riverside")),
    ("/groups/riverside/decisions", "Decision log"),
    ("/groups/riverside/ballots", "Votes"),
    ("/groups/riverside/meetings", "Meetings"),
    ("/groups/riverside/members", "Members"),
]


def phone(new_page, javascript: bool = True):
    return new_page(width=PHONE["width"], height=PHONE["height"], javascript=javascript)


def no_sideways_scroll(page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"


@pytest.mark.parametrize(("path", "heading"), GROUP_PAGES)
def test_on_a_phone_the_group_menu_is_closed_and_the_task_starts_on_the_first_screen(
    new_page, path, heading
):
    page = phone(new_page)
    sign_in(page, "facilitator@example.org")
    page.goto(path)
    # The heading, and room for the task under it: the menus above it (the site's,
    # the group's) take less than half of the first screen. With every tab shown
    # they took two thirds, and the heading started at 505 px.
    title = page.get_by_role("heading", level=1, name=heading)
    box = title.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    assert box["y"] < PHONE["height"] / 2, box

    menu = page.get_by_role("navigation", name="Group menu")
    expect(menu.get_by_text(re.compile(r"^Group menu"))).to_be_visible()
    expect(menu.get_by_role("link", name="Members")).to_be_hidden()
    expect(menu.locator("details")).not_to_have_attribute("open", re.compile(".*"))
    # The site's own menu folds away the same way.
    site = page.get_by_role("navigation", name="Main menu")
    expect(site.get_by_role("link", name="Your details")).to_be_hidden()
    check_page(page)

    menu.get_by_text(re.compile(r"^Group menu")).click()
    for name in ("Overview", "Decisions", "Votes", "Members", "Delivery desk"):
        expect(menu.get_by_role("link", name=re.compile(f"^{name}"))).to_be_visible()
    # Exactly one link, the one shown, says it is this page.
    expect(menu.locator('[aria-current="page"]:visible')).to_have_count(1)
    check_page(page)


def test_the_menu_says_where_you_are_and_opens_without_javascript(new_page):
    page = phone(new_page, javascript=False)
    sign_in(page, "resident@example.org")
    page.goto("/groups/riverside/decisions")
    menu = page.get_by_role("navigation", name="Group menu")
    summary = menu.get_by_text(re.compile(r"^Group menu"))
    expect(summary).to_have_text("Group menu: Decisions")
    expect(menu.get_by_role("link", name="Members")).to_be_hidden()
    check_page(page)

    summary.click()
    expect(menu.locator('[aria-current="page"]:visible')).to_have_text("Decisions")
    menu.get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", level=1, name="Members")).to_be_visible()
    menu = page.get_by_role("navigation", name="Group menu")
    expect(menu.get_by_text("Group menu: Members")).to_be_visible()

    # The site's menu too: open it, and sign out from it.
    site = page.get_by_role("navigation", name="Main menu")
    site.get_by_text(re.compile(r"^Menu")).click()
    expect(site.get_by_role("link", name="Your details")).to_be_visible()
    site.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))


def test_on_a_wider_screen_the_tabs_show_and_there_is_no_menu_button(page):
    sign_in(page, "facilitator@example.org")
    page.goto("/groups/riverside/ballots")
    menu = page.get_by_role("navigation", name="Group menu")
    for name in ("Overview", "Decisions", "Votes", "Meetings", "Members", "Settings"):
        expect(menu.get_by_role("link", name=re.compile(f"^{name}"))).to_be_visible()
    expect(menu.get_by_role("link", name="Votes")).to_have_attribute("aria-current", "page")
    expect(menu.get_by_text(re.compile(r"^Group menu"))).to_be_hidden()
    site = page.get_by_role("navigation", name="Main menu")
    expect(site.get_by_role("link", name="Your details")).to_be_visible()
    expect(site.get_by_text(re.compile(r"^Menu"))).to_be_hidden()
    check_page(page)


@pytest.fixture(scope="module")
def long_words(live_server):
    """A group of its own (so the demo's pages stay as they were), whose name, members,
    decision, grapevine report and open vote are each full of one long word."""
    with live_server.app.app_context():
        group = groups.create_group(
            slug="long-words",
            name=LONG[:120],
            neighbourhood=LONG[:120],
            description=LONG,
            focus=SHORT_LONG,
        )
        officer = accounts.create_user(
            email="long.officer@example.org", name=LONG[:120], password=PASSWORD
        )
        resident = accounts.create_user(
            email="long.resident@example.org", name="Lena " + LONG[:100], password=PASSWORD
        )
        groups.add_member(group, officer, "officer")
        groups.add_member(group, resident, "resident")
        db.session.flush()
        decision = decisions.record_decision(
            group,
            officer,
            title=SHORT_LONG,
            summary=LONG,
            body=LONG,
            rationale=LONG,
            decided_at=utcnow() - timedelta(days=1),
            decided_by_kind="council_cabinet",
            decided_by_name=SHORT_LONG,
            place=SHORT_LONG,
        )
        report = reports.report_grapevine(
            group, resident, what=LONG, heard_when=SHORT_LONG, heard_by_whom=SHORT_LONG
        )
        ballot = voting.create_ballot(
            group,
            officer,
            title=SHORT_LONG,
            method="approval",
            options=[(SHORT_LONG, None), ("Keep it as it is", None)],
        )
        voting.open_ballot(group, ballot)
        base = f"/groups/{group.slug}"
        paths = {
            "decision": f"{base}/decisions/{decision.id}",
            "report": f"{base}/grapevine/{report.id}",
            "ballot": f"{base}/ballots/{ballot.id}",
        }
        db.session.commit()
        db.session.remove()
    return paths


def test_one_long_pasted_word_never_makes_a_page_scroll_sideways(new_page, long_words):
    page = phone(new_page)
    sign_in(page, "long.officer@example.org", PASSWORD)
    for path in (
        "/groups/long-words/decisions",
        long_words["decision"],
        long_words["report"],
        "/groups/long-words/grapevine",
        long_words["ballot"],
        "/groups/long-words/ballots",
        "/groups/long-words/members",
        "/groups/long-words",
    ):
        page.goto(path)
        expect(page.get_by_text(LONG[:40]).first).to_be_attached()
        no_sideways_scroll(page)
        check_page(page)

    # The resident who reported it, and who votes, sees the same pages whole.
    resident = phone(new_page)
    sign_in(resident, "long.resident@example.org", PASSWORD)
    resident.goto(long_words["ballot"])
    expect(resident.get_by_role("checkbox", name=SHORT_LONG)).to_be_visible()
    no_sideways_scroll(resident)
    check_page(resident)


def test_the_fingerprint_is_folded_away_below_the_voting_form(new_page, long_words):
    page = phone(new_page)
    sign_in(page, "long.resident@example.org", PASSWORD)
    page.goto(long_words["ballot"])
    form = page.locator("#my-vote form")
    expect(form).to_be_visible()
    checking = page.locator("details").filter(has=page.locator("#fingerprint"))
    expect(checking).to_have_count(1)
    expect(checking).not_to_have_attribute("open", re.compile(".*"))
    fingerprint = checking.locator("#fingerprint")
    expect(fingerprint).to_be_hidden()
    assert checking.bounding_box()["y"] > form.bounding_box()["y"] + form.bounding_box()["height"]
    # Nothing of it is above the form.
    above = page.evaluate(
        """() => {
            const form = document.querySelector('#my-vote form');
            return [...document.querySelectorAll('code')].filter(c =>
                /^[0-9a-f]{64}$/.test(c.textContent.trim()) &&
                (form.compareDocumentPosition(c) & Node.DOCUMENT_POSITION_PRECEDING)).length;
        }"""
    )
    assert above == 0
    check_page(page)

    checking.get_by_text("For checking").click()
    expect(fingerprint).to_be_visible()
    expect(fingerprint).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(checking.get_by_text("SHA-256 of the options")).to_be_visible()
    check_page(page)


def test_the_logs_fingerprint_is_folded_away_below_the_log(new_page):
    page = phone(new_page)
    sign_in(page, "resident@example.org")
    page.goto("/groups/riverside/decisions")
    status = page.locator("#chain-status")
    checking = page.locator("details").filter(has=status)
    expect(checking).not_to_have_attribute("open", re.compile(".*"))
    expect(status).to_be_hidden()
    first_entry = page.locator(".lb-log__entry").first
    assert checking.bounding_box()["y"] > first_entry.bounding_box()["y"]
    checking.get_by_text("For checking").click()
    expect(status).to_contain_text("The log is intact.")
    expect(status).to_contain_text("Latest fingerprint:")
    check_page(page)
