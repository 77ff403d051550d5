"""Checking a vote from the outside: the ballot box (JSON and spreadsheet), a receipt
looked up in it, and who could vote with the recipe behind the fingerprint.

Members may check a vote while it is open and after. When the group publishes its
log, anyone may once the vote has closed, as with decisions.json: visitors see member
numbers, never names. Every page here is a GET that changes nothing."""

from __future__ import annotations

import csv
import io
import json

from flask import Response, abort, jsonify, render_template, request
from flask_babel import force_locale
from flask_login import current_user

from app.errors import Refused
from app.groups import services as groups
from app.pagination import page_arg, page_size
from app.permissions import can, open_data, public, require
from app.viewing import found
from app.voting import box as checking
from app.voting import bp
from app.voting import services as voting
from app.voting.forms import METHOD_LABELS


def _checkable(slug: str, ballot_id: int, *, closed: bool = False):
    """The group and its vote, if the visitor may check it: members always, everyone
    once it has closed in a group that publishes its log. A vote that has not opened
    has nothing to check yet; the box is published once it has closed."""
    group = found(groups.get_group(slug))
    item = voting.get_ballot(group, ballot_id)
    # Asked of the group when there is no such vote, so a missing one and an open one
    # look the same to those who may not see either.
    require(current_user, "ballot.verify", item if item is not None else group)
    item = found(item)
    if voting.state(item) == "draft" or (closed and voting.state(item) != "closed"):
        abort(404)
    return group, item


@bp.route("/groups/<slug>/ballots/<int:ballot_id>/box.json")
@open_data
def box_json(slug: str, ballot_id: int):
    group, item = _checkable(slug, ballot_id, closed=True)
    # Members see who closed, counted and certified it; visitors, that it was done.
    named = can(current_user, "ballot.view", group)
    # The same words for everyone, so two members' (or two visitors') downloads of one
    # box are identical.
    with force_locale("en"):
        return jsonify(checking.box_document(item, named=named))


@bp.route("/groups/<slug>/ballots/<int:ballot_id>/box.csv")
@open_data
def box_csv(slug: str, ballot_id: int):
    group, item = _checkable(slug, ballot_id, closed=True)
    labels = {o.id: o.label for o in voting.ballot_options(item)}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["receipt", "choices", "choices_by_label"])
    with force_locale("en"):
        for receipt, choices in voting.ballot_box(item):
            words = checking.choices_in_words(item.method, choices, labels)
            writer.writerow([receipt, json.dumps(choices, sort_keys=True), "; ".join(words)])
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="ballot-{item.id}-box.csv"'},
    )


@bp.route("/groups/<slug>/ballots/<int:ballot_id>/check")
@public
def ballot_check(slug: str, ballot_id: int):
    """Type or paste a receipt code; see the ballot it stands for, by option name."""
    group, item = _checkable(slug, ballot_id)
    typed = request.args.get("receipt")
    found_ballot, words, error, status = None, [], None, 200
    if typed is not None:
        try:
            found_ballot = checking.find_receipt(item, checking.normalise_receipt(typed))
        except Refused as exc:
            error, status = exc.message, exc.status
        else:
            labels = {o.id: o.label for o in voting.ballot_options(item)}
            words = checking.choices_in_words(item.method, found_ballot.choices, labels)
    return render_template(
        "voting/check.html",
        group=group,
        ballot=item,
        state=voting.state(item),
        typed=(typed or "")[: checking.MOST_TYPED],
        found=found_ballot,
        words=words,
        error=error,
        member=can(current_user, "ballot.view", group),
    ), status


@bp.route("/groups/<slug>/ballots/<int:ballot_id>/voters")
@public
def ballot_voters(slug: str, ballot_id: int):
    """Who could vote, and how to recompute the fingerprint from that list."""
    group, item = _checkable(slug, ballot_id)
    member = can(current_user, "ballot.view", group)
    numbers = checking.eligible_ids(item)
    canonical = voting.fingerprint_text(
        item.id, item.method, checking.options_of(voting.ballot_options(item)), numbers
    )
    # Members see the names on a named vote; a secret vote, and visitors, numbers only.
    named = member and not item.secret
    page = (
        checking.eligible_names_page(item, page_arg(), page_size())
        if named
        else checking.numbers_page(numbers, page_arg(), page_size())
    )
    me = current_user.id if current_user.is_authenticated else None
    return render_template(
        "voting/voters.html",
        group=group,
        ballot=item,
        state=voting.state(item),
        member=member,
        named=named,
        page=page,
        total=len(numbers),
        my_number=me if me in numbers else None,
        canonical=canonical,
        command=checking.fingerprint_command(canonical),
        matches=checking.sha256(canonical) == item.fingerprint,
        METHOD_LABELS=METHOD_LABELS,
    )
