"""What the decision pages share: loading a decision, and the words for stored codes."""

from __future__ import annotations

from app.decisions import services as decisions
from app.decisions.labels import DECIDED_BY_LABELS, IMPLEMENTATION_LABELS, MANUAL_CHANNEL_LABELS
from app.viewing import found


def load_decision(group, decision_id: int):
    """The group's decision, or 404."""
    return found(decisions.get_decision(group, decision_id))


def labels():
    return {
        "DECIDED_BY_LABELS": DECIDED_BY_LABELS,
        "IMPLEMENTATION_LABELS": IMPLEMENTATION_LABELS,
        "MANUAL_CHANNEL_LABELS": MANUAL_CHANNEL_LABELS,
    }
