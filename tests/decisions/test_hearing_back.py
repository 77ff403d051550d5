"""Members hear back about what they raised in the decision log: the answer to what they
heard along the grapevine, an officer's reply to their comment on something coming up,
and facilitators hear each week how many members were not told in time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from app.comments.models import Comment
from app.dbtypes import utcnow
from app.decisions.reports import report_grapevine
from app.decisions.upcoming import comment_on_plan, publish_forward_plan
from app.extensions import db
from app.groups.models import Membership
from app.notices import services as notices
from app.notices import worker
from app.notices.models import Announcement, JobRun, Notice
from tests.conftest import count
from tests.decisions.helpers import backdate_members, record
from tests.decisions.test_query_budgets import BUDGETS
from tests.factories import make_group, make_member


def emailing(person):
    person.preferred_channels = ["in_app", "email"]
    db.session.commit()
    return person


def notices_about(kind: str, subject_id: int) -> list[Notice]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notice).where(Notice.subject_kind == kind, Notice.subject_id == subject_id)
        )
    )


# The grapevine -------------------------------------------------------------------------


def grapevine_scene():
    group = make_group(name="Riverside")
    officer, _ = make_member(group, "officer")
    reporter = emailing(make_member(group, "resident")[0])
    bystander = emailing(make_member(group, "resident")[0])
    report = report_grapevine(
        group, reporter, what="The library is closing", heard_when="", heard_by_whom=""
    )
    db.session.commit()
    return group, officer, reporter, bystander, report


def test_answering_a_grapevine_report_emails_the_answer_to_its_reporter(app, ctx, login, mailbox):
    group, officer, reporter, bystander, report = grapevine_scene()
    response = login(officer).post(
        f"/groups/{group.slug}/grapevine/{report.id}",
        data={"answer-answer": "Nothing is decided: it goes to cabinet in May."},
    )
    assert response.status_code == 303
    assert worker.work_once().sent == 1
    (message,) = mailbox.to(reporter.email)
    assert message["Subject"] == "An answer to what you heard"
    body = mailbox.body(message)
    assert "The library is closing" in body
    assert "answered: Nothing is decided: it goes to cabinet in May." in body
    assert f"/groups/{group.slug}/grapevine/{report.id}" in body
    assert mailbox.to(bystander.email) == []
    # Opening the report marks the answer seen in the reporter's inbox.
    login(reporter).get(f"/groups/{group.slug}/grapevine/{report.id}")
    seen = [n.channel for n in notices_about("grapevine", report.id) if n.seen_at]
    assert seen == ["in_app"]


def test_linking_a_grapevine_report_to_a_decision_tells_its_reporter_which(
    app, ctx, login, mailbox
):
    group, officer, reporter, _bystander, report = grapevine_scene()
    decision = record(group, officer, title="Library hours cut")
    worker.work_once()  # the decision's own emails
    mailbox.clear()
    response = login(officer).post(
        f"/groups/{group.slug}/grapevine/{report.id}",
        data={"link-decision_id": str(decision.id), "link-submit": "Link"},
    )
    assert response.status_code == 303
    worker.work_once()
    (message,) = mailbox.to(reporter.email)
    assert f"It is in the log as decision {decision.number}: Library hours cut." in (
        mailbox.body(message)
    )


def test_a_refused_answer_tells_nobody_and_a_second_answer_is_refused(app, ctx, login):
    group, officer, _reporter, _bystander, report = grapevine_scene()
    url = f"/groups/{group.slug}/grapevine/{report.id}"
    assert login(officer).post(url, data={"answer-answer": "  "}).status_code == 422
    assert notices_about("grapevine", report.id) == []
    login(officer).post(url, data={"answer-answer": "Not true."})
    told = len(notices_about("grapevine", report.id))
    response = login(officer).post(url, data={"answer-answer": "Really not true."})
    assert response.status_code == 422
    assert "already been answered" in response.get_data(as_text=True)
    assert len(notices_about("grapevine", report.id)) == told


def test_a_reporter_who_answers_their_own_report_is_not_told_of_it(app, ctx):
    from app.decisions.reports import answer_grapevine

    group = make_group()
    officer, _ = make_member(group, "officer")
    report = report_grapevine(group, officer, what="Heard", heard_when="", heard_by_whom="")
    answer_grapevine(group, report, "It was me", officer)
    assert notices_about("grapevine", report.id) == []


def test_a_reporter_who_has_left_the_group_is_not_told_of_the_answer(app, ctx, login):
    group, officer, reporter, _bystander, report = grapevine_scene()
    db.session.execute(
        delete(Membership).where(Membership.group_id == group.id, Membership.user_id == reporter.id)
    )
    db.session.commit()
    response = login(officer).post(
        f"/groups/{group.slug}/grapevine/{report.id}", data={"answer-answer": "Not true."}
    )
    assert response.status_code == 303
    assert notices_about("grapevine", report.id) == []


# Replies to comments on the forward plan ----------------------------------------------


def plan_scene():
    group = make_group(name="Riverside")
    officer, _ = make_member(group, "officer")
    commenter = emailing(make_member(group, "resident")[0])
    other = emailing(make_member(group, "resident")[0])
    entry = publish_forward_plan(
        group,
        officer,
        title="Close the library on Mondays",
        summary="To save money.",
        decision_by_kind="council_cabinet",
        decision_by_name="Cabinet",
        expected_at=utcnow() + timedelta(days=40),
    )
    comment = comment_on_plan(entry, commenter, "Where will the homework club go?")
    db.session.commit()
    worker.work_once()  # the forward plan's own emails
    return group, officer, commenter, other, entry, comment


def reply_url(group, entry, comment) -> str:
    return f"/groups/{group.slug}/forward-plan/{entry.id}/comments/{comment.id}/reply"


def test_an_officers_reply_is_shown_under_the_comment_and_its_writer_is_emailed(
    app, ctx, login, mailbox
):
    group, officer, commenter, other, entry, comment = plan_scene()
    mailbox.clear()
    response = login(officer).post(
        reply_url(group, entry, comment), data={"body": "It moves to the school hall."}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/forward-plan/{entry.id}#comment-{comment.id}")
    page = login(other).get(f"/groups/{group.slug}/forward-plan/{entry.id}")
    html = page.get_data(as_text=True)
    under = html.split(f'id="comment-{comment.id}"', 1)[1]
    assert "It moves to the school hall." in under
    assert f"Reply from {officer.name}" in under
    assert "Reply to this comment" not in html  # only officers and facilitators reply

    assert worker.work_once().sent == 1
    (message,) = mailbox.to(commenter.email)
    assert message["Subject"] == "A reply to your comment on: Close the library on Mondays"
    body = mailbox.body(message)
    assert "It moves to the school hall." in body
    assert "Where will the homework club go?" in body
    assert f"/forward-plan/{entry.id}#comment-{comment.id}" in body
    assert mailbox.to(other.email) == []

    # Opening the page marks the reply seen in the commenter's inbox.
    login(commenter).get(f"/groups/{group.slug}/forward-plan/{entry.id}")
    reply = db.session.scalar(select(Comment).where(Comment.reply_to_id == comment.id))
    seen = [n.channel for n in notices_about("comment", reply.id) if n.seen_at]
    assert seen == ["in_app"]


def test_an_empty_reply_is_refused_next_to_its_comment_and_nothing_is_kept(app, ctx, login):
    group, officer, _commenter, _other, entry, comment = plan_scene()
    response = login(officer).post(reply_url(group, entry, comment), data={"body": "   "})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Write your reply" in html
    assert f'href="#reply-{comment.id}"' in html  # the error summary links to its box
    assert count(Comment, Comment.reply_to_id.is_not(None)) == 0
    assert count(Notice, Notice.subject_kind == "comment") == 0


def test_a_reply_to_a_reply_or_to_another_pages_comment_is_refused(app, ctx, login):
    group, officer, _commenter, _other, entry, comment = plan_scene()
    client = login(officer)
    client.post(reply_url(group, entry, comment), data={"body": "First answer"})
    reply = db.session.scalar(select(Comment).where(Comment.reply_to_id == comment.id))
    response = client.post(reply_url(group, entry, reply), data={"body": "Answering myself"})
    assert response.status_code == 422
    assert "not a reply to it" in response.get_data(as_text=True)

    elsewhere = publish_forward_plan(
        group,
        officer,
        title="Another",
        summary="S",
        decision_by_kind="group_vote",
        decision_by_name="",
        expected_at=utcnow() + timedelta(days=40),
    )
    db.session.commit()
    response = client.post(reply_url(group, elsewhere, comment), data={"body": "Wrong page"})
    assert response.status_code == 404
    assert "not on this page" in response.get_data(as_text=True)
    response = client.post(
        f"/groups/{group.slug}/forward-plan/{entry.id}/comments/999999/reply", data={"body": "x"}
    )
    assert response.status_code == 404
    assert count(Comment, Comment.reply_to_id.is_not(None)) == 1


def test_a_commenter_who_has_left_the_group_is_not_told_of_a_reply(app, ctx, login):
    group, officer, commenter, _other, entry, comment = plan_scene()
    db.session.execute(
        delete(Membership).where(
            Membership.group_id == group.id, Membership.user_id == commenter.id
        )
    )
    db.session.commit()
    response = login(officer).post(reply_url(group, entry, comment), data={"body": "Answer"})
    assert response.status_code == 303
    assert count(Notice, Notice.subject_kind == "comment") == 0


def test_the_forward_plan_entry_page_keeps_its_query_budget_however_many_replies(
    app, ctx, login, page_queries
):
    measured = []
    for n_comments in (1, 20):
        group, officer, commenter, _other, entry, _c = plan_scene()
        for n in range(n_comments):
            comment = comment_on_plan(entry, commenter, f"Question {n}")
            db.session.commit()
            login(officer).post(reply_url(group, entry, comment), data={"body": f"Answer {n}"})
        measured.append(
            page_queries(login(commenter), f"/groups/{group.slug}/forward-plan/{entry.id}")
        )
    small, large = measured
    assert small == large, f"{small} queries with 1 reply, {large} with 20"
    assert large <= BUDGETS["forward_plan_entry"]


# The weekly alert of members not told in time -----------------------------------------


def overdue_scene():
    group = make_group(name="Riverside")
    facilitator, _ = make_member(group, "facilitator")
    officer, _ = make_member(group, "officer")
    residents = [make_member(group, "resident")[0] for _ in range(3)]  # inbox only
    backdate_members(group)
    decision = record(group, officer, days_ago=10, title="Bins on Fridays")
    # The facilitator read it (the officer who recorded it knows it); the residents not.
    notices.mark_seen(facilitator.id, "decision", decision.id)
    db.session.commit()
    return group, emailing(facilitator), officer, residents, decision


def alerts(group) -> list[Announcement]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Announcement).where(
                Announcement.subject_kind == "overdue", Announcement.subject_id == group.id
            )
        )
    )


def test_facilitators_are_emailed_weekly_how_many_members_were_not_told_in_time(
    app, ctx, login, mailbox
):
    group, facilitator, officer, residents, _decision = overdue_scene()
    login(residents[0]).get("/inbox")  # seeing the list does not count as told
    assert worker.work_once().done["overdue alerts"] == 1
    (alert,) = alerts(group)
    # The three residents have not opened it, ten days on.
    assert alert.title == "3 members not told within 7 days"
    assert alert.url == f"/groups/{group.slug}/desk"
    told = {n.user_id for n in notices_about("overdue", group.id)}
    assert told == {facilitator.id}
    (message,) = [m for m in mailbox.to(facilitator.email) if m["Subject"].startswith("3 members")]
    assert f"/groups/{group.slug}/desk" in mailbox.body(message)
    # The desk is where the alert leads; opening it marks the alert seen.
    assert login(facilitator).get(f"/groups/{group.slug}/desk").status_code == 200
    assert [n.channel for n in notices_about("overdue", group.id) if n.seen_at] == ["in_app"]


def test_the_alert_goes_once_a_group_a_week_and_not_when_everyone_was_told(app, ctx):
    group, _facilitator, _officer, _residents, _decision = overdue_scene()
    told_all = make_group()
    make_member(told_all, "facilitator")
    now = utcnow()
    assert worker.run_due(now)["overdue alerts"] == 2  # both groups looked at
    assert worker.run_due(now + timedelta(hours=1)).get("overdue alerts") is None
    assert len(alerts(group)) == 1 and alerts(told_all) == []
    assert worker.run_due(now + timedelta(days=7))["overdue alerts"] == 2  # a new week
    assert len(alerts(group)) == 2
    weeks = db.session.scalars(select(JobRun.key).where(JobRun.name == "overdue alerts"))
    assert len(set(weeks)) == 4
