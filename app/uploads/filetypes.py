"""What may be uploaded, and how each kind is recognised from its content.

Magic numbers come from the `filetype` library. Formats that are containers
(Word, Excel and OpenDocument files are zip archives) or plain text (CSV) have
no single signature, so they get a closer look here: the zip's table of
contents, or whether the bytes are readable UTF-8 text.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import filetype
from flask_babel import lazy_gettext as _l


class Problem(NamedTuple):
    message: str
    status: int


#: A check looks at the stored bytes (and the name's ending) and says what is wrong, if anything.
Check = Callable[[Path, str], Problem | None]


@dataclass(frozen=True)
class FileType:
    extension: str
    #: The Content-Type the file is served with.
    content_type: str
    family: str
    check: Check
    #: Safe for the browser to show in the page rather than download (plain raster images).
    inline: bool = False


def _mismatch(extension: str) -> Problem:
    return Problem(
        str(
            _l(
                "This file does not look like a .%(ext)s file inside. It may be damaged, or "
                "have the wrong ending on its name. Save it again as .%(ext)s and upload it again.",
                ext=extension,
            )
        ),
        415,
    )


def _magic(*mimes: str) -> Check:
    """The file's signature must be one of these types (as the `filetype` library names them)."""

    def check(path: Path, extension: str) -> Problem | None:
        return None if filetype.guess_mime(str(path)) in mimes else _mismatch(extension)

    return check


def _zip_names(path: Path) -> list[str] | None:
    """The names inside a zip archive (its table of contents only: nothing is unpacked)."""
    with open(path, "rb") as stream:
        if stream.read(4) != b"PK\x03\x04":
            return None
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _office_open_xml(main_part: str) -> Check:
    """Word, Excel and PowerPoint files: a zip with a content list and the document's main part."""

    def check(path: Path, extension: str) -> Problem | None:
        names = _zip_names(path)
        if names is None or "[Content_Types].xml" not in names or main_part not in names:
            return _mismatch(extension)
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            message = _l(
                "This document has macros (small programs) inside, which could harm other "
                "people's computers. Save it as a normal .%(ext)s or as a PDF, then upload "
                "it again.",
                ext=extension,
            )
            return Problem(str(message), 415)
        return None

    return check


