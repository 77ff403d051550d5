"""Uploads: every accepted kind is kept under a generated name; hostile or broken files are
refused with a plain message and the right 4xx, leaving nothing behind."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from app.errors import Refused
from app.extensions import db
from app.uploads import filetypes
from app.uploads import services as uploads
from app.uploads.models import Upload
from tests.factories import make_group, make_member
from tests.uploads import samples
from tests.uploads.samples import file, stored_files


@pytest.fixture
def owner(app, ctx, upload_folder):
    group = make_group()
    person, _ = make_member(group, "resident_adviser")
    return group, person


def uploads_saved() -> int:
    return db.session.scalar(select(func.count()).select_from(Upload))


def refused(owner, name: str, data: bytes, **options) -> Refused:
    group, person = owner
    with pytest.raises(Refused) as caught:
        uploads.store(group, person, file(name, data), **options)
    db.session.rollback()
    return caught.value


@pytest.mark.parametrize("ending", sorted(samples.GOOD))
def test_every_accepted_kind_is_kept_under_a_generated_name_with_the_type_its_content_shows(
    owner, upload_folder, ending
):
    group, person = owner
    data = samples.GOOD[ending]()
    # The browser's claimed type is ignored: the stored type comes from the file itself.
    upload = uploads.store(group, person, file(f"Survey notes.{ending}", data, "text/html"))
    db.session.commit()
    path = uploads.stored_path(upload)
    assert path.read_bytes() == data
    assert path.is_relative_to(upload_folder)
    assert "Survey" not in str(path) and ending not in path.name
    assert upload.original_name == f"Survey notes.{ending}"
    assert upload.content_type == filetypes.TYPES[ending].content_type
    assert upload.size_bytes == len(data)
    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    assert stored_files(upload_folder) == [path]


def test_a_file_over_the_size_limit_is_refused_with_413_and_nothing_is_left(
    app, owner, upload_folder, monkeypatch
):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 2 * 1024 * 1024)
    error = refused(owner, "big.pdf", samples.pdf() + b"0" * (2 * 1024 * 1024))
    assert error.status == 413
    assert "bigger than 2 MB" in str(error)
    assert stored_files(upload_folder) == [] and uploads_saved() == 0


def test_a_file_exactly_at_the_size_limit_is_taken(app, owner, monkeypatch):
    data = samples.pdf()
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", len(data))
    group, person = owner
    assert uploads.store(group, person, file("exact.pdf", data)).size_bytes == len(data)


def test_an_empty_file_is_refused(owner, upload_folder):
    error = refused(owner, "nothing.pdf", b"")
    assert error.status == 422 and "empty" in str(error)
    assert stored_files(upload_folder) == [] and uploads_saved() == 0


@pytest.mark.parametrize(
    "name, data",
    [
        ("setup.exe", samples.exe()),
        ("page.html", samples.html()),
        ("drawing.svg", samples.svg()),
        ("archive.zip", samples.plain_zip()),
        ("macro.docm", samples.docx_with_macros()),
        ("script.js", b"alert(1)"),
        ("no-ending", samples.pdf()),
    ],
)
def test_kinds_of_file_not_on_the_list_are_refused_with_415(owner, upload_folder, name, data):
    error = refused(owner, name, data)
    assert error.status == 415
    assert stored_files(upload_folder) == [] and uploads_saved() == 0


@pytest.mark.parametrize(
    "name, data",
    [
        ("report.pdf", samples.exe()),  # a program pretending to be a PDF
        ("photo.png", samples.html()),  # a web page pretending to be a photo
        ("photo.jpg", samples.png()),  # a real image, but not what the name says
        ("report.pdf", samples.png()),
        ("letter.docx", samples.plain_zip()),  # a zip that is not a Word document
        ("letter.docx", samples.xlsx()),  # a spreadsheet named as a letter
        ("sheet.ods", samples.odt()),
        ("sheet.xlsx", samples.pdf()),
        ("answers.csv", samples.html()),  # markup given a CSV ending
        ("answers.csv", samples.png()),
        ("answers.csv", b"flat,damp\x00\n1A,yes\n"),
        ("notes.txt", samples.svg()),
        ("song.mp3", samples.pdf()),
        ("film.mp4", samples.webm()),
        ("talk.wav", samples.ogg()),
    ],
)
def test_content_that_does_not_match_the_name_is_refused_with_415(owner, upload_folder, name, data):
    error = refused(owner, name, data)
    assert error.status == 415
    assert f".{name.rsplit('.', 1)[1]}" in str(error)
    assert stored_files(upload_folder) == [] and uploads_saved() == 0


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "..\\..\\windows\\win.ini.pdf",
        "/tmp/report.pdf",
        "report\x00.pdf",
        "report\n.pdf",
        "report\r\nContent-Type: text/html.pdf",
        "\u202efdp.exe",  # right-to-left override: shows as "exe.pdf"
    ],
)
def test_names_with_path_separators_or_control_characters_are_refused_with_400(
    owner, upload_folder, name
):
    error = refused(owner, name, samples.pdf())
    assert error.status == 400
    assert stored_files(upload_folder) == [] and uploads_saved() == 0


def test_a_name_that_is_too_long_or_only_an_ending_is_refused(owner, upload_folder):
    assert refused(owner, "a" * 200 + ".pdf", samples.pdf()).status == 422
    assert refused(owner, ".pdf", samples.pdf()).status == 422
    assert stored_files(upload_folder) == []


def test_a_csv_not_saved_as_utf8_is_refused_with_how_to_fix_it(owner, upload_folder):
    latin1 = "flat,comment\n1A,Zoë says the damp is worse\n".encode("latin-1")
    error = refused(owner, "answers.csv", latin1)
    assert error.status == 422
    assert "CSV UTF-8" in str(error)
    assert stored_files(upload_folder) == [] and uploads_saved() == 0


def test_a_utf8_csv_saved_by_a_spreadsheet_with_a_byte_order_mark_is_taken(owner):
    group, person = owner
    data = "\ufeffflat,damp\n1A,yes\n".encode()
    assert uploads.store(group, person, file("answers.csv", data)).size_bytes == len(data)


def test_an_office_document_with_macros_is_refused(owner, upload_folder):
    error = refused(owner, "letter.docx", samples.docx_with_macros())
    assert error.status == 415 and "macros" in str(error)
    assert stored_files(upload_folder) == []


def test_a_caller_can_narrow_what_it_accepts(owner):
    error = refused(owner, "report.pdf", samples.pdf(), allowed=filetypes.IMAGES)
    assert error.status == 415
    assert "photos (JPG" in str(error) and "PDF" not in str(error)


def test_the_list_of_what_may_be_uploaded_is_in_plain_words():
    words = filetypes.describe(filetypes.EVERYTHING)
    assert words.startswith("documents (PDF, DOCX")
    assert "spreadsheets (XLSX, ODS, CSV)" in words and "videos (MP4, MOV, WEBM)" in words
    assert filetypes.accept(filetypes.SOUND) == ".mp3,.m4a,.wav,.ogg"


def test_a_stored_file_is_sent_as_a_download_with_its_type_and_name(app, owner):
    group, person = owner
    upload = uploads.store(group, person, file("Survey results.pdf", samples.pdf()))
    with app.test_request_context():
        response = uploads.download_response(upload)
        response.direct_passthrough = False
        assert response.get_data() == samples.pdf()
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="Survey results.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_plain_photos_are_shown_in_the_browser_and_other_files_are_downloaded(app, owner):
    group, person = owner
    photo = uploads.store(group, person, file("crossing.png", samples.png()))
    sheet = uploads.store(group, person, file("answers.csv", samples.csv_text()))
    with app.test_request_context():
        assert uploads.download_response(photo).headers["Content-Disposition"].startswith("inline")
        answer = uploads.download_response(sheet)
    assert answer.headers["Content-Disposition"].startswith("attachment")
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_an_awkward_file_name_cannot_break_out_of_the_download_header(app, owner):
    group, person = owner
    name = 'Zoë\'s "notes"; filename=evil.html.pdf'
    upload = uploads.store(group, person, file(name, samples.pdf()))
    with app.test_request_context():
        header = uploads.download_response(upload).headers["Content-Disposition"]
    assert header.startswith("attachment; ")
    assert "filename*=UTF-8''Zo%C3%AB%27s%20%22notes%22%3B%20filename%3Devil.html.pdf" in header
    assert '\\"notes\\"' in header  # the plain-ASCII fallback keeps its quotes escaped


def test_a_file_missing_from_disk_is_a_404_not_a_500(app, owner):
    from werkzeug.exceptions import NotFound

    group, person = owner
    upload = uploads.store(group, person, file("gone.pdf", samples.pdf()))
    uploads.stored_path(upload).unlink()
    with app.test_request_context(), pytest.raises(NotFound):
        uploads.download_response(upload)


def test_a_tampered_stored_name_never_reaches_the_disk(app, owner):
    from werkzeug.exceptions import NotFound

    group, person = owner
    upload = uploads.store(group, person, file("a.pdf", samples.pdf()))
    upload.stored_name = "../../../etc/passwd"
    with app.test_request_context(), pytest.raises(NotFound):
        uploads.download_response(upload)


def test_discarding_an_upload_that_was_not_saved_removes_its_file(owner, upload_folder):
    group, person = owner
    upload = uploads.store(group, person, file("a.pdf", samples.pdf()))
    db.session.rollback()
    uploads.discard(upload)
    assert stored_files(upload_folder) == []
