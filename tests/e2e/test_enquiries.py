"""A resident-led enquiry in a real browser: a Resident Adviser starts it from a chosen
priority, builds the team, gathers evidence, writes up the findings and links the decision
that followed; a resident reads it on a 360 px phone but cannot add to it; someone outside
the group cannot download its files. Every page visited is checked with axe-core, at
desktop width and at 360 px."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.accounts import services as accounts
from app.extensions import db
from tests.e2e.helpers import check_page, sign_in
from tests.uploads import samples

PASSWORD = "kettle orchard lantern mosaic"
QUESTION = "What would young people use the youth centre for in the evenings?"


def add_outsider(live_server, email: str) -> None:
    with live_server.app.app_context():
        if accounts.get_user_by_email(email) is None:
            accounts.create_user(email=email, name="Olly Outsider", password=PASSWORD)
            db.session.commit()
        db.session.remove()


def add_evidence(page, kind: str, title: str, summary: str, **extra) -> None:
    page.get_by_role("button", name="Add evidence").click()
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("What does it tell us?").fill(summary)
    if "link" in extra:
        page.get_by_label("Link (optional)").fill(extra["link"])
    if "file" in extra:
        page.get_by_label("Upload a file (optional)").set_input_files(extra["file"])
    if "consent" in extra:
        page.get_by_label(extra["consent"]).check()
        page.get_by_label("How and when did they agree? (stories only)").fill(extra["notes"])
    page.get_by_role("button", name="Add the evidence").click()


def test_a_resident_adviser_runs_an_enquiry_from_priority_to_decision(page, new_page, live_server):
    ade = page
    sign_in(ade, "adviser@example.org")
    ade.goto("/groups/riverside")
    ade.get_by_role("link", name="Enquiries", exact=True).click()
    expect(ade.get_by_role("heading", name="Enquiries")).to_be_visible()
    check_page(ade)

    # Start an enquiry from the group's chosen priority; a missing question is explained.
    ade.get_by_role("button", name="Start an enquiry").click()
    check_page(ade)
    ade.get_by_role("button", name="Start the enquiry").click()
    expect(
        ade.get_by_role("link", name="Write the question the enquiry will try to answer")
    ).to_be_visible()
    check_page(ade)
    ade.get_by_label("What do you want to find out?").fill(QUESTION)
    ade.get_by_label("Reopen the youth centre in the evenings (Chosen)").check()
    ade.get_by_label("Group interviews").check()
    ade.get_by_label("Drama workshop").check()
    ade.get_by_label("Ethics and consent (optional)").fill(
        "Young people under 16 take part only with a parent's signed permission. "
        "We write down no names."
    )
    ade.get_by_role("button", name="Start the enquiry").click()
    expect(ade.get_by_text("Your enquiry has started.")).to_be_visible()
    expect(ade.get_by_role("heading", name=QUESTION)).to_be_visible()
    expect(ade.get_by_text("a parent's signed permission")).to_be_visible()
    check_page(ade)
    enquiry_url = ade.url

    # Two peer researchers join the team; a third is added, then taken off again.
    ade.get_by_role("button", name="Change the team").click()
    check_page(ade)
    for name in ("Doris Hughes", "Tom Kaur", "Rita Resident"):
        ade.get_by_label("Who?").select_option(label=f"{name} (Resident)")
        ade.get_by_label("Peer researcher").check()
        ade.get_by_role("button", name="Add to the team").click()
        expect(ade.get_by_text(f"{name} is on the team as Peer researcher.")).to_be_visible()
    ade.get_by_role("button", name="Take Rita Resident off the team").click()
    expect(ade.get_by_role("status")).to_have_text("Rita Resident is off the team.")
    check_page(ade)

    # Three pieces of evidence: an uploaded report, a web page and a story told with consent.
    ade.goto(enquiry_url)
    add_evidence(
        ade,
        "Report (council, charity or other)",
        "Youth centre visits, last year",
        "How many young people came each evening the centre was open.",
        file={
            "name": "Youth centre visits.pdf",
            "mimeType": "application/pdf",
            "buffer": samples.pdf("Youth centre visits"),
        },
    )
    expect(ade.get_by_text("The evidence has been added.")).to_be_visible()
    expect(ade.get_by_role("link", name="Download Youth centre visits.pdf")).to_be_visible()
    check_page(ade)
    file_url = ade.get_by_role("link", name="Download Youth centre visits.pdf").get_attribute(
        "href"
    )
    download = ade.request.get(file_url)
    assert download.status == 200 and download.body() == samples.pdf("Youth centre visits")
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment")

    # A program dressed up as a PDF is refused, and what was typed is kept.
    ade.goto(enquiry_url)
    add_evidence(
        ade,
        "Report (council, charity or other)",
        "Suspicious attachment",
        "Came by email.",
        file={"name": "report.pdf", "mimeType": "application/pdf", "buffer": samples.exe()},
    )
    expect(
        ade.get_by_role("link", name=re.compile("does not look like a .pdf file"))
    ).to_be_visible()
    expect(ade.get_by_label("Title", exact=True)).to_have_value("Suspicious attachment")
    check_page(ade)

    ade.goto(enquiry_url)
    add_evidence(
        ade,
        "Website",
        "Youth work that works: a charity's guide",
        "Evening clubs do best when young people help run them.",
        link="https://example.org/youth-work-guide",
    )
    expect(ade.get_by_text("The evidence has been added.")).to_be_visible()
    ade.goto(enquiry_url)
    add_evidence(
        ade,
        "Lived-experience story",
        "Nowhere to go after school",
        "Since the centre shut at six, we just walk round the estate until it's late.",
        consent="Yes: they agreed it can be shared with all members of the group",
        notes="Told at the group interview on 4 May; a parent signed the form.",
    )
    expect(ade.get_by_text("Agreed to share with the group")).to_be_visible()
    check_page(ade)
    ade.get_by_role("link", name="Record consent, or that it was taken back").click()
    expect(ade.get_by_label("How and when did they tell you?")).to_have_value(
        "Told at the group interview on 4 May; a parent signed the form."
    )
    check_page(ade)

    # The findings, and the decision that followed.
    ade.goto(enquiry_url)
    ade.get_by_role("link", name="Write the findings").click()
    check_page(ade)
    ade.get_by_label("What did the enquiry find?").fill(
        "Young people want somewhere warm and safe two evenings a week, run with them."
    )
    ade.get_by_role("button", name="Save the findings").click()
    expect(ade.get_by_text("The findings have been saved.")).to_be_visible()
    ade.get_by_role("link", name="Link a decision that came out of this enquiry").click()
    check_page(ade)
    chooser = ade.get_by_label("Which decision came out of this enquiry?")
    followed = chooser.locator("option", has_text="Youth centre to open on Saturday afternoons")
    chooser.select_option(label=followed.inner_text())
    ade.get_by_role("button", name="Link the decision").click()
    expect(ade.get_by_text(re.compile(r"Decision \d+ is linked to this enquiry"))).to_be_visible()
    trail = ade.locator(".lb-trail")
    expect(trail).to_contain_text("Reopen the youth centre in the evenings")
    expect(trail).to_contain_text("Youth centre visits, last year")
    expect(trail).to_contain_text("somewhere warm and safe")
    expect(trail).to_contain_text("Youth centre to open on Saturday afternoons")
    check_page(ade)

    # The enquiry moves on: reported, with a booklet and a note in its journal.
    ade.get_by_role("button", name="Change the enquiry").click()
    check_page(ade)
    ade.get_by_label("Reported", exact=True).check()
    ade.get_by_label("How many people have taken part so far? (optional)").fill("23")
    ade.get_by_role("button", name="Save the enquiry").click()
    expect(ade.get_by_text("The enquiry has been saved.")).to_be_visible()
    expect(ade.locator('.lb-steps [aria-current="step"]')).to_contain_text("Reported")
    ade.get_by_role(
        "link", name="Add an exhibition, booklet, video, report or presentation"
    ).click()
    check_page(ade)
    ade.get_by_label("Booklet", exact=True).check()
    ade.get_by_label("Title", exact=True).fill("What young people told us")
    ade.get_by_role("button", name="Add the output").click()
    expect(ade.get_by_text("The output has been added.")).to_be_visible()
    ade.get_by_role("link", name="Add an update").click()
    check_page(ade)
    ade.get_by_label("What happened?").fill("Drama workshop with twelve young people.")
    ade.get_by_role("button", name="Add to the journal").click()
    expect(ade.get_by_text("Drama workshop with twelve young people.")).to_be_visible()
    expect(ade.get_by_text("now at the stage: Reported.")).to_be_visible()
    check_page(ade)

    # A resident not on the team reads it all on her phone, but cannot add evidence.
    rita = new_page(width=360, height=740)
    sign_in(rita, "resident@example.org")
    rita.goto(enquiry_url)
    expect(rita.get_by_role("heading", name=QUESTION)).to_be_visible()
    expect(rita.get_by_text("Nowhere to go after school")).to_be_visible()
    expect(rita.get_by_text("What young people told us")).to_be_visible()
    expect(rita.get_by_role("button", name="Add evidence")).to_have_count(0)
    check_page(rita)
    rita.goto(enquiry_url + "/evidence/new")
    expect(rita.get_by_role("heading", name="Not allowed")).to_be_visible()
    check_page(rita)
    rita.goto("/groups/riverside/evidence")
    rita.get_by_label("Words to look for").fill("youth")
    rita.get_by_label("Kind").select_option(label="Website")
    rita.get_by_role("button", name="Search").click()
    expect(
        rita.get_by_role("link", name="Youth work that works: a charity's guide")
    ).to_be_visible()
    expect(rita.get_by_text("1 piece of evidence found")).to_be_visible()
    check_page(rita)
    # The demo's story told without consent is seen by its enquiry's team (Rita is a peer
    # researcher on it), and by nobody else.
    rita.goto("/groups/riverside/evidence?kind=lived_experience")
    expect(rita.get_by_text("Worried about complaining")).to_be_visible()
    owen = new_page()
    sign_in(owen, "officer@example.org")
    owen.goto("/groups/riverside/evidence?kind=lived_experience")
    expect(owen.get_by_text("Black mould in the baby's room")).to_be_visible()
    expect(owen.get_by_text("Worried about complaining")).to_have_count(0)
    check_page(owen)

    # Someone outside the group cannot download the file, or learn that it exists.
    add_outsider(live_server, "olly.outsider@example.org")
    olly = new_page()
    sign_in(olly, "olly.outsider@example.org", PASSWORD)
    response = olly.goto(file_url)
    assert response.status == 404
    expect(olly.get_by_role("heading", name="Page not found")).to_be_visible()
    check_page(olly)
