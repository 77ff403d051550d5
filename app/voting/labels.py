"""Words shown for the voting domain's stored codes, translatable in one place, for the
pages and for what members are told."""

from flask_babel import lazy_gettext as _l

PRIORITY_STATUS_LABELS = {
    "proposed": _l("Proposed"),
    "shortlisted": _l("Shortlisted"),
    "chosen": _l("Chosen"),
    "in_action": _l("In action"),
    "achieved": _l("Achieved"),
    "not_taken_forward": _l("Not taken forward"),
}
