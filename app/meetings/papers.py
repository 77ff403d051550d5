"""A meeting's papers: links to documents people should read, or small files."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.accounts.models import User
from app.errors import Conflict, Invalid
from app.extensions import db
from app.groups.models import Group
from app.meetings.common import http_link, within
from app.meetings.models import Meeting, Paper
from app.uploads import services as uploads
from app.uploads.filetypes import DOCUMENTS, IMAGES, SPREADSHEETS
from app.uploads.models import Upload

MAX_PAPERS = 30
#: What a meeting paper may be: documents, spreadsheets and photos (no sound or video).
PAPER_FILES = DOCUMENTS | SPREADSHEETS | IMAGES


def papers(meeting: Meeting) -> list[tuple[Paper, Upload | None]]:
    """The meeting's papers, each with its file if it is one. One query."""
    return [
        (paper, upload)
        for paper, upload in db.session.execute(
            select(Paper, Upload)
            .outerjoin(Upload, Upload.id == Paper.upload_id)
            .where(Paper.meeting_id == meeting.id)
            .order_by(Paper.id)
            .limit(100)
        )
    ]


def add_paper(
    meeting: Meeting,
    by: User,
    *,
    title: str,
    url: str = "",
    file: FileStorage | None = None,
) -> Paper:
    """A paper for the meeting: a web link, or a small file kept by Logbook (not both).

    A file that cannot be taken is refused (413 too big, 415 the wrong kind); nothing is kept.
    """
    if meeting.status == "cancelled":
        raise Conflict(_("This meeting has been cancelled."))
    title = within(title, 200)
    if not title:
        raise Invalid(_("Enter the paper's title"), "title")
    url = http_link(url, "url")
    has_file = uploads.chosen(file)
    if url and has_file:
        raise Invalid(_("Give a web address or choose a file, not both"), "url")
    if not url and not has_file:
        raise Invalid(_("Enter the paper's web address, or choose a file"), "url")
    count = db.session.scalar(
        select(func.count()).select_from(Paper).where(Paper.meeting_id == meeting.id)
    )
    if count >= MAX_PAPERS:
        raise Invalid(_("A meeting can have at most %(n)d papers.", n=MAX_PAPERS), "title")
    group = db.session.get(Group, meeting.group_id)
    upload = uploads.store(group, by, file, allowed=PAPER_FILES) if has_file else None
    paper = Paper(
        meeting_id=meeting.id,
        title=title,
        url=url,
        upload_id=upload.id if upload else None,
        added_by_id=by.id,
    )
    db.session.add(paper)
    db.session.flush()
    return paper


def get_paper(meeting: Meeting, paper_id: int) -> Paper | None:
    return db.session.scalar(
        select(Paper).where(Paper.id == paper_id, Paper.meeting_id == meeting.id)
    )


def remove_paper(meeting: Meeting, paper_id: int) -> None:
    """Take a paper off the meeting; its file, if it had one, goes too."""
    paper = get_paper(meeting, paper_id)
    if paper is None:
        raise Conflict(_("That paper has already been removed."))
    upload = uploads.get_upload(paper.upload_id)
    db.session.delete(paper)
    if upload is not None:
        db.session.delete(upload)
        uploads.discard(upload)
    db.session.flush()
