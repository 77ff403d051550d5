"""From a priority to what was done about it: each page shows the next link in the chain
priority → enquiry → decision → action, and a meeting's agenda can take up an enquiry."""

from __future__ import annotations

import pytest

from app.actions import services as actions
from app.enquiries import services as enquiries
from app.errors import Refused
from app.meetings import agenda
from tests.conftest import client_for
from tests.decisions.helpers import record
from tests.enquiries.helpers import make_enquiry, make_priority
from tests.factories import make_group, make_member
from tests.meetings.helpers import group_with_people, plan


def html(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def chain(app, ctx):
    group, facilitator, people = group_with_people(1)
    adviser, _ = make_member(group, "resident_adviser")
    officer, _ = make_member(group, "officer")
    priority = make_priority(group, adviser)
    enquiry = make_enquiry(group, adviser, priority)
    decision = record(group, officer, title="Riverside Homes to fix the Elm Street vents")
    enquiries.link_decision(enquiry, decision, adviser)
    action = actions.create_action(
        group,
        facilitator,
        title="Check every vent is working",
        owner_name="Riverside Homes repairs team",
        decision_id=decision.id,
    )
    resident = people[0][0]
    return group, resident, priority, enquiry, decision, action, facilitator


def test_a_priority_page_lists_its_enquiries_and_offers_to_start_one(app, chain):
    group, resident, priority, enquiry, _decision, _action, _facilitator = chain
    base = f"/groups/{group.slug}/priorities/{priority.id}"
    page = html(client_for(app, resident).get(base))
    assert enquiry.question in page
    assert "Start an enquiry into this priority" not in page  # residents do not start them
    adviser = enquiry_lead(enquiry)
    page = html(client_for(app, adviser).get(base))
    assert f"/groups/{group.slug}/enquiries/new?priority={priority.id}" in page


def enquiry_lead(enquiry):
    (lead,) = [row.person for row in enquiries.team(enquiry) if row.member.role == "lead"]
    return lead


def test_an_enquiry_page_shows_what_was_done_about_the_decisions_that_followed(app, chain):
    group, resident, _priority, enquiry, decision, action, _facilitator = chain
    page = html(client_for(app, resident).get(f"/groups/{group.slug}/enquiries/{enquiry.id}"))
    assert decision.title in page
    assert action.title in page and "Riverside Homes repairs team" in page
    assert f"/groups/{group.slug}/actions/{action.id}" in page


def test_a_decision_page_names_the_enquiry_it_came_from(app, chain):
    group, resident, _priority, enquiry, decision, action, _facilitator = chain
    page = html(client_for(app, resident).get(f"/groups/{group.slug}/decisions/{decision.id}"))
    assert "The enquiry it came from" in page and enquiry.question in page
    assert action.title in page


def test_an_agenda_item_can_be_about_an_enquiry_of_this_group_only(app, chain):
    group, resident, _priority, enquiry, _decision, _action, facilitator = chain
    meeting = plan(group, facilitator)
    item = agenda.add_item(group, meeting, title="What residents found", enquiry_id=enquiry.id)
    (row,) = agenda.agenda(meeting)
    assert (row.item.id, row.enquiry_question) == (item.id, enquiry.question)
    page = html(client_for(app, resident).get(f"/groups/{group.slug}/meetings/{meeting.id}"))
    assert f"/groups/{group.slug}/enquiries/{enquiry.id}" in page

    elsewhere = make_group()
    stranger, _ = make_member(elsewhere, "resident_adviser")
    other = make_enquiry(elsewhere, stranger)
    with pytest.raises(Refused) as refused:
        agenda.add_item(group, meeting, title="Theirs", enquiry_id=other.id)
    assert refused.value.field == "enquiry_id"
    assert len(agenda.agenda(meeting)) == 1
