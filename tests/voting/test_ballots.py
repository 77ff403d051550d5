"""Ballots: one current ballot per voter, secret means secret, and the box recounts."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from app.errors import Refused
from app.extensions import db
from app.voting import priorities, tally
from app.voting import services as voting
from app.voting.models import Cast, CurrentBallot, EligibleVoter, Priority
from tests.conftest import count
from tests.factories import make_group, make_member


def setup_ballot(method="ranked", *, secret=False, voters="all_members", n_residents=3, **extra):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    officer, _ = make_member(group, "officer")
    residents = [make_member(group, "resident")[0] for _ in range(n_residents)]
    ballot = voting.create_ballot(
        group,
        facilitator,
        title="What first?",
        method=method,
        options=[("Damp", None), ("Youth centre", None), ("Traffic", None)],
        secret=secret,
        voters=voters,
        **extra,
    )
    voting.open_ballot(group, ballot)
    options = [o.id for o in voting.ballot_options(ballot)]
    return group, facilitator, officer, residents, ballot, options


def test_twenty_casts_at_once_by_one_member_leave_exactly_one_current_ballot(app, ctx):
    group, _f, _o, residents, ballot, options = setup_ballot()
    voter_id, ballot_id = residents[0].id, ballot.id
    db.session.commit()
    errors = []

    def cast(n):
        with app.app_context():
            try:
                from app.accounts.models import User
                from app.voting.models import Ballot

                voter = db.session.get(User, voter_id)
                fresh = db.session.get(Ballot, ballot_id)
                order = options if n % 2 else list(reversed(options))
                voting.cast(fresh, voter, order)
                db.session.commit()  # as each vote's request does
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=cast, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert count(Cast, Cast.ballot_id == ballot_id) == 20  # every cast is kept
    assert count(CurrentBallot, CurrentBallot.ballot_id == ballot_id) == 1
    current = db.session.scalar(select(CurrentBallot).where(CurrentBallot.ballot_id == ballot_id))
    latest = db.session.scalar(
        select(Cast.id).where(Cast.ballot_id == ballot_id).order_by(Cast.id.desc()).limit(1)
    )
    assert current.cast_id == latest  # the last cast is the one that counts
    assert len(voting.ballot_box(ballot)) == 1


def test_recasting_replaces_the_ballot_and_keeps_the_history(app, ctx):
    group, _f, _o, residents, ballot, (a, b, c) = setup_ballot()
    first = voting.cast(ballot, residents[0], [a, b])
    second = voting.cast(ballot, residents[0], [c])
    assert first.receipt != second.receipt
    assert voting.ballot_box(ballot) == [(second.receipt, [c])]
    assert count(Cast, Cast.ballot_id == ballot.id) == 2


def test_the_published_box_recounts_to_the_published_result(app, ctx):
    group, facilitator, officer, residents, ballot, (a, b, c) = setup_ballot(n_residents=5)
    voting.cast(ballot, residents[0], [a, b])
    voting.cast(ballot, residents[1], [b, a])
    voting.cast(ballot, residents[2], [c, b])
    voting.cast(ballot, residents[3], [a])
    voting.cast(ballot, residents[4], [c, a])
    voting.cast(ballot, officer, [b], assisted_by=facilitator, assisted_note="paper slip")
    result = voting.close_ballot(group, ballot)
    box = voting.box_document(ballot)
    rules = tally.Rules(
        method=box["ballot"]["method"],
        options=tuple(o["id"] for o in box["ballot"]["options"]),
        quorum_percent=box["ballot"]["quorum_percent"],
        eligible=box["ballot"]["eligible_count"],
    )
    recount = tally.count(rules, [row["choices"] for row in box["ballots"]])
    assert recount == result == box["result"]
    assert len(box["ballots"]) == 6
    assert len(box["ballot"]["fingerprint"]) == 64


def test_a_secret_ballot_never_records_who_voted_for_what(app, ctx, login):
    group, facilitator, _o, residents, ballot, (a, b, c) = setup_ballot(secret=True)
    voting.cast(ballot, residents[0], [b, a])
    casts = list(db.session.scalars(select(Cast).where(Cast.ballot_id == ballot.id)))
    assert [c_.voter_id for c_ in casts] == [None]
    voting.close_ballot(group, ballot)
    assert voting.named_votes(ballot) == []
    page = (
        login(facilitator).get(f"/groups/{group.slug}/ballots/{ballot.id}").get_data(as_text=True)
    )
    assert residents[0].name not in page
    box = login(facilitator).get(f"/groups/{group.slug}/ballots/{ballot.id}/box.json").get_json()
    assert residents[0].name not in str(box) and str(residents[0].id) not in [
        str(v) for row in box["ballots"] for v in row.keys()
    ]


def test_results_of_a_secret_ballot_stay_hidden_until_it_closes(app, ctx, login):
    group, facilitator, _o, residents, ballot, (a, b, c) = setup_ballot(secret=True)
    voting.cast(ballot, residents[0], [c])
    client = login(facilitator)
    assert client.get(f"/groups/{group.slug}/ballots/{ballot.id}/box.json").status_code == 404
    assert "Winner:" not in client.get(f"/groups/{group.slug}/ballots/{ballot.id}").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("method", "form", "message"),
    [
        ("ranked", {"rank-{a}": "1", "rank-{b}": "1"}, "one option only"),
        ("ranked", {}, "at least one"),
        ("dot", {"dots-{a}": "4"}, ""),
        ("dot", {"dots-{a}": "3", "dots-{b}": "3"}, ""),
        ("score", {"score-{a}": "9"}, ""),
        ("approval", {"option": "999999"}, ""),
        ("dot", {"dots-{a}": "lots"}, "whole numbers"),
    ],
)
def test_bad_ballots_are_refused_with_a_message_and_nothing_is_kept(
    app, ctx, login, method, form, message
):
    extra = {"dots": 5, "max_per_option": 3} if method == "dot" else {}
    group, _f, _o, residents, ballot, (a, b, c) = setup_ballot(method, **extra)
    data = {key.format(a=a, b=b): value for key, value in form.items()}
    response = login(residents[0]).post(f"/groups/{group.slug}/ballots/{ballot.id}/vote", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page
    assert count(Cast, Cast.ballot_id == ballot.id) == 0


def test_voting_outside_the_open_time_or_when_not_eligible_is_refused(app, ctx, login):
    group, facilitator, officer, residents, ballot, (a, b, c) = setup_ballot(
        "approval", voters="residents_only"
    )
    response = login(officer).post(
        f"/groups/{group.slug}/ballots/{ballot.id}/vote", data={"option": str(a)}
    )
    assert response.status_code == 403
    assert "not on the list of voters" in response.get_data(as_text=True)
    voting.close_ballot(group, ballot)
    response = login(residents[0]).post(
        f"/groups/{group.slug}/ballots/{ballot.id}/vote", data={"option": str(a)}
    )
    assert response.status_code == 409
    assert "This vote has closed" in response.get_data(as_text=True)
    with pytest.raises(Refused, match="already closed"):
        voting.close_ballot(group, ballot)
    assert count(Cast, Cast.ballot_id == ballot.id) == 0


def test_reminders_go_only_to_eligible_members_who_have_not_voted(app, ctx):
    from app.notices.models import Notice

    group, _f, _o, residents, ballot, (a, b, c) = setup_ballot("approval", voters="residents_only")
    voting.cast(ballot, residents[0], [a])
    assert voting.remind(group, ballot) == 2
    from app.notices.models import Announcement

    reminder = db.session.scalar(select(Announcement).where(Announcement.title.like("Reminder:%")))
    reminded = set(
        db.session.scalars(select(Notice.user_id).where(Notice.announcement_id == reminder.id))
    )
    assert reminded == {residents[1].id, residents[2].id}


def test_choosing_the_winner_marks_the_priority_chosen(app, ctx):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    officer, _ = make_member(group, "officer")
    resident, _ = make_member(group, "resident")
    damp = priorities.propose(
        group, resident, title="Damp", description="", domain="living_environment"
    )
    youth = priorities.propose(
        group, resident, title="Youth", description="", domain="social_connectivity"
    )
    ballot = voting.create_ballot(
        group,
        facilitator,
        title="First?",
        method="approval",
        options=[("Damp", damp.id), ("Youth", youth.id)],
    )
    voting.open_ballot(group, ballot)
    option_ids = [o.id for o in voting.ballot_options(ballot)]
    voting.cast(ballot, resident, [option_ids[0]])
    voting.close_ballot(group, ballot, by=facilitator)
    with pytest.raises(Refused):  # not before someone else confirms the count
        voting.choose_winner(group, ballot)
    voting.certify(group, ballot, officer)
    voting.choose_winner(group, ballot)
    assert db.session.get(Priority, damp.id).status == "chosen"


def test_a_ballot_needs_two_different_options_and_sane_dots(app, ctx):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    with pytest.raises(Refused, match="at least two"):
        voting.create_ballot(
            group, facilitator, title="T", method="approval", options=[("A", None)]
        )
    with pytest.raises(Refused, match="different name"):
        voting.create_ballot(
            group, facilitator, title="T", method="approval", options=[("A", None), ("a", None)]
        )
    with pytest.raises(Refused, match="most dots"):
        voting.create_ballot(
            group,
            facilitator,
            title="T",
            method="dot",
            options=[("A", None), ("B", None)],
            dots=3,
            max_per_option=5,
        )


@pytest.mark.parametrize("method", ["approval", "dot", "ranked", "score"])
def test_every_methods_box_recounts_with_its_published_rules_and_paper(app, ctx, method):
    extra = {"dots": 5, "max_per_option": 3} if method == "dot" else {}
    group, facilitator, officer, residents, ballot, (a, b, c) = setup_ballot(
        method, n_residents=4, count_paper=True, **extra
    )
    sample = {
        "approval": [[a], [a, b], [c], [b, c]],
        "dot": [{a: 3, b: 2}, {c: 3}, {b: 1}, {a: 1, c: 1}],
        "ranked": [[a, b], [b, c, a], [c, b], [c]],
        "score": [{a: 5, b: 1}, {c: 4}, {a: 2, b: 3, c: 0}, {}],
    }[method]
    for voter, choices in zip(residents, sample, strict=True):
        voting.cast(ballot, voter, choices)
    fair = voting.add_paper_tally(ballot, facilitator, "Fair", {a: 2, b: 5, c: 0}, present=7)
    voting.add_paper_tally(ballot, facilitator, "Fete", {a: 9}, present=9)  # never confirmed
    voting.confirm_paper(group, ballot, fair.id, officer)
    result = voting.close_ballot(group, ballot)
    box = voting.box_document(ballot)
    definition = box["ballot"]
    rules = tally.Rules(
        method=definition["method"],
        options=tuple(o["id"] for o in definition["options"]),
        dots=definition["dots"],
        max_per_option=definition["max_per_option"],
        quorum_percent=definition["quorum_percent"],
        eligible=definition["eligible_count"],
    )
    paper = {int(k): v for k, v in definition["paper_counts"].items()}
    recount = tally.count(
        rules,
        [row["choices"] for row in box["ballots"]],
        paper if definition["paper_counted"] else None,
    )
    assert recount == result == box["result"]


def test_voting_before_a_vote_opens_is_refused(app, ctx, login):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    resident, _ = make_member(group, "resident")
    ballot = voting.create_ballot(
        group, facilitator, title="T", method="approval", options=[("A", None), ("B", None)]
    )
    response = login(resident).post(
        f"/groups/{group.slug}/ballots/{ballot.id}/vote", data={"option": "1"}
    )
    assert response.status_code == 409
    assert "has not opened yet" in response.get_data(as_text=True)


def test_planned_times_open_and_close_a_vote_by_the_worker_with_no_page_viewed(app, ctx, login):
    from datetime import timedelta

    from sqlalchemy import update

    from app.dbtypes import utcnow
    from app.notices import worker
    from app.notices.models import Announcement
    from app.voting.models import Ballot

    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    resident, _ = make_member(group, "resident")
    now = utcnow()
    ballot = voting.create_ballot(
        group,
        facilitator,
        title="Planned",
        method="approval",
        options=[("A", None), ("B", None)],
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(hours=1),
    )
    db.session.commit()
    url = f"/groups/{group.slug}/ballots/{ballot.id}"
    # Looking at it changes nothing: opening is the worker's job.
    assert "Cast my vote" not in login(resident).get(url).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Ballot, ballot.id).opened_at is None

    # The first run of the day also does the day's and the week's rounds (nothing due).
    assert worker.work_once().done == {
        "open votes": 1,
        "action reminders": 1,
        "overdue alerts": 1,
    }
    db.session.expire_all()
    opened = db.session.get(Ballot, ballot.id)
    assert opened.opened_at == opened.opens_at  # opened as planned, not when the worker ran
    assert count(Announcement, Announcement.subject_kind == "ballot") == 1
    assert "Cast my vote" in login(resident).get(url).get_data(as_text=True)
    assert worker.work_once().done == {}  # nothing is done twice

    db.session.execute(
        update(Ballot).where(Ballot.id == ballot.id).values(closes_at=now - timedelta(seconds=1))
    )
    db.session.commit()
    assert worker.work_once().done == {"close votes": 1}
    page = login(resident).get(url).get_data(as_text=True)
    assert "Closed" in page and "Nobody voted." in page
    with pytest.raises(Refused, match="already passed"):
        voting.create_ballot(
            group,
            facilitator,
            title="Late",
            method="approval",
            options=[("A", None), ("B", None)],
            closes_at=now - timedelta(hours=1),
        )


def test_two_workers_at_once_open_a_planned_vote_once(app, ctx):
    from datetime import timedelta

    from app.dbtypes import utcnow
    from app.notices import worker
    from app.notices.models import Announcement

    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    for _n in range(5):
        make_member(group, "resident")
    ballot = voting.create_ballot(
        group,
        facilitator,
        title="Planned",
        method="approval",
        options=[("A", None), ("B", None)],
        opens_at=utcnow() - timedelta(minutes=1),
    )
    db.session.commit()
    together = threading.Barrier(2)
    results, errors = [], []

    def run():
        with app.app_context():
            try:
                together.wait(timeout=30)
                results.append(worker.run_due())
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(r.get("open votes", 0) for r in results) == 1
    assert count(Announcement, Announcement.subject_id == ballot.id) == 1
    assert count(EligibleVoter, EligibleVoter.ballot_id == ballot.id) == 6


def test_a_tie_is_explained_with_the_options_names(app, ctx, login):
    group, facilitator, _o, residents, ballot, (a, b, c) = setup_ballot("approval", n_residents=2)
    voting.cast(ballot, residents[0], [b])
    voting.cast(ballot, residents[1], [c])
    voting.close_ballot(group, ballot)
    page = (
        login(residents[0]).get(f"/groups/{group.slug}/ballots/{ballot.id}").get_data(as_text=True)
    )
    assert "Tie:" in page
    assert "\u201cYouth centre\u201d" in page and "\u201cTraffic\u201d" in page
