"""Checking a vote from the outside: a receipt looked up in the box, choices put in
words, and the list of voters behind a ballot's fingerprint with the recipe to
recompute it. Reads only; nothing here changes what is stored."""

from __future__ import annotations

import hashlib
import re
import shlex
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.accounts.models import User
from app.errors import Invalid, NotFound
from app.extensions import db
from app.pagination import Page, paginate
from app.voting import services as voting
from app.voting import tally
from app.voting.models import Ballot, BallotOption, Cast, CurrentBallot, EligibleVoter

#: The letters receipt codes are made of (see services.new_receipt): no 0/O or 1/I.
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 10
#: Longer than anything anyone would paste for a receipt: refused before it is looked at.
MOST_TYPED = 100
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")


def normalise_receipt(typed: str) -> str:
    """A receipt code as people type or paste it (small letters, spaces, no dash) in the
    form it was given: ABCDE-FGHJK. Raises Invalid saying what is wrong."""
    if len(typed) > MOST_TYPED:
        raise Invalid(
            _("That is too long for a receipt code: it is 10 letters and numbers."), "receipt"
        )
    code = _SEPARATORS.sub("", typed).upper()
    if not code:
        raise Invalid(_("Enter your receipt code"), "receipt")
    if len(code) != RECEIPT_LENGTH or any(c not in RECEIPT_ALPHABET for c in code):
        raise Invalid(
            _(
                "A receipt code is 10 letters and numbers, like ABCDE-23456 (there is no "
                "0, O, 1 or I in them). Check it against the one you were given."
            ),
            "receipt",
        )
    return f"{code[:5]}-{code[5:]}"


@dataclass(frozen=True)
class Found:
    receipt: str
    choices: object
    #: False when the same voter voted again later: only their latest vote counts.
    counts: bool


def find_receipt(ballot: Ballot, receipt: str) -> Found:
    """The ballot in this vote's box with this receipt code. One query. A code from
    another vote is not found, exactly as one that was never given."""
    row = db.session.execute(
        select(Cast.choices, CurrentBallot.id)
        .outerjoin(CurrentBallot, CurrentBallot.cast_id == Cast.id)
        .where(Cast.ballot_id == ballot.id, Cast.receipt == receipt)
    ).first()
    if row is None:
        raise NotFound(
            _(
                "No ballot in this vote has the receipt code %(code)s. Check that you typed "
                "it as it was given to you, and that it came from this vote.",
                code=receipt,
            ),
            "receipt",
        )
    choices, current_id = row
    return Found(receipt=receipt, choices=choices, counts=current_id is not None)


def choices_in_words(method: str, choices, labels: dict[int, str]) -> list[str]:
    """One voter's choices by option name, in the shape of the method: numbered
    preferences (ranked), the options chosen (approval), dots or scores for each.
    `labels` is {option id: label} in the ballot's order; [] for a blank ballot."""
    if method == "ranked":
        return [
            _("%(n)d. %(option)s", n=n, option=labels.get(int(o), str(o)))
            for n, o in enumerate(choices or [], start=1)
        ]
    order = {option: place for place, option in enumerate(labels)}
    if method == "approval":
        chosen = sorted((int(o) for o in choices or []), key=lambda o: order.get(o, len(order)))
        return [labels.get(o, str(o)) for o in chosen]
    given = {int(o): n for o, n in (choices or {}).items()}
    in_order = sorted(given, key=lambda o: order.get(o, len(order)))
    if method == "dot":
        return [
            ngettext(
                "%(option)s: %(num)d dot",
                "%(option)s: %(num)d dots",
                given[o],
                option=labels.get(o, str(o)),
            )
            for o in in_order
        ]
    return [
        _(
            "%(option)s: %(score)d out of %(most)d",
            option=labels.get(o, str(o)),
            score=given[o],
            most=tally.SCORE_MAX,
        )
        for o in in_order
    ]


def eligible_ids(ballot: Ballot) -> list[int]:
    """The member numbers (user ids) of everyone who could vote, as fingerprinted."""
    return list(
        db.session.scalars(
            select(EligibleVoter.user_id)
            .where(EligibleVoter.ballot_id == ballot.id)
            .order_by(EligibleVoter.user_id)
        )
    )


def eligible_names_page(ballot: Ballot, page: int, per_page: int) -> Page:
    """(member number, name) of those who could vote, by name: for named votes."""
    query = (
        select(User.id, User.name)
        .join(EligibleVoter, EligibleVoter.user_id == User.id)
        .where(EligibleVoter.ballot_id == ballot.id)
        .order_by(User.name, User.id)
    )
    return paginate(query, page, per_page, rows=True)


def numbers_page(numbers: list[int], page: int, per_page: int) -> Page:
    """A page of a list of member numbers already loaded (for the recipe)."""
    page = max(1, page)
    start = (page - 1) * per_page
    return Page(
        items=numbers[start : start + per_page], page=page, per_page=per_page, total=len(numbers)
    )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint_command(canonical: str) -> str:
    """The shell line that recomputes the fingerprint, quoted so any label is safe."""
    return f"printf '%s' {shlex.quote(canonical)} | sha256sum"


def fingerprint_recipe() -> str:
    """The recipe in plain words, for the published box."""
    return (
        "SHA-256, written as 64 lowercase hex digits, of the UTF-8 bytes of this JSON "
        'object: {"ballot": the ballot id, "eligible": the member numbers of everyone '
        'who could vote, smallest first, "method": the voting method, "options": '
        "[[option id, label], ...] in the ballot's order}. It is written with its keys in "
        'alphabetical order, no spaces or line breaks (separators "," and ":"), and '
        "letters outside ASCII as themselves, not as \\u escapes. On the command line: "
        "printf '%s' '<that JSON>' | sha256sum"
    )


def options_of(options: list[BallotOption]) -> list[tuple[int, str]]:
    return [(o.id, o.label) for o in options]


def box_document(ballot: Ballot, *, named: bool = True) -> dict:
    """The published box (services.box_document) with each ballot's choices by option
    name, the list of voters and the recipe behind the fingerprint."""
    document = voting.box_document(ballot, named=named)
    about = document["ballot"]
    labels = {o["id"]: o["label"] for o in about["options"]}
    about["eligible"] = eligible_ids(ballot)
    about["fingerprint_recipe"] = fingerprint_recipe()
    for entry in document["ballots"]:
        entry["choices_by_label"] = choices_in_words(about["method"], entry["choices"], labels)
    return document
