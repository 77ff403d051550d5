"""Daily and weekly digests: one email gathering a member's news, sent at its time by
the worker, through the real SMTP server; its news counts as told when accepted."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.dbtypes import utcnow
from app.decisions import chain
from app.decisions.upcoming import publish_forward_plan
from app.extensions import db
from app.meetings import planning
from app.notices import desk, worker
from app.notices import services as notices
from app.notices.models import Digest, Notice
from app.voting import services as voting
from tests.conftest import count
from tests.decisions.helpers import backdate_members, record
from tests.factories import make_group, make_member


def member(group, cadence: str, name: str | None = None, **fields):
    person, _ = make_member(group, "resident", name=name)
    person.preferred_channels = ["in_app", "email"]
    person.digest = cadence
    for key, value in fields.items():
        setattr(person, key, value)
    db.session.commit()
    return person


@pytest.fixture
def riverside(app, ctx):
    group = make_group(name="Riverside Group")
    officer, _ = make_member(group, "officer")
    facilitator, _ = make_member(group, "facilitator")
    return group, officer, facilitator


def time_passes():
    """The digests' time has come (as if the clock had reached it)."""
    db.session.execute(
        update(Digest)
        .where(Digest.sent_at.is_(None))
        .values(next_attempt_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()


def emails_of(person):
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notice).where(Notice.user_id == person.id, Notice.channel == "email")
        )
    )


def test_a_daily_digest_gathers_the_days_news_and_counts_as_told_when_accepted(riverside, mailbox):
    group, officer, _facilitator = riverside
    daily = member(group, "daily", name="Dee Daily")
    each = member(group, "each", name="Eddie Each")
    backdate_members(group)
    record(group, officer, title="Bins move to Wednesdays")
    record(group, officer, title="Library opens on Sundays")

    worker.work_once()
    # The member who wants each thing hears twice at once; the daily one waits.
    assert len(mailbox.to(each.email)) == 2
    assert mailbox.to(daily.email) == []
    assert all(n.reached_at is None and n.digest_id for n in emails_of(daily))
    digest = db.session.scalar(select(Digest).where(Digest.user_id == daily.id))
    local_due = digest.next_attempt_at
    assert local_due > utcnow()

    time_passes()
    result = worker.work_once()
    assert result.done.get("digests") == 1
    (message,) = mailbox.to(daily.email)
    body = mailbox.body(message)
    assert message["Subject"] == "Your news from Logbook: 2 new things"
    assert "Your daily news from Logbook." in body
    assert "Bins move to Wednesdays" in body and "Library opens on Sundays" in body
    assert "(Riverside Group)" in body
    assert f"/groups/{group.slug}/decisions/" in body
    told = emails_of(daily)
    assert all(n.reached_at is not None for n in told)
    assert {n.reached_at for n in told} == {db.session.get(Digest, digest.id).sent_at}
    assert chain.verify(group.id).ok

    # Sent once: the next run sends nothing, and nothing new is gathered.
    time_passes()
    worker.work_once()
    assert len(mailbox.to(daily.email)) == 1


def test_a_weekly_digest_says_what_is_coming_and_what_is_unread(riverside, mailbox):
    group, officer, facilitator = riverside
    weekly = member(group, "each", name="Wyn Weekly")
    backdate_members(group)
    record(group, officer, title="Old news, never opened")
    worker.work_once()  # emailed at once, never opened in the inbox
    weekly.digest = "weekly"  # from now on
    db.session.commit()
    soon = utcnow() + timedelta(days=3)
    planning.plan_meeting(
        group,
        facilitator,
        title="December meeting",
        kind="group_meeting",
        starts_at=soon,
        ends_at=soon + timedelta(hours=2),
        place="St Mark's church hall",
    )
    publish_forward_plan(
        group,
        officer,
        title="New crossing on Mill Lane",
        summary="A zebra crossing by the school.",
        decision_by_kind="council_cabinet",
        decision_by_name="",
        expected_at=utcnow() + timedelta(days=14),
    )
    ballot = voting.create_ballot(
        group,
        facilitator,
        title="Which park first?",
        method="approval",
        options=[("North", None), ("South", None)],
    )
    ballot.closes_at = utcnow() + timedelta(days=2)
    voting.open_ballot(group, ballot)
    voted = voting.create_ballot(
        group,
        facilitator,
        title="Already voted on",
        method="approval",
        options=[("A", None), ("B", None)],
    )
    voted.closes_at = utcnow() + timedelta(days=2)
    voting.open_ballot(group, voted)
    db.session.commit()
    voting.cast(voted, weekly, [voting.ballot_options(voted)[0].id])
    record(group, officer, title="Bins move to Wednesdays")
    db.session.commit()
    time_passes()
    worker.work_once()

    old, message = mailbox.to(weekly.email)  # the old news came alone, before
    body = mailbox.body(message)
    assert "Your weekly news from Logbook." in body
    assert "Bins move to Wednesdays" in body
    assert "Meetings in the coming week" in body and "December meeting" in body
    assert "St Mark's church hall" in body
    assert "Decisions expected in the next four weeks" in body
    assert "New crossing on Mill Lane" in body
    assert "Votes closing soon that you have not voted in" in body
    assert "Which park first?" in body
    assert "Already voted on" not in body.split("Votes closing soon")[1].split("Not yet")[0]
    unread = body.split("Not yet read in your inbox: 1 thing.")[1]
    assert "Old news, never opened" in unread and "Bins move" not in unread


