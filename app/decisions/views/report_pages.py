"""Grapevine pages: reporting something heard, and answering or linking a report."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.services import people_by_id
from app.decisions import bp, reports
from app.decisions import services as decisions
from app.decisions.forms import AnswerReportForm, GrapevineForm, LinkReportForm
from app.errors import Invalid
from app.notices import services as notices
from app.pagination import page_arg, page_size
from app.permissions import require
from app.security.limits import per_person
from app.viewing import form_status, found, load_group, save_form


@bp.route("/groups/<slug>/grapevine", methods=["GET", "POST"])
@per_person("GRAPEVINE_LIMIT_PER_PERSON", scope="grapevine")
def grapevine(slug: str):
    group = load_group(slug, "grapevine.view")
    form = GrapevineForm()
    if request.method == "POST":
        require(current_user, "grapevine.report", group)
        if form.validate_on_submit():
            reports.report_grapevine(
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
        page=reports.grapevine_page(group, page_arg(), page_size()),
    ), form_status(form)


@bp.route("/groups/<slug>/grapevine/<int:report_id>", methods=["GET", "POST"])
def grapevine_report(slug: str, report_id: int):
    group = load_group(slug, "grapevine.view")
    report = found(reports.get_grapevine(group, report_id))
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

        def answer():
            if form is answer_form:
                return reports.answer_grapevine(
                    group, report, answer_form.answer.data, current_user
                )
            decision = decisions.get_decision(group, link_form.decision_id.data)
            if decision is None:
                raise Invalid(_("Choose a decision"), "decision_id")
            return reports.link_grapevine(group, report, decision, current_user)

        if save_form(form, answer):
            flash(_("The report has been answered, and the reporter can see the answer."))
            return redirect(url_for("decisions.grapevine", slug=slug), 303)
    linked = decisions.get_decision(group, report.decision_id) if report.decision_id else None
    notices.mark_seen(current_user.id, "grapevine", report.id)
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
