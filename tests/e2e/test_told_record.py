"""The told record in a real browser, with and without JavaScript, on a 360 px phone
for the resident: a rumour reported and linked, a phone call recorded (a date before
the decision refused), a correction emailed with the new text, and each member's
status as the data has it. Every page visited passes axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.dbtypes import local_today
from app.decisions.models import Decision
from app.extensions import db
from app.notices import worker
from tests.e2e.helpers import PHONE_WIDTH, check_page, fill_date, sign_in


def informed_row(page, name: str):
    return page.locator("#informed tbody tr").filter(has_text=name)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_told_record_says_only_what_the_data_shows(new_page, live_server, mailbox, javascript):
    mode = "js" if javascript else "plain"
    place, moved = f"the library ({mode})", f"the leisure centre ({mode})"

    # A resident hears on the grapevine, on her phone, and says so.
    rita = new_page(width=PHONE_WIDTH, height=740, javascript=javascript)
    sign_in(rita, "resident@example.org")
    rita.goto("/groups/riverside/grapevine")
    rita.get_by_label("What did you hear was decided?").fill(
        f"A skate park is going in behind {place}."
    )
    rita.get_by_role("button", name="Send report").click()
    expect(rita.get_by_text("Your report is in the log as unconfirmed")).to_be_visible()
    check_page(rita)

    # The officer records the decision it was about, taken two days ago.
    owen = new_page(javascript=javascript)
    sign_in(owen, "officer@example.org")
    owen.goto("/groups/riverside/decisions/new")
    owen.get_by_label("What was decided").fill(f"Skate park behind {place}")
    owen.get_by_label("Summary in plain words").fill(
        f"The council will build a small skate park behind {place} next summer."
    )
    fill_date(owen, "When was it decided?", local_today() - timedelta(days=2))
    owen.get_by_label("At what time?").fill("10.15am")
    owen.get_by_label("Council cabinet or committee").check()
    owen.get_by_role("button", name="Record the decision and tell members").click()
    expect(owen.get_by_text("is in the log, and members are being told")).to_be_visible()
    decision_url = owen.url
    with live_server.app.app_context():
        number = db.session.scalar(
            select(Decision.number).where(Decision.title == f"Skate park behind {place}")
        )
        db.session.remove()

    # ... and links the report to it.
    owen.goto("/groups/riverside/decisions")
    owen.get_by_role(
        "link", name=re.compile(f"skate park is going in behind {re.escape(place)}")
    ).click()
    owen.get_by_label("Which decision in the log is it?").select_option(
        label=f"{number}. Skate park behind {place}"
    )
    owen.get_by_role("button", name="Link to this decision").click()
    expect(owen.get_by_text("The report has been answered")).to_be_visible()

    # The reporter heard it first; the two members without email are still not told.
    owen.goto(decision_url)
    expect(informed_row(owen, "Rita Resident")).to_contain_text("Heard on the grapevine first")
    expect(informed_row(owen, "Rita Resident")).to_contain_text("Not told yet")
    for name in ("Doris Hughes", "Tom Kaur"):
        expect(informed_row(owen, name)).to_contain_text("Not told yet")
    check_page(owen)

    # A phone call to Tom: a date before the decision is refused, today is recorded.
    owen.get_by_role("button", name="Record how people were told").click()
    owen.get_by_label("Told by phone").check()
    fill_date(owen, "On what date?", local_today() - timedelta(days=5))
    owen.get_by_label("Note (optional)").fill("Rang him at home")
    owen.get_by_label("Tom Kaur").check()
    owen.get_by_role("button", name="Record").click()
    expect(
        owen.get_by_role("link", name=re.compile("That is before it was decided"))
    ).to_be_visible()
    expect(owen.get_by_label("Note (optional)")).to_have_value("Rang him at home")
    check_page(owen)
    fill_date(owen, "On what date?", local_today())
    owen.get_by_role("button", name="Record").click()
    expect(owen.get_by_text("Recorded for 1 member.")).to_be_visible()
    tom = informed_row(owen, "Tom Kaur")
    expect(tom).to_contain_text("Told on time")
    expect(tom).to_contain_text("Phone call")
    expect(tom).to_contain_text("recorded by Owen Officer")
    expect(tom).to_contain_text("Rang him at home")
    expect(informed_row(owen, "Doris Hughes")).to_contain_text("Not told yet")

    # Then the officer corrects it; the email about it carries the new text.
    with live_server.app.app_context():
        worker.work_once()  # the first emails, so the next ones are the correction's
        db.session.remove()
    mailbox.clear()
    owen.get_by_role("button", name="Correct, revise or update").click()
    owen.get_by_label("Correction: the record had a mistake").check()
    owen.get_by_label("Why is it changing?").fill("It is the leisure centre, not the library.")
    owen.get_by_label("What was decided").fill(f"Skate park behind {moved}")
    owen.get_by_role("button", name="Save the change").click()
    expect(owen.get_by_text("The change is in the log")).to_be_visible()
    with live_server.app.app_context():
        assert worker.work_once().sent >= 1
        db.session.remove()
    (email,) = mailbox.to("resident@example.org")
    body = mailbox.body(email)
    assert email["Subject"] == f"Corrected: Skate park behind {moved}"
    assert f"Skate park behind {moved}" in body
    assert "It is the leisure centre, not the library." in body
    assert "fingerprint" in body

    # Tom was told of the first version only; Rita's email reached her.
    owen.reload()
    expect(informed_row(owen, "Tom Kaur")).to_contain_text("Told of an earlier version")
    expect(informed_row(owen, "Rita Resident")).to_contain_text("Told on time")
    expect(owen.locator("#history")).to_be_visible()
    expect(owen.locator(".lb-changes")).to_contain_text("library")
    check_page(owen)

    # On her phone, Rita reads her own line first.
    rita.goto(decision_url)
    expect(rita.locator("#my-told")).to_contain_text("You were first told on")
    expect(rita.get_by_text("You reported hearing of it along the grapevine")).to_be_visible()
    check_page(rita)
    rita.goto("/groups/riverside")
    menu = rita.get_by_role("navigation", name="Group menu")
    menu.get_by_text("Group menu").click()  # on her phone, the group's menu is folded
    menu.get_by_role("link", name="When I was told").click()
    expect(rita.locator("tr").filter(has_text=f"Skate park behind {moved}")).to_contain_text(
        "Heard on the grapevine first"
    )
    check_page(rita)

    # A mistaken record is withdrawn, after a warning, with a reason; it stays in the history.
    owen.get_by_role("link", name=re.compile("Withdraw this record")).first.click()
    expect(owen.get_by_text("cannot be undone")).to_be_visible()
    check_page(owen)
    owen.get_by_role("button", name="Withdraw the record").click()
    expect(owen.get_by_role("link", name="Say why this record is being withdrawn")).to_be_visible()
    owen.get_by_label("Why is this record being withdrawn?").fill("It was his brother on the phone")
    owen.get_by_role("button", name="Withdraw the record").click()
    expect(owen.get_by_text("The record has been withdrawn")).to_be_visible()
    expect(owen.locator(".lb-history")).to_contain_text("It was his brother on the phone")
    expect(informed_row(owen, "Tom Kaur")).to_contain_text("Not told yet")
    check_page(owen)
