"""Builders for enquiry tests. Each stands for an earlier request, so it commits."""

from __future__ import annotations

from app.enquiries import evidence
from app.enquiries import services as enquiries
from app.extensions import db
from app.voting import priorities


def _saved(thing):
    db.session.commit()
    return thing


def make_priority(group, by, title: str = "Damp in the Elm Street flats", status: str = "chosen"):
    priority = priorities.propose(
        group, by, title=title, description="", domain="living_environment"
    )
    priorities.set_priority_status(priority, status, "")
    return _saved(priority)


def make_enquiry(group, lead, priority=None, **fields):
    priority = priority or make_priority(group, lead)
    values = {
        "question": "What is it like living with damp on Elm Street?",
        "methods": ["survey", "face_to_face_interviews"],
    }
    values.update(fields)
    return _saved(
        enquiries.start_enquiry(
            group, lead, enquiries.EnquiryDetails(priority_id=priority.id, **values)
        )
    )


def story(enquiry, by, *, consent: bool, title: str = "Mould in the bedroom"):
    return _saved(
        evidence.add_evidence(
            enquiry,
            by,
            kind="lived_experience",
            title=title,
            summary="The mould came back every winter.",
            consent="yes" if consent else "no",
            consent_notes="Signed form, 3 March" if consent else "",
        )
    )


def website(enquiry, by, title: str = "Council advice on damp"):
    return _saved(
        evidence.add_evidence(
            enquiry,
            by,
            kind="website",
            title=title,
            summary="What the council says tenants can do.",
            link="https://example.org/damp",
        )
    )
