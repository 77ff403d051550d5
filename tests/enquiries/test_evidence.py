"""The evidence library: the team adds evidence; bad and hostile input is refused with a
clear 4xx and nothing saved; a story without consent stays with the team, everywhere."""

from __future__ import annotations

import pytest

from app.enquiries import evidence
from app.enquiries import services as enquiries
from app.enquiries.models import Evidence
from app.extensions import db
from app.uploads.models import Upload
from tests.conftest import count
from tests.enquiries.helpers import make_enquiry, make_priority, story, website
from tests.factories import make_group, make_member
from tests.uploads import samples
from tests.uploads.samples import stored_files


@pytest.fixture
def team(app, ctx, upload_folder):
    """An enquiry led by a Resident Adviser with a peer researcher; a resident who is not on it."""
    group = make_group()
    adviser, _ = make_member(group, "resident_adviser", name="Ade Adviser")
    peer, _ = make_member(group, "resident", name="Pat Peer")
    outsider, _ = make_member(group, "resident", name="Rita Resident")
    facilitator, _ = make_member(group, "facilitator")
    enquiry = make_enquiry(group, adviser)
    enquiries.add_to_team(enquiry, peer, "peer_researcher", adviser)
    return group, enquiry, adviser, peer, outsider, facilitator


def add_url(group, enquiry):
    return f"/groups/{group.slug}/enquiries/{enquiry.id}/evidence/new"


def upload_form(name: str, data: bytes, **fields) -> dict:
    values = {
        "kind": "grey_literature",
        "title": "Stock condition report",
        "summary": "Riverside Homes' own survey of its flats.",
        "file": (samples.BytesIO(data), name),
    }
    values.update(fields)
    return values


def test_the_team_adds_a_pdf_a_link_and_a_story_with_consent(team, login):
    group, enquiry, adviser, peer, outsider, _ = team
    client = login(peer)
    response = client.post(
        add_url(group, enquiry),
        data=upload_form("Stock condition 2025.pdf", samples.pdf()),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    pdf = db.session.scalar(db.select(Evidence))
    assert response.headers["Location"].endswith(f"/evidence/{pdf.id}")
    response = client.post(
        add_url(group, enquiry),
        data={
            "kind": "website",
            "title": "Shelter: damp and mould",
            "summary": "What landlords must do.",
            "link": "https://example.org/damp",
        },
    )
    assert response.status_code == 303
    response = client.post(
        add_url(group, enquiry),
        data={
            "kind": "lived_experience",
            "title": "Mould in the baby's room",
            "summary": "Every winter the wall turns black.",
            "consent": "yes",
            "consent_notes": "Signed form, 3 March; name and flat left out.",
        },
    )
    assert response.status_code == 303
    assert count(Evidence) == 3

    reader = login(outsider)
    page = reader.get(f"/groups/{group.slug}/enquiries/{enquiry.id}").get_data(as_text=True)
    assert "Stock condition report" in page and "Shelter: damp and mould" in page
    assert "Mould in the baby&#39;s room" in page
    assert "3 pieces of evidence" in page
    assert "Add evidence" not in page  # not on the team
    item = reader.get(f"/groups/{group.slug}/evidence/{pdf.id}").get_data(as_text=True)
    assert "Download Stock condition 2025.pdf" in item and "Pat Peer" in item
    download = reader.get(f"/groups/{group.slug}/evidence/{pdf.id}/file")
    assert download.status_code == 200 and download.data == samples.pdf()
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="Stock condition 2025.pdf"'
    )


def test_someone_not_on_the_team_cannot_add_evidence(team, login, upload_folder):
    group, enquiry, adviser, peer, outsider, facilitator = team
    for person in (outsider, facilitator):
        client = login(person)
        assert client.get(add_url(group, enquiry)).status_code == 403
        response = client.post(
            add_url(group, enquiry),
            data=upload_form("report.pdf", samples.pdf()),
            content_type="multipart/form-data",
        )
        assert response.status_code == 403
    assert count(Evidence) == 0 and count(Upload) == 0 and stored_files(upload_folder) == []


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"kind": ""}, "Choose what kind of evidence it is"),
        ({"kind": "rumour"}, "Not a valid choice"),
        ({"title": ""}, "Give it a title"),
        ({"title": "x" * 201}, "Use at most 200 characters"),
        ({"summary": ""}, "Say in a few plain words what it tells us"),
        ({"link": "", "kind": "website"}, "Give a link to it, or upload a file of it, or both"),
        ({"link": "javascript:alert(document.cookie)"}, "starts with https://"),
        ({"link": "ftp://example.org/report.pdf"}, "starts with https://"),
        ({"link": "file:///etc/passwd"}, "starts with https://"),
        ({"link": "https://"}, "starts with https://"),
        ({"link": "https://exa mple.org"}, "starts with https://"),
        ({"link": "http://[::1"}, "starts with https://"),
        ({"link": "https://example.org/" + "a" * 2000}, "Use at most 2000 characters"),
    ],
)
def test_bad_evidence_is_answered_with_a_message_and_nothing_is_saved(team, login, fields, message):
    group, enquiry, adviser, *_ = team
    data = {
        "kind": "website",
        "title": "Council advice",
        "summary": "What the council says.",
        "link": "https://example.org/advice",
        **fields,
    }
    response = login(adviser).post(add_url(group, enquiry), data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Evidence) == 0


