from __future__ import annotations

import csv
import io

from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.services import people_by_id
from app.actions import services as actions
from app.actions.labels import ACTION_STATUS_LABELS
from app.chain import services as chain_services
from app.dbtypes import local_to_utc, utcnow
from app.decisions import bp, chain, pictures
from app.decisions import services as decisions
from app.decisions.forms import (
    AmendForm,
    AnswerReportForm,
    DecisionForm,
    ForwardPlanForm,
    GrapevineForm,
    LinkReportForm,
    ToldForm,
    WithdrawToldForm,
)
from app.decisions.labels import DECIDED_BY_LABELS, IMPLEMENTATION_LABELS, MANUAL_CHANNEL_LABELS
from app.enquiries import services as enquiries
from app.errors import Invalid, Refused
from app.extensions import htmx
from app.forms import CommentForm, EmptyForm, parse_clock
from app.groups import services as groups
from app.meetings import captures
from app.notices import services as notices
from app.pagination import page_arg, page_size
from app.permissions import can, membership, public, require
from app.viewing import form_status, load_group, refused


def load_decision(group, decision_id: int):
    decision = decisions.get_decision(group, decision_id)
    if decision is None:
        abort(404)
    return decision


def _labels():
    return {
        "DECIDED_BY_LABELS": DECIDED_BY_LABELS,
        "IMPLEMENTATION_LABELS": IMPLEMENTATION_LABELS,
        "MANUAL_CHANNEL_LABELS": MANUAL_CHANNEL_LABELS,
    }


# The log ---------------------------------------------------------------------


@bp.route("/groups/<slug>/decisions")
@public
def log(slug: str):
    group = load_group(slug, "decision.view")
    page = decisions.log_page(group, page_arg(), page_size())
    informed = decisions.informed_for(group, page.items)
    counts = {decision_id: decisions.told_counts(rows) for decision_id, rows in informed.items()}
    member = can(current_user, "group.view", group)
    return render_template(
        "decisions/log.html",
        group=group,
        page=page,
        counts=counts,
        report=chain.verify(group.id),
        grapevine=decisions.open_grapevine(group) if member else [],
        grapevine_total=decisions.open_grapevine_count(group) if member else 0,
        member=member,
        **_labels(),
    )


@bp.route("/groups/<slug>/decisions/new", methods=["GET", "POST"])
def new(slug: str):
    group = load_group(slug, "decision.record")
    form = DecisionForm()
    plan = decisions.open_forward_plan(group)
    form.forward_plan_id.choices = [(0, _("No, it was not in the forward plan"))] + [
        (entry.id, entry.title) for entry in plan
    ]
    if request.method == "GET":
        chosen = request.args.get("forward_plan", type=int)
        entry = decisions.get_forward_plan(group, chosen)
        if entry is not None:
            form.forward_plan_id.data = entry.id
            form.title.data = entry.title
            form.summary.data = entry.summary
            form.decided_by_kind.data = entry.decision_by_kind
            form.decided_by_name.data = entry.decision_by_name
    if form.validate_on_submit():
        try:
            decision = decisions.record_decision(
                group,
                current_user,
                title=form.title.data,
                summary=form.summary.data,
                body=form.body.data or "",
                decided_at=local_to_utc(form.decided_on.data, parse_clock(form.decided_time.data)),
                decided_by_kind=form.decided_by_kind.data,
                decided_by_name=form.decided_by_name.data or "",
                place=form.place.data or "",
                rationale=form.rationale.data or "",
                status=form.status.data,
                forward_plan_id=form.forward_plan_id.data or None,
                short_notice_reason=form.short_notice_reason.data,
            )
        except Refused as exc:
            refused(form, exc)
        else:
            flash(_("Decision %(n)d is in the log, and members are being told.", n=decision.number))
            return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id), 303)
    return render_template("decisions/new.html", group=group, form=form, **_labels()), form_status(
        form
    )


