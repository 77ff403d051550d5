"""Every route, for every kind of visitor: who gets in, who is turned away and how.

The table below must name every endpoint in the app. A new route that is not
added here fails `test_every_route_is_in_the_matrix`, so none can be forgotten.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts import sessions
from app.accounts.models import PasswordReset, UserSession
from app.actions import services as actions
from app.dbtypes import utcnow
from app.decisions import services as decisions
from app.decisions.reports import report_grapevine
from app.decisions.told import record_told
from app.decisions.upcoming import comment_on_plan, publish_forward_plan
from app.enquiries import evidence
from app.enquiries import services as enquiries
from app.extensions import db
from app.groups import services as groups
from app.meetings import agenda, live, papers, planning
from app.notices import desk
from app.notices import services as notices
from app.notices.models import Notice
from app.tokens import new_token
from app.voting import priorities
from app.voting import services as voting
from tests.conftest import sign_in
from tests.decisions.helpers import backdate_members
from tests.factories import make_group, make_member, make_user
from tests.uploads import samples

VISITORS = (
    "anonymous",
    "non_member",
    "admin",
    "resident",
    "resident_adviser",
    "facilitator",
    "officer",
    "partner",
)
MEMBERS = {"resident", "resident_adviser", "facilitator", "officer", "partner"}
RECORDERS = {"facilitator", "officer"}
MEETING_HELPERS = {"facilitator", "resident_adviser"}
ACTION_SETTERS = {"facilitator", "officer", "resident_adviser"}
SIGNED_IN = MEMBERS | {"non_member", "admin"}
EVERYONE = set(VISITORS)
#: Enquiries: who may start one, who is on the world's enquiry team, and who shapes it.
STARTERS = {"resident_adviser", "facilitator"}
ENQUIRY_TEAM = {"resident_adviser", "partner"}
TEAM_MANAGERS = {"resident_adviser", "facilitator"}

#: endpoint -> (method, who may use it, whether visitors need not sign in)
MATRIX: dict[str, tuple[str, set[str], bool]] = {
    "accounts.index": ("GET", EVERYONE, True),
    "accounts.sign_in": ("GET", EVERYONE, True),
    "accounts.sign_out": ("POST", SIGNED_IN, False),
    # Choosing the language of the pages, before or after signing in (none chosen here: 422).
    "languages.choose": ("POST", EVERYONE, True),
    "accounts.forgot_password": ("GET", EVERYONE, True),
    "accounts.reset_password": ("GET", EVERYONE, True),
    "accounts.profile": ("GET", SIGNED_IN, False),
    # One's own tokens for scripts; revoking names the token in the form (none here: 422).
    "accounts.api_tokens": ("GET", SIGNED_IN, False),
    "accounts.revoke_api_token": ("POST", SIGNED_IN, False),
    # The code step of two-step sign-in: with no password typed first, back to sign in.
    "accounts.sign_in_code": ("GET", EVERYONE, True),
    "accounts.two_factor_page": ("GET", SIGNED_IN, False),
    "accounts.recovery_codes": ("GET", SIGNED_IN, False),
    "accounts.two_factor_off": ("GET", SIGNED_IN, False),
    "accounts.confirm_password": ("GET", SIGNED_IN, False),
    "security.admin_settings": ("GET", {"admin"}, False),
    "security.admin_events": ("GET", {"admin"}, False),
    # One's own sessions and password; ending a session that is not one's own does nothing.
    "accounts.security": ("GET", SIGNED_IN, False),
    "accounts.end_session": ("POST", SIGNED_IN, False),
    "accounts.end_other_sessions": ("POST", SIGNED_IN, False),
    "accounts.change_password": ("GET", SIGNED_IN, False),
    # Your data: everyone signed in, about themselves; erasing others is a site admin's.
    "privacy.your_data": ("GET", SIGNED_IN, False),
    "privacy.erase": ("GET", SIGNED_IN, False),
    "privacy.admin_people": ("GET", {"admin"}, False),
    "privacy.admin_erase": ("GET", {"admin"}, False),
    "groups.admin_groups": ("GET", {"admin"}, False),
    "groups.admin_new_group": ("GET", {"admin"}, False),
    "groups.home": ("GET", MEMBERS, False),
    "groups.members": ("GET", MEMBERS, False),
    "groups.member": ("GET", MEMBERS, False),
    "groups.add_member": ("GET", {"facilitator"}, False),
    "groups.edit_member": ("GET", {"facilitator"}, False),
    "groups.remove_member": ("GET", {"facilitator"}, False),
    "groups.former_members": ("GET", {"facilitator"}, False),
    "groups.leave": ("GET", MEMBERS, False),
    "groups.invitations": ("GET", {"facilitator"}, False),
    "groups.withdraw_invitation": ("POST", {"facilitator"}, False),
    "groups.settings": ("GET", {"facilitator"}, False),
    "groups.join": ("GET", EVERYONE, True),
    "notices.inbox": ("GET", SIGNED_IN, False),
    # Only on a development site with no mail server (the world below is one).
    "notices.caught_mail": ("GET", {"admin"}, False),
    # The delivery desk: letters, calls and failed emails, for those who record decisions.
    "notices.desk": ("GET", RECORDERS, False),
    "notices.make_pack": ("POST", RECORDERS, False),
    "notices.pack": ("GET", RECORDERS, False),
    "notices.pack_pdf": ("GET", RECORDERS, False),
    "notices.pack_posted": ("POST", RECORDERS, False),
    "notices.calls": ("GET", RECORDERS, False),
    "notices.calls_print": ("GET", RECORDERS, False),
    "notices.call": ("POST", RECORDERS, False),
    "notices.calls_told_in_person": ("POST", RECORDERS, False),
    "notices.failed": ("GET", RECORDERS, False),
    "notices.failed_another_way": ("POST", RECORDERS, False),
    # GOV.UK Notify's delivery receipts: nobody without the site's bearer token (a site
    # with no token set, like this one, takes none: 404; tests/notices/test_by_notify.py).
    "notices.notify_receipt": ("POST", set(), True),
    # Public views: they check membership themselves, unless the group publishes its log.
    "decisions.log": ("GET", MEMBERS, True),
    "decisions.show": ("GET", MEMBERS, True),
    "decisions.export_json": ("GET", MEMBERS, True),
    "decisions.export_csv": ("GET", MEMBERS, True),
    "decisions.informed_json": ("GET", MEMBERS, True),
    "decisions.new": ("GET", RECORDERS, False),
    "decisions.amend": ("GET", RECORDERS, False),
    "decisions.acknowledge": ("POST", MEMBERS, False),
    "decisions.record_told": ("GET", RECORDERS, False),
    "decisions.figures": ("GET", MEMBERS, False),
    "decisions.member_told": ("GET", MEMBERS, False),
    "decisions.my_told": ("GET", MEMBERS, False),
    "decisions.forward_plan_told": ("GET", RECORDERS, False),
    "decisions.withdraw_told": ("GET", RECORDERS, False),
    "decisions.forward_plan": ("GET", MEMBERS, False),
    "decisions.forward_plan_new": ("GET", RECORDERS, False),
    "decisions.forward_plan_entry": ("GET", MEMBERS, False),
    "decisions.forward_plan_reply": ("POST", RECORDERS, False),
    "decisions.grapevine": ("GET", MEMBERS, False),
    "decisions.grapevine_report": ("GET", MEMBERS, False),
    "voting.priorities": ("GET", MEMBERS, False),
    "voting.priority_new": ("GET", MEMBERS, False),
    "voting.priority": ("GET", MEMBERS, False),
    "voting.priority_support": ("POST", MEMBERS, False),
    "voting.priority_status": ("GET", {"facilitator"}, False),
    "voting.ballots": ("GET", MEMBERS, False),
    "voting.ballot_new": ("GET", {"facilitator"}, False),
    "voting.ballot": ("GET", MEMBERS, False),
    "voting.ballot_vote": ("POST", MEMBERS, False),
    "voting.ballot_open": ("POST", {"facilitator"}, False),
    "voting.ballot_close": ("GET", {"facilitator"}, False),
    "voting.ballot_certify": ("POST", ACTION_SETTERS, False),
    "voting.paper_confirm": ("POST", ACTION_SETTERS, False),
    "voting.ballot_remind": ("POST", {"facilitator"}, False),
    "voting.ballot_choose": ("POST", {"facilitator"}, False),
    "voting.ballot_assist": ("GET", MEETING_HELPERS, False),
    "voting.ballot_paper": ("GET", {"facilitator"}, False),
    # Checking a vote: members always; everyone once it closes, if the log is published.
    "voting.box_json": ("GET", MEMBERS, True),
    "voting.box_csv": ("GET", MEMBERS, True),
    "voting.ballot_check": ("GET", MEMBERS, True),
    "voting.ballot_voters": ("GET", MEMBERS, True),
    "meetings.index": ("GET", MEMBERS, False),
    "meetings.new": ("GET", {"facilitator"}, False),
    "meetings.show": ("GET", MEMBERS, False),
    "meetings.edit": ("GET", {"facilitator"}, False),
    "meetings.cancel": ("GET", {"facilitator"}, False),
    "meetings.rsvp": ("POST", MEMBERS, False),
    "meetings.agenda_new": ("GET", {"facilitator"}, False),
    "meetings.agenda_edit": ("GET", {"facilitator"}, False),
    "meetings.agenda_move": ("POST", {"facilitator"}, False),
    "meetings.agenda_remove": ("POST", {"facilitator"}, False),
    "meetings.agenda_send": ("POST", {"facilitator"}, False),
    "meetings.papers": ("GET", {"facilitator"}, False),
    "meetings.paper_remove": ("POST", {"facilitator"}, False),
    "meetings.paper_file": ("GET", MEMBERS, False),
    "meetings.live": ("GET", MEETING_HELPERS, False),
    "meetings.start": ("POST", MEETING_HELPERS, False),
    "meetings.finish": ("GET", MEETING_HELPERS, False),
    "meetings.step": ("POST", MEETING_HELPERS, False),
    "meetings.attendance": ("POST", MEETING_HELPERS, False),
    "meetings.guests": ("POST", MEETING_HELPERS, False),
    "meetings.notes": ("POST", MEETING_HELPERS, False),
    "meetings.capture_decision": ("POST", {"facilitator"}, False),
    "meetings.capture_action": ("POST", MEETING_HELPERS, False),
    "meetings.tell_room": ("POST", MEETING_HELPERS, False),
    "meetings.open_ballot": ("POST", {"facilitator"}, False),
    "meetings.minutes": ("GET", MEMBERS, False),
    "meetings.print_view": ("GET", MEMBERS, False),
    # Calendar programs cannot sign in: the group's file is for members (or everyone
    # when the log is public); the private feed is opened by its secret link alone.
    "meetings.group_calendar": ("GET", MEMBERS, True),
    "meetings.member_calendar": ("GET", EVERYONE, True),
    "meetings.calendar_link": ("GET", SIGNED_IN, False),
    "actions.index": ("GET", MEMBERS, False),
    "actions.new": ("GET", ACTION_SETTERS, False),
    "actions.show": ("GET", MEMBERS, False),
    "actions.edit": ("GET", ACTION_SETTERS, False),
    "actions.remind": ("POST", {"facilitator"}, False),
    # Enquiries: the world's enquiry is led by the resident adviser, with the partner as
    # academic lead; only its team adds evidence.
    "enquiries.index": ("GET", MEMBERS, False),
    "enquiries.new": ("GET", STARTERS, False),
    "enquiries.show": ("GET", MEMBERS, False),
    "enquiries.edit": ("GET", ENQUIRY_TEAM, False),
    "enquiries.team": ("GET", TEAM_MANAGERS, False),
    "enquiries.team_remove": ("POST", TEAM_MANAGERS, False),
    "enquiries.findings": ("GET", ENQUIRY_TEAM, False),
    "enquiries.output_new": ("GET", ENQUIRY_TEAM, False),
    "enquiries.output_file": ("GET", MEMBERS, False),
    "enquiries.journal_new": ("GET", ENQUIRY_TEAM, False),
    "enquiries.link_decision": ("GET", ENQUIRY_TEAM, False),
    "enquiries.unlink_decision": ("POST", ENQUIRY_TEAM, False),
    "enquiries.evidence": ("GET", MEMBERS, False),
    "enquiries.evidence_new": ("GET", ENQUIRY_TEAM, False),
    "enquiries.evidence_item": ("GET", MEMBERS, False),
    "enquiries.evidence_file": ("GET", MEMBERS, False),
    "enquiries.evidence_consent": ("GET", ENQUIRY_TEAM, False),
}

#: Routes that change data, checked again with POST (the GET above shows the form).
POSTS: dict[str, set[str]] = {
    "decisions.new": RECORDERS,
    "decisions.amend": RECORDERS,
    "decisions.record_told": RECORDERS,
    "decisions.forward_plan_told": RECORDERS,
    "decisions.withdraw_told": RECORDERS,
    "decisions.forward_plan_new": RECORDERS,
    "decisions.forward_plan_entry": MEMBERS,
    "decisions.forward_plan_reply": RECORDERS,
    "decisions.grapevine": MEMBERS,
    "decisions.grapevine_report": RECORDERS,
    "groups.add_member": {"facilitator"},
    "groups.edit_member": {"facilitator"},
    "groups.invitations": {"facilitator"},
    "groups.settings": {"facilitator"},
    "groups.admin_new_group": {"admin"},
    "accounts.profile": SIGNED_IN,
    "accounts.api_tokens": SIGNED_IN,
    "accounts.sign_in_code": EVERYONE,
    "accounts.two_factor_page": SIGNED_IN,
    "accounts.recovery_codes": SIGNED_IN,
    "accounts.two_factor_off": SIGNED_IN,
    "accounts.confirm_password": SIGNED_IN,
    "security.admin_settings": {"admin"},
    "accounts.change_password": SIGNED_IN,
    # A download for each; erasure refused without the email and password (422).
    "privacy.your_data": SIGNED_IN,
    "privacy.erase": SIGNED_IN,
    # Refused without the box ticked (422).
    "privacy.admin_erase": {"admin"},
    # Refused without a reason (422).
    "groups.remove_member": {"facilitator"},
    # Each member leaves (the world's only facilitator is refused: 409).
    "groups.leave": MEMBERS,
    "voting.priority_new": MEMBERS,
    "voting.priority": MEMBERS,
    "voting.priority_status": {"facilitator"},
    "voting.ballot_new": {"facilitator"},
    "voting.ballot_assist": MEETING_HELPERS,
    "voting.ballot_paper": {"facilitator"},
    "voting.ballot_close": {"facilitator"},
    "meetings.new": {"facilitator"},
    "meetings.edit": {"facilitator"},
    "meetings.cancel": {"facilitator"},
    "meetings.agenda_new": {"facilitator"},
    "meetings.agenda_edit": {"facilitator"},
    "meetings.agenda_send": {"facilitator"},
    "meetings.papers": {"facilitator"},
    "meetings.minutes": {"facilitator"},
    # A POST without the confirmation step shows that step, and finishes nothing.
    "meetings.finish": MEETING_HELPERS,
    "meetings.calendar_link": SIGNED_IN,
    "actions.new": ACTION_SETTERS,
    "actions.show": ACTION_SETTERS,
    "actions.edit": ACTION_SETTERS,
    "enquiries.new": STARTERS,
    "enquiries.edit": ENQUIRY_TEAM,
    "enquiries.team": TEAM_MANAGERS,
    "enquiries.findings": ENQUIRY_TEAM,
    "enquiries.output_new": ENQUIRY_TEAM,
    "enquiries.journal_new": ENQUIRY_TEAM,
    "enquiries.link_decision": ENQUIRY_TEAM,
    "enquiries.evidence_new": ENQUIRY_TEAM,
    "enquiries.evidence_consent": ENQUIRY_TEAM,
}

#: Endpoints about a meeting that is under way (live mode) or finished (minutes);
#: the rest are asked about a planned one.
LIVE = {
    "meetings.live",
    "meetings.start",
    "meetings.finish",
    "meetings.step",
    "meetings.attendance",
    "meetings.guests",
    "meetings.notes",
    "meetings.capture_decision",
    "meetings.capture_action",
    "meetings.tell_room",
    "meetings.open_ballot",
}
FINISHED = {"meetings.minutes"}


@pytest.fixture
def world(app, ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))  # files of this test only
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")  # a development site: mail is caught
    return build_world()


def _as_typed(text, _most=None):
    return text


def build_world(slug: str = "riverside", say=_as_typed):
    """A group with one member of each role, and one of everything a route can be asked
    about. Every piece of free text goes through `say(text, most)` (`most`: the longest
    it may be), so the phone crawl can store long unbroken strings instead."""
    group = make_group(slug, name=say(f"Group {slug}", 120), neighbourhood=say("Riverside", 120))
    people = {}
    for role in sorted(MEMBERS):
        people[role], _ = make_member(group, role, name=say(None, 120))
    people["non_member"] = make_user(name=say(None, 120))
    people["admin"] = make_user(admin=True, name=say(None, 120))
    subject, subject_membership = make_member(group, "resident", name=say(None, 120))
    # Told by letter and by phone: the delivery desk has a letter and a call for them.
    subject.preferred_channels = ["email", "letter", "phone"]
    subject.postal_address = say("1 River Street\nRiverside")
    subject.phone = "01632 960000"
    bounced, _ = make_member(
        group, "resident", name=say(None, 120)
    )  # whose email about the decision failed
    bounced.preferred_channels = ["email"]
    invitation, link = groups.invite(
        group, email="new@example.org", name=say("New", 120), role="resident", invited_by=None
    )
    token, token_hash = new_token()
    db.session.add(
        PasswordReset(
            user_id=subject.id, token_hash=token_hash, expires_at=utcnow() + timedelta(hours=1)
        )
    )
    db.session.commit()
    backdate_members(group)
    officer = people["officer"]
    decision = decisions.record_decision(
        group,
        officer,
        title=say("T", 200),
        summary=say("S"),
        decided_at=utcnow() - timedelta(days=1),
        decided_by_kind="council_cabinet",
    )
    entry = publish_forward_plan(
        group,
        officer,
        title=say("T", 200),
        summary=say("S"),
        decision_by_kind="council_cabinet",
        decision_by_name=say("", 200),
        expected_at=utcnow() + timedelta(days=5),
    )
    report = report_grapevine(
        group,
        people["resident"],
        what=say("Heard"),
        heard_when=say("", 200),
        heard_by_whom=say("", 200),
    )
    comment = comment_on_plan(entry, people["resident"], say("Will the bins still come?"))
    record_told(group, decision, officer, people=[subject], channel="phone", told_at=utcnow())
    (call, _person), *_ = notices.records_by_hand("decision", decision.id, 1, 10).items
    pack = desk.make_pack(group.id, officer)
    failed = db.session.scalar(
        select(Notice).where(
            Notice.user_id == bounced.id,
            Notice.channel == "email",
            Notice.subject_kind == "decision",
        )
    )
    failed.failed_at, failed.last_error = utcnow(), "mailbox unavailable"
    priority = priorities.propose(
        group,
        people["resident"],
        title=say("Damp", 200),
        description=say(""),
        domain="living_environment",
    )
    ballot = voting.create_ballot(
        group,
        people["facilitator"],
        title=say("Which first?", 200),
        method="approval",
        options=[(say("Damp", 200), priority.id), (say("Youth centre", 200), None)],
    )
    voting.open_ballot(group, ballot)
    closed = voting.create_ballot(
        group,
        people["facilitator"],
        title=say("Closed one", 200),
        method="approval",
        options=[(say("A", 200), None), ("B", None)],
    )
    voting.open_ballot(group, closed)
    voting.close_ballot(group, closed)
    facilitator = people["facilitator"]
    soon = utcnow() + timedelta(days=3)
    planned = planning.plan_meeting(
        group,
        facilitator,
        title=say("Planned", 200),
        kind="group_meeting",
        starts_at=soon,
        ends_at=soon + timedelta(hours=2),
        place=say("Hall", 200),
        description=say(""),
    )
    item = agenda.add_item(
        group, planned, title=say("Item", 200), details=say(""), lead=say("", 120)
    )
    paper = papers.add_paper(
        planned, facilitator, title=say("Paper", 200), url="https://example.org/p"
    )
    file_paper = papers.add_paper(
        planned,
        facilitator,
        title=say("Agenda", 200),
        file=samples.file("agenda.pdf", samples.pdf()),
    )
    running = planning.plan_meeting(
        group,
        facilitator,
        title=say("Running", 200),
        kind="group_meeting",
        starts_at=soon,
        ends_at=soon + timedelta(hours=2),
        place=say("Hall", 200),
        description=say(""),
    )
    live_item = agenda.add_item(group, running, title=say("Live item", 200))
    live.start_meeting(running)
    done = planning.plan_meeting(
        group,
        facilitator,
        title=say("Done", 200),
        kind="group_meeting",
        starts_at=soon,
        ends_at=soon + timedelta(hours=2),
        place=say("Hall", 200),
        description=say(""),
    )
    done_item = agenda.add_item(group, done, title=say("Done item", 200))
    live.start_meeting(done)
    live.save_notes(done, done_item, facilitator, say("Minutes"), done_item.notes_version)
    live.finish_meeting(done)
    action = actions.create_action(
        group,
        facilitator,
        title=say("Do it", 200),
        details=say(""),
        owner_id=subject.id,
        meeting_id=planned.id,
    )
    url_args = {
        "slug": group.slug,
        "member_id": subject_membership.id,
        "invitation_id": invitation.id,
        "token": link.rsplit("/", 1)[1],
        "decision_id": decision.id,
        "entry_id": entry.id,
        "comment_id": comment.id,
        "report_id": report.id,
        "notice_id": call.id,
        "priority_id": priority.id,
        "ballot_id": ballot.id,
        "meeting_id": planned.id,
        "item_id": item.id,
        "paper_id": paper.id,
        "file_paper_id": file_paper.id,
        "live_meeting_id": running.id,
        "live_item_id": live_item.id,
        "done_meeting_id": done.id,
        "action_id": action.id,
        "feed_token": accounts.feed_token(subject),
        "pack_id": pack.id,
        "person_id": subject.id,
        "failed_notice_id": failed.id,
        "session_id": _a_session_of(subject),
    }
    # The published ballot box exists only for closed votes.
    url_args["closed_ballot_id"] = closed.id
    # Slips from a public event, entered by someone none of the checkers is.
    url_args["tally_id"] = voting.add_paper_tally(
        ballot,
        people["partner"],
        say("Summer fair", 200),
        {voting.ballot_options(ballot)[0].id: 3},
        5,
    ).id
    url_args.update(_enquiry_world(group, people, priority, decision, say))
    reset_args = {"token": token}
    return people, url_args, reset_args


def _a_session_of(person) -> int:
    sessions.start(person, address="192.0.2.1", user_agent=None)
    return db.session.scalar(select(UserSession.id).where(UserSession.user_id == person.id))


def _enquiry_world(group, people, priority, decision, say=_as_typed) -> dict:
    """An enquiry on the priority, its team, a shared story with a file, an output with a
    file, and the decision that followed."""
    lead, academic = people["resident_adviser"], people["partner"]
    priorities.set_priority_status(priority, "chosen")
    details = enquiries.EnquiryDetails(question=say("Why damp?"), priority_id=priority.id)
    enquiry = enquiries.start_enquiry(group, lead, details)
    enquiries.add_to_team(enquiry, academic, "academic_lead", lead)
    story = evidence.add_evidence(
        enquiry,
        lead,
        kind="lived_experience",
        title=say("A story", 200),
        summary=say("S"),
        file=samples.file("story.pdf", samples.pdf()),
        consent="yes",
        consent_notes=say("Signed form"),
    )
    output = enquiries.add_output(
        enquiry, lead, kind="report", title=say("R", 200), file=samples.file("r.pdf", samples.pdf())
    )
    enquiries.link_decision(enquiry, decision, lead)
    return {"enquiry_id": enquiry.id, "evidence_id": story.id, "output_id": output.id}


def _url(app, endpoint, url_args, reset_args):
    from flask import url_for

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    source = reset_args if endpoint == "accounts.reset_password" else dict(url_args)
    if endpoint in (
        "voting.box_json",
        "voting.box_csv",
        "voting.ballot_choose",
        "voting.ballot_certify",
    ):
        source["ballot_id"] = url_args["closed_ballot_id"]
    if endpoint in LIVE:
        source["meeting_id"], source["item_id"] = (
            url_args["live_meeting_id"],
            url_args["live_item_id"],
        )
    if endpoint in FINISHED:
        source["meeting_id"] = url_args["done_meeting_id"]
    if endpoint == "meetings.paper_file":
        source["paper_id"] = url_args["file_paper_id"]
    if endpoint == "notices.failed_another_way":
        source["notice_id"] = url_args["failed_notice_id"]
    if endpoint == "meetings.member_calendar":
        source["token"] = url_args["feed_token"]
    if endpoint in ("voting.ballot_check", "voting.ballot_voters"):
        # Asked of the closed vote, which a published log opens to everyone.
        source["ballot_id"] = url_args["closed_ballot_id"]
    with app.test_request_context():
        return url_for(endpoint, **{name: source[name] for name in rule.arguments})


def test_every_route_is_in_the_matrix(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static"}
    assert endpoints - set(MATRIX) == set(), "add these routes to the permission matrix"
    assert set(MATRIX) - endpoints == set(), "these matrix rows name no route"


def check_visitors(app, people, url_args, url, method, allowed):
    for visitor in VISITORS:
        client = app.test_client()
        if visitor != "anonymous":
            sign_in(client, people[visitor])
        response = client.open(url, method=method)
        where = f"{visitor} {method} {url}"
        if visitor in allowed:
            # Allowed in: done, or refused for what it is (already done: 409; invalid: 422).
            assert response.status_code < 400 or response.status_code in (409, 422), where
            if response.status_code in (302, 303):
                # The sign-in wall redirects with ?next=; any other redirect is the page's own.
                assert "next=" not in response.headers["Location"], where
        elif request_endpoint(app, url, method) in TOKEN_ONLY:
            # Open to anyone who holds its token, and nobody else: refused, not sent to sign in.
            assert response.status_code in (401, 403, 404), where
        elif request_endpoint(app, url, method) in OPEN_DATA:
            # Read by programs: refused in JSON, never sent to a sign-in page, and the
            # world's group is private, so to anyone outside it there is nothing there.
            assert response.status_code == 404, where
            assert response.is_json and response.json["error"], where
        elif visitor == "anonymous":
            assert response.status_code == 302, where
            assert response.headers["Location"].startswith("/sign-in?next="), where
        elif visitor in ("non_member", "admin") and "slug" in url_args and url_args["slug"] in url:
            # Outsiders must not even learn that a private group exists.
            assert response.status_code == 404, where
        else:
            assert response.status_code == 403, where


#: Public routes that answer only to a token (never a sign-in page): everyone else is refused.
TOKEN_ONLY = {"notices.notify_receipt"}
#: Open data (JSON, CSV, calendars): refused in JSON, 401 or 404, never a sign-in page.
OPEN_DATA = {
    "decisions.export_json",
    "decisions.export_csv",
    "decisions.informed_json",
    "meetings.group_calendar",
    "voting.box_json",
    "voting.box_csv",
}


def request_endpoint(app, url, method):
    adapter = app.url_map.bind("localhost")
    return adapter.match(url.split("?")[0], method=method)[0]


def test_only_the_routes_marked_public_skip_the_sign_in_wall(app):
    for endpoint, (_method, _allowed, is_public) in MATRIX.items():
        view = app.view_functions[endpoint]
        assert getattr(view, "is_public", False) == is_public, endpoint


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_answers_each_visitor_as_the_matrix_says(app, world, endpoint):
    people, url_args, reset_args = world
    method, allowed, _is_public = MATRIX[endpoint]
    url = _url(app, endpoint, url_args, reset_args)
    check_visitors(app, people, url_args, url, method, allowed)


@pytest.mark.parametrize("endpoint", sorted(POSTS))
def test_posting_to_a_route_answers_each_visitor_as_the_matrix_says(app, world, endpoint):
    people, url_args, reset_args = world
    url = _url(app, endpoint, url_args, reset_args)
    check_visitors(app, people, url_args, url, "POST", POSTS[endpoint])


def test_a_members_token_reads_open_data_as_they_would_and_opens_nothing_else(app, world):
    """Every route, asked with a resident's token for scripts (and no session): open data
    answers as it answers the resident signed in; anything else refuses the token (401,
    in JSON), POSTs included; and no answer starts a session."""
    from app.accounts import api_tokens

    people, url_args, reset_args = world
    token = api_tokens.make_token(people["resident"], "matrix").token
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    as_member = app.test_client()
    sign_in(as_member, people["resident"])
    checks = [(endpoint, method) for endpoint, (method, _a, _p) in MATRIX.items()]
    checks += [(endpoint, "POST") for endpoint in POSTS]
    for endpoint, method in checks:
        url = _url(app, endpoint, url_args, reset_args)
        where = f"{method} {url}"
        response = app.test_client().open(url, method=method, headers=headers)
        assert "Set-Cookie" not in response.headers, where
        if endpoint in TOKEN_ONLY:
            assert response.status_code >= 400, where  # its own bearer, not a member's
        elif endpoint in OPEN_DATA and method == "GET":
            expected = as_member.open(url, method=method).status_code
            assert response.status_code == expected == 200, where
        else:
            assert response.status_code == 401 and response.is_json, where


PUBLIC_LOG_ROUTES = {
    "decisions.log",
    "decisions.show",
    "decisions.export_json",
    "decisions.export_csv",
    "decisions.informed_json",
    "meetings.group_calendar",
    "voting.box_json",
    "voting.box_csv",
    "voting.ballot_check",
    "voting.ballot_voters",
}


def test_a_published_log_is_open_to_everyone_and_nothing_else_is(app, world):
    people, url_args, reset_args = world
    group = groups.get_group(url_args["slug"])
    group.public_log = True
    db.session.commit()
    for endpoint, (method, _allowed, _public) in MATRIX.items():
        if "slug" not in _rule_args(app, endpoint):
            continue
        url = _url(app, endpoint, url_args, reset_args)
        response = app.test_client().open(url, method=method)
        if endpoint in PUBLIC_LOG_ROUTES:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302, url
        outsider = app.test_client()
        sign_in(outsider, people["non_member"])
        response = outsider.open(url, method=method)
        assert (response.status_code == 200) == (endpoint in PUBLIC_LOG_ROUTES), url


def test_open_data_tells_visitors_to_sign_in_only_where_the_log_is_published(app, world):
    people, url_args, reset_args = world
    group = groups.get_group(url_args["slug"])
    slug, open_vote = group.slug, url_args["ballot_id"]
    # Unpublished, a group is as unseen as one that does not exist.
    for url in (f"/groups/{slug}/decisions.json", "/groups/no-such-group/decisions.json"):
        response = app.test_client().get(url)
        assert response.status_code == 404 and response.json["error"], url
    group.public_log = True
    db.session.commit()
    # Published, an open vote's box is its members' alone: visitors are told to sign in.
    for name in ("box.json", "box.csv"):
        response = app.test_client().get(f"/groups/{slug}/ballots/{open_vote}/{name}")
        assert response.status_code == 401, name
        assert response.is_json and "Sign in" in response.json["error"], name
    outsider = app.test_client()
    sign_in(outsider, people["non_member"])
    response = outsider.get(f"/groups/{slug}/ballots/{open_vote}/box.json")
    assert response.status_code == 404 and response.is_json
    # Pages are still for people: their visitors go to the sign-in page.
    response = app.test_client().get(f"/groups/{slug}/ballots/{open_vote}/voters")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def _rule_args(app, endpoint):
    return next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint).arguments


#: The security event log notes refused and failed requests, GETs included: it is a
#: record of requests, not data a request changes.
NOT_DATA = {"security_events"}


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, as stored now (but the security event log)."""
    db.session.expire_all()
    found = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name in NOT_DATA:
                continue
            rows = conn.execute(table.select().order_by(*table.primary_key.columns)).all()
            found[table.name] = [tuple(row) for row in rows]
    return found


