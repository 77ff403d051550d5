"""Words shown for the meetings domain's stored codes, translatable in one place."""

from flask_babel import lazy_gettext as _l

from app.actions.labels import labels as action_labels

KIND_LABELS = {
    "group_meeting": _l("Group meeting"),
    "public_event": _l("Public event"),
    "workshop": _l("Workshop"),
}
STATUS_LABELS = {
    "planned": _l("Planned"),
    "under_way": _l("Under way"),
    "finished": _l("Finished"),
    "cancelled": _l("Cancelled"),
}
STATUS_TAGS = {
    "planned": "govuk-tag--blue",
    "under_way": "govuk-tag--green",
    "finished": "govuk-tag--grey",
    "cancelled": "govuk-tag--red",
}
ACCESS_LABELS = {
    "step_free": _l("Step-free access"),
    "hearing_loop": _l("Hearing loop"),
    "interpreter": _l("Interpreter"),
    "childcare": _l("Childcare"),
}
RSVP_LABELS = {"coming": _l("I am coming"), "apologies": _l("Send apologies")}
ATTENDANCE_LABELS = {
    "present": _l("Present"),
    "apologies": _l("Apologies"),
    "absent": _l("Absent"),
    "coming": _l("Said they are coming"),
    "no_reply": _l("No answer yet"),
}


def labels() -> dict:
    """The words for stored codes, for templates."""
    return {
        "KIND_LABELS": KIND_LABELS,
        "MEETING_STATUS_LABELS": STATUS_LABELS,
        "MEETING_STATUS_TAGS": STATUS_TAGS,
        "ACCESS_LABELS": ACCESS_LABELS,
        "RSVP_LABELS": RSVP_LABELS,
        "ATTENDANCE_LABELS": ATTENDANCE_LABELS,
        # Meeting pages list the actions agreed there, with their status.
        **action_labels(),
    }
