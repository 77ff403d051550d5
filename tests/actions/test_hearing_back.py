"""Hearing back about actions: owners are reminded by the worker once a day, and the
group hears how an action is going quietly, in the inbox and in digests."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.actions import services as actions
from app.dbtypes import local_today, utcnow
from app.extensions import db
from app.notices import worker
from app.notices.models import Announcement, JobRun, Notice
from tests.conftest import count
from tests.factories import make_group, make_member


def owner_with_late_action():
    group = make_group(name="Riverside")
    facilitator, _ = make_member(group, "facilitator")
    owner, _ = make_member(group, "resident")
    owner.preferred_channels = ["in_app", "email"]
    today = local_today()
    late = actions.create_action(
        group,
        facilitator,
        title="Ask the landlord about the damp",
        owner_id=owner.id,
        due_on=today - timedelta(days=2),
        today=today - timedelta(days=9),
    )
    db.session.commit()
    return group, facilitator, owner, late


def reminders(action) -> int:
    return count(
        Announcement,
        Announcement.subject_kind == "action",
        Announcement.subject_id == action.id,
        Announcement.title.like("Overdue:%"),
    )


def test_the_worker_reminds_owners_once_a_day_by_email(app, ctx, mailbox):
    _group, _f, owner, late = owner_with_late_action()
    result = worker.work_once()
    assert result.done["action reminders"] == 1
    (reminder,) = [m for m in mailbox.to(owner.email) if m["Subject"].startswith("Overdue")]
    assert reminder["Subject"] == "Overdue: Ask the landlord about the damp"
    assert "Open the link to say how it is going" in mailbox.body(reminder)

    mailbox.clear()
    again = worker.work_once()
    assert "action reminders" not in again.done  # today's round is done
    assert mailbox.messages == [] and reminders(late) == 1


def test_each_days_round_runs_once_and_owners_hear_at_most_once_a_week(app, ctx):
    _group, _f, _owner, late = owner_with_late_action()
    now = utcnow()
    assert worker.run_due(now)["action reminders"] == 1
    assert reminders(late) == 1
    assert worker.run_due(now + timedelta(days=1))["action reminders"] == 1  # a new day
    assert reminders(late) == 1  # but reminded less than a week ago
    assert worker.run_due(now + timedelta(days=7))["action reminders"] == 1
    assert reminders(late) == 2
    days = sorted(db.session.scalars(select(JobRun.key).where(JobRun.name == "action reminders")))
    assert len(days) == 3 and days[0] == local_today().isoformat()


def test_the_remind_command_still_works_beside_the_worker(app, ctx):
    _group, _f, _owner, late = owner_with_late_action()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["actions", "remind"])
    assert result.exit_code == 0, result.output
    assert "Reminded the owners of 1 action(s)." in result.output
    worker.work_once()  # the day's round finds the owner reminded already
    assert reminders(late) == 1


def progress_scene():
    group = make_group(name="Riverside")
    facilitator, _ = make_member(group, "facilitator")
    owner, _ = make_member(group, "resident")
    each, _ = make_member(group, "resident")  # wants an email for everything
    each.preferred_channels = ["in_app", "email"]
    daily, _ = make_member(group, "resident")  # wants one email a day
    daily.preferred_channels = ["in_app", "email"]
    daily.digest = "daily"
    action = actions.create_action(group, facilitator, title="Fix the lights", owner_id=owner.id)
    db.session.commit()
    return group, facilitator, owner, each, daily, action


def progress_notices(action) -> list[Notice]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notice).where(
                Notice.subject_kind == "action_progress", Notice.subject_id == action.id
            )
        )
    )


def test_progress_reaches_every_inbox_and_digests_but_sends_no_email_of_its_own(
    app, ctx, login, mailbox
):
    group, facilitator, owner, each, daily, action = progress_scene()
    worker.work_once()
    mailbox.clear()
    response = login(owner).post(
        f"/groups/{group.slug}/actions/{action.id}",
        data={"status": "done", "note": "The council replaced both lamps."},
    )
    assert response.status_code == 303

    notices = progress_notices(action)
    inboxes = {n.user_id for n in notices if n.channel == "in_app"}
    assert inboxes == {facilitator.id, each.id, daily.id}  # not the owner who said it
    emails = [n for n in notices if n.channel == "email"]
    assert [(n.user_id, n.digest_id is not None) for n in emails] == [(daily.id, True)]
    assert worker.work_once().sent == 0 and mailbox.messages == []

    announcement = db.session.get(Announcement, notices[0].announcement_id)
    assert announcement.title == "Progress: Fix the lights (Done)"
    assert "The council replaced both lamps." in announcement.body
    inbox = login(each).get("/inbox").get_data(as_text=True)
    assert "Progress: Fix the lights (Done)" in inbox
    # Opening the action marks the news of it seen.
    login(each).get(f"/groups/{group.slug}/actions/{action.id}")
    seen = [n for n in progress_notices(action) if n.user_id == each.id and n.seen_at]
    assert len(seen) == 1


def test_refused_progress_tells_nobody(app, ctx, login):
    group, _f, owner, _each, _daily, action = progress_scene()
    response = login(owner).post(
        f"/groups/{group.slug}/actions/{action.id}", data={"status": "dropped", "note": ""}
    )
    assert response.status_code == 422
    assert progress_notices(action) == []
