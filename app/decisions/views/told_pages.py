"""Pages about who was told: recording people told by hand (about a decision or a
forward-plan entry), withdrawing such a record, the group's figures and each member's
"what was decided, and when I was told"."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.services import people_by_id
from app.dbtypes import local_to_utc
from app.decisions import bp, told, upcoming
from app.decisions import services as decisions
from app.decisions.figures import group_figures
from app.decisions.forms import ToldForm, WithdrawToldForm
from app.decisions.months import monthly_svg
from app.decisions.views.common import load_decision
from app.forms import parse_clock
from app.groups import services as groups
from app.notices import services as notices
from app.pagination import page_arg, page_size
from app.permissions import membership
from app.viewing import form_status, found, load_group, save_form


@bp.route("/groups/<slug>/decisions/<int:decision_id>/told", methods=["GET", "POST"])
def record_told(slug: str, decision_id: int):
    group = load_group(slug, "decision.record_told")
    decision = load_decision(group, decision_id)
    state = decisions.states_for([decision])[0]
    rows = told.informed_for(group, [state])[decision.id]
    return _told_form(
        group,
        record=lambda chosen, told_at, form: told.record_told(
            group,
            decision,
            current_user,
            people=chosen,
            channel=form.channel.data,
            told_at=told_at,
            note=form.note.data or "",
            day_only=not form.told_time.data,
        ),
        counted={row.membership.id: row for row in rows},
        back=url_for("decisions.show", slug=slug, decision_id=decision.id),
        caption=_("Decision %(n)d: %(title)s", n=decision.number, title=state.title),
        about=_(
            "Decided on %(date)s. A record cannot be dated before then: telling people it "
            "was coming is recorded on its forward-plan entry.",
            date=format_datetime(decision.decided_at, "d MMMM yyyy, HH:mm"),
        ),
    )


@bp.route("/groups/<slug>/forward-plan/<int:entry_id>/told", methods=["GET", "POST"])
def forward_plan_told(slug: str, entry_id: int):
    group = load_group(slug, "decision.record_told")
    entry = found(upcoming.get_forward_plan(group, entry_id))
    decided = upcoming.decision_from_forward_plan(entry)
    return _told_form(
        group,
        record=lambda chosen, told_at, form: told.record_told_of_plan(
            group,
            entry,
            current_user,
            people=chosen,
            channel=form.channel.data,
            told_at=told_at,
            note=form.note.data or "",
            day_only=not form.told_time.data,
        ),
        counted=None,
        back=url_for("decisions.forward_plan_entry", slug=slug, entry_id=entry.id),
        caption=_("Coming up: %(title)s", title=entry.title),
        about=_(
            "In the forward plan since %(date)s. Members told before it is decided count "
            "as told beforehand.",
            date=format_datetime(entry.published_at, "d MMMM yyyy, HH:mm"),
        )
        + (
            " "
            + _(
                "It was decided on %(date)s.",
                date=format_datetime(decided.decided_at, "d MMMM yyyy, HH:mm"),
            )
            if decided
            else ""
        ),
    )


def _told_form(group, *, record, counted, back, caption, about):
    """The form for recording people told by hand, about a decision or a forward-plan
    entry. `counted`: for a decision, each counted member's row, by membership id (only
    they are offered); None offers every member."""
    people = groups.all_members(group)
    form = ToldForm()
    # Every member is a valid answer, so the service can say plainly why someone who
    # joined later cannot be recorded; the page offers only those who count.
    form.members.choices = [(m.id, u.name) for m, u in people]
    by_membership = {m.id: u for m, u in people}
    recorded = save_form(
        form,
        lambda: record(
            [by_membership[mid] for mid in form.members.data],
            local_to_utc(form.told_on.data, parse_clock(form.told_time.data)),
            form,
        ),
    )
    if recorded:
        count, _already = recorded.value
        flash(ngettext("Recorded for %(num)d member.", "Recorded for %(num)d members.", count))
        return redirect(back, 303)
    if counted is not None:
        form.members.choices = [(m.id, u.name) for m, u in people if m.id in counted]
    return render_template(
        "decisions/told.html",
        group=group,
        form=form,
        counted=counted,
        back=back,
        caption=caption,
        about=about,
    ), form_status(form)


@bp.route("/groups/<slug>/told/<int:notice_id>/withdraw", methods=["GET", "POST"])
def withdraw_told(slug: str, notice_id: int):
    group = load_group(slug, "decision.record_told")
    notice = notices.get_notice(group.id, notice_id)
    if notice is None or not notices.is_manual_record(notice):
        abort(404)
    if notice.subject_kind == "decision":
        back = url_for("decisions.show", slug=slug, decision_id=notice.subject_id) + "#by-hand"
    else:
        back = url_for("decisions.forward_plan_entry", slug=slug, entry_id=notice.subject_id)
    form = WithdrawToldForm()
    status = None
    if notice.withdrawn_at is not None:
        status = 409 if request.method == "POST" else None  # withdrawn already: nothing to do
    elif save_form(
        form, lambda: told.withdraw_told(group, notice.id, current_user, form.reason.data)
    ):
        flash(_("The record has been withdrawn. It stays in the history, with your reason."))
        return redirect(back, 303)
    people = people_by_id([notice.user_id, notice.recorded_by_id, notice.withdrawn_by_id])
    return render_template(
        "decisions/withdraw_told.html",
        group=group,
        notice=notice,
        people=people,
        form=form,
        back=back,
    ), status or form_status(form)


@bp.route("/groups/<slug>/figures")
def figures(slug: str):
    group = load_group(slug, "decision.figures")
    figures = group_figures(group)
    grid = told.grid(group, page_arg(), 20)
    return render_template(
        "decisions/figures.html",
        group=group,
        figures=figures,
        chart=monthly_svg(figures.months, id_prefix="months"),
        grid=grid,
    )


@bp.route("/groups/<slug>/members/<int:member_id>/told")
def member_told(slug: str, member_id: int):
    group = load_group(slug, "member.view_told")
    return _member_told(group, *found(groups.get_member(group, member_id)))


@bp.route("/groups/<slug>/told-me")
def my_told(slug: str):
    group = load_group(slug, "member.view_told")
    return _member_told(group, membership(current_user, group), current_user)


def _member_told(group, member, person):
    page, rows = told.member_page(group, member, person, page_arg(), page_size())
    recorders = people_by_id(
        row.record.recorded_by_id for _s, row in rows if row is not None and row.record
    )
    return render_template(
        "decisions/member_told.html",
        group=group,
        membership=member,
        person=person,
        page=page,
        rows=rows,
        recorders=recorders,
        is_me=person.id == current_user.id,
    )
