"""The forward plan's pages: what is coming up, publishing an entry, and one entry
with its comments."""

from __future__ import annotations

from functools import partial

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.comments import services as comments
from app.dbtypes import local_to_utc
from app.decisions import bp, upcoming
from app.decisions.forms import ForwardPlanForm
from app.decisions.views.common import labels
from app.forms import CommentForm
from app.notices import services as notices
from app.pagination import page_arg, page_size
from app.viewing import comment_posted, form_status, found, load_group, save_form


@bp.route("/groups/<slug>/forward-plan")
def forward_plan(slug: str):
    group = load_group(slug, "forward_plan.view")
    return render_template(
        "decisions/forward_plan.html",
        group=group,
        page=upcoming.forward_plan_page(group, page_arg(), page_size()),
        **labels(),
    )


@bp.route("/groups/<slug>/forward-plan/new", methods=["GET", "POST"])
def forward_plan_new(slug: str):
    group = load_group(slug, "forward_plan.publish")
    form = ForwardPlanForm()
    published = save_form(
        form,
        lambda: upcoming.publish_forward_plan(
            group,
            current_user,
            title=form.title.data,
            summary=form.summary.data,
            decision_by_kind=form.decision_by_kind.data,
            decision_by_name=form.decision_by_name.data or "",
            expected_at=local_to_utc(form.expected_on.data),
        ),
    )
    if published:
        flash(_("It is in the forward plan, and members are being told."))
        return redirect(
            url_for("decisions.forward_plan_entry", slug=slug, entry_id=published.value.id), 303
        )
    return render_template("decisions/forward_plan_new.html", group=group, form=form), form_status(
        form
    )


@bp.route("/groups/<slug>/forward-plan/<int:entry_id>", methods=["GET", "POST"])
def forward_plan_entry(slug: str, entry_id: int):
    group = load_group(slug, "forward_plan.view")
    entry = found(upcoming.get_forward_plan(group, entry_id))
    form = CommentForm()
    post = partial(upcoming.comment_on_plan, entry, current_user)
    if comment_posted(form, group, "forward_plan.comment", post):
        return redirect(
            url_for("decisions.forward_plan_entry", slug=slug, entry_id=entry.id) + "#comments",
            303,
        )
    notices.mark_seen(current_user.id, "forward_plan", entry.id)
    return render_template(
        "decisions/forward_plan_entry.html",
        group=group,
        entry=entry,
        decided=upcoming.decision_from_forward_plan(entry),
        comments=comments.page("forward_plan", entry.id, page_arg(), page_size()),
        form=form,
        **labels(),
    ), form_status(form)
