"""`flask demo load`: a demo neighbourhood to look around, safe to run again."""

from __future__ import annotations

from datetime import time, timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import update

from app.accounts import services as accounts
from app.actions import services as actions
from app.dbtypes import local_to_utc, local_today, utcnow
from app.decisions import services as decisions
from app.decisions.reports import link_grapevine, report_grapevine
from app.decisions.told import record_told, withdraw_told
from app.decisions.upcoming import publish_forward_plan
from app.enquiries import evidence
from app.enquiries import services as enquiries
from app.extensions import db
from app.groups import services as groups
from app.groups.models import Membership
from app.meetings import agenda, attendance, captures, live, minutes, planning
from app.notices import services as notices
from app.permissions import role_in
from app.uploads.services import file_from_bytes
from app.voting import services as voting
from app.voting.priorities import priorities_page, propose, set_priority_status, toggle_support

demo_cli = AppGroup("demo", help="Demo data for trying Logbook out.")

#: One person per role; the same password for all, printed for the person trying the demo.
DEMO_PASSWORD = "riverside demo walk"
DEMO_PEOPLE = [
    ("admin@example.org", "Sam Admin", None, True),
    ("facilitator@example.org", "Fatima Facilitator", "facilitator", False),
    ("resident@example.org", "Rita Resident", "resident", False),
    ("adviser@example.org", "Ade Adviser", "resident_adviser", False),
    ("officer@example.org", "Owen Officer", "officer", False),
    ("partner@example.org", "Priya Partner", "partner", False),
]
OFFLINE_PEOPLE = [
    ("Doris Hughes", "resident", ["letter"], "12 Mill Lane, Riverside", None),
    ("Tom Kaur", "resident", ["phone", "in_person"], None, "0161 496 0000"),
]


def load_demo() -> list[tuple[str, str]]:
    """Create the demo group and people if missing; return (role, email) logins."""
    group = groups.get_group("riverside")
    if group is None:
        group = groups.create_group(
            slug="riverside",
            name="Riverside Local Oversight Group",
            neighbourhood="Riverside",
            description=(
                "Residents, council officers and local partners working together on what "
                "harms health in Riverside: damp homes, the closed youth centre, and the "
                "traffic on Mill Lane."
            ),
            focus="Damp and cold homes",
        )
    logins = []
    for email, name, role, is_admin in DEMO_PEOPLE:
        user = accounts.get_user_by_email(email)
        if user is None:
            user = accounts.create_user(
                email=email, name=name, password=DEMO_PASSWORD, is_admin=is_admin
            )
        if role:
            if role_in(user, group) is None:
                groups.add_member(group, user, role)
        logins.append((role or "site admin", email))
    existing_names = {u.name for _, u in groups.members(group, 1, 1000).items}
    for name, role, channels, address, phone in OFFLINE_PEOPLE:
        if name not in existing_names:
            groups.add_member_without_email(
                group,
                name=name,
                role=role,
                preferred_channels=channels,
                postal_address=address,
                phone=phone,
            )
    # The demo's people have been in the group for a year, so past decisions count for them.
    db.session.execute(
        update(Membership)
        .where(Membership.group_id == group.id)
        .values(joined_at=utcnow() - timedelta(days=400))
    )
    for email, *_ in DEMO_PEOPLE[1:]:
        user = accounts.get_user_by_email(email)
        user.preferred_channels = ["in_app", "email"]
    db.session.flush()
    if not decisions.all_decisions(group):
        _load_decision_log(group)
    if not priorities_page(group, 1, 1).total:
        _load_priorities_and_votes(group)
    if not enquiries.group_enquiries(group, 1):
        _load_enquiries(group)
    if not planning.meetings_page(group, 1, 1, past=True).total:
        _load_meetings(group)
    db.session.commit()  # the whole demo in one transaction, like any command
    return logins


