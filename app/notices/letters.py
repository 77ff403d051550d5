"""The letter pack as a PDF: A4, each member's letter starting on its own page, their
name and address placed for a DL window envelope, in their language and, when they
asked for it, in large print. Drawn by WeasyPrint from the same kind of HTML template
as any page, with print CSS: no second layout language to maintain.

The page layout keeps to GOV.UK Notify's letter specification (the address block and
the clear zones), so that one letter on its own (`letter_pdf`) can be posted by Notify.
"""

from __future__ import annotations

import io
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from multiprocessing import get_context

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup

from app.accounts.services import people_by_id
from app.extensions import db
from app.groups import services as groups
from app.links import absolute
from app.notices.desk import letters_of
from app.notices.digests import coming_up
from app.notices.models import Letter, LetterPack


def pack_pdf(pack: LetterPack) -> bytes:
    """Every letter in the pack, as one PDF to print (the same pack prints the same)."""
    return _pdf(pack, letters_of(pack))


def letter_pdf(letter: Letter) -> bytes:
    """One letter of a pack on its own, as GOV.UK Notify takes it."""
    pack = db.session.get(LetterPack, letter.pack_id)
    return _pdf(pack, letters_of(pack, letter.id))


#: Letters drawn together in one go; a bigger pack is drawn in parts, on as many
#: processes as the site allows (`LETTER_PROCESSES`), and the parts joined in order.
PART = 50


def _pdf(pack: LetterPack, rows) -> bytes:
    group = groups.get_group_by_id(pack.group_id)
    contacts = groups.facilitator_names(group)
    pages = []
    people = people_by_id([letter.user_id for letter, _a in rows])
    for letter, announcements in rows:
        person = people.get(letter.user_id)
        with force_locale(letter.language or "en"):
            # What is coming up in this group, as it stood when the pack was made.
            ahead = coming_up(person, [pack.group_id], pack.created_at) if person else []
            pages.append(
                Markup(
                    render_template(
                        "notices/letter.html",
                        letter=letter,
                        group=group,
                        pack=pack,
                        announcements=announcements,
                        ahead=ahead,
                        contacts=contacts,
                        absolute=absolute,
                        sender=current_app.config["LETTERS_FROM"],
                    )
                )
            )
    parts = [
        render_template(
            "notices/letters.html", pages=pages[start : start + PART], pack=pack, group=group
        )
        for start in range(0, max(len(pages), 1), PART)
    ]
    base_url = current_app.root_path
    processes = min(current_app.config["LETTER_PROCESSES"], len(parts))
    if processes <= 1:
        return _join([draw(html, base_url) for html in parts])
    # Spawned, not forked: the site may be running threads, which a fork would copy.
    with ProcessPoolExecutor(processes, mp_context=get_context("spawn")) as pool:
        return _join(list(pool.map(draw, parts, repeat(base_url))))


def draw(html: str, base_url: str) -> bytes:
    """One part of a pack, drawn as a PDF (run in another process for a big pack)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


def _join(parts: list[bytes]) -> bytes:
    if len(parts) == 1:
        return parts[0]
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
