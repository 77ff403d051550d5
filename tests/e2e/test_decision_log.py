"""The decision log in a real browser: recording, who was told, forward plan,
acknowledging, telling people in person, and grapevine reports. Every page
visited is checked with axe-core, at desktop width and at 360 px."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from app.accounts import services as accounts
from app.dbtypes import local_today, utcnow
from app.decisions.upcoming import comment_on_plan, publish_forward_plan
from app.extensions import db
from app.groups import services as groups
from app.notices import services as notices
from app.notices import worker
from tests.e2e.helpers import check_page, fill_date, sign_in


def informed_row(page, name: str):
    return page.locator("#informed tbody tr").filter(has_text=name)


def test_an_officer_records_a_decision_three_months_late_and_residents_show_as_told_late(
    page, live_server, mailbox
):
    sign_in(page, "officer@example.org")
    page.goto("/groups/riverside/decisions")
    check_page(page)
    page.get_by_role("button", name="Record a decision").click()
    check_page(page)

    # Bad input first: nothing filled in, then a date in the future.
    page.get_by_role("button", name="Record the decision and tell members").click()
    expect(page.get_by_role("link", name="Enter what was decided")).to_be_visible()
    page.get_by_label("What was decided").fill("Community garden lease renewed")
    page.get_by_label("Summary in plain words").fill(
        "The council renewed the garden's lease for five years."
    )
    fill_date(page, "When was it decided?", local_today() + timedelta(days=3))
    page.get_by_label("Council cabinet or committee").check()
    page.get_by_role("button", name="Record the decision and tell members").click()
    expect(page.get_by_role("link", name=re.compile("cannot be in the future"))).to_be_visible()
    expect(page.get_by_label("What was decided")).to_have_value("Community garden lease renewed")
    check_page(page)

    fill_date(page, "When was it decided?", local_today() - timedelta(days=90))
    page.get_by_label("At what time?").fill("6.30pm")
    page.get_by_role("button", name="Record the decision and tell members").click()
    expect(page.get_by_text("is in the log, and members are being told")).to_be_visible()
    check_page(page)
    decision_url = page.url

    # The email worker delivers; the letter and the phone call are recorded by hand.
    with live_server.app.app_context():
        assert worker.work_once().sent >= 4
        db.session.remove()
    page.get_by_role("button", name="Record how people were told").click()
    check_page(page)
    page.get_by_label("Letter posted").check()
    fill_date(page, "On what date?", local_today())
    page.get_by_label("Doris Hughes").check()
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Recorded for 1 member.")).to_be_visible()
    page.get_by_role("button", name="Record how people were told").click()
    page.get_by_label("Told by phone").check()
    fill_date(page, "On what date?", local_today())
    page.get_by_label("Tom Kaur").check()
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Recorded for 1 member.")).to_be_visible()

    for name in ("Rita Resident", "Doris Hughes", "Tom Kaur"):
        row = informed_row(page, name)
        expect(row).to_contain_text("Told late")
        expect(row).to_contain_text(re.compile(r"(89|90|91) days"))
    # Ade takes a daily digest: his news waits for it, and until then he is not told.
    expect(informed_row(page, "Ade Adviser")).to_contain_text("Not told")
    check_page(page)

    page.goto("/groups/riverside/decisions")
    entry = page.locator(".lb-log__entry").filter(has_text="Community garden lease renewed")
    expect(entry).to_contain_text("late")
    page.goto("/groups/riverside/members")
    page.get_by_role("link", name="Rita Resident").click()
    page.get_by_role("link", name="What was decided, and when they were told").click()
    row = page.locator("tr").filter(has_text="Community garden lease renewed")
    expect(row).to_contain_text("Told late")
    check_page(page)
    page.goto(decision_url)


def test_a_forward_plan_entry_30_days_before_shows_members_consulted_before(page, live_server):
    with live_server.app.app_context():
        group = groups.get_group("riverside")
        officer = accounts.get_user_by_email("officer@example.org")
        entry = publish_forward_plan(
            group,
            officer,
            title="New benches on the green",
            summary="The group will vote on where to put four new benches.",
            decision_by_kind="group_vote",
            decision_by_name="Riverside LOG",
            expected_at=utcnow(),
            now=utcnow() - timedelta(days=30),
        )
        for _membership, person in groups.all_members(group):
            notices.mark_seen(person.id, "forward_plan", entry.id, at=utcnow() - timedelta(days=29))
        entry_id = entry.id
        db.session.commit()
        db.session.remove()

    sign_in(page, "officer@example.org")
    page.goto("/groups/riverside/forward-plan")
    check_page(page)
    page.get_by_role("link", name="New benches on the green").click()
    check_page(page)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_label("What was decided")).to_have_value("New benches on the green")
    fill_date(page, "When was it decided?", local_today())
    page.get_by_label("At what time?").fill("midnight")  # always past, whenever this runs
    page.get_by_role("button", name="Record the decision and tell members").click()
    expect(page.get_by_text("is in the log")).to_be_visible()
    for name in ("Rita Resident", "Fatima Facilitator", "Priya Partner"):
        expect(informed_row(page, name)).to_contain_text("Told before it was decided")
    expect(page.get_by_text("Short notice")).to_have_count(0)
    check_page(page)
    page.goto(f"/groups/riverside/forward-plan/{entry_id}")
    expect(page.get_by_role("link", name=re.compile("Read decision"))).to_be_visible()


def test_a_resident_reads_and_acknowledges_a_decision(page):
    sign_in(page, "resident@example.org")
    expect(page.get_by_role("link", name=re.compile("Inbox"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Inbox")).click()
    check_page(page)
    page.get_by_role("link", name="Decision: Damp survey contractor appointed").click()
    check_page(page)
    page.get_by_role("button", name="I have read this").click()
    # With JavaScript, htmx swaps in the answer without reloading the page.
    expect(page.get_by_text("You said you had read this")).to_be_visible()
    page.reload()
    expect(informed_row(page, "Rita Resident")).to_contain_text("Told on time")
    check_page(page)


def test_a_facilitator_records_five_members_told_in_person_at_once(page):
    sign_in(page, "facilitator@example.org")
    page.goto("/groups/riverside/decisions")
    page.get_by_role("link", name=re.compile("Damp survey contractor appointed")).click()
    page.get_by_role("button", name="Record how people were told").click()
    page.get_by_label("Told in person").check()
    fill_date(page, "On what date?", local_today())
    page.get_by_label("Note (optional)").fill("At the coffee morning")
    names = ["Doris Hughes", "Tom Kaur", "Owen Officer", "Priya Partner", "Ade Adviser"]
    for name in names:
        page.get_by_label(name).check()
    check_page(page)
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Recorded for 5 members.")).to_be_visible()
    for name in names:
        expect(informed_row(page, name)).to_contain_text("Told on time")
    # Those without email were told only now, in person; the others by email before.
    for name in ("Doris Hughes", "Tom Kaur"):
        expect(informed_row(page, name)).to_contain_text("In person")
    check_page(page)


def test_a_resident_reports_the_grapevine_and_an_officer_links_it(page, new_page):
    resident = new_page(width=360, height=740)
    sign_in(resident, "adviser@example.org")
    resident.goto("/groups/riverside/grapevine")
    check_page(resident)
    resident.get_by_role("button", name="Send report").click()
    expect(resident.get_by_role("link", name="Say what you heard was decided")).to_be_visible()
    resident.get_by_label("What did you hear was decided?").fill(
        "Bins are moving to a different day."
    )
    resident.get_by_role("button", name="Send report").click()
    expect(resident.get_by_text("Your report is in the log as unconfirmed")).to_be_visible()
    check_page(resident)

    sign_in(page, "officer@example.org")
    page.goto("/groups/riverside/decisions")
    expect(page.get_by_text("Bins are moving to a different day.")).to_be_visible()
    page.get_by_role("link", name=re.compile("Bins are moving to a different day")).click()
    check_page(page)
    page.get_by_label("Which decision in the log is it?").select_option(
        label="2. Bin collections move to Wednesdays"
    )
    page.get_by_role("button", name="Link to this decision").click()
    expect(page.get_by_text("The report has been answered")).to_be_visible()
    page.goto("/groups/riverside/decisions")
    expect(page.get_by_text("Bins are moving to a different day.")).to_have_count(0)
    page.goto("/groups/riverside/figures")
    check_page(page)


def test_acknowledging_works_without_javascript_too(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, bypass_csp=True
    )
    try:
        page = context.new_page()
        sign_in(page, "adviser@example.org")
        page.goto("/groups/riverside/decisions")
        page.get_by_role("link", name=re.compile("Mill Lane speed limit")).click()
        page.get_by_role("button", name="I have read this").click()
        expect(
            page.get_by_text("The log now shows that you have read this decision.")
        ).to_be_visible()
        expect(page.get_by_text("You said you had read this")).to_be_visible()
    finally:
        context.close()


def test_an_officer_answers_a_residents_comment_under_it_and_the_resident_reads_it(
    page, live_server
):
    with live_server.app.app_context():
        group = groups.get_group("riverside")
        officer = accounts.get_user_by_email("officer@example.org")
        resident = accounts.get_user_by_email("resident@example.org")
        entry = publish_forward_plan(
            group,
            officer,
            title="Library closes on Mondays",
            summary="To save money, the library would close one day a week.",
            decision_by_kind="council_cabinet",
            decision_by_name="Cabinet",
            expected_at=utcnow() + timedelta(days=40),
        )
        comment_on_plan(entry, resident, "Where will the homework club go?")
        entry_id = entry.id
        db.session.commit()
        db.session.remove()

    sign_in(page, "officer@example.org")
    page.goto(f"/groups/riverside/forward-plan/{entry_id}")
    page.get_by_text("Reply to this comment").click()
    check_page(page)
    page.get_by_role("button", name="Send the reply").click()  # nothing written
    expect(page.get_by_role("link", name="Write your reply")).to_be_visible()
    check_page(page)
    page.get_by_label("Your reply").fill("It moves to the school hall on Mondays.")
    page.get_by_role("button", name="Send the reply").click()
    expect(page.get_by_text("Your reply is under the comment")).to_be_visible()
    expect(page.get_by_text("Reply from Owen Officer")).to_be_visible()
    check_page(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "resident@example.org")
    page.goto("/inbox")
    page.get_by_role("link", name="A reply to your comment on: Library closes on Mondays").click()
    expect(page.get_by_text("It moves to the school hall on Mondays.")).to_be_visible()
    expect(page.get_by_text("Reply to this comment")).to_have_count(0)
    check_page(page)