def test_quiet_news_goes_in_digests_and_never_as_an_email_of_its_own(riverside, mailbox):
    group, officer, _facilitator = riverside
    daily = member(group, "daily")
    each = member(group, "each")
    notices.announce(
        group_id=group.id,
        subject_kind="action_progress",
        subject_id=1,
        title="Progress: fixing the lights",
        body="Two of three lights are fixed.",
        url=f"/groups/{group.slug}/actions",
        people=[daily, each],
        quiet=True,
    )
    db.session.commit()
    worker.work_once()
    assert mailbox.to(each.email) == [] and emails_of(each) == []
    time_passes()
    worker.work_once()
    assert "Progress: fixing the lights" in mailbox.body(mailbox.to(daily.email)[0])


def test_the_mail_server_down_during_a_digest_loses_nothing_and_tells_once(app, riverside, mailbox):
    group, officer, _facilitator = riverside
    daily = member(group, "daily")
    backdate_members(group)
    record(group, officer)
    time_passes()
    mailbox.refuse_with = "451 4.3.0 Try again later"
    worker.work_once()
    digest = db.session.scalar(select(Digest).where(Digest.user_id == daily.id))
    db.session.refresh(digest)
    assert digest.sent_at is None and digest.attempts == 1 and "451" in digest.last_error
    assert digest.next_attempt_at > utcnow()
    assert all(n.reached_at is None for n in emails_of(daily))
    worker.work_once()  # backing off: not tried again yet
    assert db.session.get(Digest, digest.id).attempts == 1

    mailbox.refuse_with = None
    time_passes()
    worker.work_once()
    worker.work_once()
    assert len(mailbox.to(daily.email)) == 1
    assert all(n.reached_at is not None for n in emails_of(daily))


def test_a_digest_given_up_shows_on_the_desk_to_tell_another_way(app, riverside, mailbox):
    group, officer, _facilitator = riverside
    daily = member(group, "daily")
    backdate_members(group)
    record(group, officer)
    mailbox.refuse_with = "550 5.1.1 No such mailbox"
    for _ in range(worker.MAX_ATTEMPTS):
        time_passes()
        worker.work_once()
    digest = db.session.scalar(select(Digest).where(Digest.user_id == daily.id))
    assert digest.failed_at is not None and digest.sent_at is None
    assert desk.counts(group.id).failed_emails == 1
    assert all(n.reached_at is None and n.failed_at for n in emails_of(daily))


def test_digest_takers_without_email_get_no_digest_rows(riverside, mailbox):
    group, officer, _facilitator = riverside
    person = member(group, "weekly", email=None)
    person.preferred_channels = ["letter"]
    person.postal_address = "1 Quay Street"
    db.session.commit()
    backdate_members(group)
    record(group, officer)
    assert count(Digest) == 0
    # Their letter waits for the week's letter instead.
    assert desk.counts(group.id).letters == 0
    assert desk.counts(group.id, now=utcnow() + timedelta(days=8)).letters == 1


def test_two_workers_send_each_digest_once(app, riverside, mailbox):
    group, officer, _facilitator = riverside
    people = [member(group, "daily") for _ in range(8)]
    backdate_members(group)
    for n in range(3):
        record(group, officer, title=f"Decision {n}")
    time_passes()
    results = []

    def run(name):
        with app.app_context():
            results.append(worker.work_once(worker=name))
            db.session.remove()

    threads = [threading.Thread(target=run, args=(f"worker-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(r.done.get("digests", 0) for r in results) == 8
    for person in people:
        assert len(mailbox.to(person.email)) == 1, person.email
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Notice)
            .where(Notice.channel == "email", Notice.reached_at.is_not(None))
        )
        == 24
    )
    assert chain.verify(group.id).ok


def test_the_cli_worker_once_sends_the_digests_that_are_due(app, riverside, mailbox):
    group, officer, _facilitator = riverside
    daily = member(group, "daily")
    backdate_members(group)
    record(group, officer, title="Bins move to Wednesdays")
    early = app.test_cli_runner().invoke(args=["notices", "work", "--once"])
    # The day's rounds run (nothing to remind of), but no digest is due yet.
    assert early.exit_code == 0 and "digests" not in early.output, early.output
    time_passes()
    result = app.test_cli_runner().invoke(args=["notices", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert "digests: 1" in result.output
    assert len(mailbox.to(daily.email)) == 1
