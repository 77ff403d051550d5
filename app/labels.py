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
    "letter": _l("Letter by post"),
    "phone": _l("Phone call"),
    "in_person": _l("In person"),
}

VOTER_LABELS = {
    "all_members": _l("All members"),
    "residents_only": _l("Residents and Resident Advisers only"),
}
