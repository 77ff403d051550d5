"""Voting pages render for every method and state, within a fixed query budget."""

from __future__ import annotations

import pytest

from app.voting import priorities
from app.voting import services as voting
from tests.factories import make_group, make_member

BALLOT_PAGE_BUDGET = 22


def ballot_with_votes(method: str, n_voters: int, *, secret: bool = False):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    voters = [make_member(group, "resident")[0] for _ in range(n_voters)]
    extra = {"dots": 5, "max_per_option": 3} if method == "dot" else {}
    priority = priorities.propose(
        group, voters[0], title="Damp", description="", domain="living_environment"
    )
    ballot = voting.create_ballot(
        group,
        facilitator,
        title=f"{method} vote",
        method=method,
        options=[("Damp", priority.id), ("Youth centre", None), ("Traffic", None)],
        secret=secret,
        count_paper=True,
        **extra,
    )
    voting.open_ballot(group, ballot)
    a, b, c = (o.id for o in voting.ballot_options(ballot))
    sample = {
        "approval": [[a], [a, b], [c]],
        "dot": [{a: 3, b: 2}, {c: 3}, {b: 1}],
        "ranked": [[a, b], [b, c, a], [c, b]],
        "score": [{a: 5, b: 1}, {c: 4}, {a: 2, b: 3, c: 0}],
    }[method]
    for n, voter in enumerate(voters):
        voting.cast(ballot, voter, sample[n % 3])
    fair = voting.add_paper_tally(ballot, facilitator, "Summer fair", {a: 4, b: 0, c: 1}, present=5)
    checker, _ = make_member(group, "officer")
    voting.confirm_paper(group, ballot, fair.id, checker)
    return group, facilitator, voters, ballot


@pytest.mark.parametrize("method", ["approval", "dot", "ranked", "score"])
def test_ballot_pages_show_the_form_while_open_and_the_result_after(app, ctx, login, method):
    group, facilitator, voters, ballot = ballot_with_votes(method, 3)
    url = f"/groups/{group.slug}/ballots/{ballot.id}"
    page = login(voters[0]).get(url).get_data(as_text=True)
    assert "Replace my vote" in page and "Your receipt code is" in page
    assert login(facilitator).get(url + "/assist").status_code == 200
    voting.close_ballot(group, ballot)
    page = login(voters[1]).get(url).get_data(as_text=True)
    assert "Winner:" in page and "Summer fair" in page  # each event's slips, and who checked
    assert "The ballot box" in page and "lb-chart--result" in page
    if method == "ranked":
        assert "Round 1" in page
    box = login(voters[1]).get(url + "/box.json").get_json()
    assert box["ballot"]["method"] == method and len(box["ballots"]) == 3
    csv_text = login(voters[1]).get(url + "/box.csv").get_data(as_text=True)
    assert (
        csv_text.splitlines()[0] == "receipt,choices,choices_by_label"
        and len(csv_text.splitlines()) == 4
    )


def test_ballot_page_keeps_its_query_budget_as_voters_grow(app, ctx, login, count_queries):
    counts = []
    for n_voters in (3, 60):
        group, facilitator, voters, ballot = ballot_with_votes("ranked", n_voters)
        voting.close_ballot(group, ballot)
        client = login(voters[0])
        url = f"/groups/{group.slug}/ballots/{ballot.id}"
        client.get(url)
        with count_queries() as q:
            assert client.get(url).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts
    assert counts[1] <= BALLOT_PAGE_BUDGET, counts


def test_priority_pages_and_filters(app, ctx, login, count_queries):
    group = make_group()
    resident, _ = make_member(group, "resident")
    client = login(resident)
    response = client.post(
        f"/groups/{group.slug}/priorities/new", data={"title": "", "domain": "nowhere"}
    )
    assert response.status_code == 422
    assert "Enter the priority in a few words" in response.get_data(as_text=True)
    response = client.post(
        f"/groups/{group.slug}/priorities/new",
        data={"title": "Damp flats", "description": "Mould", "domain": "living_environment"},
    )
    assert response.status_code == 303
    priority_url = response.headers["Location"]
    client.post(priority_url + "/support")
    page = client.get(f"/groups/{group.slug}/priorities?domain=living_environment").get_data(
        as_text=True
    )
    assert "Damp flats" in page and "1 backer" in page
    page = client.get(f"/groups/{group.slug}/priorities?domain=local_economy").get_data(
        as_text=True
    )
    assert "Damp flats" not in page
    facilitator, _ = make_member(group, "facilitator")
    response = login(facilitator).post(
        priority_url + "/status", data={"status": "not_taken_forward", "reason": ""}
    )
    assert response.status_code == 422
    assert "everyone will see the reason" in response.get_data(as_text=True)
