"""The forward plan's pages: what is coming up, publishing an entry, and one entry
with its comments and the replies to them."""

from __future__ import annotations

from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.comments import services as comments
from app.dbtypes import local_to_utc
from app.decisions import bp, upcoming
from app.decisions.forms import ForwardPlanForm
from app.decisions.views.common import labels
from app.errors import Refused
from app.extensions import undo
from app.forms import CommentForm, EmptyForm
from app.notices import services as notices
from app.pagination import page_arg, page_size
from app.security.limits import per_person
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
@per_person("COMMENT_LIMIT_PER_PERSON", scope="comments")
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
    return _entry_page(group, entry, form, form_status(form))


def _entry_page(group, entry, form, status: int = 200, reply_error: dict | None = None):
    """An upcoming decision with its comments, each with the replies under it; with
    `reply_error`, a reply that was refused ({"comment_id", "message", "body"})."""
    page = comments.page("forward_plan", entry.id, page_arg(), page_size())
    replies = comments.replies(comment for comment, _author in page.items)
    if reply_error is not None:
        reply_error["on_page"] = any(c.id == reply_error["comment_id"] for c, _a in page.items)
    notices.mark_seen_of(
        current_user.id,
        {
            "forward_plan": [entry.id],
            "comment": [r.comment.id for shown in replies.values() for r in shown],
        },
    )
    return render_template(
        "decisions/forward_plan_entry.html",
        group=group,
        entry=entry,
        decided=upcoming.decision_from_forward_plan(entry),
        comments=page,
        replies=replies,
        form=form,
        reply_error=reply_error,
        **labels(),
    ), status


@bp.route(
    "/groups/<slug>/forward-plan/<int:entry_id>/comments/<int:comment_id>/reply",
    methods=["POST"],
)
@per_person("COMMENT_LIMIT_PER_PERSON", scope="comments")
def forward_plan_reply(slug: str, entry_id: int, comment_id: int):
    """An officer or facilitator answers a member's comment, under it (a plain form)."""
    group = load_group(slug, "forward_plan.reply")
    entry = found(upcoming.get_forward_plan(group, entry_id))
    if not EmptyForm().validate_on_submit():
        abort(400)
    body = request.form.get("body", "")
    try:
        reply = upcoming.reply_on_plan(group, entry, comment_id, current_user, body)
    except Refused as exc:
        undo()
        error = {"comment_id": comment_id, "message": str(exc), "body": body}
        return _entry_page(group, entry, CommentForm(formdata=None), exc.status, error)
    flash(_("Your reply is under the comment, and its writer is being told."))
    page = comments.page_number_of(reply, page_size())
    return redirect(
        url_for(
            "decisions.forward_plan_entry",
            slug=slug,
            entry_id=entry.id,
            **({"page": page} if page > 1 else {}),
        )
        + f"#comment-{comment_id}",
        303,
    )
