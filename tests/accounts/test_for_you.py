"""The "For you" part of the signed-in home page: what is waiting for this person, and
nothing that is someone else's."""

from __future__ import annotations

from datetime import timedelta

from app.actions import services as actions
from app.dbtypes import local_today, utcnow
from app.decisions import reports
from app.decisions.upcoming import comment_on_plan, publish_forward_plan, reply_on_plan
from app.extensions import db
from app.groups import services as groups
from app.notices import services as notices
from app.notices.models import Notice
from app.voting import services as voting
from app.voting.models import Cast, EligibleVoter
from tests.conftest import count
from tests.decisions.helpers import backdate_members, record
from tests.factories import make_group, make_member


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def part(html: str) -> str:
    """The For you part of the page (the groups list below it names every group)."""
    start = html.index('id="for-you-heading"')
    return html[start : html.index("</section>", start)]


def a_group():
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    officer, _ = make_member(group, "officer")
    me, _ = make_member(group, "resident")
    other, _ = make_member(group, "resident")
    backdate_members(group)
    return group, facilitator, officer, me, other


def heard(group, person, what):
    return reports.report_grapevine(group, person, what=what, heard_when="", heard_by_whom="")


def a_ballot(group, facilitator, title, *, secret=False, closes_in=None):
    ballot = voting.create_ballot(
        group,
        facilitator,
        title=title,
        method="ranked",
        options=[("Damp", None), ("Youth centre", None)],
        secret=secret,
        closes_at=utcnow() + closes_in if closes_in else None,
    )
    voting.open_ballot(group, ballot)
    db.session.commit()
    return ballot


def an_action(group, by, title, owner, due_on=None):
    action = actions.create_action(group, by, title=title, owner_id=owner.id, due_on=due_on)
    db.session.commit()
    return action


def test_nothing_waiting_says_so_in_one_sentence(app, ctx, login):
    group, _f, _o, me, _other = a_group()
    html = home(login(me))
    assert "Nothing is waiting for you." in html
    assert "Decisions you have not read" not in html
    assert "Votes you have not cast" not in html
    assert "Actions you own" not in html
    assert "Answers to you" not in html
    assert group.name in html  # the groups list is still below


def test_unread_decisions_are_mine_only_newest_first_and_read_ones_go(app, ctx, login):
    group, _f, officer, me, other = a_group()
    older = record(group, officer, days_ago=2, title="Bins collected on Tuesdays")
    newer = record(group, officer, days_ago=1, title="Youth centre opens on Saturdays")
    read = record(group, officer, days_ago=0.5, title="Library hours kept")
    notices.mark_seen(me.id, "decision", read.id)
    # Another member has read the older one; that changes nothing for me.
    notices.mark_seen(other.id, "decision", older.id)
    db.session.commit()

    html = part(home(login(me)))
    assert "Decisions you have not read" in html
    assert html.index("Youth centre opens on Saturdays") < html.index("Bins collected on Tuesdays")
    assert "Library hours kept" not in html
    assert f"/groups/{group.slug}/decisions/{newer.id}" in html
    assert group.name in html


def test_another_members_unread_decision_is_not_shown_to_me(app, ctx, login):
    group, _f, officer, me, other = a_group()
    record(group, officer, title="Bins collected on Tuesdays")
    for decision_id in [n.subject_id for n in db.session.query(Notice).filter_by(user_id=me.id)]:
        notices.mark_seen(me.id, "decision", decision_id)
    db.session.commit()
    assert "Bins collected on Tuesdays" in part(home(login(other)))
    assert "Bins collected on Tuesdays" not in part(home(login(me)))


def test_at_most_five_unread_decisions_then_a_link_to_the_inbox(app, ctx, login):
    group, _f, officer, me, _other = a_group()
    for n in range(7):
        record(group, officer, days_ago=7 - n, title=f"Decision number {n}")
    html = part(home(login(me)))
    assert html.count("Decision number") == 5
    assert "Decision number 0" not in html and "Decision number 6" in html
    assert "And 2 more in your inbox" in html
    assert 'href="/inbox"' in html