@bp.route("/groups/<slug>/decisions/<int:decision_id>")
@public
def show(slug: str, decision_id: int):
    group = load_group(slug, "decision.view")
    decision = load_decision(group, decision_id)
    member = can(current_user, "group.view", group)
    state = decisions.states_for([decision])[0]
    rows = decisions.informed_for(group, [state])[decision.id]
    mine = None
    if member:
        # The reader's own line says how things stood before this visit; reading it here
        # then counts as being told on Logbook (the one write a GET may make).
        me = membership(current_user, group)
        mine = next((row for row in rows if row.membership.id == me.id), None)
        if notices.mark_seen(current_user.id, "decision", decision.id):
            rows = decisions.informed_for(group, [state])[decision.id]
    now = utcnow()
    by_hand = notices.records_by_hand("decision", decision.id, page_arg("records"), page_size())
    withdrawn = notices.withdrawals("decision", decision.id)
    return render_template(
        "decisions/show.html",
        meeting=captures.meeting_of_decision(decision.id) if member else None,
        actions=actions.actions_for_decisions([decision.id]) if member else [],
        came_from=enquiries.enquiries_for_decision(decision.id) if member else [],
        ACTION_STATUS_LABELS=ACTION_STATUS_LABELS,
        group=group,
        state=state,
        decision=decision,
        history=decisions.history(state, IMPLEMENTATION_LABELS),
        rows=rows if member else [],
        counts=decisions.told_counts(rows),
        plan=decisions.get_forward_plan(group, decision.forward_plan_id),
        people=people_by_id(
            [decision.recorded_by_id]
            + [a.author_id for a in state.amendments]
            + [n.recorded_by_id for n, _u in by_hand.items]
            + [n.withdrawn_by_id for n in withdrawn]
            + [n.user_id for n in withdrawn]
        ),
        by_hand=by_hand,
        withdrawn=withdrawn,
        timeline=pictures.timeline_svg(
            decision.decided_at, rows, group.inform_within_days, now, id_prefix="told"
        )
        if member
        else None,
        mine=mine,
        acknowledged=notices.my_notice_state(
            current_user.id, "decision", decision.id, state.version
        )
        if member
        else None,
        member=member,
        ack_form=EmptyForm(),
        body_html=decisions.render_body(state.body),
        **_labels(),
    )


@bp.route("/groups/<slug>/decisions/<int:decision_id>/acknowledge", methods=["POST"])
def acknowledge(slug: str, decision_id: int):
    group = load_group(slug, "decision.acknowledge")
    decision = load_decision(group, decision_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    done = notices.acknowledge(current_user.id, "decision", decision.id)
    if htmx:
        state = decisions.states_for([decision])[0]
        return render_template(
            "decisions/_mine.html",
            group=group,
            decision=decision,
            state=state,
            mine=decisions.informed_one(
                group, state, membership(current_user, group), current_user
            ),
            acknowledged=notices.my_notice_state(
                current_user.id, "decision", decision.id, state.version
            ),
        )
    if done:
        flash(_("Thank you. The log now shows that you have read this decision."))
    else:
        flash(_("You had already said you have read this decision."))
    return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id), 303)


@bp.route("/groups/<slug>/decisions/<int:decision_id>/amend", methods=["GET", "POST"])
def amend(slug: str, decision_id: int):
    group = load_group(slug, "decision.amend")
    decision = load_decision(group, decision_id)
    state = decisions.states_for([decision])[0]
    if state.revoked:
        flash(_("This decision has been revoked; it cannot be changed again."), "error")
        return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id), 303)
    form = AmendForm(obj=state)
    if form.validate_on_submit():
        changes = {
            name: getattr(form, name).data
            for name in (
                "title",
                "summary",
                "body",
                "decided_by_name",
                "place",
                "rationale",
                "status",
            )
        }
        try:
            decisions.amend(
                group,
                decision,
                current_user,
                kind=form.kind.data,
                changes=changes,
                reason=form.reason.data,
            )
        except Refused as exc:
            refused(form, exc)
        else:
            flash(_("The change is in the log, with the decision's history."))
            return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id), 303)
    return render_template(
        "decisions/amend.html", group=group, decision=decision, state=state, form=form
    ), form_status(form)


