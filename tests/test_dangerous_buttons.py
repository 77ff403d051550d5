"""A dangerous button is never next to everyday ones: closing a vote early and
cancelling a meeting sit apart, at the end of their page, under their own heading
that says what will happen."""

from __future__ import annotations

from datetime import timedelta

import tinyhtml5

from app.dbtypes import utcnow
from app.extensions import db
from app.voting import services as voting
from tests.conftest import client_for
from tests.factories import make_group, make_member
from tests.meetings.helpers import plan


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def warning_buttons_stand_apart(page: str) -> list[str]:
    """Each warning button: not in a button group with everyday buttons, and inside a
    set-apart section. (Parsed as a browser would, with the HTML5 parser WeasyPrint uses.)"""
    root = tinyhtml5.parse(page, namespace_html_elements=False)
    parents = {child: parent for parent in root.iter() for child in parent}

    def ancestors(element):
        while element in parents:
            element = parents[element]
            yield element

    problems = []
    for danger in root.iter():
        if "govuk-button--warning" not in _classes(danger):
            continue
        label = "".join(danger.itertext()).strip()
        around = list(ancestors(danger))
        for group in (a for a in around if "govuk-button-group" in _classes(a)):
            everyday = [
                e
                for e in group.iter()
                if "govuk-button" in _classes(e) and "govuk-button--warning" not in _classes(e)
            ]
            if everyday:
                problems.append(f"{label} is next to everyday buttons")
        if not any("lb-danger-zone" in _classes(a) for a in around):
            problems.append(f"{label} is not set apart")
    return problems


def test_closing_a_vote_early_stands_apart_from_reminding_and_entering_votes(app, ctx):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    ballot = voting.create_ballot(
        group,
        facilitator,
        title="What first?",
        method="approval",
        options=[("Damp homes", None), ("Youth centre", None)],
        closes_at=utcnow() + timedelta(days=7),
    )
    voting.open_ballot(group, ballot)
    db.session.commit()
    page = client_for(app, facilitator).get(f"/groups/{group.slug}/ballots/{ballot.id}").text
    assert "Close and count" in page and "Remind those who have not voted" in page
    assert warning_buttons_stand_apart(page) == []
    # It comes after the voting form, never before it.
    assert page.index("Cast my vote") < page.index("Close and count")


def test_cancelling_a_meeting_stands_apart_from_changing_it(app, ctx):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    meeting = plan(group, facilitator)
    page = client_for(app, facilitator).get(f"/groups/{group.slug}/meetings/{meeting.id}").text
    assert "Cancel it" in page and "Change the meeting" in page
    assert warning_buttons_stand_apart(page) == []
