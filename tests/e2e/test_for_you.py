"""Rita, a resident on an old phone (360 px), signs in and sees at once what is waiting
for her: a decision she has not read, a vote she has not cast and an action she owns.
Each link opens the thing; a decision she has read leaves the list. Every page passes
axe-core, with and without JavaScript."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.accounts import services as accounts
from app.actions import services as actions
from app.dbtypes import local_today, utcnow
from app.decisions import services as decisions
from app.extensions import db
from app.groups import services as groups
from app.voting import services as voting
from tests.e2e.helpers import PHONE_WIDTH, check_page, sign_in


def things_for_rita(app, tag: str) -> dict[str, str]:
    """A new decision, an open vote and an action of Rita's, as the officer and the
    facilitator would make them."""
    with app.app_context():
        group = groups.get_group("riverside")
        fatima = accounts.get_user_by_email("facilitator@example.org")
        officer = accounts.get_user_by_email("officer@example.org")
        rita = accounts.get_user_by_email("resident@example.org")
        titles = {
            "decision": f"Bus shelter on Mill Lane repaired {tag}",
            "vote": f"Which bench goes where {tag}",
            "action": f"Photograph the broken railings {tag}",
        }
        decisions.record_decision(
            group,
            officer,
            decided_at=utcnow() - timedelta(minutes=5),
            title=titles["decision"],
            summary="The council will repair it this month.",
            decided_by_kind="council_cabinet",
        )
        ballot = voting.create_ballot(
            group,
            fatima,
            title=titles["vote"],
            method="ranked",
            options=[("By the shop", None), ("By the school", None)],
            closes_at=utcnow() + timedelta(hours=3),
        )
        voting.open_ballot(group, ballot)
        actions.create_action(
            group, fatima, title=titles["action"], owner_id=rita.id, due_on=local_today()
        )
        db.session.commit()
        return titles


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_rita_sees_what_is_waiting_for_her_on_the_first_screen(new_page, live_server, javascript):
    titles = things_for_rita(live_server.app, "js" if javascript else "no-js")
    page = new_page(width=PHONE_WIDTH, height=740, javascript=javascript)
    sign_in(page, "resident@example.org")
    page.goto("/")
    heading = page.get_by_role("heading", name="For you", exact=True)
    expect(heading).to_be_in_viewport()
    decision_title = re.compile(re.escape(titles["decision"]))
    decision = page.get_by_role("link", name=decision_title)
    expect(decision).to_be_in_viewport()  # the newest unread decision, first on the screen
    expect(page.get_by_role("heading", name="Votes you have not cast")).to_be_visible()
    vote = page.get_by_role("link", name=titles["vote"], exact=True)
    expect(vote.locator("xpath=..")).to_contain_text("Closes ")
    action = page.get_by_role("link", name=titles["action"], exact=True)
    expect(action.locator("xpath=..")).to_contain_text("Due today")
    expect(page.get_by_role("heading", name="My groups")).to_be_visible()
    check_page(page)

    vote.click()
    expect(page.get_by_role("heading", name=titles["vote"])).to_be_visible()
    page.goto("/")
    page.get_by_role("link", name=titles["action"], exact=True).click()
    expect(page.get_by_role("heading", name=titles["action"])).to_be_visible()
    page.goto("/")
    decision.click()
    expect(
        page.get_by_role("heading", name=re.compile(re.escape(titles["decision"])))
    ).to_be_visible()

    # Read now: it leaves her list; the vote and the action are still waiting.
    page.goto("/")
    expect(page.get_by_role("link", name=re.compile(re.escape(titles["decision"])))).to_have_count(
        0
    )
    expect(page.get_by_role("link", name=titles["vote"], exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=titles["action"], exact=True)).to_be_visible()
