"""What the decision pages share: loading a decision, and the words for stored codes."""

from __future__ import annotations

from flask import abort

from app.decisions import services as decisions
from app.decisions.labels import DECIDED_BY_LABELS, IMPLEMENTATION_LABELS, MANUAL_CHANNEL_LABELS


def load_decision(group, decision_id: int):
    decision = decisions.get_decision(group, decision_id)
    if decision is None:
        abort(404)
    return decision


def labels():
    return {
        "DECIDED_BY_LABELS": DECIDED_BY_LABELS,
        "IMPLEMENTATION_LABELS": IMPLEMENTATION_LABELS,
        "MANUAL_CHANNEL_LABELS": MANUAL_CHANNEL_LABELS,
    }
