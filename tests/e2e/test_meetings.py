"""A meeting in a real browser, from agenda to minutes: planning, answers from
members, checking people in at the door, live mode with and without JavaScript
(two facilitators at once), publishing minutes, and who was told in person.
Every page visited with JavaScript is checked with axe-core, at desktop width
and at 360 px."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from icalendar import Calendar
from playwright.sync_api import expect

from app.dbtypes import LOCAL_ZONE
from app.extensions import db
from app.notices import worker
from tests.e2e.helpers import check_page, fill_date, sign_in
from tests.uploads import samples

TITLE = "Riverside meeting about the advice session"
AGENDA = (
    ("Welcome and apologies", "Fatima Facilitator"),
    ("Damp survey: first results", "Owen Officer"),
    ("The advice session: who helps on the day", "Ade Adviser"),
    ("Any other business", ""),
)


def meeting_time():
    """A start two hours from now (London), or tomorrow morning late at night."""
    start = datetime.now(LOCAL_ZONE) + timedelta(hours=2)
    if start.hour >= 22 or start.hour < 7:
        start = (start + timedelta(days=1)).replace(hour=10)
    return start.replace(minute=0)


def plan_the_meeting(page) -> str:
    page.goto("/groups/riverside/meetings")
    check_page(page)
    page.get_by_role("button", name="Plan a meeting").click()
    check_page(page)
    start = meeting_time()

    # Wrong first: it ends before it starts.
    page.get_by_label("Name of the meeting").fill(TITLE)
    fill_date(page, "What day is it?", start.date())
    page.get_by_label("Start time").fill(start.strftime("%H:%M"))
    page.get_by_label("End time").fill((start - timedelta(hours=1)).strftime("%H:%M"))
    page.get_by_label("Where is it? (optional if it is online)").fill("St Mark's church hall")
    page.get_by_label("Step-free access").check()
    page.get_by_role("button", name="Save and tell members").click()
    expect(page.get_by_role("link", name="The meeting must end after it starts")).to_be_visible()
    expect(page.get_by_label("Name of the meeting")).to_have_value(TITLE)
    check_page(page)

    page.get_by_label("End time").fill((start + timedelta(hours=2)).strftime("%H:%M"))
    page.get_by_role("button", name="Save and tell members").click()
    expect(page.get_by_text("The meeting is planned, and members are being told")).to_be_visible()
    check_page(page)
    meeting_url = page.url.split("#")[0]

    for n, (title, lead) in enumerate(AGENDA):
        if n == 0:
            page.get_by_role("button", name="Add an agenda item").click()
        page.get_by_label("What is the item about?").fill(title)
        page.get_by_label("Who leads it? (optional)").fill(lead)
        if n == 0:
            check_page(page)
        last = n == len(AGENDA) - 1
        page.get_by_role("button", name="Save the item" if last else "Save and add another").click()
        expect(page.get_by_text("The item is on the agenda.")).to_be_visible()
    expect(page.locator(".lb-agenda__item")).to_have_count(4)
    # The last item moves up, the way a facilitator reorders on the day.
    page.get_by_role("button", name="Move up Any other business").click()
    expect(page.locator(".lb-agenda__item").nth(2)).to_contain_text("3. Any other business")
    page.get_by_role("button", name="Move up Any other business").click()
    expect(page.locator(".lb-agenda__item").nth(1)).to_contain_text("2. Any other business")
    page.get_by_role("button", name="Move down Any other business").click()
    page.get_by_role("button", name="Move down Any other business").click()
    expect(page.locator(".lb-agenda__item").nth(3)).to_contain_text("4. Any other business")
    check_page(page)

    # A paper, uploaded from the facilitator's computer.
    page.get_by_role("link", name="Add or remove papers").click()
    check_page(page)
    page.get_by_label("Title of the paper").fill("Agenda and last minutes")
    page.get_by_label("Or upload the paper").set_input_files(
        {"name": "agenda.pdf", "mimeType": "application/pdf", "buffer": samples.pdf()}
    )
    page.get_by_role("button", name="Add the paper").click()
    expect(page.get_by_text("The paper has been added.")).to_be_visible()
    check_page(page)
    return meeting_url


def answer(new_page, email: str, meeting_url: str, button: str, says: str):
    page = new_page(width=360, height=740)
    sign_in(page, email)
    page.goto(meeting_url)
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text(says)).to_be_visible()
    check_page(page)
    return page


def informed_row(page, name: str):
    return page.locator("#informed tbody tr").filter(has_text=name)


def test_a_facilitator_runs_a_meeting_from_agenda_to_minutes_and_the_room_is_told_in_person(
    new_page, browser, live_server, mailbox
):
    fatima = new_page()
    sign_in(fatima, "facilitator@example.org")
    meeting_url = plan_the_meeting(fatima)

    # Three members answer, on their phones.
    rita = answer(
        new_page, "resident@example.org", meeting_url, "I am coming", "You said you are coming."
    )
    with rita.expect_download() as paper:
        rita.get_by_role("link", name="Agenda and last minutes").click()
    assert paper.value.suggested_filename == "agenda.pdf"
    outsider = new_page()
    sign_in(outsider, "admin@example.org")  # a site admin, not a member of this group
    paper_url = rita.get_by_role("link", name="Agenda and last minutes").get_attribute("href")
    assert outsider.request.get(paper_url).status == 404
    answer(new_page, "adviser@example.org", meeting_url, "I am coming", "You said you are coming.")
    answer(new_page, "officer@example.org", meeting_url, "Send apologies", "You sent your")
    fatima.goto(meeting_url)
    expect(fatima.locator("#rsvp")).to_contain_text("2 members are coming, 1 sent apologies")

    # On the day: two of them are checked in at the door.
    fatima.get_by_role("button", name="Run the meeting").click()
    check_page(fatima)
    fatima.get_by_role("button", name="Check in Rita Resident").click()
    expect(fatima.locator("#attendance")).to_contain_text("Rita Resident is checked in.")
    fatima.get_by_role("button", name="Check in Ade Adviser").click()
    expect(fatima.locator("#attendance")).to_contain_text("Ade Adviser is checked in.")
    expect(fatima.locator("#attendance")).to_contain_text(re.compile(r"2 of \d+ members here"))
    fatima.get_by_role("button", name="Start the meeting").click()
    expect(fatima.get_by_text("The meeting is under way.")).to_be_visible()
    check_page(fatima)

    fatima.get_by_role("button", name="Next item").click()
    expect(fatima.get_by_role("heading", name="Now: 2. Damp survey: first results")).to_be_visible()
    fatima.get_by_role("button", name="Next item").click()
    expect(
        fatima.get_by_role("heading", name="Now: 3. The advice session: who helps on the day")
    ).to_be_visible()
    fatima.get_by_label("Notes on this item").fill("Ade will ask the housing advice team.")
    fatima.get_by_role("button", name="Save notes").click()
    expect(fatima.locator("#notes")).to_contain_text("Notes saved.")

    # A second facilitator's screen, without JavaScript, opens the same item.
    plain = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, bypass_csp=True
    )
    try:
        second = plain.new_page()
        sign_in(second, "facilitator@example.org")
        second.goto(fatima.url.split("#")[0])
        expect(second.get_by_label("Notes on this item")).to_have_value(
            "Ade will ask the housing advice team."
        )

        # Both change the notes; the second to save is told, and loses nothing.
        fatima.get_by_label("Notes on this item").fill(
            "Ade will ask the housing advice team. Rita will bring leaflets."
        )
        fatima.get_by_role("button", name="Save notes").click()
        expect(fatima.locator("#notes")).to_contain_text("Notes saved.")
        second.get_by_label("Notes on this item").fill(
            "Ade will ask the housing advice team. Tea from the Co-op."
        )
        second.get_by_role("button", name="Save notes").click()
        expect(
            second.get_by_text("Someone else saved these notes while you were writing")
        ).to_be_visible()
        expect(second.get_by_text("Rita will bring leaflets.")).to_be_visible()
        expect(second.get_by_label("Notes on this item")).to_have_value(
            "Ade will ask the housing advice team. Tea from the Co-op."
        )
        second.get_by_label("Notes on this item").fill(
            "Ade will ask the housing advice team. Rita will bring leaflets. Tea from the Co-op."
        )
        second.get_by_role("button", name="Save notes").click()
        expect(second.get_by_text("Notes saved.")).to_be_visible()

        # With JavaScript: a decision, refused first for want of notice, then recorded.
        decision_form = fatima.locator("#capture-decision")
        decision_form.get_by_label("What was decided").fill("Advice session on damp in March")
        decision_form.get_by_label("Summary in plain words").fill(
            "The group will hold a drop-in advice session on damp and mould in March."
        )
        decision_form.get_by_role("button", name="Record the decision").click()
        expect(decision_form.get_by_role("link", name=re.compile("days' notice"))).to_be_visible()
        check_page(fatima)
        decision_form.get_by_label(
            "If members had less notice than the group's rule, say why"
        ).fill("Urgent: the hall must be booked this week.")
        decision_form.get_by_role("button", name="Record the decision").click()
        expect(fatima.locator("#capture-decision")).to_contain_text("is in the log")
        expect(fatima.locator("#captured")).to_contain_text("Advice session on damp in March")

        # ...and an action that carries it out, linked to the decision just taken.
        action_form = fatima.locator("#capture-action")
        action_form.get_by_label("What will be done").fill("Book the hall for the session")
        action_form.get_by_label("Who will do it?").select_option(label="Ade Adviser")
        fill_date(fatima, "Due by (optional)", datetime.now(LOCAL_ZONE).date() + timedelta(days=7))
        # The list gained the decision just taken, without reloading the page.
        taken = action_form.locator("option", has_text="Advice session on damp in March")
        action_form.get_by_label("Which decision does it carry out? (optional)").select_option(
            taken.get_attribute("value")
        )
        action_form.get_by_role("button", name="Record the action").click()
        expect(fatima.locator("#capture-action")).to_contain_text("The action is recorded")
        expect(fatima.locator("#captured")).to_contain_text("Book the hall for the session")
        check_page(fatima)

        # Without JavaScript: another decision and action, as plain forms.
        second.get_by_label("What was decided").fill("Ask the council for a second session")
        second.get_by_label("Summary in plain words").fill(
            "If March is busy, the group will ask the council to fund a second session."
        )
        second.get_by_label("This group, by a vote").check()
        second.get_by_label("If members had less notice than the group's rule, say why").fill(
            "Agreed on the night as a follow-up."
        )
        second.get_by_role("button", name="Record the decision").click()
        expect(second.get_by_text(re.compile(r"Decision \d+ is in the log"))).to_be_visible()
        second.get_by_label("What will be done").fill("Write to the council about a second session")
        second.get_by_label("Or an organisation or person who is not a member").fill(
            "Riverside LOG chair"
        )
        second.get_by_role("button", name="Record the action").click()
        expect(second.get_by_text("The action is recorded")).to_be_visible()
        expect(second.locator("#captured")).to_contain_text("Ask the council for a second session")

        # The meeting finishes; the minutes are drafted from what was captured.
        fatima.goto(fatima.url.split("#")[0])
        fatima.get_by_role("button", name="Finish the meeting").click()
        # It cannot be undone, so a page says what it does first.
        expect(fatima.get_by_role("heading", name="Finish the meeting?")).to_be_visible()
        expect(fatima.locator("#what-happens")).to_contain_text("checked in as present")
        check_page(fatima)
        fatima.get_by_role("button", name="Finish the meeting").click()
        expect(fatima.get_by_role("heading", name=re.compile("^Minutes:"))).to_be_visible()
        minutes = fatima.get_by_label("Minutes", exact=True)
        expect(minutes).to_have_value(re.compile("Rita will bring leaflets"))
        expect(minutes).to_have_value(re.compile("Advice session on damp in March"))
        check_page(fatima)
        second.goto(fatima.url)  # the other screen has the draft open too
        minutes.fill(minutes.input_value() + "\nThanks to St Mark's for the hall.\n")
        fatima.get_by_role("button", name="Publish the minutes and tell every member").click()
        expect(fatima.get_by_role("heading", name="Publish the minutes?")).to_be_visible()
        check_page(fatima)
        fatima.get_by_role("button", name="Publish the minutes", exact=True).click()
        expect(fatima.get_by_text("The minutes are published")).to_be_visible()
        expect(fatima.get_by_text("Thanks to St Mark's for the hall.")).to_be_visible()
        check_page(fatima)

        # Publishing twice is refused, and nothing changes.
        second.get_by_role("button", name="Publish the minutes and tell every member").click()
        expect(second.get_by_text("These minutes have already been published.")).to_be_visible()
    finally:
        plain.close()

    # Everyone else hears by their own channels: the email worker runs.
    with live_server.app.app_context():
        assert worker.work_once().sent >= 1
        db.session.remove()

    # The decision's page: the two in the room told in person at that moment.
    fatima.goto(meeting_url)
    fatima.get_by_role("link", name=re.compile("Advice session on damp in March")).click()
    expect(fatima.locator("dd", has_text="At the meeting")).to_be_visible()
    for name in ("Rita Resident", "Ade Adviser"):
        expect(informed_row(fatima, name)).to_contain_text("In person")
        expect(informed_row(fatima, name)).to_contain_text("Told on time")
    expect(informed_row(fatima, "Owen Officer")).to_contain_text("Email")
    # Priya takes a weekly digest: the news waits for it, and she is not told yet.
    expect(informed_row(fatima, "Priya Partner")).to_contain_text("Not told")
    expect(fatima.locator("#actions + ul")).to_contain_text("Book the hall for the session")
    check_page(fatima)
    decision_url = fatima.url
    told = fatima.request.get(decision_url + "/informed.json").json()
    by_name = {row["name"]: row for row in told["members"]}
    for name in ("Rita Resident", "Ade Adviser"):
        assert by_name[name]["channel"] == "in_person"
        assert by_name[name]["first_told_at"] == told["decided_at"]
    assert by_name["Owen Officer"]["channel"] == "email"
    assert by_name["Owen Officer"]["first_told_at"] > told["decided_at"]
    assert by_name["Priya Partner"]["first_told_at"] is None  # her weekly digest is to come

    # A resident reads the published minutes on a phone and finds the meeting in the calendar.
    rita.goto(meeting_url)
    rita.get_by_role("button", name="Read the minutes").click()
    expect(rita.get_by_text("Thanks to St Mark's for the hall.")).to_be_visible()
    expect(rita.locator("dl.govuk-summary-list").first).to_contain_text("Rita Resident")
    check_page(rita)
    feed = rita.request.get("/groups/riverside/meetings.ics")
    assert feed.ok
    events = [
        e for e in Calendar.from_ical(feed.body()).walk("VEVENT") if TITLE in str(e["SUMMARY"])
    ]
    assert len(events) == 1 and str(events[0]["STATUS"]) == "CONFIRMED"
    rita.goto(meeting_url + "/print?large=1")
    expect(rita.get_by_role("heading", name=TITLE)).to_be_visible()
    check_page(rita)
