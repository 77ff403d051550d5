"""Action pages over HTTP: the list, the owner saying how it is going, reminders."""

from __future__ import annotations

from datetime import timedelta

from app.actions import services as actions
from app.actions.models import Action
from app.dbtypes import local_today
from app.extensions import db
from tests.conftest import client_for
from tests.meetings.helpers import group_with_people, plan


def html(response) -> str:
    return response.get_data(as_text=True)


def test_the_owner_of_an_action_may_say_how_it_is_going_and_others_may_not(app, ctx):
    group, facilitator, people = group_with_people(2)
    (ade, _), (sam, _) = people
    action = actions.create_action(
        group, facilitator, title="Write to the council", owner_id=ade.id
    )
    url = f"/groups/{group.slug}/actions/{action.id}"
    owner, other = client_for(app, ade), client_for(app, sam)
    assert "Say how it is going" in html(owner.get(url))
    assert "Say how it is going" not in html(other.get(url))

    response = other.post(url, data={"status": "done", "note": "Not mine"})
    assert response.status_code == 403
    response = owner.post(url, data={"status": "dropped", "note": ""})
    assert response.status_code == 422 and "Say why it is not going ahead" in html(response)
    response = owner.post(url, data={"status": "done", "note": "Sent on Monday."})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Action, action.id).status == "done"
    assert "Sent on Monday." in html(other.get(url))


def test_the_group_page_shows_next_meetings_and_overdue_actions(app, ctx):
    group, facilitator, people = group_with_people(1)
    plan(group, facilitator, title="Next month's meeting")
    late = actions.create_action(
        group,
        facilitator,
        title="Fix the gate",
        owner_name="Riverside Homes",
        due_on=local_today() - timedelta(days=3),
        today=local_today() - timedelta(days=10),
    )
    client = client_for(app, people[0][0])
    page = html(client.get(f"/groups/{group.slug}"))
    assert "Next month&#39;s meeting" in page
    assert "Overdue actions" in page and "Fix the gate" in page
    page = html(client.get(f"/groups/{group.slug}/actions?show=overdue"))
    assert "Fix the gate" in page and f"/actions/{late.id}" in page
    assert client.get(f"/groups/{group.slug}/actions?show=nonsense&page=-5").status_code == 200
    # A NUL is refused before the page is drawn (PostgreSQL cannot look it up).
    assert client.get(f"/groups/{group.slug}/actions?show=%00&page=-5").status_code == 422


def test_facilitators_send_reminders_from_the_actions_page(app, ctx):
    group, facilitator, people = group_with_people(1)
    actions.create_action(
        group,
        facilitator,
        title="Fix the gate",
        owner_id=people[0][0].id,
        due_on=local_today() + timedelta(days=1),
    )
    url = f"/groups/{group.slug}/actions/remind"
    assert client_for(app, people[0][0]).post(url).status_code == 403
    client = client_for(app, facilitator)
    response = client.post(url)
    assert response.status_code == 303
    assert "1 owner is being reminded." in html(client.get(f"/groups/{group.slug}/actions"))
    client.post(url)
    assert "Nobody needed a reminder" in html(client.get(f"/groups/{group.slug}/actions"))