@bp.route("/groups/<slug>/decisions/<int:decision_id>/told", methods=["GET", "POST"])
def record_told(slug: str, decision_id: int):
    group = load_group(slug, "decision.record_told")
    decision = load_decision(group, decision_id)
    state = decisions.states_for([decision])[0]
    rows = decisions.informed_for(group, [state])[decision.id]
    return _told_form(
        group,
        record=lambda chosen, told_at, form: decisions.record_told(
            group,
            decision,
            current_user,
            people=chosen,
            channel=form.channel.data,
            told_at=told_at,
            note=form.note.data or "",
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
    entry = decisions.get_forward_plan(group, entry_id)
    if entry is None:
        abort(404)
    decided = decisions.decision_from_forward_plan(entry)
    return _told_form(
        group,
        record=lambda chosen, told_at, form: decisions.record_told_of_plan(
            group,
            entry,
            current_user,
            people=chosen,
            channel=form.channel.data,
            told_at=told_at,
            note=form.note.data or "",
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
    status = 200
    if form.validate_on_submit():
        by_membership = {m.id: u for m, u in people}
        chosen = [by_membership[mid] for mid in form.members.data]
        told_at = local_to_utc(form.told_on.data, parse_clock(form.told_time.data))
        try:
            recorded, _already = record(chosen, told_at, form)
        except Refused as exc:
            status = refused(form, exc)
        else:
            flash(
                ngettext("Recorded for %(num)d member.", "Recorded for %(num)d members.", recorded)
            )
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
    ), status if status != 200 else form_status(form)


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
    status = 200
    if notice.withdrawn_at is None and form.validate_on_submit():
        try:
            decisions.withdraw_told(group, notice.id, current_user, form.reason.data)
        except Refused as exc:
            status = refused(form, exc)
        else:
            flash(_("The record has been withdrawn. It stays in the history, with your reason."))
            return redirect(back, 303)
    elif notice.withdrawn_at is not None and request.method == "POST":
        status = 409
    people = people_by_id([notice.user_id, notice.recorded_by_id, notice.withdrawn_by_id])
    return render_template(
        "decisions/withdraw_told.html",
        group=group,
        notice=notice,
        people=people,
        form=form,
        back=back,
    ), status if status != 200 else form_status(form)


# Open data -------------------------------------------------------------------


def _iso(value):
    return value.isoformat().replace("+00:00", "Z") if value else None


def _export_rows(group):
    states = decisions.states_for(decisions.all_decisions(group))
    informed = decisions.informed_for(group, states)
    heads = decisions.chain_heads(group)
    for state in states:
        counts = decisions.told_counts(informed[state.id])
        decision = state.decision
        yield {
            "id": decision.id,
            "number": decision.number,
            "title": state.title,
            "summary": state.summary,
            "decided_at": _iso(decision.decided_at),
            "recorded_at": _iso(decision.recorded_at),
            "decided_by": decision.decided_by_kind,
            "decided_by_name": state.decided_by_name,
            "status": "revoked" if state.revoked else state.status,
            "short_notice_reason": decision.short_notice_reason,
            "current_version": state.version,
            "amendments": len(state.amendments),
            "chain_hash": heads.get(decision.id),
            "members": counts["members"],
            "told_before": counts["consulted_before"],
            "told_on_time": counts["told_on_time"],
            "told_late": counts["told_late"],
            "told_earlier_version": counts["told_earlier_version"],
            "not_told": counts["not_told_overdue"] + counts["not_told"],
            "heard_on_grapevine_first": counts["heard_first_via_grapevine"],
        }


@bp.route("/groups/<slug>/decisions.json")
@public
def export_json(slug: str):
    group = load_group(slug, "decision.view")
    return jsonify(
        {
            "group": group.slug,
            "generated_at": _iso(utcnow()),
            "chain_head": chain_services.head(group.id),
            "decisions": list(_export_rows(group)),
        }
    )


@bp.route("/groups/<slug>/decisions.csv")
@public
def export_csv(slug: str):
    group = load_group(slug, "decision.view")
    out = io.StringIO()
    writer = None
    for row in _export_rows(group):
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row))
            writer.writeheader()
        writer.writerow({k: _csv_safe(v) for k, v in row.items()})
    if writer is None:
        out.write(",".join(decisions.EXPORT_FIELDS) + "\r\n")
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{group.slug}-decisions.csv"'},
    )


