"""Small, real-enough files of every kind, built in memory, for upload tests.

Each has the signature or structure its format really has, so the content
checks judge them as they would judge a file from a phone or an office program.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from io import BytesIO

import pytest
from werkzeug.datastructures import FileStorage


def pdf(text: str = "Door-step survey summary") -> bytes:
    """A one-page PDF with a line of text and a correct cross-reference table."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    return (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + b"\x00" * 64
        + b"\xff\xd9"
    )


def gif() -> bytes:
    return (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00"
        b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )


def webp() -> bytes:
    return b"RIFF\x1a\x00\x00\x00WEBPVP8 \x0e\x00\x00\x00" + b"\x00" * 14


def _zip(entries: list[tuple[str, str]], *, stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, (name, text) in enumerate(entries):
            if stored_first and n == 0:
                archive.writestr(zipfile.ZipInfo(name), text, compress_type=zipfile.ZIP_STORED)
            else:
                archive.writestr(name, text)
    return out.getvalue()


def _ooxml(main_part: str, extra: list[tuple[str, str]] = ()) -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", "<Types/>"),
            ("_rels/.rels", "<Relationships/>"),
            ("docProps/core.xml", "<coreProperties/>"),
            (main_part, "<document/>"),
            *extra,
        ]
    )


def docx() -> bytes:
    return _ooxml("word/document.xml")


def docx_with_macros() -> bytes:
    return _ooxml("word/document.xml", [("word/vbaProject.bin", "Sub AutoOpen()")])


def xlsx() -> bytes:
    return _ooxml("xl/workbook.xml")


def pptx() -> bytes:
    return _ooxml("ppt/presentation.xml")


def _odf(kind: str) -> bytes:
    return _zip(
        [
            ("mimetype", f"application/vnd.oasis.opendocument.{kind}"),
            ("content.xml", "<office:document-content/>"),
            ("META-INF/manifest.xml", "<manifest/>"),
        ],
        stored_first=True,
    )


def odt() -> bytes:
    return _odf("text")


def ods() -> bytes:
    return _odf("spreadsheet")


def odp() -> bytes:
    return _odf("presentation")


def plain_zip() -> bytes:
    return _zip([("notes.txt", "hello")])


def _iso_media(brand: bytes, compatible: bytes) -> bytes:
    ftyp = b"ftyp" + brand + b"\x00\x00\x02\x00" + compatible
    return struct.pack(">I", len(ftyp) + 4) + ftyp + b"\x00\x00\x00\x08free" + b"\x00" * 64


def mp4() -> bytes:
    return _iso_media(b"isom", b"isomiso2mp41")


def m4a() -> bytes:
    return _iso_media(b"M4A ", b"M4A isom")


def mov() -> bytes:
    return _iso_media(b"qt  ", b"qt  ")


def heic() -> bytes:
    return _iso_media(b"heic", b"mif1heic")


def webm() -> bytes:
    return (
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
        b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02" + b"\x00" * 32
    )


def mp3() -> bytes:
    return b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + b"\x00" * 128


def wav() -> bytes:
    return b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00" + b"\x00" * 24


def ogg() -> bytes:
    return b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x1e\x01vorbis" + b"\x00" * 32


def csv_text() -> bytes:
    return "flat,damp,mould\n1A,yes,yes\n2B,no,yes\nZoë's flat,yes,no\n".encode()


def text() -> bytes:
    return b"Notes from the walkabout on Mill Lane.\n"


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"PE\x00\x00" + b"\x00" * 64


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


#: One good sample for every extension Logbook accepts.
GOOD = {
    "pdf": pdf,
    "docx": docx,
    "pptx": pptx,
    "odt": odt,
    "odp": odp,
    "txt": text,
    "xlsx": xlsx,
    "ods": ods,
    "csv": csv_text,
    "jpg": jpeg,
    "jpeg": jpeg,
    "png": png,
    "gif": gif,
    "webp": webp,
    "heic": heic,
    "mp3": mp3,
    "m4a": m4a,
    "wav": wav,
    "ogg": ogg,
    "mp4": mp4,
    "mov": mov,
    "webm": webm,
}


def file(name: str, data: bytes, content_type: str = "application/octet-stream") -> FileStorage:
    """What a browser sends: the bytes, the name on the person's device, a claimed type."""
    return FileStorage(stream=BytesIO(data), filename=name, content_type=content_type)


@pytest.fixture
def upload_folder(app, tmp_path, monkeypatch):
    """Uploads go to this test's own folder, removed with it."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


def stored_files(folder) -> list:
    """Every file under the upload folder (temporary ones included)."""
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
