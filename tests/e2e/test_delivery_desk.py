"""The delivery desk in a real browser, with and without JavaScript: after a decision
the facilitator prints Doris's letter (the PDF read back), marks it posted and sees her
told by letter, then works the call sheet for Tom on a 360 px phone (no answer, then
told). Every page visited passes axe-core."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from app.dbtypes import local_today
from tests.e2e.helpers import PHONE_WIDTH, check_page, fill_date, sign_in


def informed_row(page, name: str):
    return page.locator("#informed tbody tr").filter(has_text=name)


def record_by_hand(page, name: str):
    return page.locator("#records tbody tr").filter(has_text=name).first


def letters_in(pdf: bytes) -> list[list[str]]:
    """The pages of each letter in a pack: a letter starts on a new page ("Dear ...")
    and runs on over as many pages as its news takes."""
    letters: list[list[str]] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        text = " ".join(page.extract_text().split())
        if "Dear " in text or not letters:
            letters.append([text])
        else:
            letters[-1].append(text)
    return letters


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_facilitator_posts_the_letters_and_works_the_call_sheet(
    new_page, live_server, javascript
):
    mode = "js" if javascript else "plain"
    title = f"Bus stop on Canal Street moves to the school gates ({mode})"

    # The officer records a decision; Doris waits for a letter, Tom for a call.
    owen = new_page(javascript=javascript)
    sign_in(owen, "officer@example.org")
    owen.goto("/groups/riverside/decisions/new")
    owen.get_by_label("What was decided").fill(title)
    owen.get_by_label("Summary in plain words").fill(
        "The bus stop outside 40 Canal Street moves 50 metres, to the primary school gates."
    )
    fill_date(owen, "When was it decided?", local_today() - timedelta(days=2))
    owen.get_by_label("At what time?").fill("6pm")
    owen.get_by_label("Council cabinet or committee").check()
    owen.get_by_role("button", name="Record the decision and tell members").click()
    expect(owen.get_by_text("is in the log, and members are being told")).to_be_visible()
    decision_url = owen.url
    for name in ("Doris Hughes", "Tom Kaur"):
        expect(informed_row(owen, name)).to_contain_text("Not told yet")

    # The facilitator finds the desk in the group's menu, with how much is waiting.
    fatima = new_page(javascript=javascript)
    sign_in(fatima, "facilitator@example.org")
    fatima.goto("/groups/riverside")
    menu = fatima.get_by_role("navigation", name="Group menu")
    desk_link = menu.get_by_role("link", name=re.compile(r"^Delivery desk \(\d+\)$"))
    desk_link.click()
    expect(fatima.get_by_role("heading", name="Delivery desk", level=1)).to_be_visible()
    check_page(fatima)
    waiting = fatima.get_by_role("table", name=re.compile("Who is waiting, and what for"))
    doris = waiting.locator("tbody tr").filter(has_text="Doris Hughes")
    expect(doris).to_contain_text("12 Mill Lane")
    expect(doris).to_contain_text(title)

    # A pack: Doris's letter, with everything waiting for her (other runs' news too).
    fatima.get_by_role("button", name=re.compile(r"^Make a pack of \d+ letters? to print$")).click()
    expect(fatima.get_by_role("heading", name="Letter pack", level=1)).to_be_visible()
    expect(fatima.get_by_text("The letters are ready to print")).to_be_visible()
    letter = fatima.locator("#letters tbody tr").filter(has_text="Doris Hughes")
    expect(letter).to_contain_text("12 Mill Lane")
    expect(letter).to_contain_text(title)
    check_page(fatima)

    with fatima.expect_download() as download:
        fatima.get_by_role("link", name="Download the letters to print (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    # Her name and address on her letter's first page (in the envelope's window), and
    # the decision in her letter: on that same page when it is all the letter holds; the
    # run that goes first also finds the demo's older news waiting, over several pages.
    (to_doris,) = [pages for pages in letters_in(pdf) if "Dear Doris Hughes," in pages[0]]
    assert "Doris Hughes 12 Mill Lane, Riverside" in to_doris[0]
    assert any(title in page for page in to_doris)
    if "Here is 1 thing you have not been told yet." in to_doris[0]:
        assert len(to_doris) == 1 and title in to_doris[0]

    # Posted (the whole pack with JavaScript, her one letter without): told by letter.
    if javascript:
        fatima.get_by_role("button", name="Mark every letter as posted").click()
        posted = re.compile(r"letters? (is|are) marked as posted: (its|their) news counts")
        expect(fatima.get_by_text(posted)).to_be_visible()
    else:
        letter.get_by_role("button", name="Mark as posted (Doris Hughes)").click()
        expect(fatima.get_by_text("1 letter is marked as posted")).to_be_visible()
    expect(letter).to_contain_text("by Fatima Facilitator")
    expect(letter.get_by_role("button")).to_have_count(0)
    check_page(fatima)

    fatima.goto(decision_url)
    doris = informed_row(fatima, "Doris Hughes")
    expect(doris).to_contain_text("Told on time")
    expect(doris).to_contain_text("Letter by post")
    expect(doris).to_contain_text("recorded by Fatima Facilitator")
    expect(record_by_hand(fatima, "Doris Hughes")).to_contain_text("Letter by post")
    expect(informed_row(fatima, "Tom Kaur")).to_contain_text("Not told yet")
    check_page(fatima)

    # Messages that could not be sent: the page is there from the desk.
    fatima.goto("/groups/riverside/desk")
    fatima.get_by_role("link", name=re.compile(r"messages? that could not be sent")).click()
    expect(fatima.get_by_role("heading", name="Messages that could not be sent")).to_be_visible()
    check_page(fatima)

    # The call sheet, on the facilitator's phone.
    phone = new_page(width=PHONE_WIDTH, height=740, javascript=javascript)
    sign_in(phone, "facilitator@example.org")
    phone.goto("/groups/riverside/desk")
    phone.get_by_role("link", name=re.compile(r"\d+ (person|people) to ring")).click()
    expect(phone.get_by_role("heading", name="Call sheet", level=1)).to_be_visible()
    tom = phone.locator(".lb-call").filter(has_text="Tom Kaur")
    expect(tom).to_contain_text("0161 496 0000")
    # The demo may have rung him already, with no answer: count from there.
    found = re.search(r"Tried (\d+) times?, no answer", tom.inner_text())
    tries = int(found.group(1)) if found else 0
    expect(tom).to_contain_text(title)
    assert phone.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE_WIDTH
    check_page(phone)

    phone.get_by_role("link", name="Print this call sheet").click()
    printed = phone.locator("tbody tr").filter(has_text="Tom Kaur")
    expect(printed).to_contain_text("0161 496 0000")
    expect(printed).to_contain_text(title)
    check_page(phone)
    phone.get_by_role("link", name="Back to the call sheet").click()

    # No answer: he stays on the sheet, with the try counted.
    tom.get_by_role("button", name="No answer (Tom Kaur)").click()
    expect(phone.get_by_text("No answer from Tom Kaur: they stay on the sheet.")).to_be_visible()
    expect(tom).to_contain_text(f"Tried {tries + 1} time{'s' if tries else ''}, no answer.")
    expect(tom).to_contain_text(title)
    assert phone.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE_WIDTH
    check_page(phone)

    # Told: he leaves the sheet, and the decision shows him told by phone.
    tom.get_by_label("Note (optional)").fill(f"Rang back at teatime ({mode})")
    tom.get_by_role("button", name="Told (Tom Kaur)").click()
    expect(phone.get_by_text("Tom Kaur is recorded as told by phone.")).to_be_visible()
    expect(tom).to_have_count(0)
    check_page(phone)

    phone.goto(decision_url)
    tom = informed_row(phone, "Tom Kaur")
    expect(tom).to_contain_text("Told on time")
    expect(tom).to_contain_text("Phone call")
    expect(tom).to_contain_text("recorded by Fatima Facilitator")
    expect(tom).to_contain_text(f"Rang back at teatime ({mode})")
    expect(record_by_hand(phone, "Tom Kaur")).to_contain_text("Phone call")
    expect(informed_row(phone, "Doris Hughes")).to_contain_text("Letter by post")
    check_page(phone)
