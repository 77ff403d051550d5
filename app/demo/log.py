"""The demo's decision log: decisions told before, on time, late and not yet, a
correction, a revocation, records made by hand (one withdrawn) and grapevine reports."""

from __future__ import annotations

from datetime import timedelta

from app.accounts import services as accounts
from app.dbtypes import utcnow
from app.decisions import services as decisions
from app.decisions.reports import link_grapevine, report_grapevine
from app.decisions.told import record_told, withdraw_told
from app.decisions.upcoming import comment_on_plan, publish_forward_plan, reply_on_plan
from app.groups import services as groups
from app.notices import services as notices


def load_decision_log(group) -> None:
    """Decisions told before, on time, late and not yet; a forward plan; a correction
    some members have not yet been told of; a revoked decision; a "told in person"
    record and a call record withdrawn; a grapevine report linked to a decision most
    members have not been told of, and an open one."""
    now = utcnow()
    officer = accounts.get_user_by_email("officer@example.org")
    facilitator = accounts.get_user_by_email("facilitator@example.org")
    resident = accounts.get_user_by_email("resident@example.org")
    people = groups.everyone_to_tell(group)

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

    # Coming up, with a resident's comment the officer has answered under it.
    car_park = publish_forward_plan(
        group,
        officer,
        title="Close the Elm Street car park at night",
        summary="The council is considering locking the car park from 10pm to 6am after "
        "complaints about noise.",
        decision_by_kind="council_cabinet",
        decision_by_name="Cabinet",
        expected_at=now + timedelta(days=30),
    )
    comment = comment_on_plan(
        car_park,
        resident,
        "Night-shift workers at the hospital park there. Where would they go?",
    )
    reply_on_plan(
        group,
        car_park,
        comment.id,
        officer,
        "Good question. Cabinet will be asked to exempt permit holders; I will bring "
        "the permit details to the next meeting.",
    )

    report_grapevine(
        group,
        resident,
        what="The library is going to close on Mondays.",
        heard_when="Last month",
        heard_by_whom="The council, I think",
    )
