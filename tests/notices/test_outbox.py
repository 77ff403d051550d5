"""Email notices go through an outbox: written with the decision, sent by a worker,
retried when the mail server is down, never sent twice, never lost."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

from sqlalchemy import func, select, update

from app.decisions.upcoming import publish_forward_plan
from app.extensions import db
from app.notices import services as notices
from app.notices import worker
from app.notices.models import Notice
from tests.decisions.helpers import record
from tests.factories import make_group, make_member


def group_with_emailers(n: int):
    group = make_group()
    officer, _ = make_member(group, "officer")
    people = []
    for _ in range(n):
        person, _ = make_member(group, "resident")
        person.preferred_channels = ["in_app", "email"]
        people.append(person)
    db.session.commit()
    return group, officer, people


def make_due_now():
    """Skip the backoff wait, as if time had passed."""
    db.session.execute(
        update(Notice)
        .where(Notice.channel == "email", Notice.sent_at.is_(None))
        .values(next_attempt_at=Notice.created_at)
    )
    db.session.commit()


def queued() -> int:
    return worker.queued_emails()


def test_publishing_a_decision_queues_its_emails_and_the_worker_sends_each_once(app, ctx, mailbox):
    group, officer, people = group_with_emailers(3)
    decision = record(group, officer, title="Bins move to Wednesdays")
    assert queued() == 3 and mailbox.messages == []

    result = worker.work_once()
    assert (result.sent, result.failed) == (3, 0)
    assert sorted(m["To"] for m in mailbox.messages) == sorted(p.email for p in people)
    message = mailbox.to(people[0].email)[0]
    assert message["Subject"] == "Decision: Bins move to Wednesdays"
    assert f"/groups/{group.slug}/decisions/{decision.id}" in mailbox.body(message)

    assert worker.work_once().sent == 0  # nothing is sent twice
    assert len(mailbox.messages) == 3


def test_when_the_mail_server_refuses_emails_wait_and_are_delivered_later(app, ctx, mailbox):
    group, officer, people = group_with_emailers(2)
    record(group, officer)
    mailbox.refuse_with = "451 4.3.0 Try again later"
    result = worker.work_once()
    assert (result.sent, result.failed) == (0, 2)
    rows = list(db.session.scalars(select(Notice).where(Notice.channel == "email")))
    assert all(n.attempts == 1 and n.reached_at is None for n in rows)
    assert all("451" in n.last_error for n in rows)
    assert all(n.next_attempt_at > n.created_at + timedelta(seconds=50) for n in rows)
    assert worker.work_once().sent == 0  # not due yet: backing off

    mailbox.refuse_with = None
    make_due_now()
    assert worker.work_once().sent == 2
    assert len(mailbox.messages) == 2
    assert queued() == 0


def test_when_the_mail_server_is_down_nothing_is_lost(app, ctx, mailbox):
    group, officer, people = group_with_emailers(2)
    record(group, officer)
    port = app.config["MAIL_PORT"]
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        app.config["MAIL_PORT"] = closed.getsockname()[1]  # nothing listens here
        try:
            assert worker.work_once().failed == 2
        finally:
            app.config["MAIL_PORT"] = port
    assert queued() == 2
    make_due_now()
    assert worker.work_once().sent == 2
    assert len(mailbox.messages) == 2


def test_a_hanging_mail_server_times_out_and_the_email_is_retried(app, ctx, mailbox):
    group, officer, _ = group_with_emailers(1)
    record(group, officer)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts connections but never says hello
    port, timeout = app.config["MAIL_PORT"], app.config["MAIL_TIMEOUT"]
    app.config.update(MAIL_PORT=silent.getsockname()[1], MAIL_TIMEOUT=0.5)
    try:
        assert worker.work_once().failed == 1
    finally:
        app.config.update(MAIL_PORT=port, MAIL_TIMEOUT=timeout)
        silent.close()
    make_due_now()
    assert worker.work_once().sent == 1


def test_an_email_is_given_up_after_many_failures_and_counted(app, ctx, mailbox):
    group, officer, _ = group_with_emailers(1)
    record(group, officer)
    mailbox.refuse_with = "550 5.1.1 No such mailbox"
    for _ in range(worker.MAX_ATTEMPTS):
        make_due_now()
        worker.work_once()
    assert notices.failed_emails(group.id) == 1
    make_due_now()
    mailbox.refuse_with = None
    assert worker.work_once().sent == 0


def test_two_workers_at_once_send_each_email_exactly_once(app, ctx, mailbox):
    group, officer, people = group_with_emailers(12)
    for n in range(3):
        record(group, officer, title=f"Decision {n}")
    assert queued() == 36
    db.session.commit()  # the decisions' request ends, then the workers start
    results = []

    def run(name):
        with app.app_context():
            results.append(worker.work_once(worker=name, batch=5))
            db.session.remove()

    threads = [threading.Thread(target=run, args=(f"worker-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(r.sent for r in results) == 36
    ids = [m["Message-ID"] for m in mailbox.messages]
    assert len(ids) == 36 and len(set(ids)) == 36
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Notice)
            .where(Notice.channel == "email", Notice.reached_at.is_not(None))
        )
        == 36
    )


def test_the_cli_worker_sends_what_is_due(app, ctx, mailbox):
    group, officer, _ = group_with_emailers(2)
    publish_forward_plan(
        group,
        officer,
        title="Car park",
        summary="Closing at night?",
        decision_by_kind="council_cabinet",
        decision_by_name="",
        expected_at=officer.created_at + timedelta(days=10),
    )
    result = app.test_cli_runner().invoke(args=["notices", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert "Sent 2" in result.output
    assert {m["Subject"] for m in mailbox.messages} == {"Coming up: Car park"}


def test_emails_queued_while_the_mail_server_is_stopped_go_once_it_starts(app, ctx):
    from aiosmtpd.controller import Controller

    from tests.conftest import Mailbox, free_port

    port = free_port()
    inbox = Mailbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    server.stop()  # the mail server is down when the decision is published
    group, officer, people = group_with_emailers(3)
    old_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = port
    try:
        record(group, officer)
        assert worker.work_once().failed == 3
        assert queued() == 3

        server = Controller(inbox, hostname="127.0.0.1", port=port)
        server.start()
        try:
            make_due_now()
            assert worker.work_once().sent == 3
            make_due_now()
            assert worker.work_once().sent == 0
        finally:
            server.stop()
    finally:
        app.config["MAIL_PORT"] = old_port
    assert sorted(m["To"] for m in inbox.messages) == sorted(p.email for p in people)
