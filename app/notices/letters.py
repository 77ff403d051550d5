"""The letter pack as a PDF: A4, each member's letter starting on its own page, their
name and address placed for a DL window envelope, in their language and, when they
asked for it, in large print. Drawn by WeasyPrint from the same kind of HTML template
as any page, with print CSS: no second layout language to maintain.

The page layout keeps to GOV.UK Notify's letter specification (the address block and
the clear zones), so that one letter on its own (`letter_pdf`) can be posted by Notify.
"""

from __future__ import annotations

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


def _pdf(pack: LetterPack, rows) -> bytes:
    from weasyprint import HTML

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
    html = render_template("notices/letters.html", pages=pages, pack=pack, group=group)
    return HTML(string=html, base_url=current_app.root_path).write_pdf()