def test_votes_i_have_not_cast_soonest_closing_first_with_when_they_close(app, ctx, login):
    group, facilitator, _o, me, other = a_group()
    later = a_ballot(group, facilitator, "Which park bench", closes_in=timedelta(days=9))
    sooner = a_ballot(group, facilitator, "What first", secret=True, closes_in=timedelta(days=2))
    a_ballot(group, facilitator, "Open ended", closes_in=None)
    cast = a_ballot(group, facilitator, "Already voted in", closes_in=timedelta(days=1))
    closed = a_ballot(group, facilitator, "Closed vote", closes_in=timedelta(days=1))
    options = [o.id for o in voting.ballot_options(cast)]
    voting.cast(cast, me, options)
    voting.close_ballot(group, closed, by=facilitator, reason="Agreed at the meeting")
    # Another member voting in a secret ballot changes nothing on my page.
    voting.cast(sooner, other, [o.id for o in voting.ballot_options(sooner)])
    db.session.commit()

    html = part(home(login(me)))
    assert "Votes you have not cast" in html
    assert html.index("What first") < html.index("Which park bench") < html.index("Open ended")
    assert "Already voted in" not in html
    assert "Closed vote" not in html
    assert f"/groups/{group.slug}/ballots/{sooner.id}" in html
    assert "Closes " in html and "No closing time set yet" in html
    assert str(later.closes_at.year) in html

    html_other = part(home(login(other)))
    assert "What first" not in html_other  # they voted: gone for them, and only for them


def test_residents_only_votes_are_not_offered_to_an_officer(app, ctx, login):
    group, facilitator, officer, me, _other = a_group()
    ballot = voting.create_ballot(
        group,
        facilitator,
        title="Residents decide",
        method="ranked",
        options=[("A", None), ("B", None)],
        voters="residents_only",
    )
    voting.open_ballot(group, ballot)
    db.session.commit()
    assert count(EligibleVoter, EligibleVoter.user_id == officer.id) == 0
    assert "Residents decide" not in part(home(login(officer)))
    assert "Residents decide" in part(home(login(me)))


def test_my_open_actions_with_due_dates_and_overdue_said_in_words(app, ctx, login):
    group, facilitator, _o, me, other = a_group()
    today = local_today()
    late = an_action(group, facilitator, "Ask about the streetlight", me, today + timedelta(days=3))
    an_action(group, facilitator, "Count the benches", me, today + timedelta(days=10))
    an_action(group, facilitator, "Someone else's job", other, today + timedelta(days=1))
    finished = an_action(group, facilitator, "Finished job", me, today + timedelta(days=2))
    actions.update_progress(finished, me, status="done", note="Done")
    # Time passes: the first is now overdue (set in the past, as the date passing would).
    late.due_on = today - timedelta(days=2)
    db.session.commit()

    html = part(home(login(me)))
    assert "Actions you own" in html
    assert html.index("Ask about the streetlight") < html.index("Count the benches")
    assert "Overdue: it was due by" in html
    assert "Someone" not in html
    assert "Finished job" not in html
    assert f"/groups/{group.slug}/actions/{late.id}" in html
    assert "Someone else&#39;s job" in part(home(login(other)))


