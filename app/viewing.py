"""What every view does the same way: load a group for an action, answer a form."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.groups import services as groups
from app.permissions import require


def load_group(slug: str, action: str = "group.view"):
    """The group, if the viewer may take this action in it; outsiders get 404."""
    group = groups.get_group(slug)
    if group is None:
        abort(404)
    require(current_user, action, group)
    return group


def form_status(form) -> int:
    """422 when a form came back with errors, so bad input is never a 200."""
    return 422 if form.errors else 200


def show_error(form, message: str, field_name: str | None = None) -> None:
    """Put a service's refusal next to the field it is about (or the first field)."""
    field = getattr(form, field_name, None) if field_name else None
    if field is None:
        field = next(iter(form))
    field.errors = list(field.errors) + [message]


def refused(form, exc, field_name: str | None = None) -> int:
    """Show a service's refusal on the form, by its field (or `field_name`, or the first
    field); return the 4xx it carries (422 when it names none)."""
    show_error(form, str(exc), getattr(exc, "field", None) or field_name)
    return getattr(exc, "status", 422)
