"""Residents who read Polish or Urdu use Logbook in their language, in a real browser.

Each signs in (their browser asks for the language, or they choose it at the top
of the page), reads a decision, votes, and is emailed of the next decision in
their language through the test mail server. Urdu pages run right to left.
Every page visited passes axe-core, at desktop width and at 360 px.
"""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import User
from app.dbtypes import utcnow
from app.decisions import services as decisions
from app.extensions import db
from app.groups import services as groups
from app.notices import worker
from app.voting import services as voting
from app.voting.models import EligibleVoter
from tests.e2e.helpers import check_page
from tests.e2e.test_foundation import wait_for_mail

PASSWORD = "kettle orchard lantern mosaic"
RECEIPT = re.compile(r"[A-Z0-9]{5}-[A-Z0-9]{5}")


def add_resident_and_open_a_vote(live_server, email: str) -> tuple[int, int]:
    """A resident with email notices, and a vote they may cast: (their id, the vote's id)."""
    with live_server.app.app_context():
        group = groups.get_group("riverside")
        person = accounts.create_user(email=email, name=f"Resident {email[:4]}", password=PASSWORD)
        person.preferred_channels = ["in_app", "email"]
        groups.add_member(group, person, "resident")
        facilitator = accounts.get_user_by_email("facilitator@example.org")
        ballot = voting.create_ballot(
            group,
            facilitator,
            title=f"Where first? ({email[:4]})",
            method="approval",
            options=[("Bus shelter on Station Road", None), ("Street lights on Elm Street", None)],
        )
        voting.open_ballot(group, ballot)
        db.session.commit()
        ids = person.id, ballot.id
        db.session.remove()
    return ids


def record_a_decision_and_send(live_server, title: str) -> int:
    with live_server.app.app_context():
        group = groups.get_group("riverside")
        officer = accounts.get_user_by_email("officer@example.org")
        decision = decisions.record_decision(
            group,
            officer,
            title=title,
            summary="The council agreed it at cabinet.",
            decided_by_kind="council_cabinet",
            decided_at=utcnow(),
        )
        db.session.commit()
        decision_id = decision.id
        assert worker.work_once().sent >= 1
        db.session.remove()
    return decision_id


def sign_in_by_form(page, email: str) -> None:
    """The sign-in form, found by its fields: its words are in the page's language."""
    page.goto("/sign-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form:has(#password) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))


def in_language(live_server, language: str, text: str, **values) -> str:
    with live_server.app.test_request_context(), force_locale(language):
        return _(text, **values)


@pytest.mark.parametrize("language", ["pl", "ur"])
@pytest.mark.parametrize("how", ["browser", "chosen"])
def test_a_resident_reads_votes_and_is_told_in_their_language(
    new_page, live_server, mailbox, language, how
):
    email = f"{language}-{how}@example.org"
    person_id, ballot_id = add_resident_and_open_a_vote(live_server, email)
    if how == "browser":
        page = new_page()
        page.context.set_extra_http_headers({"Accept-Language": f"{language},en;q=0.3"})
    else:
        page = new_page()
        page.context.set_extra_http_headers({"Accept-Language": "en"})
        page.goto("/sign-in")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        check_page(page)
        page.locator(f'.lb-languages button[value="{language}"]').click()
        expect(page).to_have_url(re.compile(r"/sign-in$"))

    sign_in_by_form(page, email)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ur" else "ltr")
    check_page(page)
    with live_server.app.app_context():
        # The language they signed in with is theirs now: their notices follow it.
        assert db.session.get(User, person_id).language == language
        db.session.remove()

    # They read a decision, in their language around the council's own words.
    first = record_a_decision_and_send(live_server, f"Bins move to Wednesdays ({language}-{how})")
    page.goto(f"/groups/riverside/decisions/{first}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bins move to Wednesdays")
    expect(page.locator("html")).to_have_attribute("lang", language)
    # The council's English summary runs left to right even on an Urdu page, so its
    # full stop stays at its end: the words start at the paragraph's left edge.
    summary = page.locator("main p", has_text="The council agreed it at cabinet.")
    gap = summary.evaluate(
        """p => { const r = document.createRange(); r.selectNodeContents(p);
                  return r.getBoundingClientRect().left - p.getBoundingClientRect().left; }"""
    )
    assert abs(gap) < 2, gap
    check_page(page)

    # They vote; the receipt is shown and the vote is counted as theirs.
    page.goto(f"/groups/riverside/ballots/{ballot_id}")
    check_page(page)
    page.get_by_label("Street lights on Elm Street").check()
    page.locator("main form:has(input[type=checkbox]) button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(RECEIPT)
    check_page(page)
    with live_server.app.app_context():
        voted = db.session.scalar(
            select(EligibleVoter.voted).where(
                EligibleVoter.ballot_id == ballot_id, EligibleVoter.user_id == person_id
            )
        )
        assert voted is True
        db.session.remove()

    # The email about the decision came in their language.
    # (The vote's own email went first, before they had signed in and chosen.)
    title = f"Bins move to Wednesdays ({language}-{how})"
    subject = in_language(live_server, language, "Decision: %(title)s", title=title)
    assert subject != f"Decision: {title}"
    [message] = [m for m in wait_for_mail(mailbox, email, count=2) if m["Subject"] == subject]
    body = mailbox.body(message)
    opening = "Open the link to read it, and to say you have read it:"
    assert in_language(live_server, language, opening) in body
    assert opening not in body and "has recorded a decision" not in body
