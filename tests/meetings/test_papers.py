"""Meeting papers: a web link or a small file, kept safely and given only to members."""

from __future__ import annotations

import pytest

from app.errors import Refused
from app.extensions import db
from app.meetings import papers
from app.meetings.models import Paper
from app.uploads import services as uploads
from app.uploads.models import Upload
from tests.conftest import client_for, count
from tests.factories import make_user
from tests.meetings.helpers import group_with_people, plan
from tests.uploads import samples
from tests.uploads.samples import stored_files


def papers_url(group, meeting) -> str:
    return f"/groups/{group.slug}/meetings/{meeting.id}/papers"


def test_a_paper_uploaded_as_a_pdf_is_kept_and_members_can_download_it(app, ctx, upload_folder):
    group, facilitator, people = group_with_people(1)
    meeting = plan(group, facilitator)
    response = client_for(app, facilitator).post(
        papers_url(group, meeting),
        data={"title": "Damp survey summary", "file": samples.file("survey.pdf", samples.pdf())},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    ((paper, upload),) = papers.papers(meeting)
    assert paper.title == "Damp survey summary" and paper.url == ""
    assert upload.original_name == "survey.pdf" and upload.content_type == "application/pdf"
    assert len(stored_files(upload_folder)) == 1

    resident = people[0][0]
    page = client_for(app, resident).get(f"/groups/{group.slug}/meetings/{meeting.id}")
    assert "survey.pdf" in page.get_data(as_text=True)
    download = client_for(app, resident).get(f"{papers_url(group, meeting)}/{paper.id}/file")
    assert download.status_code == 200
    assert download.data.startswith(b"%PDF")
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_someone_outside_the_group_cannot_download_a_paper(app, ctx, upload_folder):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    paper = papers.add_paper(
        meeting, facilitator, title="Agenda", file=samples.file("agenda.pdf", samples.pdf())
    )
    url = f"{papers_url(group, meeting)}/{paper.id}/file"
    assert client_for(app, make_user()).get(url).status_code == 404
    assert app.test_client().get(url).status_code == 302  # to sign in


def test_a_link_paper_has_no_file_to_download(app, ctx):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    paper = papers.add_paper(meeting, facilitator, title="Agenda", url="https://example.org/a")
    url = f"{papers_url(group, meeting)}/{paper.id}/file"
    assert client_for(app, facilitator).get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "status", "words"),
    [
        ("big.pdf", None, 413, "bigger than"),
        ("notes.exe", b"MZ" + b"\0" * 200, 415, "cannot be uploaded here"),
        ("song.mp3", b"ID3" + b"\0" * 200, 415, "cannot be uploaded here"),
        ("fake.pdf", b"<html><script>alert(1)</script></html>", 415, ""),
        ("../../etc/passwd.pdf", None, 400, "cannot contain"),
        ("minutes\x07.pdf", None, 400, "control characters"),
        ("empty.pdf", b"", 422, "empty"),
    ],
)
def test_a_hostile_or_wrong_paper_file_is_refused_and_nothing_is_kept(
    app, ctx, upload_folder, name, data, status, words
):
    app.config["UPLOAD_MAX_BYTES"] = 2048
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    if data is None:
        data = samples.pdf() + (b"%" * 4096 if name == "big.pdf" else b"")
    response = client_for(app, facilitator).post(
        papers_url(group, meeting),
        data={"title": "A paper", "file": samples.file(name, data)},
        content_type="multipart/form-data",
    )
    assert response.status_code == status
    assert words in response.get_data(as_text=True)
    assert count(Paper) == 0 and count(Upload) == 0
    assert stored_files(upload_folder) == []


def test_a_paper_needs_a_link_or_a_file_but_not_both(app, ctx, upload_folder):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    with pytest.raises(Refused, match="or choose a file") as refused:
        papers.add_paper(meeting, facilitator, title="Nothing")
    assert refused.value.field == "url"
    with pytest.raises(Refused, match="not both"):
        papers.add_paper(
            meeting,
            facilitator,
            title="Both",
            url="https://example.org/a",
            file=samples.file("a.pdf", samples.pdf()),
        )
    assert count(Paper) == 0 and stored_files(upload_folder) == []


def test_removing_a_paper_removes_its_file(app, ctx, upload_folder):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    paper = papers.add_paper(
        meeting, facilitator, title="Agenda", file=samples.file("agenda.pdf", samples.pdf())
    )
    assert len(stored_files(upload_folder)) == 1
    response = client_for(app, facilitator).post(f"{papers_url(group, meeting)}/{paper.id}/remove")
    assert response.status_code == 303
    assert count(Paper) == 0 and count(Upload) == 0
    assert stored_files(upload_folder) == []


def test_a_paper_file_whose_request_is_not_saved_leaves_no_file_behind(app, ctx, upload_folder):
    group, facilitator, _people = group_with_people(1)
    meeting = plan(group, facilitator)
    papers.add_paper(
        meeting, facilitator, title="Agenda", file=samples.file("agenda.pdf", samples.pdf())
    )
    assert len(stored_files(upload_folder)) == 1
    db.session.rollback()  # the request failed after the file was stored
    assert stored_files(upload_folder) == []
    assert uploads.get_upload(1) is None