def _own_seen_marks_only(before, after, user_id) -> list[str]:
    """What changed between two snapshots, leaving out one person marking their own
    notices seen (and those marks joining the chain): a list of problems."""
    from app.notices.models import Notice

    problems = []
    columns = [c.name for c in Notice.__table__.columns]
    seen_columns = {"seen_at", "reached_at"}
    own_seen = set()
    old = {row[0]: row for row in before["notices"]}
    for row in after["notices"]:
        was = old.get(row[0])
        if was == row:
            continue
        changed = {
            columns[i] for i, (a, b) in enumerate(zip(was or (), row, strict=False)) if a != b
        }
        if was is None or row[columns.index("user_id")] != user_id or changed - seen_columns:
            problems.append(f"notice {row[0]} changed: {sorted(changed) or 'new'}")
        else:
            own_seen.add(row[0])
    entries = [c.name for c in db.metadata.tables["log_entries"].columns]
    new_entries = set(after["log_entries"]) - set(before["log_entries"])
    for entry in new_entries:
        record = dict(zip(entries, entry, strict=True))
        if record["kind"] != "told" or record["notice_id"] not in own_seen:
            problems.append(f"log entry {record['seq']} ({record['kind']}) added")
    if set(before["log_entries"]) - set(after["log_entries"]):
        problems.append("log entries removed")
    problems += _own_last_seen_only(before["user_sessions"], after["user_sessions"], user_id)
    for name in before:
        if name not in ("notices", "log_entries", "user_sessions") and before[name] != after[name]:
            problems.append(f"{name} changed")
    return problems