def _csv_safe(value):
    """Stop spreadsheet programs from running text that starts like a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.route("/groups/<slug>/decisions/<int:decision_id>/informed.json")
@public
def informed_json(slug: str, decision_id: int):
    group = load_group(slug, "decision.view")
    decision = load_decision(group, decision_id)
    state = decisions.states_for([decision])[0]
    rows = decisions.informed_for(group, [state])[decision.id]
    # A published log shows visitors how many were told and when, never who or how.
    member = can(current_user, "group.view", group)
    names = people_by_id(r.record.recorded_by_id for r in rows if r.record) if member else {}
    return jsonify(
        {
            "decision": decision.id,
            "decided_at": _iso(decision.decided_at),
            "current_version": state.version,
            "members": [_informed_row(row, names, member) for row in rows],
        }
    )


def _informed_row(row, names, member: bool) -> dict:
    record = row.record
    recorder = names.get(record.recorded_by_id) if record and record.recorded_by_id else None
    out = {
        "member_id": row.membership.id,
        "name": row.person.name,
        "role": row.membership.role,
        "first_told_at": _iso(row.told_at),
        "channel": row.channel,
        "recorded_by": recorder.name if recorder else None,
        "recorded_at": _iso(record.recorded_at) if record else None,
        "note": record.note if record else None,
        "told_of_version": row.told_of_version,
        "acknowledged_at": _iso(row.acknowledged_at),
        "heard_first_via_grapevine_at": _iso(row.heard_first_via_grapevine_at),
        "lag_days": round(row.lag.total_seconds() / 86400, 2) if row.lag else None,
        "status": row.status,
    }
    if not member:
        for private in ("member_id", "name", "channel", "recorded_by", "note"):
            out[private] = None
    return out


# Pictures and member pages ---------------------------------------------------


@bp.route("/groups/<slug>/figures")
def figures(slug: str):
    group = load_group(slug, "decision.figures")
    figures = decisions.group_figures(group)
    grid = decisions.grid(group, page_arg(), 20)
    return render_template(
        "decisions/figures.html",
        group=group,
        figures=figures,
        chart=pictures.monthly_svg(figures.months, id_prefix="months"),
        grid=grid,
    )


@bp.route("/groups/<slug>/members/<int:member_id>/told")
def member_told(slug: str, member_id: int):
    group = load_group(slug, "member.view_told")
    found = groups.get_member(group, member_id)
    if found is None:
        abort(404)
    return _member_told(group, *found)


@bp.route("/groups/<slug>/told-me")
def my_told(slug: str):
    group = load_group(slug, "member.view_told")
    return _member_told(group, membership(current_user, group), current_user)


def _member_told(group, member, person):
    page, rows = decisions.member_page(group, member, person, page_arg(), page_size())
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


# Forward plan ----------------------------------------------------------------


@bp.route("/groups/<slug>/forward-plan")
def forward_plan(slug: str):
    group = load_group(slug, "forward_plan.view")
    return render_template(
        "decisions/forward_plan.html",
        group=group,
        page=decisions.forward_plan_page(group, page_arg(), page_size()),
        **_labels(),
    )


@bp.route("/groups/<slug>/forward-plan/new", methods=["GET", "POST"])
def forward_plan_new(slug: str):
    group = load_group(slug, "forward_plan.publish")
    form = ForwardPlanForm()
    if form.validate_on_submit():
        try:
            entry = decisions.publish_forward_plan(
                group,
                current_user,
                title=form.title.data,
                summary=form.summary.data,
                decision_by_kind=form.decision_by_kind.data,
                decision_by_name=form.decision_by_name.data or "",
                expected_at=local_to_utc(form.expected_on.data),
            )
        except Refused as exc:
            refused(form, exc)
        else:
            flash(_("It is in the forward plan, and members are being told."))
            return redirect(
                url_for("decisions.forward_plan_entry", slug=slug, entry_id=entry.id), 303
            )
    return render_template("decisions/forward_plan_new.html", group=group, form=form), form_status(
        form
    )


@bp.route("/groups/<slug>/forward-plan/<int:entry_id>", methods=["GET", "POST"])
def forward_plan_entry(slug: str, entry_id: int):
    group = load_group(slug, "forward_plan.view")
    entry = decisions.get_forward_plan(group, entry_id)
    if entry is None:
        abort(404)
    form = CommentForm()
    if request.method == "POST":
        require(current_user, "forward_plan.comment", group)
        if form.validate_on_submit():
            decisions.add_comment(entry, current_user, form.body.data)
            flash(_("Your comment has been added."))
            return redirect(
                url_for("decisions.forward_plan_entry", slug=slug, entry_id=entry.id) + "#comments",
                303,
            )
    notices.mark_seen(current_user.id, "forward_plan", entry.id)
    return render_template(
        "decisions/forward_plan_entry.html",
        group=group,
        entry=entry,
        decided=decisions.decision_from_forward_plan(entry),
        comments=decisions.comments_page(entry, page_arg(), page_size()),
        form=form,
        **_labels(),
    ), form_status(form)


# Grapevine -------------------------------------------------------------------


@bp.route("/groups/<slug>/grapevine", methods=["GET", "POST"])
def grapevine(slug: str):
    group = load_group(slug, "grapevine.view")
    form = GrapevineForm()
    if request.method == "POST":
        require(current_user, "grapevine.report", group)
        if form.validate_on_submit():
            decisions.report_grapevine(
                group,
                current_user,
                what=form.what.data,
                heard_when=form.heard_when.data or "",
                heard_by_whom=form.heard_by_whom.data or "",
            )
            flash(
                _(
                    "Thank you. Your report is in the log as unconfirmed until an officer "
                    "or facilitator answers it."
                )
            )
            return redirect(url_for("decisions.grapevine", slug=slug), 303)
    return render_template(
        "decisions/grapevine.html",
        group=group,
        form=form,
        page=decisions.grapevine_page(group, page_arg(), page_size()),
    ), form_status(form)


@bp.route("/groups/<slug>/grapevine/<int:report_id>", methods=["GET", "POST"])
def grapevine_report(slug: str, report_id: int):
    group = load_group(slug, "grapevine.view")
    report = decisions.get_grapevine(group, report_id)
    if report is None:
        abort(404)
    link_form = LinkReportForm(prefix="link")
    answer_form = AnswerReportForm(prefix="answer")
    recent = decisions.states_for(decisions.recent_decisions(group, 200))
    link_form.decision_id.choices = [(0, _("Choose a decision"))] + [
        (s.id, f"{s.number}. {s.title}") for s in recent
    ]
    form = None
    if request.method == "POST":
        require(current_user, "grapevine.resolve", group)
        form = link_form if "link-submit" in request.form else answer_form
        if form.validate_on_submit():
            try:
                if form is link_form:
                    decision = decisions.get_decision(group, link_form.decision_id.data)
                    if decision is None:
                        raise Invalid(_("Choose a decision"), "decision_id")
                    decisions.link_grapevine(group, report, decision, current_user)
                else:
                    decisions.answer_grapevine(group, report, answer_form.answer.data, current_user)
            except Refused as exc:
                refused(form, exc)
            else:
                flash(_("The report has been answered, and the reporter can see the answer."))
                return redirect(url_for("decisions.grapevine", slug=slug), 303)
    linked = decisions.get_decision(group, report.decision_id) if report.decision_id else None
    return render_template(
        "decisions/grapevine_report.html",
        group=group,
        report=report,
        reporter=people_by_id([report.reporter_id]).get(report.reporter_id),
        linked=linked,
        link_form=link_form,
        answer_form=answer_form,
        form=form,
    ), (form_status(form) if form is not None else 200)