def test_a_story_must_say_whether_its_teller_agreed_to_share_it(team, login):
    group, enquiry, adviser, *_ = team
    client = login(adviser)
    story_form = {"kind": "lived_experience", "title": "A story", "summary": "It happened."}
    response = client.post(add_url(group, enquiry), data=story_form)
    assert response.status_code == 422
    assert "Say whether the person agreed" in response.get_data(as_text=True)
    response = client.post(add_url(group, enquiry), data={**story_form, "consent": "yes"})
    assert response.status_code == 422
    assert "Say how and when the person gave their consent" in response.get_data(as_text=True)
    assert count(Evidence) == 0


@pytest.mark.parametrize(
    "name, data, status, message",
    [
        ("../../../etc/cron.d/evil.pdf", samples.pdf(), 400, "cannot contain / or"),
        ("report\x1b[31m.pdf", samples.pdf(), 400, "hidden control characters"),
        ("report\x00.exe.pdf", samples.pdf(), 400, "hidden control characters"),
        ("report.pdf", samples.exe(), 415, "does not look like a .pdf file"),
        ("photo.jpg", samples.html(), 415, "does not look like a .jpg file"),
        ("setup.exe", samples.exe(), 415, "Files ending .exe cannot be uploaded"),
        ("empty.pdf", b"", 422, "The file is empty"),
        ("answers.csv", "flat,note\n1A,café\n".encode("cp1252"), 422, "CSV UTF-8"),
    ],
)
def test_hostile_and_broken_uploads_are_refused_and_leave_nothing_behind(
    team, login, upload_folder, name, data, status, message
):
    group, enquiry, adviser, *_ = team
    response = login(adviser).post(
        add_url(group, enquiry),
        data=upload_form(name, data, kind="survey_data"),
        content_type="multipart/form-data",
    )
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert "Stock condition report" in response.get_data(as_text=True)  # what was typed is kept
    assert count(Evidence) == 0 and count(Upload) == 0 and stored_files(upload_folder) == []


