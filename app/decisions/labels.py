"""Words shown for the decision log's stored codes, translatable in one place."""

from flask_babel import lazy_gettext as _l

DECIDED_BY_LABELS = {
    "group_vote": _l("This group, by a vote"),
    "council_cabinet": _l("Council cabinet or committee"),
    "officer_delegated": _l("A council officer, under delegated power"),
    "partner_organisation": _l("A partner organisation"),
    "other": _l("Someone else"),
}
IMPLEMENTATION_LABELS = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "dropped": _l("Dropped"),
}
AMENDMENT_LABELS = {
    "correction": _l("Correction: the record had a mistake"),
    "revision": _l("Revision: the decision itself has changed"),
    "revocation": _l("Revocation: the decision no longer stands"),
    "status": _l("Progress: how far it has been carried out"),
}
MANUAL_CHANNEL_LABELS = {
    "in_person": _l("Told in person"),
    "phone": _l("Told by phone"),
    "letter": _l("Letter posted"),
    "other": _l("Another way (say how in the note)"),
}
