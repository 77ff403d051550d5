"""The demo's meetings: a past one with its minutes and actions, and the next one."""

from __future__ import annotations

from datetime import time, timedelta

from app.actions import services as actions
from app.dbtypes import local_to_utc, local_today
from app.decisions import services as decisions
from app.decisions.upcoming import publish_forward_plan
from app.enquiries import services as enquiries
from app.groups import services as groups
from app.meetings import agenda, attendance, captures, live, minutes, planning
from app.notices import services as notices
from app.voting import services as voting
from app.voting.priorities import priorities_page


def load_meetings(group) -> None:
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
    # The agenda has gone to every member.
    agenda.send_agenda(group, upcoming, facilitator)
    attendance.rsvp(upcoming, rita, "coming")
    attendance.rsvp(upcoming, ade, "coming")
    attendance.rsvp(upcoming, people["partner@example.org"][1], "apologies")
