"""A small group where one resident, Rosa Quartermain, has left a trace of every kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app.dbtypes import utcnow
from app.decisions.reports import report_grapevine
from app.decisions.told import record_told
from app.decisions.upcoming import comment_on_plan, publish_forward_plan
from app.extensions import db
from app.notices import desk
from app.uploads import services as uploads
from app.voting import services as voting
from tests.decisions.helpers import backdate_members, record
from tests.factories import make_group, make_member
from tests.uploads import samples

NAME = "Rosa Quartermain"
EMAIL = "rosa.q@example.org"


@dataclass
class World:
    group: object
    facilitator: object
    officer: object
    rosa: object
    other: object
    decision: object
    named: object
    secret: object
    upload: object
    comment: object


def build() -> World:
    group = make_group("millbank", name="Millbank Group")
    facilitator, _ = make_member(group, "facilitator", name="Fay Facilitator")
    officer, _ = make_member(group, "officer", name="Olu Officer")
    rosa, _ = make_member(group, "resident", name=NAME, email=EMAIL)
    other, _ = make_member(group, "resident", name="Otto Neighbour")
    rosa.preferred_channels = ["in_app", "letter", "phone"]
    rosa.postal_address = "7 Lock Street\nMillbank MB1 2CD"
    rosa.phone = "01632 960123"
    db.session.commit()
    backdate_members(group)

    decision = record(group, officer, days_ago=2, title="Lock Street gets a crossing")
    desk.make_pack(group.id, facilitator)
    desk.record_call(group.id, rosa, "no_answer", officer, note=f"{NAME}'s son answered")
    record_told(
        group,
        decision,
        officer,
        people=[rosa],
        channel="in_person",
        told_at=utcnow() - timedelta(hours=1),
        note="At the coffee morning",
    )
    entry = publish_forward_plan(
        group,
        officer,
        title="Parking permits",
        summary="Permits for Lock Street",
        decision_by_kind="council_cabinet",
        decision_by_name="",
        expected_at=utcnow() + timedelta(days=20),
    )
    comment = comment_on_plan(entry, rosa, "Permits should be free for carers.")
    comment_on_plan(entry, other, "Words from Otto, not from Rosa.")
    report_grapevine(group, rosa, what="Heard the bus stop moves", heard_when="", heard_by_whom="")
    upload = uploads.store(group, rosa, samples.file("rosa-survey.pdf", samples.pdf()))

    named = voting.create_ballot(
        group,
        facilitator,
        title="Named: which street first?",
        method="approval",
        options=[("Lock Street", None), ("Canal Row", None)],
    )
    voting.open_ballot(group, named)
    voting.cast(named, rosa, [voting.ballot_options(named)[0].id])
    secret = voting.create_ballot(
        group,
        facilitator,
        title="Secret: choose a chair",
        method="approval",
        options=[("Unmistakable Choice Alpha", None), ("Unmistakable Choice Beta", None)],
        secret=True,
    )
    voting.open_ballot(group, secret)
    voting.cast(secret, rosa, [voting.ballot_options(secret)[0].id])
    db.session.commit()
    return World(group, facilitator, officer, rosa, other, decision, named, secret, upload, comment)