def test_answers_to_my_reports_and_comments_not_unanswered_or_others(app, ctx, login):
    group, facilitator, officer, me, other = a_group()
    answered = reports.report_grapevine(
        group, me, what="The library is closing", heard_when="", heard_by_whom=""
    )
    reports.answer_grapevine(group, answered, "No, it is staying open.", officer)
    decision = record(group, officer, title="Park gates locked at dusk")
    linked = reports.report_grapevine(
        group, me, what="The park shuts early", heard_when="", heard_by_whom=""
    )
    reports.link_grapevine(group, linked, decision, officer)
    heard(group, me, "Nobody answered this")
    theirs = reports.report_grapevine(
        group, other, what="Their own question", heard_when="", heard_by_whom=""
    )
    reports.answer_grapevine(group, theirs, "An answer for them", officer)
    old = reports.report_grapevine(group, me, what="Long ago", heard_when="", heard_by_whom="")
    reports.answer_grapevine(group, old, "Answered long ago", officer)
    old.resolved_at = utcnow() - timedelta(days=31)
    entry = publish_forward_plan(
        group,
        officer,
        title="New crossing on Mill Lane",
        summary="S",
        decision_by_kind="group_vote",
        decision_by_name="",
        expected_at=utcnow() + timedelta(days=40),
    )
    mine = comment_on_plan(entry, me, "Please near the school")
    reply_on_plan(group, entry, mine.id, officer, "We will ask for that")
    theirs_comment = comment_on_plan(entry, other, "Not near my house")
    reply_on_plan(group, entry, theirs_comment.id, officer, "Noted")
    db.session.commit()

    html = part(home(login(me)))
    assert "Answers to you" in html
    assert "The library is closing" in html
    assert "The park shuts early" in html
    assert f"decision {decision.number}: Park gates locked at dusk" in html
    assert "Nobody answered this" not in html
    assert "Their own question" not in html
    assert "Long ago" not in html
    assert html.count("A reply to your comment on: New crossing on Mill Lane") == 1
    assert f"/groups/{group.slug}/forward-plan/{entry.id}" in html


def test_a_group_i_left_shows_nothing_from_it(app, ctx, login):
    group, facilitator, officer, me, _other = a_group()
    record(group, officer, title="Bins collected on Tuesdays")
    a_ballot(group, facilitator, "What first", closes_in=timedelta(days=2))
    an_action(group, facilitator, "Ask about the streetlight", me)
    report = reports.report_grapevine(group, me, what="Heard it", heard_when="", heard_by_whom="")
    reports.answer_grapevine(group, report, "An answer", officer)
    db.session.commit()
    assert "Bins collected on Tuesdays" in part(home(login(me)))

    groups.end_membership(groups.memberships_of(group, [me.id])[me.id], how="left")
    db.session.commit()
    html = home(login(me))
    assert "Nothing is waiting for you." in html
    for thing in ("Bins collected", "What first", "Ask about the streetlight", "Heard it"):
        assert thing not in html


def test_looking_at_the_home_page_changes_nothing(app, ctx, login):
    group, facilitator, officer, me, _other = a_group()
    record(group, officer, title="Bins collected on Tuesdays")
    a_ballot(group, facilitator, "What first", closes_in=timedelta(days=2))
    unseen = count(Notice, Notice.user_id == me.id, Notice.seen_at.is_(None))
    casts = count(Cast)
    client = login(me)
    home(client)
    home(client)
    assert count(Notice, Notice.user_id == me.id, Notice.seen_at.is_(None)) == unseen > 0
    assert count(Cast) == casts
    assert "Bins collected on Tuesdays" in part(home(client))  # still unread after looking


def build_lots(n: int):
    group, facilitator, officer, me, _other = a_group()
    today = local_today()
    for i in range(n):
        record(group, officer, days_ago=n - i, title=f"Decision {i}")
        a_ballot(group, facilitator, f"Vote {i}", closes_in=timedelta(days=i + 1))
        an_action(group, facilitator, f"Action {i}", me, today + timedelta(days=i))
        report = heard(group, me, f"Heard {i}")
        reports.answer_grapevine(group, report, "An answer", officer)
    entry = publish_forward_plan(
        group,
        officer,
        title="Plan",
        summary="S",
        decision_by_kind="group_vote",
        decision_by_name="",
        expected_at=utcnow() + timedelta(days=40),
    )
    for i in range(n):
        comment = comment_on_plan(entry, me, f"Comment {i}")
        reply_on_plan(group, entry, comment.id, officer, f"Reply {i}")
    db.session.commit()
    return me


def test_the_home_page_runs_the_same_queries_with_one_or_thirty_of_each(
    app, ctx, login, page_queries
):
    measured = {}
    for n in (1, 30):
        me = build_lots(n)
        client = login(me)
        html = part(home(client))
        for heading in ("Decisions you have not", "Votes you have not", "Actions you own"):
            assert heading in html
        measured[n] = page_queries(client, "/")
    assert measured[1] == measured[30], measured
    assert measured[30] <= 20, measured  # 5 lists × 2 + the page itself
