"""The demo shows enquiries: one reported with evidence of every kind and the decision that
followed, one in fieldwork; loading it again adds nothing."""

from __future__ import annotations

from app.demo import load_demo
from app.enquiries import services as enquiries
from app.enquiries.models import EVIDENCE_KINDS, Evidence, JournalEntry, TeamMember
from app.groups import services as groups
from app.uploads.models import Upload
from tests.conftest import count
from tests.uploads.samples import stored_files


def test_the_demo_has_a_reported_and_a_fieldwork_enquiry_with_every_kind_of_evidence(
    app, ctx, upload_folder
):
    with app.app_context():  # each load in its own context, as each command run is
        load_demo()
    group = groups.get_group("riverside")
    found = {e.status: e for e in enquiries.group_enquiries(group)}
    assert set(found) == {"reported", "fieldwork"}
    reported = found["reported"]
    assert {e.kind for e in db_evidence(reported)} == set(EVIDENCE_KINDS)
    assert any(e.team_only for e in db_evidence(reported))  # a story kept to the team
    assert reported.findings
    assert [s.title for s in enquiries.linked_decisions(reported)] == [
        "Damp survey contractor appointed"
    ]
    roles = {row.person.name: row.member.role for row in enquiries.team(reported)}
    assert roles["Ade Adviser"] == "lead" and roles["Doris Hughes"] == "peer_researcher"
    # The survey spreadsheets are stored like any upload: under generated names.
    files = stored_files(upload_folder)
    assert len(files) == count(Upload) == 2 and not any(f.suffix for f in files)

    totals = [count(model) for model in (Evidence, TeamMember, JournalEntry, Upload)]
    with app.app_context():
        load_demo()
    assert [count(model) for model in (Evidence, TeamMember, JournalEntry, Upload)] == totals


def db_evidence(enquiry):
    from sqlalchemy import select

    from app.extensions import db

    return list(db.session.scalars(select(Evidence).where(Evidence.enquiry_id == enquiry.id)))
