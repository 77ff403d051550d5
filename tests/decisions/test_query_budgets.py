"""The decision pages run a fixed number of SQL statements, however long the log grows."""

from __future__ import annotations

from datetime import timedelta

from app.decisions.reports import report_grapevine
from app.decisions.upcoming import comment_on_plan, publish_forward_plan, reply_on_plan
from app.groups import services as group_services
from app.notices import services as notices
from tests.decisions.helpers import backdate_members, record
from tests.factories import make_group, make_member

#: The most statements each page may run (measured, with a little room).
BUDGETS = {
    "log": 18,  # + checking the chain, told records included
    "show": 20,  # + the meeting it was taken at, its actions, the enquiry it came from,
    # and the records made by hand (a page of them) and their withdrawals
    "figures": 18,
    "member_told": 14,
    "my_told": 14,
    "forward_plan": 10,
    "forward_plan_entry": 12,
    "grapevine": 10,
    "inbox": 8,
}


def build(n_decisions: int, n_members: int):
    group = make_group()
    officer, _ = make_member(group, "officer")
    people = [make_member(group, "resident")[0] for _ in range(n_members - 1)]
    backdate_members(group)
    entry = publish_forward_plan(
        group,
        officer,
        title="Plan",
        summary="S",
        decision_by_kind="group_vote",
        decision_by_name="",
        expected_at=officer.created_at + timedelta(days=40),
    )
    for n in range(n_decisions):
        decision = record(group, officer, days_ago=n_decisions - n, title=f"Decision {n}")
        if n % 3 == 0:
            notices.mark_seen(people[0].id, "decision", decision.id)
    report_grapevine(group, people[0], what="Heard", heard_when="", heard_by_whom="")
    comment = comment_on_plan(entry, people[0], "A comment")
    reply_on_plan(group, entry, comment.id, officer, "A reply, shown under it")
    return group, officer, people, decision, entry


def urls_for(group, decision, entry):
    member_id = group_services.all_members(group)[1][0].id
    return {
        "log": f"/groups/{group.slug}/decisions",
        "show": f"/groups/{group.slug}/decisions/{decision.id}",
        "figures": f"/groups/{group.slug}/figures",
        "member_told": f"/groups/{group.slug}/members/{member_id}/told",
        "my_told": f"/groups/{group.slug}/told-me",
        "forward_plan": f"/groups/{group.slug}/forward-plan",
        "forward_plan_entry": f"/groups/{group.slug}/forward-plan/{entry.id}",
        "grapevine": f"/groups/{group.slug}/grapevine",
        "inbox": "/inbox",
    }


def test_decision_pages_keep_their_query_budget_from_10_to_500_decisions(
    app, ctx, login, page_queries
):
    measured = {}
    for n_decisions, n_members in ((10, 4), (500, 12)):
        group, officer, people, decision, entry = build(n_decisions, n_members)
        client = login(people[0])
        measured[n_decisions] = {
            page: page_queries(client, url)
            for page, url in urls_for(group, decision, entry).items()
        }
    for page, budget in BUDGETS.items():
        small, large = measured[10][page], measured[500][page]
        assert small == large, f"{page}: {small} queries with 10 decisions, {large} with 500"
        assert large <= budget, f"{page}: {large} queries, over its budget of {budget}"