def _own_last_seen_only(before, after, user_id) -> list[str]:
    """A visitor's own browser noting when it was last seen is the one change a GET
    may make to sessions (at most once a minute, to keep writes few)."""
    columns = [c.name for c in UserSession.__table__.columns]
    seen, owner = columns.index("last_seen_at"), columns.index("user_id")

    def without_own_last_seen(rows):
        return [
            tuple(None if (i == seen and row[owner] == user_id) else v for i, v in enumerate(row))
            for row in rows
        ]

    if without_own_last_seen(before) != without_own_last_seen(after):
        return ["user_sessions changed"]
    return []


def test_no_get_request_changes_anything_but_the_visitors_own_seen_marks(app, world):
    people, url_args, reset_args = world
    db.session.commit()
    gets = [endpoint for endpoint, (method, _a, _p) in MATRIX.items() if method == "GET"]
    problems = []
    for visitor in VISITORS:
        client = app.test_client()
        user_id = None
        if visitor != "anonymous":
            sign_in(client, people[visitor])
            db.session.commit()  # signing in is not one of the GETs looked at
            user_id = people[visitor].id
        for endpoint in gets:
            url = _url(app, endpoint, url_args, reset_args)
            before = _snapshot()
            client.get(url)
            after = _snapshot()
            problems += [
                f"{visitor} GET {url}: {p}" for p in _own_seen_marks_only(before, after, user_id)
            ]
    assert problems == [], "\n".join(problems)