def _load_decision_log(group) -> None:
    """Decisions told before, on time, late and not yet; a forward plan; a correction
    some members have not yet been told of; a revoked decision; a "told in person"
    record and a call record withdrawn; a grapevine report linked to a decision most
    members have not been told of, and an open one."""
    now = utcnow()
    officer = accounts.get_user_by_email("officer@example.org")
    facilitator = accounts.get_user_by_email("facilitator@example.org")
    resident = accounts.get_user_by_email("resident@example.org")
    people = [u for _m, u in groups.all_members(group)]

    def seen_by_all(kind, subject_id, at):
        for person in people:
            notices.mark_seen(person.id, kind, subject_id, at=at)

    # Told before: in the forward plan 45 days before the group voted on it.
    plan = publish_forward_plan(
        group,
        officer,
        title="Reopen the youth centre on Saturdays",
        summary="The group will vote on using this year's small grant to open the youth "
        "centre on Saturday afternoons.",
        decision_by_kind="group_vote",
        decision_by_name="Riverside LOG",
        expected_at=now - timedelta(days=60),
        now=now - timedelta(days=105),
    )
    seen_by_all("forward_plan", plan.id, now - timedelta(days=104))
    decisions.record_decision(
        group,
        facilitator,
        title="Youth centre to open on Saturday afternoons",
        summary="From next month the youth centre opens 1pm to 5pm on Saturdays, paid for "
        "by the small grant. Two residents will help run it.",
        decided_at=now - timedelta(days=60),
        decided_by_kind="group_vote",
        decided_by_name="Riverside LOG, by a vote of members",
        place="St Mark's church hall",
        forward_plan_id=plan.id,
        status="in_progress",
        now=now - timedelta(days=59),
    )

    # On time: the council's decision, told in person at the next meeting.
    bins = decisions.record_decision(
        group,
        officer,
        title="Bin collections move to Tuesdays",
        summary="Household bins in Riverside will be collected on Tuesdays instead of "
        "Thursdays, from the start of next month.",
        decided_at=now - timedelta(days=20),
        decided_by_kind="council_cabinet",
        decided_by_name="Cabinet",
        now=now - timedelta(days=19),
    )
    record_told(
        group,
        bins,
        facilitator,
        people=people,
        channel="in_person",
        told_at=now - timedelta(days=17),
        note="At the group meeting in St Mark's church hall",
        now=now - timedelta(days=17),
    )
    # Corrected later: those who have opened it since know it as it stands; Doris and
    # Tom, told in person of the first version, still need telling of the correction.
    decisions.amend(
        group,
        bins,
        officer,
        kind="correction",
        changes={
            "title": "Bin collections move to Wednesdays",
            "summary": "Household bins in Riverside will be collected on Wednesdays instead "
            "of Thursdays, from the start of next month.",
        },
        reason="The first record said Tuesdays by mistake; the cabinet paper says Wednesdays.",
    )
    for person in people:
        if person.email in ("resident@example.org", "adviser@example.org", "partner@example.org"):
            notices.mark_seen(person.id, "decision", bins.id)

    # Late: decided months before anyone recorded it.
    late = decisions.record_decision(
        group,
        officer,
        title="Mill Lane speed limit stays at 30 mph",
        summary="Highways decided not to lower the Mill Lane limit to 20 mph this year.",
        decided_at=now - timedelta(days=100),
        decided_by_kind="officer_delegated",
        decided_by_name="Head of Highways",
        rationale="The traffic count did not meet the county's threshold.",
        now=now - timedelta(days=10),
    )
    for person in people[: len(people) // 2]:
        notices.mark_seen(person.id, "decision", late.id, at=now - timedelta(days=9))
    # A call recorded against the wrong person, then withdrawn: it no longer counts.
    tom = next(p for p in people if p.name == "Tom Kaur")
    record_told(
        group,
        late,
        officer,
        people=[tom],
        channel="phone",
        told_at=now - timedelta(days=8),
        note="Rang the number on file",
        now=now - timedelta(days=8),
    )
    wrong_call = notices.records_by_hand("decision", late.id, 1, 1).items[0][0]
    withdraw_told(
        group,
        wrong_call.id,
        officer,
        "His father answered and took a message; Tom himself has not been told yet.",
    )

    # Revoked: the council withdrew a fee rise; not everyone has heard it no longer stands.
    fees = decisions.record_decision(
        group,
        officer,
        title="Community centre hire fees rise to £25 an hour",
        summary="From April, groups hiring the community centre hall pay £25 an hour "
        "instead of £18.",
        decided_at=now - timedelta(days=40),
        decided_by_kind="council_cabinet",
        decided_by_name="Cabinet",
        now=now - timedelta(days=39),
    )
    seen_by_all("decision", fees.id, now - timedelta(days=37))
    decisions.amend(
        group,
        fees,
        officer,
        kind="revocation",
        changes={},
        reason="The council withdrew the rise after residents' groups objected.",
    )
    for person in people[: len(people) // 2]:
        notices.mark_seen(person.id, "decision", fees.id)

    # Not yet told: decided two days ago. Rita heard about it along the grapevine first;
    # her report is linked to it, and everyone else is still waiting to be told.
    rumour = report_grapevine(
        group,
        resident,
        what="Someone from Riverside Homes said they have picked a firm to survey the "
        "Elm Street flats for damp.",
        heard_when="Yesterday",
        heard_by_whom="A Riverside Homes officer at the bus stop",
    )
    damp = decisions.record_decision(
        group,
        officer,
        title="Damp survey contractor appointed",
        summary="Riverside Homes has appointed a contractor to survey every flat on the "
        "Elm Street estate for damp and mould.",
        decided_at=now - timedelta(days=2),
        decided_by_kind="partner_organisation",
        decided_by_name="Riverside Homes",
    )
    link_grapevine(group, rumour, damp, officer)

    # Coming up.
    publish_forward_plan(
        group,
        officer,
        title="Close the Elm Street car park at night",
        summary="The council is considering locking the car park from 10pm to 6am after "
        "complaints about noise.",
        decision_by_kind="council_cabinet",
        decision_by_name="Cabinet",
        expected_at=now + timedelta(days=30),
    )

    report_grapevine(
        group,
        resident,
        what="The library is going to close on Mondays.",
        heard_when="Last month",
        heard_by_whom="The council, I think",
    )


@demo_cli.command("load")
def load():
    """Load the Riverside demo group, with one person per role."""
    logins = load_demo()
    click.echo("Riverside demo is ready. Sign in with any of these:")
    for role, email in logins:
        click.echo(f"  {role:<18} {email}")
    click.echo(f"Password for all of them: {DEMO_PASSWORD}")


def _load_priorities_and_votes(group) -> None:
    """Priorities in several areas; an open vote, and a closed vote of each method with
    its published ballot box, an assisted ballot and a paper tally."""
    people = {u.email: u for _m, u in groups.all_members(group) if u.email}
    facilitator = people["facilitator@example.org"]
    rita, ade = people["resident@example.org"], people["adviser@example.org"]
    voters = [u for _m, u in groups.all_members(group)]
    offline = [u for u in voters if not u.email]
    proposals = [
        ("Damp and mould in the Elm Street flats", "living_environment", "shortlisted"),
        ("Reopen the youth centre in the evenings", "social_connectivity", "chosen"),
        ("Slow the traffic on Mill Lane", "living_environment", "shortlisted"),
        ("A market stall for local makers", "local_economy", "proposed"),
        ("Residents on the housing board", "inclusive_governance", "proposed"),
        ("A mural for the underpass", "cultural_coherence", "not_taken_forward"),
    ]
    priorities = []
    for title, domain, status in proposals:
        priority = propose(group, rita, title=title, description="", domain=domain)
        toggle_support(priority, ade)
        reason = (
            "The council has already funded one for next year."
            if status == ("not_taken_forward")
            else ""
        )
        set_priority_status(priority, status, reason)
        priorities.append(priority)
    options = [(p.title, p.id) for p in priorities[:3]]

    def run(method, title, pick, close=True, **extra):
        ballot = voting.create_ballot(
            group, facilitator, title=title, method=method, options=options, **extra
        )
        voting.open_ballot(group, ballot)
        ids = [o.id for o in voting.ballot_options(ballot)]
        for n, person in enumerate(voters):
            if person.email:
                voting.cast(ballot, person, pick(ids, n))
        if offline:
            voting.cast(
                ballot,
                offline[0],
                pick(ids, 0),
                assisted_by=facilitator,
                assisted_note="Paper slip at the group meeting",
            )
        voting.add_paper_tally(
            ballot, facilitator, "Summer fair stall", {ids[0]: 12, ids[1]: 7, ids[2]: 3}
        )
        if close:
            voting.close_ballot(group, ballot)
        return ballot

    run("approval", "Which should we look into? (approval)", lambda ids, n: ids[: 1 + n % 2])
    run(
        "dot",
        "Share your dots (dot voting)",
        lambda ids, n: {ids[n % 3]: 3, ids[(n + 1) % 3]: 2},
        dots=5,
        max_per_option=3,
        count_paper=True,
    )
    run(
        "ranked",
        "Our first priority (ranked choice)",
        lambda ids, n: [ids[n % 3], ids[(n + 1) % 3]],
        secret=True,
    )
    run(
        "score",
        "How much does each matter? (score)",
        lambda ids, n: {i: (n + k) % 6 for k, i in enumerate(ids)},
    )
    run(
        "ranked",
        "Which should the summer walkabout look at?",
        lambda ids, n: [ids[(n + 2) % 3]],
        close=False,
        secret=True,
    )


def _load_meetings(group) -> None:
    """A past meeting with attendance, notes, a decision taken there, actions (one
    overdue) and published minutes; and an upcoming meeting with its agenda."""
    people = {u.email or u.name: (m, u) for m, u in groups.all_members(group)}
    facilitator = people["facilitator@example.org"][1]
    officer = people["officer@example.org"][1]
    rita, ade = people["resident@example.org"][1], people["adviser@example.org"][1]
    today = local_today()
    day = today - timedelta(days=14)
    starts, ends = local_to_utc(day, time(18, 30)), local_to_utc(day, time(20, 30))

    plan = publish_forward_plan(
        group,
        officer,
        title="Use the small grant for a damp and mould advice session",
        summary="The group will decide whether to spend what is left of this year's small "
        "grant on a drop-in advice session about damp and mould.",
        decision_by_kind="group_vote",
        decision_by_name="Riverside LOG",
        expected_at=starts,
        now=starts - timedelta(days=40),
    )
    past = planning.plan_meeting(
        group,
        facilitator,
        title="Riverside group meeting",
        kind="group_meeting",
        starts_at=starts,
        ends_at=ends,
        place="St Mark's church hall, Mill Lane",
        access_features=["step_free", "hearing_loop"],
        access_notes="Tea and biscuits from 18:15. Ask at the door for a large-print agenda.",
        description="Our monthly meeting: the damp survey, the youth centre, and the grant.",
        now=starts - timedelta(days=21),
    )
    for title, lead, allowed in (
        ("Welcome and apologies", "Fatima Facilitator", 5),
        ("Damp survey: what Riverside Homes told us", "Owen Officer", 20),
        ("The small grant: advice session on damp", "Ade Adviser", 30),
        ("Any other business", "", 10),
    ):
        agenda.add_item(group, past, title=title, lead=lead, minutes_allowed=allowed)
    attendance.rsvp(
        past, people["partner@example.org"][1], "apologies", now=starts - timedelta(days=2)
    )
    for key in (
        "facilitator@example.org",
        "resident@example.org",
        "adviser@example.org",
        "officer@example.org",
        "Tom Kaur",
    ):
        membership, _person = people[key]
        attendance.set_attendance(group, past, membership.id, "present", facilitator, now=starts)
    attendance.set_guests(past, 4)
    live.start_meeting(past, now=starts)
    rows = agenda.agenda(past)
    live.step_to(past, 2)
    live.save_notes(
        past,
        rows[1].item,
        facilitator,
        "Owen said Riverside Homes will survey every Elm Street flat by the end of next "
        "month. Rita asked that tenants get a week's notice of the visit.",
        0,
    )
    live.step_to(past, 3)
    live.save_notes(
        past,
        rows[2].item,
        facilitator,
        "Ade proposed a drop-in session with the council's housing advice team. "
        "Members agreed by a show of hands: 5 for, none against.",
        0,
    )
    decided_at = starts + timedelta(minutes=50)
    decision = captures.capture_decision(
        group,
        past,
        rows[2].item,
        facilitator,
        capture_key="demo-grant-decision",
        title="Small grant pays for a damp and mould advice session",
        summary="The group will spend the rest of this year's small grant on a drop-in "
        "session where tenants can get advice about damp and mould.",
        decided_by_kind="group_vote",
        decided_by_name="Riverside LOG, by a show of hands",
        forward_plan_id=plan.id,
        now=decided_at,
    )
    captures.capture_action(
        group,
        past,
        rows[2].item,
        facilitator,
        capture_key="demo-book-hall",
        title="Book the church hall for the advice session",
        owner_id=ade.id,
        due_on=day + timedelta(days=9),  # overdue now
        decision_id=decision.id,
        today=day,
        now=decided_at,
    )
    survey = captures.capture_action(
        group,
        past,
        rows[1].item,
        facilitator,
        capture_key="demo-survey-notice",
        title="Send tenants a week's notice of each damp survey visit",
        owner_name="Riverside Homes repairs team",
        due_on=today + timedelta(days=21),
        today=day,
        now=starts + timedelta(minutes=25),
    )
    actions.update_progress(
        survey,
        officer,
        status="in_progress",
        note="Riverside Homes have agreed; letters go out with the first survey dates.",
        now=starts + timedelta(days=5),
    )
    live.finish_meeting(past, now=ends)
    minutes.start_minutes(group, past)
    minutes.publish_minutes(group, past, facilitator, now=ends + timedelta(days=2))
    # Two of those who were not there read about the decision a few days later.
    for key in ("partner@example.org", "Doris Hughes"):
        notices.mark_seen(
            people[key][1].id, "decision", decision.id, at=decided_at + timedelta(days=3)
        )

    next_day = today + timedelta(days=10)
    upcoming = planning.plan_meeting(
        group,
        facilitator,
        title="Riverside group meeting",
        kind="group_meeting",
        starts_at=local_to_utc(next_day, time(18, 30)),
        ends_at=local_to_utc(next_day, time(20, 30)),
        place="St Mark's church hall, Mill Lane",
        online_link="https://meet.example.org/riverside",
        access_features=["step_free", "hearing_loop", "interpreter"],
        access_notes="Urdu interpreter booked. Childcare on request: tell Fatima by the Friday "
        "before.",
    )
    open_vote = next(iter(voting.open_ballots(group, 1)), None)
    damp = next(
        (p for p in priorities_page(group, 1, 50).items if p[0].title.startswith("Damp")),
        None,
    )
    damp_enquiry = next(
        (e for e in enquiries.group_enquiries(group) if "damp" in e.question.lower()), None
    )
    for title, lead, allowed, links in (
        ("Welcome, and actions from last time", "Fatima Facilitator", 10, {}),
        (
            "Damp: what residents found, and the survey's first results",
            "Owen Officer",
            20,
            {
                "priority_id": damp[0].id if damp else None,
                "enquiry_id": damp_enquiry.id if damp_enquiry else None,
            },
        ),
        (
            "The summer walkabout: results of the vote",
            "Rita Resident",
            15,
            {"ballot_id": open_vote.id if open_vote else None},
        ),
        (
            "The advice session: who will help on the day",
            "Ade Adviser",
            15,
            {"decision_id": decision.id},
        ),
    ):
        agenda.add_item(group, upcoming, title=title, lead=lead, minutes_allowed=allowed, **links)
    # "You said, we did" on the council's survey decision that the damp enquiry led to.
    survey_decision = next(
        (d for d in decisions.all_decisions(group) if d.title.startswith("Damp survey")), None
    )
    if survey_decision is not None:
        actions.create_action(
            group,
            officer,
            title="Share the damp survey dates with every Elm Street tenant",
            owner_id=officer.id,
            due_on=today + timedelta(days=14),
            decision_id=survey_decision.id,
        )
    attendance.rsvp(upcoming, rita, "coming")
    attendance.rsvp(upcoming, ade, "coming")
    attendance.rsvp(upcoming, people["partner@example.org"][1], "apologies")


# Resident-led enquiries --------------------------------------------------------

DOORSTEP_SURVEY = """block,flats_visited,damp_or_mould,mould_in_a_bedroom,reported,fixed_in_3_months
Elm Street A,14,10,6,8,2
Elm Street B,16,11,7,9,3
Elm Street C,18,12,5,10,2
Elm Street D,14,8,4,6,1
"""
AIR_READINGS = """date,place,time,no2_micrograms_per_m3
2026-03-02,School gate,08:45,52
2026-03-02,School gate,15:15,47
2026-03-02,Park corner,08:45,24
2026-03-03,School gate,08:45,55
2026-03-03,Park corner,08:45,22
"""


def _load_enquiries(group) -> None:
    """One enquiry reported, with evidence of every kind and the decision that followed;
    one in fieldwork. Peer researchers include members who are not online."""
    today = local_today()
    people = {u.email or u.name: u for _m, u in groups.all_members(group)}
    ade, rita = people["adviser@example.org"], people["resident@example.org"]
    priya, fatima = people["partner@example.org"], people["facilitator@example.org"]
    doris, tom = people["Doris Hughes"], people["Tom Kaur"]
    priorities = {p.title: p for p in enquiries.enquiry_priorities(group)}

    def move(enquiry, status, days_ago):
        enquiries.update_enquiry(
            enquiry,
            ade,
            enquiries.EnquiryDetails.of(enquiry),
            status=status,
            on=today - timedelta(days=days_ago),
        )

    def note(enquiry, who, days_ago, body):
        enquiries.add_journal_entry(
            enquiry, who, happened_on=today - timedelta(days=days_ago), body=body
        )

    damp = enquiries.start_enquiry(
        group,
        ade,
        enquiries.EnquiryDetails(
            question="What is it like living with damp and mould in the Elm Street flats?",
            priority_id=priorities["Damp and mould in the Elm Street flats"].id,
            methods=["survey", "face_to_face_interviews", "illustrated_booklet", "photo_video"],
            ethics_notes=(
                "Everyone who took part signed a consent form; the forms are locked away by the "
                "facilitator. We do not write down names or flat numbers. People's stories are "
                "shared with the group only when the person agrees."
            ),
            participants=62,
            starts_on=today - timedelta(days=120),
            ends_on=today - timedelta(days=30),
        ),
    )
    for person, role in (
        (rita, "peer_researcher"),
        (doris, "peer_researcher"),
        (priya, "academic_lead"),
        (fatima, "facilitator"),
    ):
        enquiries.add_to_team(damp, person, role, ade)
    note(damp, ade, 118, "First team meeting: we chose the questions for the door-step survey.")
    move(damp, "fieldwork", 110)
    note(damp, doris, 90, "Knocked on every door in blocks A and B with Rita. 30 flats done.")
    evidence.add_evidence(
        damp,
        priya,
        kind="peer_reviewed",
        title="Damp and mould in homes and breathing problems: a review of studies",
        link="https://example.org/research/damp-mould-and-health",
        summary="Researchers looked at many studies. People living with damp and mould have "
        "more coughs, wheezing and asthma, and children are hit hardest.",
    )
    evidence.add_evidence(
        damp,
        fatima,
        kind="grey_literature",
        title="Riverside Homes: stock condition summary",
        link="https://example.org/riverside-homes/stock-condition",
        summary="The landlord's own survey rates a third of Elm Street flats as needing new "
        "windows and better air flow.",
    )
    evidence.add_evidence(
        damp,
        ade,
        kind="website",
        title="Council advice: damp and mould in your home",
        link="https://example.org/council/damp-and-mould",
        summary="What tenants can do, and how to report damp to a landlord.",
    )
    evidence.add_evidence(
        damp,
        rita,
        kind="survey_data",
        title="Door-step survey: 62 flats on Elm Street",
        file=file_from_bytes("elm-street-doorstep-survey.csv", DOORSTEP_SURVEY.encode()),
        summary="41 of the 62 flats we visited have damp or mould. Most people had reported "
        "it; only 8 were fixed within three months.",
    )
    evidence.add_evidence(
        damp,
        doris,
        kind="lived_experience",
        title="Black mould in the baby's room",
        summary="Every winter the wall behind the cot turns black. I wipe it with bleach "
        "every week and it comes back. My daughter has had a cough since October.",
        consent="yes",
        consent_notes="Signed consent form, given to Fatima. Name and flat number left out.",
    )
    evidence.add_evidence(
        damp,
        rita,
        kind="lived_experience",
        title="Worried about complaining",
        summary="A tenant told us they have not reported the damp because they are worried "
        "the rent will go up or they will be moved.",
        consent="no",
    )
    evidence.add_evidence(
        damp,
        rita,
        kind="photo_video",
        title="Photos of mould in six flats",
        link="https://example.org/riverside/elm-street-photos",
        summary="Taken with the tenants' permission; faces and door numbers are hidden.",
    )
    move(damp, "analysis", 45)
    note(damp, priya, 40, "Workshop at St Mark's: the team went through every answer together.")
    enquiries.write_findings(
        damp,
        "Two in every three flats we visited have damp or mould, and one in three has mould "
        "in a bedroom. Most tenants had told Riverside Homes, but few were fixed within three "
        "months. People feel the problem is theirs to clean, and some are afraid to complain.\n\n"
        "We ask Riverside Homes to survey every flat, fix the worst first, and tell tenants "
        "when the work will be done.",
    )
    for kind, title, description, link in (
        (
            "booklet",
            "Living with damp: an illustrated booklet",
            "Drawn with a local artist from what tenants told us.",
            "https://example.org/riverside/living-with-damp",
        ),
        (
            "exhibition",
            "Elm Street stories",
            "Photos and drawings in St Mark's church hall for two weeks; 140 people came.",
            None,
        ),
        (
            "presentation",
            "What we found, for the Riverside Homes board",
            "Ade and Doris presented the findings to the board.",
            None,
        ),
    ):
        enquiries.add_output(damp, ade, kind=kind, title=title, description=description, link=link)
    move(damp, "reported", 30)
    contractor = next(
        d for d in decisions.all_decisions(group) if d.title == "Damp survey contractor appointed"
    )
    enquiries.link_decision(damp, contractor, ade)

    traffic = enquiries.start_enquiry(
        group,
        ade,
        enquiries.EnquiryDetails(
            question="How bad are the traffic and the air on Mill Lane at school times?",
            priority_id=priorities["Slow the traffic on Mill Lane"].id,
            methods=["citizen_science", "walkabout", "photo_video"],
            ethics_notes=(
                "Pupils from St Mark's school help measure the air; their parents signed "
                "permission slips. No photos of children."
            ),
            participants=35,
            starts_on=today - timedelta(days=20),
        ),
    )
    enquiries.add_to_team(traffic, tom, "peer_researcher", ade)
    enquiries.add_to_team(traffic, priya, "academic_lead", ade)
    move(traffic, "fieldwork", 14)
    note(traffic, tom, 12, "Walkabout along Mill Lane at 8:30 with six parents.")
    evidence.add_evidence(
        traffic,
        priya,
        kind="peer_reviewed",
        title="Air pollution at school gates and children's lungs",
        link="https://example.org/research/school-gate-air",
        summary="Children who breathe dirty air on the way to school can have weaker lungs.",
    )
    evidence.add_evidence(
        traffic,
        tom,
        kind="survey_data",
        title="Air readings at the school gate and the park",
        file=file_from_bytes("mill-lane-air-readings.csv", AIR_READINGS.encode()),
        summary="Readings at the school gate at drop-off were twice those at the park corner.",
    )
    evidence.add_evidence(
        traffic,
        tom,
        kind="photo_video",
        title="Video: cars queuing at the crossing at 8:45",
        link="https://example.org/riverside/mill-lane-crossing",
        summary="Two minutes of film from the walkabout.",
    )