def _open_document(mimetype: str) -> Check:
    """OpenDocument files: a zip whose entry `mimetype` names the kind of document."""

    def check(path: Path, extension: str) -> Problem | None:
        if _zip_names(path) is None:
            return _mismatch(extension)
        try:
            with zipfile.ZipFile(path) as archive, archive.open("mimetype") as entry:
                # A few bytes only: the entry is tiny, whatever the archive claims.
                declared = entry.read(len(mimetype) + 1)
        except (KeyError, zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
            return _mismatch(extension)
        return None if declared == mimetype.encode() else _mismatch(extension)

    return check


def _text(*, table: bool) -> Check:
    """Plain text and CSV: UTF-8 text, not a program or a web page given a text ending."""

    def check(path: Path, extension: str) -> Problem | None:
        if filetype.guess_mime(str(path)) is not None:
            return _mismatch(extension)
        data = path.read_bytes()
        if b"\x00" in data:
            return _mismatch(extension)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            if table:
                message = _l(
                    "This CSV file is not saved as UTF-8 text, so some letters could come out "
                    'wrong. In your spreadsheet program choose "Save as", pick "CSV UTF-8", '
                    "then upload it again."
                )
            else:
                message = _l(
                    "This text file is not saved as UTF-8 text, so some letters could come "
                    'out wrong. Save it again choosing "UTF-8", then upload it again.'
                )
            return Problem(str(message), 422)
        if not text.strip():
            return Problem(str(_l("The file has nothing in it. Choose another file.")), 422)
        if text.lstrip().startswith("<"):
            return _mismatch(extension)  # a web page or a drawing given a text ending
        if table:
            try:
                rows = list(csv.reader(io.StringIO(text)))
            except csv.Error:
                return _mismatch(extension)
            if not any(rows):
                return _mismatch(extension)
        return None

    return check


_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"

TYPES: dict[str, FileType] = {
    kind.extension: kind
    for kind in (
        FileType("pdf", "application/pdf", "documents", _magic("application/pdf")),
        FileType(
            "docx",
            f"{_OOXML}.wordprocessingml.document",
            "documents",
            _office_open_xml("word/document.xml"),
        ),
        FileType(
            "pptx",
            f"{_OOXML}.presentationml.presentation",
            "documents",
            _office_open_xml("ppt/presentation.xml"),
        ),
        FileType("odt", f"{_ODF}.text", "documents", _open_document(f"{_ODF}.text")),
        FileType(
            "odp", f"{_ODF}.presentation", "documents", _open_document(f"{_ODF}.presentation")
        ),
        FileType("txt", "text/plain", "documents", _text(table=False)),
        FileType(
            "xlsx",
            f"{_OOXML}.spreadsheetml.sheet",
            "spreadsheets",
            _office_open_xml("xl/workbook.xml"),
        ),
        FileType(
            "ods", f"{_ODF}.spreadsheet", "spreadsheets", _open_document(f"{_ODF}.spreadsheet")
        ),
        FileType("csv", "text/csv", "spreadsheets", _text(table=True)),
        FileType("jpg", "image/jpeg", "images", _magic("image/jpeg"), inline=True),
        FileType("jpeg", "image/jpeg", "images", _magic("image/jpeg"), inline=True),
        FileType("png", "image/png", "images", _magic("image/png"), inline=True),
        FileType("gif", "image/gif", "images", _magic("image/gif"), inline=True),
        FileType("webp", "image/webp", "images", _magic("image/webp"), inline=True),
        # Photos from iPhones: browsers cannot show them, so they are downloaded.
        FileType("heic", "image/heic", "images", _magic("image/heic")),
        FileType("mp3", "audio/mpeg", "sound", _magic("audio/mpeg")),
        # MP4 containers: phones label sound and video with either brand.
        FileType("m4a", "audio/mp4", "sound", _magic("audio/mp4", "video/mp4")),
        FileType("wav", "audio/wav", "sound", _magic("audio/x-wav")),
        FileType("ogg", "audio/ogg", "sound", _magic("audio/ogg")),
        FileType("mp4", "video/mp4", "video", _magic("video/mp4", "audio/mp4", "video/x-m4v")),
        FileType("mov", "video/quicktime", "video", _magic("video/quicktime", "video/mp4")),
        FileType("webm", "video/webm", "video", _magic("video/webm")),
    )
}

FAMILY_LABELS = {
    "documents": _l("documents"),
    "spreadsheets": _l("spreadsheets"),
    "images": _l("photos"),
    "sound": _l("sound recordings"),
    "video": _l("videos"),
}


def family(name: str) -> frozenset[str]:
    return frozenset(ext for ext, kind in TYPES.items() if kind.family == name)


DOCUMENTS = family("documents")
SPREADSHEETS = family("spreadsheets")
IMAGES = family("images")
SOUND = family("sound")
VIDEO = family("video")
#: Everything Logbook accepts.
EVERYTHING = frozenset(TYPES)


def describe(allowed: frozenset[str]) -> str:
    """What may be uploaded, in words: "documents (PDF, DOCX), photos (JPG, PNG)"."""
    parts = []
    for name, label in FAMILY_LABELS.items():
        endings = [ext.upper() for ext in TYPES if ext in allowed and TYPES[ext].family == name]
        if endings:
            parts.append(f"{label} ({', '.join(endings)})")
    return "; ".join(parts)


def accept(allowed: frozenset[str]) -> str:
    """The file chooser's `accept` list, so phones offer the right files first."""
    return ",".join(f".{ext}" for ext in TYPES if ext in allowed)
