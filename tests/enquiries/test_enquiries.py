"""Starting and running an enquiry over HTTP: its team, findings, outputs, journal and the
decisions that followed. Bad input is answered with a clear 4xx and nothing half-saved."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.dbtypes import local_today, utcnow
from app.decisions import services as decisions
from app.enquiries import services as enquiries
from app.enquiries.models import DecisionLink, Enquiry, JournalEntry, Output, TeamMember
from app.uploads.models import Upload
from app.voting import priorities
from tests.conftest import count
from tests.enquiries.helpers import make_enquiry, make_priority
from tests.factories import make_group, make_member
from tests.uploads import samples
from tests.uploads.samples import stored_files


def date_fields(prefix: str, day) -> dict:
    return {prefix: [str(day.day), str(day.month), str(day.year)]}


def test_a_resident_adviser_starts_an_enquiry_from_a_chosen_priority_and_leads_it(app, ctx, login):
    group = make_group()
    adviser, _ = make_member(group, "resident_adviser", name="Ade Adviser")
    priority = make_priority(group, adviser)
    client = login(adviser)
    form = client.get(f"/groups/{group.slug}/enquiries/new?priority={priority.id}")
    assert f'value="{priority.id}" checked' in form.get_data(as_text=True)

    response = client.post(
        f"/groups/{group.slug}/enquiries/new",
        data={
            "question": "Why do so many flats have damp?",
            "priority_id": priority.id,
            "methods": ["survey", "drama_workshop"],
            "ethics_notes": "Written consent; names left out.",
            "participants": "12",
            **date_fields("starts_on", local_today()),
        },
    )
    assert response.status_code == 303
    enquiry = db_enquiry()
    assert response.headers["Location"].endswith(f"/enquiries/{enquiry.id}")
    assert (enquiry.status, enquiry.priority_id, enquiry.participants) == (
        "planning",
        priority.id,
        12,
    )
    assert enquiry.methods == ["survey", "drama_workshop"]
    assert [(m.user_id, m.role) for m in all_rows(TeamMember)] == [(adviser.id, "lead")]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Why do so many flats have damp?" in page and "Ade Adviser" in page
    assert "Damp in the Elm Street flats" in page and "Drama workshop" in page


def db_enquiry():
    return all_rows(Enquiry)[0]


def all_rows(model):
    from app.extensions import db

    db.session.expire_all()
    return list(db.session.scalars(select(model).order_by(model.id)))


def test_a_facilitator_who_starts_an_enquiry_joins_its_team_as_facilitator(app, ctx, login):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    priority = make_priority(group, facilitator)
    response = login(facilitator).post(
        f"/groups/{group.slug}/enquiries/new",
        data={"question": "Where do children play?", "priority_id": priority.id},
    )
    assert response.status_code == 303
    assert [m.role for m in all_rows(TeamMember)] == ["facilitator"]


def test_starting_needs_a_question_and_a_priority_the_group_is_working_on(app, ctx, login):
    group = make_group()
    adviser, _ = make_member(group, "resident_adviser")
    chosen = make_priority(group, adviser)
    proposed = make_priority(group, adviser, title="A mural", status="proposed")
    other_group = make_group()
    elsewhere = make_priority(other_group, make_member(other_group)[0], title="Elsewhere")
    client = login(adviser)
    url = f"/groups/{group.slug}/enquiries/new"
    page = client.get(url).get_data(as_text=True)
    assert "Damp in the Elm Street flats" in page and "A mural" not in page

    response = client.post(url, data={"question": "", "priority_id": chosen.id})
    assert response.status_code == 422
    assert "Write the question the enquiry will try to answer" in response.get_data(as_text=True)
    for priority in (proposed, elsewhere):
        response = client.post(url, data={"question": "Why?", "priority_id": priority.id})
        assert response.status_code == 422
        assert "Choose the priority this enquiry is about" in response.get_data(as_text=True)
    response = client.post(
        url, data={"question": "Why?", "priority_id": chosen.id, "methods": ["tarot"]}
    )
    assert response.status_code == 422
    response = client.post(
        url, data={"question": "Why?", "priority_id": chosen.id, "methods": ["other"]}
    )
    assert response.status_code == 422
    assert "Say what the other way of finding out is" in response.get_data(as_text=True)
    assert count(Enquiry) == 0 and count(TeamMember) == 0


def test_the_start_page_says_what_to_do_when_no_priority_is_chosen_yet(app, ctx, login):
    group = make_group()
    adviser, _ = make_member(group, "resident_adviser")
    page = login(adviser).get(f"/groups/{group.slug}/enquiries/new").get_data(as_text=True)
    assert "has not shortlisted or chosen a priority yet" in page
    assert 'name="question"' not in page


def test_the_team_changes_the_enquiry_and_each_new_stage_is_written_in_its_journal(app, ctx, login):
    group = make_group()
    adviser, _ = make_member(group, "resident_adviser")
    enquiry = make_enquiry(group, adviser)
    client = login(adviser)
    url = f"/groups/{group.slug}/enquiries/{enquiry.id}/edit"
    data = {
        "question": "What is it like living with damp?",
        "priority_id": enquiry.priority_id,
        "status": "fieldwork",
        "methods": ["survey", "walkabout", "other"],
        "other_method": "Diaries kept by tenants",
        "ethics_notes": "Consent forms kept by the facilitator. Flat numbers left out.",
        "participants": "40",
        **date_fields("starts_on", local_today() - timedelta(days=30)),
        **date_fields("ends_on", local_today() + timedelta(days=30)),
    }
    assert client.post(url, data=data).status_code == 303
    enquiry = db_enquiry()
    assert enquiry.status == "fieldwork" and enquiry.participants == 40
    assert enquiry.other_method == "Diaries kept by tenants"
    assert [(j.status, j.happened_on) for j in all_rows(JournalEntry)] == [
        ("fieldwork", local_today())
    ]
    page = client.get(f"/groups/{group.slug}/enquiries/{enquiry.id}").get_data(as_text=True)
    assert "Diaries kept by tenants" in page and "Flat numbers left out." in page
    assert 'aria-current="step">Finding out' in page

    # Saving again without a new stage adds nothing to the journal.
    assert client.post(url, data=data).status_code == 303
    assert count(JournalEntry) == 1

    backwards = {**data, **date_fields("ends_on", local_today() - timedelta(days=60))}
    response = client.post(url, data=backwards)
    assert response.status_code == 422
    assert "The end date must be on or after the start date" in response.get_data(as_text=True)
    response = client.post(url, data={**data, "participants": "lots"})
    assert response.status_code == 422
    assert "Enter a whole number" in response.get_data(as_text=True)
    assert db_enquiry().participants == 40


def test_the_lead_adds_peer_researchers_and_changes_their_roles(app, ctx, login):
    group = make_group()
    adviser, _ = make_member(group, "resident_adviser")
    rita, rita_membership = make_member(group, "resident", name="Rita Resident")
    doris, doris_membership = make_member(group, "resident", email=None, name="Doris Hughes")
    priya, priya_membership = make_member(group, "partner", name="Priya Partner")
    enquiry = make_enquiry(group, adviser)
    client = login(adviser)
    url = f"/groups/{group.slug}/enquiries/{enquiry.id}/team"
    for membership, role in (
        (rita_membership, "peer_researcher"),
        (doris_membership, "peer_researcher"),
        (priya_membership, "lead"),
    ):
        response = client.post(url, data={"member": membership.id, "role": role})
        assert response.status_code == 303
    response = client.post(url, data={"member": priya_membership.id, "role": "academic_lead"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Priya Partner&#39;s role is now Academic lead." in page
    roles = {row.person.name: row.member.role for row in enquiries.team(enquiry)}
    assert roles == {
        adviser.name: "lead",
        "Rita Resident": "peer_researcher",
        "Doris Hughes": "peer_researcher",
        "Priya Partner": "academic_lead",
    }
    enquiry_page = client.get(f"/groups/{group.slug}/enquiries/{enquiry.id}")
    assert "Doris Hughes" in enquiry_page.get_data(as_text=True)


def test_only_members_of_the_group_can_join_the_team(app, ctx, login):
    group = make_group()
    adviser, _ = make_member(group, "resident_adviser")
    enquiry = make_enquiry(group, adviser)
    other_group = make_group()
    _outsider, outsider_membership = make_member(other_group, "resident")
    response = login(adviser).post(
        f"/groups/{group.slug}/enquiries/{enquiry.id}/team",
        data={"member": outsider_membership.id, "role": "peer_researcher"},
    )
    assert response.status_code == 422
    assert count(TeamMember) == 1


def test_taking_someone_off_the_team_works_with_and_without_javascript(app, ctx, login):
    group = make_group()
    adviser, adviser_membership = make_member(group, "resident_adviser")
    rita, rita_membership = make_member(group, "resident", name="Rita Resident")
    doris, doris_membership = make_member(group, "resident", name="Doris Hughes")
    enquiry = make_enquiry(group, adviser)
    for person in (rita, doris):
        enquiries.add_to_team(enquiry, person, "peer_researcher", adviser)
    client = login(adviser)
    base = f"/groups/{group.slug}/enquiries/{enquiry.id}/team"

    response = client.post(f"{base}/{rita_membership.id}/remove")
    assert response.status_code == 303 and response.headers["Location"].endswith("/team")
    fragment = client.post(f"{base}/{doris_membership.id}/remove", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and text.lstrip().startswith("{#") is False
    assert 'id="team"' in text and "Doris Hughes is off the team." in text
    assert "<html" not in text
    assert {m.user_id for m in all_rows(TeamMember)} == {adviser.id}

    # A second click on the same button is harmless.
    response = client.post(f"{base}/{doris_membership.id}/remove")
    assert response.status_code == 303

    # The only lead cannot be taken off until someone else leads.
    response = client.post(f"{base}/{adviser_membership.id}/remove", follow_redirects=True)
    assert "Choose someone else to lead the enquiry" in response.get_data(as_text=True)
    fragment = client.post(f"{base}/{adviser_membership.id}/remove", headers={"HX-Request": "true"})
    assert 'role="alert">Choose someone else to lead' in fragment.get_data(as_text=True)
    assert count(TeamMember) == 1
    response = client.post(base, data={"member": adviser_membership.id, "role": "peer_researcher"})
    assert response.status_code == 422
    assert count(TeamMember, TeamMember.role == "lead") == 1


def test_findings_outputs_and_journal_are_written_by_the_team(app, ctx, login, upload_folder):
    group = make_group()
    adviser, _ = make_member(group, "resident_adviser")
    rita, _ = make_member(group, "resident")
    enquiry = make_enquiry(group, adviser)
    client = login(adviser)
    base = f"/groups/{group.slug}/enquiries/{enquiry.id}"

    assert client.post(f"{base}/findings", data={"findings": ""}).status_code == 422
    response = client.post(f"{base}/findings", data={"findings": "Two in three flats have mould."})
    assert response.status_code == 303 and response.headers["Location"].endswith("#findings")

    response = client.post(
        f"{base}/outputs/new",
        data={
            "kind": "booklet",
            "title": "Living with damp: an illustrated booklet",
            "description": "Drawn with a local artist; given out at the summer fair.",
            "link": "https://example.org/booklet",
            "file": (samples.BytesIO(samples.pdf()), "Damp booklet.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    output = all_rows(Output)[0]
    response = client.post(
        f"{base}/outputs/new",
        data={"kind": "exhibition", "title": "Photos", "link": "javascript:alert(1)"},
    )
    assert response.status_code == 422
    assert "starts with https://" in response.get_data(as_text=True)
    assert count(Output) == 1

    yesterday = local_today() - timedelta(days=1)
    response = client.post(
        f"{base}/journal/new",
        data={
            "body": "Walkabout with the housing officer.",
            **date_fields("happened_on", yesterday),
        },
    )
    assert response.status_code == 303
    tomorrow = local_today() + timedelta(days=1)
    response = client.post(
        f"{base}/journal/new", data={"body": "Later", **date_fields("happened_on", tomorrow)}
    )
    assert response.status_code == 422
    assert "The date cannot be in the future" in response.get_data(as_text=True)

    reader = login(rita)
    page = reader.get(base).get_data(as_text=True)
    assert "Two in three flats have mould." in page
    assert "Living with damp: an illustrated booklet" in page
    assert "Walkabout with the housing officer." in page
    download = reader.get(f"{base}/outputs/{output.id}/file")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == 'attachment; filename="Damp booklet.pdf"'
    assert reader.get(f"{base}/outputs/{output.id + 1}/file").status_code == 404


def test_an_output_upload_that_is_refused_leaves_no_output_and_no_file(
    app, ctx, login, upload_folder
):
    group = make_group()
    adviser, _ = make_member(group, "resident_adviser")
    enquiry = make_enquiry(group, adviser)
    response = login(adviser).post(
        f"/groups/{group.slug}/enquiries/{enquiry.id}/outputs/new",
        data={
            "kind": "video",
            "title": "Our film",
            "file": (samples.BytesIO(samples.exe()), "film.mp4"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 415
    assert "does not look like a .mp4 file" in response.get_data(as_text=True)
    assert count(Output) == 0 and count(Upload) == 0 and stored_files(upload_folder) == []


def test_decisions_that_followed_are_linked_and_unlinked(app, ctx, login):
    group = make_group()
    adviser, _ = make_member(group, "resident_adviser")
    officer, _ = make_member(group, "officer")
    enquiry = make_enquiry(group, adviser)
    decision = decisions.record_decision(
        group,
        officer,
        title="Every Elm Street flat surveyed for damp",
        summary="Riverside Homes will survey every flat.",
        decided_at=utcnow() - timedelta(days=1),
        decided_by_kind="partner_organisation",
    )
    other_group = make_group()
    elsewhere = decisions.record_decision(
        other_group,
        make_member(other_group, "officer")[0],
        title="Elsewhere",
        summary="S",
        decided_at=utcnow(),
        decided_by_kind="council_cabinet",
    )
    client = login(adviser)
    url = f"/groups/{group.slug}/enquiries/{enquiry.id}/decisions"
    assert client.post(url, data={"decision_id": elsewhere.id}).status_code == 422
    assert client.post(url, data={"decision_id": 0}).status_code == 422
    assert client.post(url, data={"decision_id": decision.id}).status_code == 303
    again = client.post(url, data={"decision_id": decision.id}, follow_redirects=True)
    assert "was already linked" in again.get_data(as_text=True)
    assert count(DecisionLink) == 1

    page = client.get(f"/groups/{group.slug}/enquiries/{enquiry.id}").get_data(as_text=True)
    trail = [
        page.index(words)
        for words in (
            "The priority",
            "The enquiry",
            "The evidence",
            "What they found",
            "Decisions that followed",
            "Every Elm Street flat surveyed for damp",
        )
    ]
    assert trail == sorted(trail)

    fragment = client.post(f"{url}/{decision.id}/unlink", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert 'id="linked"' in fragment.get_data(as_text=True) and count(DecisionLink) == 0
    assert client.post(f"{url}/{decision.id}/unlink").status_code == 303


def test_the_list_of_enquiries_filters_by_stage(app, ctx, login):
    group = make_group()
    adviser, _ = make_member(group, "resident_adviser")
    rita, _ = make_member(group, "resident")
    first = make_enquiry(group, adviser, question="Where do children play?")
    make_enquiry(group, adviser, question="Why is the bus late?")
    first.status = "reported"
    from app.extensions import db

    db.session.commit()
    client = login(rita)
    page = client.get(f"/groups/{group.slug}/enquiries").get_data(as_text=True)
    assert "Where do children play?" in page and "Why is the bus late?" in page
    assert "Start an enquiry" not in page  # residents join enquiries; advisers lead them
    page = client.get(f"/groups/{group.slug}/enquiries?status=reported").get_data(as_text=True)
    assert "Where do children play?" in page and "Why is the bus late?" not in page
    assert client.get(f"/groups/{group.slug}/enquiries?status=nonsense&page=x").status_code == 200


def test_an_enquiry_stays_editable_when_its_priority_is_achieved(app, ctx, login):
    group = make_group()
    adviser, _ = make_member(group, "resident_adviser")
    facilitator, _ = make_member(group, "facilitator")
    enquiry = make_enquiry(group, adviser)
    priorities.set_priority_status(priorities.get_priority(group, enquiry.priority_id), "achieved")
    client = login(adviser)
    url = f"/groups/{group.slug}/enquiries/{enquiry.id}/edit"
    assert "Damp in the Elm Street flats (Achieved)" in client.get(url).get_data(as_text=True)
    response = client.post(
        url,
        data={
            "question": enquiry.question,
            "priority_id": enquiry.priority_id,
            "status": "acted_on",
        },
    )
    assert response.status_code == 303
    assert db_enquiry().status == "acted_on"
    # A new enquiry cannot start on it, though.
    response = login(facilitator).post(
        f"/groups/{group.slug}/enquiries/new",
        data={"question": "Again?", "priority_id": enquiry.priority_id},
    )
    assert response.status_code == 422