def test_an_upload_over_the_limit_is_refused_with_413(team, login, app, upload_folder, monkeypatch):
    group, enquiry, adviser, *_ = team
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024 * 1024)
    too_big = samples.pdf() + b"%" * (1024 * 1024)
    response = login(adviser).post(
        add_url(group, enquiry),
        data=upload_form("big.pdf", too_big),
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "bigger than 1 MB" in response.get_data(as_text=True)
    assert count(Evidence) == 0 and stored_files(upload_folder) == []


def test_a_request_bigger_than_the_site_takes_is_a_413_page_not_a_500(
    team, login, app, upload_folder, monkeypatch
):
    group, enquiry, adviser, *_ = team
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    response = login(adviser).post(
        add_url(group, enquiry),
        data=upload_form("big.pdf", samples.pdf() + b"%" * (128 * 1024)),
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert count(Evidence) == 0 and stored_files(upload_folder) == []


def test_if_saving_the_evidence_fails_its_file_is_removed_too(team, upload_folder):
    group, enquiry, adviser, *_ = team
    evidence.add_evidence(
        enquiry,
        adviser,
        kind="grey_literature",
        title="Report",
        summary="S",
        file=samples.file("report.pdf", samples.pdf()),
    )
    assert len(stored_files(upload_folder)) == 1
    db.session.rollback()  # the request failed after the file was stored
    assert count(Evidence) == 0 and stored_files(upload_folder) == []


def test_a_story_without_consent_is_seen_by_the_team_alone_wherever_it_might_show(
    team, login, upload_folder
):
    group, enquiry, adviser, peer, outsider, facilitator = team
    secret = evidence.add_evidence(
        enquiry,
        peer,
        kind="lived_experience",
        title="Rent arrears and the mould",
        summary="A tenant's account, told in confidence.",
        file=samples.file("account.txt", samples.text()),
        consent="no",
    )
    website(enquiry, adviser)
    base = f"/groups/{group.slug}"
    pages = {
        "enquiry": f"{base}/enquiries/{enquiry.id}",
        "list": f"{base}/enquiries",
        "library": f"{base}/evidence",
        "search": f"{base}/evidence?q=arrears",
        "kind": f"{base}/evidence?kind=lived_experience",
        "by enquiry": f"{base}/evidence?enquiry={enquiry.id}",
    }
    for person in (outsider, facilitator):
        client = login(person)
        for where, url in pages.items():
            page = client.get(url).get_data(as_text=True)
            assert "Rent arrears" not in page, (person.name, where)
        listed = client.get(pages["list"]).get_data(as_text=True)
        assert "1 piece of evidence" in listed  # the count leaves it out too
        for url in (
            f"{base}/evidence/{secret.id}",
            f"{base}/evidence/{secret.id}/file",
            f"{base}/evidence/{secret.id}/consent",
        ):
            assert client.get(url).status_code == 404, (person.name, url)

    client = login(peer)
    for where in ("enquiry", "library", "search", "kind", "by enquiry"):
        assert "Rent arrears" in client.get(pages[where]).get_data(as_text=True), where
    item = client.get(f"{base}/evidence/{secret.id}").get_data(as_text=True)
    assert "Only the enquiry team can see this story" in item
    assert client.get(f"{base}/evidence/{secret.id}/file").status_code == 200


def test_recording_consent_shares_a_story_and_taking_it_back_hides_it_again(team, login):
    group, enquiry, adviser, peer, outsider, _ = team
    held = story(enquiry, peer, consent=False)
    url = f"/groups/{group.slug}/evidence/{held.id}"
    reader, teller = login(outsider), None
    assert reader.get(url).status_code == 404

    teller = login(adviser)
    response = teller.post(f"{url}/consent", data={"consent": "yes", "consent_notes": ""})
    assert response.status_code == 422
    assert "Say how and when the person told you" in response.get_data(as_text=True)
    response = teller.post(
        f"{url}/consent", data={"consent": "yes", "consent_notes": "Agreed by phone, 4 May"}
    )
    assert response.status_code == 303
    reader = login(outsider)
    page = reader.get(url).get_data(as_text=True)
    assert "Agreed by phone, 4 May" in page and "Agreed to share with the group" in page
    assert reader.get(f"{url}/consent").status_code == 403  # may read it, not change it

    teller = login(adviser)
    response = teller.post(
        f"{url}/consent", data={"consent": "no", "consent_notes": "Asked us to take it down"}
    )
    assert response.status_code == 303
    assert login(outsider).get(url).status_code == 404


def test_consent_is_only_recorded_for_stories(team, login):
    group, enquiry, adviser, *_ = team
    page = website(enquiry, adviser)
    response = login(adviser).post(
        f"/groups/{group.slug}/evidence/{page.id}/consent",
        data={"consent": "yes", "consent_notes": "n/a"},
    )
    assert response.status_code == 422
    assert "Only lived-experience stories need consent recorded" in response.get_data(as_text=True)


def test_the_library_searches_words_and_filters_by_kind_and_enquiry(team, login):
    group, enquiry, adviser, peer, outsider, _ = team
    other = make_enquiry(
        group,
        adviser,
        priority=make_priority(group, adviser, title="Traffic"),
        question="How fast do cars go on Mill Lane?",
    )
    website(enquiry, adviser, title="Damp advice")
    website(other, adviser, title="Speed survey 100% of cars")
    evidence.add_evidence(
        other,
        adviser,
        kind="photo_video",
        title="School crossing at 8:45",
        summary="Cars queue across the zig-zags.",
        link="https://example.org/crossing",
    )
    client = login(outsider)
    base = f"/groups/{group.slug}/evidence"

    def titles(query: str) -> set[str]:
        page = client.get(base + query).get_data(as_text=True)
        found = {"Damp advice", "Speed survey 100% of cars", "School crossing at 8:45"}
        return {title for title in found if title in page}

    assert titles("") == {"Damp advice", "Speed survey 100% of cars", "School crossing at 8:45"}
    assert titles("?q=DAMP") == {"Damp advice"}
    assert titles("?q=zig-zags") == {"School crossing at 8:45"}  # the summary counts too
    assert titles("?q=100%25") == {"Speed survey 100% of cars"}  # % is a character, not "any"
    assert titles("?q=_") == set()
    assert titles("?kind=photo_video") == {"School crossing at 8:45"}
    assert titles(f"?enquiry={other.id}") == {
        "Speed survey 100% of cars",
        "School crossing at 8:45",
    }
    assert titles(f"?enquiry={other.id}&kind=website") == {"Speed survey 100% of cars"}
    assert titles("?kind=nonsense&enquiry=abc&page=-3") == titles("")
