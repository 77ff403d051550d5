"""What every view does the same way: load a group for an action, answer a form, and
answer a refusal. A refused request keeps nothing: each helper here that answers a
refusal rolls the request's transaction back first (the page is then drawn from
what is stored), whatever status the answer carries."""

from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import Refused
from app.extensions import undo
from app.groups import services as groups
from app.permissions import require


def load_group(slug: str, action: str = "group.view"):
    """The group, if the viewer may take this action in it; outsiders get 404."""
    group = groups.get_group(slug)
    if group is None:
        abort(404)
    require(current_user, action, group)
    return group


def found(thing):
    """The thing a view loaded, or 404 when there is none."""
    if thing is None:
        abort(404)
    return thing


def form_status(form) -> int:
    """The status of a form page: a refusal's own (409 for a clash...), else 422 when
    the form came back with errors, so bad input is never a 200."""
    return getattr(form, "refused_status", None) or (422 if form.errors else 200)


def show_error(form, message: str, field_name: str | None = None) -> None:
    """Put a message next to the field it is about (or the first field)."""
    field = getattr(form, field_name, None) if field_name else None
    if field is None:
        field = next(iter(form))
    field.errors = list(field.errors) + [message]


def refused(form, exc: Refused, field_name: str | None = None) -> int:
    """Show a service's refusal on the form, by its field (or `field_name`, or the first
    field), keeping nothing of the request; return the 4xx it carries."""
    undo()
    show_error(form, str(exc), exc.field or field_name)
    form.refused_status = exc.status
    return exc.status


def flash_refusal(exc: Refused) -> None:
    """Keep nothing of the request, and say why on the next page."""
    undo()
    flash(str(exc), "error")


def comment_posted(form, group, action: str, post) -> bool:
    """A page that lists comments also takes them, always this way: on a POST, check
    the member may `action`, then `post(body)`. True once a comment is added (the
    caller redirects); False to show the page, with the form's errors if it had any."""
    if request.method != "POST":
        return False
    require(current_user, action, group)
    if not form.validate_on_submit():
        return False
    try:
        post(form.body.data)
    except Refused as exc:
        refused(form, exc)
        return False
    flash(_("Your comment has been added."))
    return True


class Outcome:
    """What `save_form` did: true when it saved, with what the save returned."""

    def __init__(self, saved: bool, value=None):
        self.saved, self.value = saved, value

    def __bool__(self) -> bool:
        return self.saved


def save_form(form, save, field_name: str | None = None) -> Outcome:
    """The one way a form page saves: when the form was sent and is valid, call `save()`.
    A refusal is shown on the form, by its field (or `field_name`), keeping nothing of
    the request. The caller redirects when it saved, else shows the form again with
    `form_status(form)`."""
    if not form.validate_on_submit():
        return Outcome(False)
    try:
        return Outcome(True, save())
    except Refused as exc:
        refused(form, exc, field_name)
        return Outcome(False)


# Confirming before something that cannot be undone -------------------------------------


def confirmed() -> bool:
    """Whether the form came from the confirmation step (a single POST never is)."""
    return request.method == "POST" and request.form.get("confirm") == "yes"


def confirmation_page(
    group,
    *,
    caption: str,
    heading: str,
    lines: list[str],
    button: str,
    back_url: str,
    carry: bool = True,
    details: str | None = None,
):
    """The page that says what will happen and to whom, with the form's own answers carried
    so that going ahead sends them again, this time with confirm=yes. It changes nothing."""
    carried = (
        [
            (name, value)
            for name, values in request.form.lists()
            if name not in ("csrf_token", "confirm")
            for value in values
        ]
        if carry and request.method == "POST"
        else []
    )
    return render_template(
        "confirm.html",
        group=group,
        caption=caption,
        heading=heading,
        lines=lines,
        button=button,
        back_url=back_url,
        action=request.path,
        carried=carried,
        details=details,
    )
