"""Storing uploaded files safely, and handing them back.

`store` checks a file (its name, size and content) and keeps it under a
generated name outside the web root. It adds the `Upload` row to the session, so
the file is saved with whatever it belongs to, in the same transaction; the file
on disk follows that transaction: it is removed again if the transaction rolls
back, and a file given to `discard` is removed only once the transaction that
deleted its record commits. Nothing decides here who may download a file: the
owning domain's view checks that, then calls `download_response`.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
import unicodedata
from io import BytesIO
from pathlib import Path

from flask import Response, current_app, send_file
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound

from app.errors import Invalid, Malformed, TooLarge, UnsupportedFile
from app.extensions import db
from app.uploads.filetypes import EVERYTHING, TYPES, accept, describe
from app.uploads.models import Upload

MAX_NAME_LENGTH = 200
_CHUNK = 64 * 1024
_STORED_NAME = re.compile(r"^[0-9a-f]{32}$")


def chosen(file: FileStorage | None) -> bool:
    """Whether a file was chosen at all (browsers send an empty, nameless part when not)."""
    return file is not None and bool(file.filename)


def file_from_bytes(name: str, data: bytes) -> FileStorage:
    """A file made by Logbook itself (the demo, imports), handed to `store` like an upload."""
    return FileStorage(stream=BytesIO(data), filename=name)


def check_name(name: str | None) -> tuple[str, str]:
    """The file's name, tidied, and its lower-case ending; or a refusal saying why not."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise Invalid(_("Choose a file"))
    if "/" in name or "\\" in name:
        raise Malformed(
            _("A file name cannot contain / or \\. Rename the file, then upload it again.")
        )
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in name):
        raise Malformed(
            _(
                "The file name has hidden control characters in it. Rename the file, "
                "then upload it again."
            )
        )
    if len(name) > MAX_NAME_LENGTH:
        raise Invalid(
            _(
                "The file name is too long. Shorten it to %(n)d characters or fewer.",
                n=MAX_NAME_LENGTH,
            )
        )
    stem, dot, ending = name.rpartition(".")
    if not dot or not ending:
        raise UnsupportedFile(
            _("The file name has no ending like .pdf, so we cannot tell what kind of file it is.")
        )
    if not stem.strip(". "):
        raise Invalid(_("The file needs a name before its ending. Rename it and try again."))
    return name, ending.lower()


def max_bytes() -> int:
    return int(current_app.config["UPLOAD_MAX_BYTES"])


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def chooser(allowed: frozenset[str] = EVERYTHING) -> dict:
    """What a file field shows: the endings phones should offer first, and a hint in words."""
    return {
        "accept": accept(allowed),
        "hint": _(
            "Up to %(mb)s MB. You can upload %(kinds)s.",
            mb=megabytes(max_bytes()),
            kinds=describe(allowed),
        ),
    }


def folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def stored_path(upload: Upload) -> Path:
    if not _STORED_NAME.match(upload.stored_name or ""):
        raise NotFound()  # a stored name is always one we generated; anything else is tampering
    return folder() / upload.stored_name[:2] / upload.stored_name


def store(group, user, file: FileStorage, *, allowed: frozenset[str] = EVERYTHING) -> Upload:
    """Check the file and keep it. The Upload row is added to the session, not committed."""
    name, ending = check_name(file.filename)
    if ending not in allowed:
        raise UnsupportedFile(
            _(
                "Files ending .%(ext)s cannot be uploaded here. You can upload %(allowed)s.",
                ext=ending,
                allowed=describe(allowed),
            )
        )
    kind = TYPES[ending]
    base = folder()
    base.mkdir(parents=True, exist_ok=True)
    limit = max_bytes()
    digest = hashlib.sha256()
    size = 0
    handle, temporary = tempfile.mkstemp(dir=base, prefix=".incoming-")
    keep = False
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := file.stream.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(
                        _(
                            "The file is bigger than %(mb)s MB, the most Logbook can take. "
                            "Make it smaller (for example, save a photo at a lower size or a "
                            "document as PDF), or share a link to it instead.",
                            mb=megabytes(limit),
                        )
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise Invalid(_("The file is empty. Choose another file."))
        problem = kind.check(Path(temporary), ending)
        if problem is not None:
            refusal = {413: TooLarge, 415: UnsupportedFile}.get(problem.status, Invalid)
            raise refusal(problem.message)
        stored_name = secrets.token_hex(16)
        target = base / stored_name[:2] / stored_name
        target.parent.mkdir(exist_ok=True)
        os.replace(temporary, target)
        keep = True
    finally:
        if not keep:
            Path(temporary).unlink(missing_ok=True)
    upload = Upload(
        group_id=group.id,
        stored_name=stored_name,
        original_name=name,
        content_type=kind.content_type,
        size_bytes=size,
        sha256=digest.hexdigest(),
        uploaded_by_id=user.id if user is not None else None,
    )
    db.session.add(upload)
    db.session.flush()
    db.session.info.setdefault(_STORED, []).append(target)
    return upload


def discard(upload: Upload) -> None:
    """Remove an upload's file once the transaction that deletes its record commits."""
    try:
        path = stored_path(upload)
    except NotFound:
        return
    db.session.info.setdefault(_DISCARDED, []).append(path)


#: Files stored, and files to remove, in the session's current transaction.
_STORED, _DISCARDED = "uploads_stored", "uploads_discarded"


@event.listens_for(Session, "after_commit")
def _keep_what_was_committed(session) -> None:
    session.info.pop(_STORED, None)
    for path in session.info.pop(_DISCARDED, []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_soft_rollback")
def _remove_what_was_rolled_back(session, previous_transaction) -> None:
    if previous_transaction.parent is not None:
        return  # only the outermost transaction decides what is kept
    session.info.pop(_DISCARDED, None)
    for path in session.info.pop(_STORED, []):
        path.unlink(missing_ok=True)


def get_upload(upload_id: int | None) -> Upload | None:
    return db.session.get(Upload, upload_id) if upload_id else None


def download_response(upload: Upload) -> Response:
    """The file, for someone the caller has already allowed to have it.

    Served under its checked name with the type decided when it was stored; only
    plain images are shown in the browser, everything else is downloaded. The
    response may run nothing and load nothing, whatever the file holds.
    """
    path = stored_path(upload)
    if not path.is_file():
        current_app.logger.warning("Upload %s is missing from %s", upload.id, path)
        raise NotFound()
    ending = upload.original_name.rpartition(".")[2].lower()
    kind = TYPES.get(ending)
    response = send_file(
        path,
        mimetype=upload.content_type,
        as_attachment=not (kind and kind.inline and kind.content_type == upload.content_type),
        download_name=upload.original_name,
        conditional=True,
        etag=upload.sha256,
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
