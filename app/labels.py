"""Words shown for stored codes (roles, channels...), translatable in one place."""

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "resident": _l("Resident"),
    "resident_adviser": _l("Resident Adviser"),
    "facilitator": _l("Facilitator"),
    "officer": _l("Officer"),
    "partner": _l("Partner"),
}

CHANNEL_LABELS = {
    "in_app": _l("On Logbook"),
    "email": _l("Email"),
    "sms": _l("Text message"),
    "letter": _l("Letter by post"),
    "phone": _l("Phone call"),
    "in_person": _l("In person"),
}

VOTER_LABELS = {
    "all_members": _l("All members"),
    "residents_only": _l("Residents and Resident Advisers only"),
}

#: Who-was-told statuses, in the order tables show them.
TOLD_LABELS = {
    "consulted_before": _l("Told before it was decided"),
    "told_on_time": _l("Told on time"),
    "told_late": _l("Told late"),
    "told_earlier_version": _l("Told of an earlier version"),
    "not_told_overdue": _l("Not told: overdue"),
    "not_told": _l("Not told yet"),
}

#: Tag colours; the words always carry the meaning too.
TOLD_TAGS = {
    "consulted_before": "govuk-tag--blue",
    "told_on_time": "govuk-tag--green",
    "told_late": "govuk-tag--orange",
    "told_earlier_version": "govuk-tag--purple",
    "not_told_overdue": "govuk-tag--red",
    "not_told": "govuk-tag--grey",
}

#: How someone was told: their channels, and "another way" for records made by hand.
TOLD_CHANNEL_LABELS = {**CHANNEL_LABELS, "other": _l("Another way")}

#: The same, as words that finish "You were told on 3 March ...".
TOLD_BY_WORDS = {
    "in_app": _l("on Logbook"),
    "email": _l("by email"),
    "sms": _l("by text message"),
    "letter": _l("by letter"),
    "phone": _l("by phone"),
    "in_person": _l("in person"),
    "other": _l("another way"),
}

#: How often someone hears by email or letter.
DIGEST_LABELS = {
    "each": _l("Each thing as it happens"),
    "daily": _l("Once a day, all together (email only)"),
    "weekly": _l("Once a week, all together (email or letter)"),
}
