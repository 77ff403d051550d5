"""The group's actions: the list, adding and changing one, its page with its history
("you said, we did"), and reminding owners."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.accounts.services import people_by_id
from app.actions import bp
from app.actions import services as actions
from app.actions.forms import ActionForm, ProgressForm
from app.actions.labels import labels
from app.decisions import services as decisions
from app.errors import Refused
from app.forms import EmptyForm, none_choice
from app.groups import services as groups
from app.notices import services as notices
from app.pagination import page_arg, page_size
from app.permissions import require
from app.viewing import form_status, found, load_group, refused
from app.voting.priorities import get_priority, priority_choices

#: Finds the meeting an action was agreed at, for the action's page: (group, meeting
#: id) -> the meeting or None. Meetings sits a floor above actions, which never imports
#: it, so the meetings views hand their finder in (app/meetings/views/__init__.py).
_meeting_finder: Callable | None = None


def find_meetings_with(finder: Callable) -> None:
    global _meeting_finder
    _meeting_finder = finder


def _meeting_of(group, action):
    if action.meeting_id is None or _meeting_finder is None:
        return None
    return _meeting_finder(group, action.meeting_id)


def _action_url(group, action) -> str:
    return url_for("actions.show", slug=group.slug, action_id=action.id)


def _form_choices(group, form) -> None:
    form.offer(groups.all_members(group), decisions.decision_choices(group))
    form.priority_id.choices = none_choice(_("None")) + priority_choices(group)


def _values(form) -> dict:
    return {
        "title": form.title.data,
        "details": form.details.data or "",
        "owner_id": form.owner_id.data or None,
        "owner_name": form.owner_name.data or "",
        "due_on": form.due_on.data,
        "decision_id": form.decision_id.data or None,
        "priority_id": form.priority_id.data or None,
    }


@bp.route("/groups/<slug>/actions")
def index(slug: str):
    group = load_group(slug, "action.view")
    show = request.args.get("show", "open")
    show = show if show in actions.ACTION_VIEWS else "open"
    return render_template(
        "actions/index.html",
        group=group,
        show=show,
        page=actions.actions_page(group, page_arg(), page_size(), show),
        is_overdue=actions.is_overdue,
        **labels(),
    )


def _form_answer(group, form, action, save, done: str):
    """Save a sent form with `save` (which returns the action) and go to the action's
    page saying `done`; or show the form (again, with what was wrong)."""
    status = None
    if form.validate_on_submit():
        try:
            saved = save()
        except Refused as exc:
            status = refused(form, exc)
        else:
            flash(done)
            return redirect(_action_url(group, saved), 303)
    return render_template(
        "actions/form.html", group=group, form=form, action=action
    ), status or form_status(form)


@bp.route("/groups/<slug>/actions/new", methods=["GET", "POST"])
def new(slug: str):
    group = load_group(slug, "action.create")
    form = ActionForm()
    _form_choices(group, form)

    def save():
        return actions.create_action(group, current_user, **_values(form))

    return _form_answer(group, form, None, save, _("The action is recorded."))


@bp.route("/groups/<slug>/actions/<int:action_id>", methods=["GET", "POST"])
def show(slug: str, action_id: int):
    group = load_group(slug, "action.view")
    action = found(actions.get_action(group, action_id))
    form = ProgressForm(obj=action)
    status = 200
    if request.method == "POST":
        require(current_user, "action.update", action)
        if form.validate_on_submit():
            try:
                actions.update_progress(
                    action, current_user, status=form.status.data, note=form.note.data or ""
                )
            except Refused as exc:
                status = refused(form, exc)
            else:
                flash(_("Progress saved. Members can see it on this page."))
                return redirect(_action_url(group, action), 303)
        else:
            status = 422
    notices.mark_seen(current_user.id, ("action", "action_progress"), action.id)
    people = people_by_id([action.owner_id, action.created_by_id])
    return render_template(
        "actions/show.html",
        group=group,
        action=action,
        owner=people.get(action.owner_id),
        updates=actions.action_updates(action),
        decision=decisions.get_decision(group, action.decision_id) if action.decision_id else None,
        priority=get_priority(group, action.priority_id) if action.priority_id else None,
        meeting=_meeting_of(group, action),
        overdue=actions.is_overdue(action),
        form=form,
        **labels(),
    ), status


@bp.route("/groups/<slug>/actions/<int:action_id>/edit", methods=["GET", "POST"])
def edit(slug: str, action_id: int):
    group = load_group(slug, "action.create")
    action = found(actions.get_action(group, action_id))
    form = ActionForm(obj=action)
    _form_choices(group, form)
    if request.method == "GET":
        for name in ("owner_id", "decision_id", "priority_id"):
            getattr(form, name).data = getattr(action, name) or 0

    def save():
        actions.change_action(group, action, **_values(form))
        return action

    return _form_answer(group, form, action, save, _("The action has been saved."))


@bp.route("/groups/<slug>/actions/remind", methods=["POST"])
def remind(slug: str):
    group = load_group(slug, "action.remind")
    if not EmptyForm().validate_on_submit():
        abort(400)
    sent = actions.remind_owners(group)
    if sent:
        flash(
            ngettext("%(num)d owner is being reminded.", "%(num)d owners are being reminded.", sent)
        )
    else:
        flash(_("Nobody needed a reminder: owners hear at most once a week."))
    return redirect(url_for("actions.index", slug=slug), 303)
