"""Members hear back about votes and priorities: a vote's result when it closes, a
reminder before it closes, the inbox never saying "Vote now" about a closed vote, and
a priority they proposed or back moving on."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select, update

from app.dbtypes import utcnow
from app.extensions import db
from app.notices import worker
from app.notices.models import Announcement, Notice
from app.voting import priorities
from app.voting import services as voting
from app.voting.models import Ballot
from tests.conftest import count
from tests.factories import make_group, make_member


def emailing(person):
    person.preferred_channels = ["in_app", "email"]
    db.session.commit()
    return person


def vote_with(n_residents: int = 3, *, closes_in: timedelta | None = None, **extra):
    group = make_group(name="Riverside")
    facilitator, _ = make_member(group, "facilitator")
    residents = [emailing(make_member(group, "resident")[0]) for _ in range(n_residents)]
    ballot = voting.create_ballot(
        group,
        facilitator,
        title="What first?",
        method="approval",
        options=[("Damp", None), ("Youth centre", None), ("Traffic", None)],
        closes_at=utcnow() + closes_in if closes_in else None,
        **extra,
    )
    voting.open_ballot(group, ballot)
    db.session.commit()
    options = [o.id for o in voting.ballot_options(ballot)]
    return group, facilitator, residents, ballot, options


def result_notices(ballot) -> list[Notice]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notice).where(
                Notice.subject_kind == "ballot_result", Notice.subject_id == ballot.id
            )
        )
    )


def result_email(mailbox, person):
    found = [m for m in mailbox.to(person.email) if m["Subject"].startswith("Vote result")]
    assert len(found) == 1, [m["Subject"] for m in mailbox.to(person.email)]
    return mailbox.body(found[0])


# The result ---------------------------------------------------------------------------


def test_closing_a_vote_on_its_page_emails_every_eligible_member_the_winner(
    app, ctx, login, mailbox
):
    group, facilitator, residents, ballot, (damp, youth, _traffic) = vote_with(3)
    voting.cast(ballot, residents[0], [youth])
    voting.cast(ballot, residents[1], [youth, damp])
    worker.work_once()  # the "Vote now" emails
    mailbox.clear()

    response = login(facilitator).post(
        f"/groups/{group.slug}/ballots/{ballot.id}/close", data={"confirm": "y"}
    )
    assert response.status_code == 303

    assert worker.work_once().sent == 3  # the residents asked for email; all were eligible
    for resident in residents:  # voters and non-voters alike
        body = result_email(mailbox, resident)
        assert "The winner is \u201cYouth centre\u201d." in body
        assert "2 of 4 members who could vote did (50.0%)." in body
        assert f"/groups/{group.slug}/ballots/{ballot.id}#result" in body
    # The facilitator reads it in the inbox, as they asked; nobody outside the vote is told.
    assert {n.user_id for n in result_notices(ballot)} == {facilitator.id} | {
        r.id for r in residents
    }


def test_the_worker_closing_a_vote_at_its_set_time_announces_the_result(app, ctx, mailbox):
    group, _f, residents, ballot, (damp, *_rest) = vote_with(2, closes_in=timedelta(hours=1))
    voting.cast(ballot, residents[0], [damp])
    db.session.execute(
        update(Ballot).where(Ballot.id == ballot.id).values(closes_at=utcnow() - timedelta(1))
    )
    db.session.commit()
    worker.work_once()
    assert "The winner is \u201cDamp\u201d." in result_email(mailbox, residents[1])
    db.session.expire_all()
    result = db.session.scalar(
        select(Announcement).where(Announcement.subject_kind == "ballot_result")
    )
    assert result.created_at == db.session.get(Ballot, ballot.id).closes_at


def test_a_tie_is_announced_as_a_tie_with_the_option_that_won_it(app, ctx, mailbox):
    group, _f, residents, ballot, (_damp, youth, traffic) = vote_with(2)
    voting.cast(ballot, residents[0], [youth])
    voting.cast(ballot, residents[1], [traffic])
    voting.close_ballot(group, ballot)
    db.session.commit()
    worker.work_once()
    body = result_email(mailbox, residents[0])
    assert (
        "It was a tie between \u201cYouth centre\u201d, \u201cTraffic\u201d. Under the "
        "tie-break rule shown with the result, \u201cYouth centre\u201d wins."
    ) in body
    assert "The winner is" not in body


def test_a_ranked_tie_between_the_last_two_is_announced_as_a_tie(app, ctx):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    residents = [make_member(group, "resident")[0] for _ in range(2)]
    ballot = voting.create_ballot(
        group,
        facilitator,
        title="Ranked",
        method="ranked",
        options=[("North", None), ("South", None)],
    )
    voting.open_ballot(group, ballot)
    north, south = (o.id for o in voting.ballot_options(ballot))
    voting.cast(ballot, residents[0], [north, south])
    voting.cast(ballot, residents[1], [south, north])
    voting.close_ballot(group, ballot)
    announced = db.session.scalar(
        select(Announcement).where(Announcement.subject_kind == "ballot_result")
    )
    assert "It was a tie between \u201cNorth\u201d, \u201cSouth\u201d." in announced.body


def test_a_vote_nobody_voted_in_says_so_and_one_below_quorum_does_not_stand(app, ctx):
    group, _f, _residents, empty, _o = vote_with(2)
    voting.close_ballot(group, empty)
    group2, _f2, residents2, low, (damp, *_r) = vote_with(4, quorum_percent=50)
    voting.cast(low, residents2[0], [damp])
    voting.close_ballot(group2, low)
    bodies = {
        a.subject_id: a.body
        for a in db.session.scalars(
            select(Announcement).where(Announcement.subject_kind == "ballot_result")
        )
    }
    assert "Nobody voted, so there is no result." in bodies[empty.id]
    assert "The winner is" not in bodies[empty.id]
    assert "The winner is \u201cDamp\u201d." in bodies[low.id]
    assert "below the 50% needed, so the result does not stand" in bodies[low.id]


def test_a_vote_closed_with_nobody_eligible_tells_nobody_and_closes(app, ctx, login):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    ballot = voting.create_ballot(
        group,
        facilitator,
        title="Residents only, but there are none",
        method="approval",
        options=[("A", None), ("B", None)],
        voters="residents_only",
    )
    voting.open_ballot(group, ballot)
    db.session.commit()
    response = login(facilitator).post(
        f"/groups/{group.slug}/ballots/{ballot.id}/close", data={"confirm": "y"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Ballot, ballot.id).closed_at is not None
    assert count(Announcement, Announcement.subject_kind == "ballot_result") == 0
    assert result_notices(ballot) == []


def test_the_inbox_says_a_closed_vote_is_closed_instead_of_vote_now(app, ctx, login):
    group, _f, residents, ballot, _o = vote_with(1)
    inbox = login(residents[0]).get("/inbox").get_data(as_text=True)
    assert "Vote now: What first?" in inbox
    voting.close_ballot(group, ballot)
    db.session.commit()
    inbox = login(residents[0]).get("/inbox").get_data(as_text=True)
    assert "Vote now" not in inbox
    assert "Vote closed: What first?" in inbox
    assert "Vote result: What first?" in inbox


def test_opening_the_vote_marks_its_result_seen(app, ctx, login):
    group, _f, residents, ballot, _o = vote_with(1)
    voting.close_ballot(group, ballot)
    db.session.commit()
    login(residents[0]).get(f"/groups/{group.slug}/ballots/{ballot.id}")
    notices = [n for n in result_notices(ballot) if n.user_id == residents[0].id]
    assert [n.channel for n in notices if n.seen_at] == ["in_app"]


# Reminders before a vote closes ------------------------------------------------------


def reminders_to(ballot) -> list[int]:
    """Who was sent a reminder in the inbox, one entry per reminder."""
    db.session.expire_all()
    return [
        user_id
        for (user_id,) in db.session.execute(
            select(Notice.user_id)
            .join(Announcement, Announcement.id == Notice.announcement_id)
            .where(
                Notice.subject_kind == "ballot",
                Notice.subject_id == ballot.id,
                Notice.channel == "in_app",
                Announcement.title.like("Reminder:%"),
            )
        )
    ]


def test_non_voters_are_reminded_once_48_hours_before_a_vote_closes(app, ctx, mailbox):
    group, facilitator, residents, ballot, (damp, *_r) = vote_with(3, closes_in=timedelta(hours=47))
    db.session.execute(  # it opened days ago, and closes in 47 hours
        update(Ballot).where(Ballot.id == ballot.id).values(opened_at=utcnow() - timedelta(3))
    )
    voting.cast(ballot, residents[0], [damp])
    db.session.commit()

    assert "vote reminders" not in worker.run_due(utcnow() - timedelta(hours=2))  # 49 hours
    assert reminders_to(ballot) == []

    assert worker.work_once().done["vote reminders"] == 1  # and sends the emails
    assert sorted(reminders_to(ballot)) == sorted(
        [facilitator.id, residents[1].id, residents[2].id]
    )
    for resident in residents[1:]:
        subjects = [m["Subject"] for m in mailbox.to(resident.email)]
        assert sorted(subjects) == ["Reminder: vote on What first?", "Vote now: What first?"]
    # Who voted is not reminded.
    assert [m["Subject"] for m in mailbox.to(residents[0].email)] == ["Vote now: What first?"]

    assert "vote reminders" not in worker.work_once().done
    assert "vote reminders" not in worker.run_due(utcnow() + timedelta(hours=46))
    assert len(reminders_to(ballot)) == 3  # nobody is reminded twice
    assert len(mailbox.messages) == 5


def test_a_vote_opened_inside_the_last_48_hours_or_without_a_closing_time_is_not_reminded(app, ctx):
    _g, _f, _r, soon, _o = vote_with(2, closes_in=timedelta(hours=20))
    _g2, _f2, _r2, open_ended, _o2 = vote_with(2)
    worker.run_due(utcnow() + timedelta(hours=1))
    assert reminders_to(soon) == [] and reminders_to(open_ended) == []


def test_two_workers_at_the_same_moment_remind_once(app, ctx, monkeypatch):
    _group, _f, residents, ballot, _o = vote_with(4, closes_in=timedelta(days=3))
    db.session.commit()
    moment = ballot.closes_at - timedelta(hours=47)
    together = threading.Barrier(2)
    both_found_it = threading.Barrier(2)
    results, errors = [], []
    job = worker.DUE_JOBS["vote reminders"]

    def due_for_both(now):
        found = job.due(now)
        both_found_it.wait(timeout=30)  # neither reminds until both have found it due
        return found

    monkeypatch.setitem(worker.DUE_JOBS, job.name, worker.DueJob(job.name, due_for_both, job.run))

    def run():
        with app.app_context():
            try:
                together.wait(timeout=30)
                results.append(worker.run_due(moment))
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
    assert sum(r.get("vote reminders", 0) for r in results) == 1
    reminded = reminders_to(ballot)
    assert len(reminded) == 5 and len(set(reminded)) == 5  # four residents, one facilitator


# Priorities moving on ------------------------------------------------------------------


def priority_with_backers():
    group = make_group(name="Riverside")
    facilitator, _ = make_member(group, "facilitator")
    proposer = emailing(make_member(group, "resident")[0])
    backer = emailing(make_member(group, "resident")[0])
    bystander = emailing(make_member(group, "resident")[0])
    priority = priorities.propose(
        group, proposer, title="Damp flats", description="", domain="living_environment"
    )
    priorities.toggle_support(priority, backer)
    priorities.toggle_support(priority, facilitator)
    db.session.commit()
    return group, facilitator, proposer, backer, bystander, priority


def priority_notices(priority) -> list[Notice]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notice).where(
                Notice.subject_kind == "priority", Notice.subject_id == priority.id
            )
        )
    )


def test_a_status_change_reaches_the_proposer_and_backers_with_the_reason(app, ctx, login, mailbox):
    group, facilitator, proposer, backer, bystander, priority = priority_with_backers()
    response = login(facilitator).post(
        f"/groups/{group.slug}/priorities/{priority.id}/status",
        data={"status": "not_taken_forward", "reason": "The council is already fixing it."},
    )
    assert response.status_code == 303
    worker.work_once()
    for person in (proposer, backer):
        (message,) = mailbox.to(person.email)
        assert message["Subject"] == "Priority update: Damp flats (Not taken forward)"
        body = mailbox.body(message)
        assert "It is now: Not taken forward." in body
        assert "Why: The council is already fixing it." in body
    assert mailbox.to(bystander.email) == []
    # The facilitator who changed it, though a backer, is not told of what they did.
    assert {n.user_id for n in priority_notices(priority)} == {proposer.id, backer.id}


def test_saving_the_same_status_again_tells_nobody(app, ctx, login):
    group, facilitator, _p, _b, _by, priority = priority_with_backers()
    url = f"/groups/{group.slug}/priorities/{priority.id}/status"
    login(facilitator).post(url, data={"status": "shortlisted", "reason": ""})
    assert len(priority_notices(priority)) == 4  # two people, inbox and email each
    response = login(facilitator).post(url, data={"status": "shortlisted", "reason": "Still"})
    assert response.status_code == 303
    assert len(priority_notices(priority)) == 4


def test_choosing_a_votes_winner_tells_its_backers_why(app, ctx, login):
    group, facilitator, proposer, backer, _by, priority = priority_with_backers()
    priorities.set_priority_status(priority, "shortlisted")
    ballot = voting.create_ballot(
        group,
        facilitator,
        title="Which first?",
        method="approval",
        options=[("Damp flats", priority.id), ("Other", None)],
    )
    voting.open_ballot(group, ballot)
    voting.cast(ballot, proposer, [voting.ballot_options(ballot)[0].id])
    voting.close_ballot(group, ballot, by=facilitator)
    checker, _ = make_member(group, "officer")
    voting.certify(group, ballot, checker)
    db.session.commit()
    before = len(priority_notices(priority))

    response = login(facilitator).post(f"/groups/{group.slug}/ballots/{ballot.id}/choose")
    assert response.status_code == 303
    latest = db.session.scalar(
        select(Announcement)
        .where(Announcement.subject_kind == "priority")
        .order_by(Announcement.id.desc())
    )
    assert latest.title == "Priority update: Damp flats (Chosen)"
    assert "Why: The group chose it in the vote \u201cWhich first?\u201d." in latest.body
    told = db.session.scalars(select(Notice.user_id).where(Notice.announcement_id == latest.id))
    assert set(told) == {proposer.id, backer.id}  # not the facilitator who chose it
    assert len(priority_notices(priority)) == before + 4
    # Choosing it again changes nothing, and tells nobody again.
    login(facilitator).post(f"/groups/{group.slug}/ballots/{ballot.id}/choose")
    assert len(priority_notices(priority)) == before + 4
