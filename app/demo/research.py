"""The demo's enquiries: one reported with evidence of every kind, one in fieldwork."""

from __future__ import annotations

from datetime import timedelta

from app.dbtypes import local_today
from app.decisions import services as decisions
from app.enquiries import evidence
from app.enquiries import services as enquiries
from app.groups import services as groups
from app.uploads.services import file_from_bytes

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


def load_enquiries(group) -> None:
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
