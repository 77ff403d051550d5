"""The decision log's own pages: the log, a decision, recording and amending one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.accounts.services import people_by_id
from app.actions import services as actions
from app.actions.labels import ACTION_STATUS_LABELS
from app.dbtypes import local_to_utc, utcnow
from app.decisions import bp, chain, reports, told, upcoming
from app.decisions import services as decisions
from app.decisions.forms import AmendForm, DecisionForm
from app.decisions.labels import IMPLEMENTATION_LABELS
from app.decisions.models import AMENDABLE
from app.decisions.timeline import timeline_svg
from app.decisions.views.common import labels, load_decision
from app.enquiries import services as enquiries
from app.extensions import htmx
from app.forms import EmptyForm, parse_clock
from app.groups import services as groups
from app.meetings import captures
from app.notices import services as notices
from app.pagination import page_arg, page_size
from app.permissions import can, membership, public
from app.viewing import confirmation_page, confirmed, form_status, load_group, save_form

# The log ---------------------------------------------------------------------


@bp.route("/groups/<slug>/decisions")
@public
def log(slug: str):
    group = load_group(slug, "decision.view")
    page = decisions.log_page(group, page_arg(), page_size())
    informed = told.informed_for(group, page.items)
    counts = {decision_id: told.told_counts(rows) for decision_id, rows in informed.items()}
    member = can(current_user, "group.view", group)
    return render_template(
        "decisions/log.html",
        group=group,
        page=page,
        counts=counts,
        report=chain.verify(group.id),
        grapevine=reports.open_grapevine(group) if member else [],
        grapevine_total=reports.open_grapevine_count(group) if member else 0,
        member=member,
        **labels(),
    )


@bp.route("/groups/<slug>/decisions/new", methods=["GET", "POST"])
def new(slug: str):
    group = load_group(slug, "decision.record")
    form = DecisionForm()
    plan = upcoming.open_forward_plan(group)
    form.forward_plan_id.choices = [(0, _("No, it was not in the forward plan"))] + [
        (entry.id, entry.title) for entry in plan
    ]
    if request.method == "GET":
        chosen = request.args.get("forward_plan", type=int)
        entry = upcoming.get_forward_plan(group, chosen)
        if entry is not None:
            form.forward_plan_id.data = entry.id
            form.title.data = entry.title
            form.summary.data = entry.summary
            form.decided_by_kind.data = entry.decision_by_kind
            form.decided_by_name.data = entry.decision_by_name
    preview = _preview(form)
    recorded = preview is None and save_form(
        form,
        lambda: decisions.record_decision(
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
        ),
    )
    if recorded:
        decision = recorded.value
        flash(_("Decision %(n)d is in the log, and members are being told.", n=decision.number))
        return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id), 303)
    return render_template(
        "decisions/new.html", group=group, form=form, preview=preview, **labels()
    ), form_status(form)


def _preview(form):
    """When the form was sent with its Preview button: the full text as members will read
    it, rendered as the decision's page does (nothing is saved). Only that field is
    checked, so half-filled forms can be previewed."""
    if request.method != "POST" or not request.form.get("preview"):
        return None
    return decisions.render_body(form.body.data or "") if form.body.validate(form) else ""


@bp.route("/groups/<slug>/decisions/<int:decision_id>")
@public
def show(slug: str, decision_id: int):
    group = load_group(slug, "decision.view")
    decision = load_decision(group, decision_id)
    member = can(current_user, "group.view", group)
    state = decisions.states_for([decision])[0]
    rows = told.informed_for(group, [state])[decision.id]
    mine = None
    if member:
        # The reader's own line says how things stood before this visit; reading it here
        # then counts as being told on Logbook (the one write a GET may make).
        me = membership(current_user, group)
        mine = next((row for row in rows if row.membership.id == me.id), None)
        if notices.mark_seen(current_user.id, "decision", decision.id):
            rows = told.informed_for(group, [state])[decision.id]
    now = utcnow()
    # Visitors to a published log read the decision and how many were told: no one's
    # name (not who recorded or amended it), nor who was told, how or when.
    by_hand = (
        notices.records_by_hand("decision", decision.id, page_arg("records"), page_size())
        if member
        else None
    )
    withdrawn = notices.withdrawals("decision", decision.id) if member else []
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
        counts=told.told_counts(rows),
        plan=upcoming.get_forward_plan(group, decision.forward_plan_id),
        people=people_by_id(
            [decision.recorded_by_id]
            + [a.author_id for a in state.amendments]
            + [n.recorded_by_id for n, _u in by_hand.items]
            + [n.withdrawn_by_id for n in withdrawn]
            + [n.user_id for n in withdrawn]
        )
        if member
        else {},
        by_hand=by_hand,
        withdrawn=withdrawn,
        timeline=timeline_svg(
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
        **labels(),
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
            mine=told.informed_one(group, state, membership(current_user, group), current_user),
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

    def save():
        changes = {name: getattr(form, name).data for name in AMENDABLE}
        return decisions.amend(
            group,
            decision,
            current_user,
            kind=form.kind.data,
            changes=changes,
            reason=form.reason.data,
        )

    preview = _preview(form)
    if preview is None:
        if form.kind.data == "revocation" and not confirmed() and form.validate_on_submit():
            return _confirm_revoke(group, decision, state)  # nothing is saved before confirming
        if save_form(form, save):
            flash(_("The change is in the log, with the decision's history."))
            return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id), 303)
    return render_template(
        "decisions/amend.html",
        group=group,
        decision=decision,
        state=state,
        form=form,
        preview=preview,
    ), form_status(form)


def _confirm_revoke(group, decision, state):
    members = sum(groups.role_counts(group).values())
    return confirmation_page(
        group,
        caption=_("Decision %(n)d", n=decision.number),
        heading=_("Revoke “%(title)s”?", title=state.title),
        lines=[
            _(
                "The decision no longer stands. It stays in the log, marked as revoked, and "
                "can never be changed again."
            ),
            ngettext(
                "The %(num)d member of %(group)s is told it has been revoked, and why.",
                "All %(num)d members of %(group)s are told it has been revoked, and why.",
                members,
                group=group.name,
            ),
            _("Anyone who can read the public log sees it as revoked.")
            if group.public_log
            else _("The group's log is not public: only members see it."),
        ],
        button=_("Revoke the decision"),
        back_url=url_for("decisions.amend", slug=group.slug, decision_id=decision.id),
    )
