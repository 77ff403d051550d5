"""The delivery desk's pages: letters to print and post, calls to make, emails that
failed; for facilitators and officers."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.accounts.services import people_by_id
from app.errors import Refused
from app.extensions import undo
from app.forms import EmptyForm
from app.groups import services as groups
from app.notices import bp, desk, letters
from app.notices import services as notices
from app.notices.forms import CallForm, ToldAtMeetingForm
from app.pagination import page_arg, page_size
from app.viewing import flash_refusal, form_status, found, load_group, save_form


def _desk(slug: str):
    return load_group(slug, "desk.use")


def _back(slug: str, part: str = ""):
    return redirect(url_for("notices.desk", slug=slug) + part, 303)


def _posted_form():
    if not EmptyForm().validate_on_submit():
        abort(400)


@bp.route("/groups/<slug>/desk", endpoint="desk")
def desk_page(slug: str):
    group = _desk(slug)
    # The weekly alert of members not told in time brings facilitators here.
    notices.mark_seen(current_user.id, "overdue", group.id)
    return render_template(
        "notices/desk.html",
        group=group,
        counts=desk.counts(group.id),
        letters=desk.waiting_page(group.id, "letter", page_arg(), page_size()),
        no_address=desk.waiting_page(
            group.id, "letter", page_arg("stuck"), page_size(), reachable=False
        ),
        packs=desk.packs_page(group.id, page_arg("packs"), 5),
        form=EmptyForm(),
    )


@bp.route("/groups/<slug>/desk/packs", methods=["POST"])
def make_pack(slug: str):
    group = _desk(slug)
    _posted_form()
    try:
        pack = desk.make_pack(group.id, current_user)
    except Refused as exc:
        flash_refusal(exc)
        return _back(slug, "#letters")
    flash(_("The letters are ready to print. Mark them as posted once they are in the post."))
    return redirect(url_for("notices.pack", slug=slug, pack_id=pack.id), 303)


@bp.route("/groups/<slug>/desk/packs/<int:pack_id>")
def pack(slug: str, pack_id: int):
    group = _desk(slug)
    item = found(desk.get_pack(group.id, pack_id))
    rows = desk.letters_of(item)
    return render_template(
        "notices/pack.html",
        group=group,
        pack=item,
        rows=rows,
        people=people_by_id([item.created_by_id] + [letter.posted_by_id for letter, _a in rows]),
        form=EmptyForm(),
    )


@bp.route("/groups/<slug>/desk/packs/<int:pack_id>/letters.pdf")
def pack_pdf(slug: str, pack_id: int):
    group = _desk(slug)
    item = found(desk.get_pack(group.id, pack_id))
    return Response(
        letters.pack_pdf(item),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{group.slug}-letters-{item.id}.pdf"'
        },
    )


@bp.route("/groups/<slug>/desk/packs/<int:pack_id>/posted", methods=["POST"])
def pack_posted(slug: str, pack_id: int):
    group = _desk(slug)
    item = found(desk.get_pack(group.id, pack_id))
    _posted_form()
    letter_id = request.form.get("letter", type=int)
    try:
        done = desk.mark_posted(group.id, current_user, pack=item, letter_id=letter_id)
    except Refused as exc:
        undo()
        return _pack_refused(group, item, exc)
    flash(
        ngettext(
            "%(num)d letter is marked as posted: its news counts as told by letter.",
            "%(num)d letters are marked as posted: their news counts as told by letter.",
            done,
        )
    )
    return redirect(url_for("notices.pack", slug=slug, pack_id=item.id), 303)


def _pack_refused(group, item, exc):
    rows = desk.letters_of(item)
    return render_template(
        "notices/pack.html",
        group=group,
        pack=item,
        rows=rows,
        people=people_by_id([item.created_by_id] + [letter.posted_by_id for letter, _a in rows]),
        form=EmptyForm(),
        error=str(exc),
    ), exc.status


# Calls -------------------------------------------------------------------------


def _sheet(group, page: int, per_page: int):
    return {
        "calls": desk.waiting_page(group.id, "phone", page, per_page),
        "no_number": desk.waiting_page(
            group.id, "phone", page_arg("stuck"), page_size(), reachable=False
        ),
    }


@bp.route("/groups/<slug>/desk/calls")
def calls(slug: str):
    group = _desk(slug)
    return render_template(
        "notices/calls.html",
        group=group,
        form=CallForm(),
        bulk_form=ToldAtMeetingForm(),
        **_sheet(group, page_arg(), page_size()),
    )


@bp.route("/groups/<slug>/desk/calls/print")
def calls_print(slug: str):
    group = _desk(slug)
    return render_template(
        "notices/calls_print.html",
        group=group,
        **_sheet(group, page_arg(), 100),
    )


@bp.route("/groups/<slug>/desk/calls/<int:person_id>", methods=["POST"])
def call(slug: str, person_id: int):
    group = _desk(slug)
    found(groups.memberships_of(group, [person_id]).get(person_id))
    person = found(people_by_id([person_id]).get(person_id))
    form = CallForm()
    outcome = request.form.get("outcome", "")
    done = save_form(
        form, lambda: desk.record_call(group.id, person, outcome, current_user, note=form.note.data)
    )
    if done:
        flash(
            {
                "told": _("%(name)s is recorded as told by phone.", name=person.name),
                "no_answer": _(
                    "No answer from %(name)s: they stay on the sheet.", name=person.name
                ),
                "wrong_number": _(
                    "%(name)s's number is marked as wrong: check it on their page.",
                    name=person.name,
                ),
            }[outcome]
        )
        return redirect(url_for("notices.calls", slug=slug) + f"#call-{person_id}", 303)
    return render_template(
        "notices/calls.html",
        group=group,
        form=CallForm(),
        bulk_form=ToldAtMeetingForm(),
        error=next(iter(form.errors.values()))[0] if form.errors else None,
        error_person=person_id,
        **_sheet(group, page_arg(), page_size()),
    ), form_status(form)


@bp.route("/groups/<slug>/desk/calls/told-in-person", methods=["POST"])
def calls_told_in_person(slug: str):
    group = _desk(slug)
    form = ToldAtMeetingForm()
    told = save_form(form, lambda: desk.told_all_in_person(group.id, current_user, form.note.data))
    if told:
        flash(
            ngettext(
                "%(num)d person is recorded as told in person.",
                "%(num)d people are recorded as told in person.",
                told.value,
            )
        )
        return redirect(url_for("notices.calls", slug=slug), 303)
    return render_template(
        "notices/calls.html",
        group=group,
        form=CallForm(),
        bulk_form=form,
        **_sheet(group, page_arg(), page_size()),
    ), form_status(form)


# Emails that failed --------------------------------------------------------------


@bp.route("/groups/<slug>/desk/failed")
def failed(slug: str):
    group = _desk(slug)
    return render_template(
        "notices/failed.html",
        group=group,
        page=desk.failed_page(group.id, page_arg(), page_size()),
        form=EmptyForm(),
    )


@bp.route("/groups/<slug>/desk/failed/<int:notice_id>", methods=["POST"])
def failed_another_way(slug: str, notice_id: int):
    group = _desk(slug)
    _posted_form()
    channel = request.form.get("channel", "")
    try:
        desk.send_another_way(group.id, notice_id, channel)
    except Refused as exc:
        flash_refusal(exc)
    else:
        flash(
            _("It will go in the next letters.")
            if channel == "letter"
            else _("It is on the call sheet.")
        )
    return redirect(url_for("notices.failed", slug=slug), 303)
