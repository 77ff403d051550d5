"""Words shown for the actions domain's stored codes, translatable in one place."""

from flask_babel import lazy_gettext as _l

ACTION_STATUS_LABELS = {
    "open": _l("Not started"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "dropped": _l("Not going ahead"),
}
ACTION_VIEW_LABELS = {
    "open": _l("Still to do"),
    "overdue": _l("Overdue"),
    "done": _l("Finished"),
    "all": _l("All"),
}


def labels() -> dict:
    """The words for stored codes, for templates."""
    return {
        "ACTION_STATUS_LABELS": ACTION_STATUS_LABELS,
        "ACTION_VIEW_LABELS": ACTION_VIEW_LABELS,
    }
