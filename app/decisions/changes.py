"""What an amendment changed, in plain words: "Tuesdays → Wednesdays", not field names.

Used for the announcement of a corrected or revised decision and for the history
on its page, so members read the same words in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from flask_babel import lazy_gettext as _l

#: Each field an amendment may change, by the name people know it by.
FIELD_LABELS = {
    "title": _l("The title"),
    "summary": _l("The summary"),
    "body": _l("The full text"),
    "decided_by_name": _l("Who decided it"),
    "place": _l("Where it was decided"),
    "rationale": _l("Why"),
    "status": _l("Progress"),
}
#: Fields shown in full when they change, rather than only the words that changed.
WHOLE = ("status",)
#: Above this many changed words, the old and new text are shown whole instead.
MOST_WORDS = 25
#: The longest text quoted for one side of a change.
LONGEST = 300


@dataclass
class Change:
    """One field changed: its label, and the pieces that changed, old → new.

    A piece with an empty `before` is words added; an empty `after`, words taken out.
    """

    field: str
    label: str
    pieces: list[tuple[str, str]]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LONGEST else text[: LONGEST - 1].rstrip() + "…"


def word_changes(before: str, after: str) -> list[tuple[str, str]]:
    """The runs of words that differ between two texts, as (old words, new words)."""
    old, new = (before or "").split(), (after or "").split()
    runs = [
        (" ".join(old[i1:i2]), " ".join(new[j1:j2]))
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
        if tag != "equal"
    ]
    changed = sum(len(a.split()) + len(b.split()) for a, b in runs)
    if not runs or len(runs) > 3 or changed > MOST_WORDS:
        return [(_short(before or ""), _short(after or ""))]
    return [(_short(a), _short(b)) for a, b in runs]


def describe(before: dict, changes: dict, labels: dict | None = None) -> list[Change]:
    """Each changed field, in the order people read a decision. `labels` turns stored
    codes into words (for progress: "in_progress" → "In progress")."""
    labels = labels or {}
    out = []
    for name, label in FIELD_LABELS.items():
        if name not in changes:
            continue
        old, new = before.get(name) or "", changes[name] or ""
        if name in WHOLE:
            pieces = [(str(labels.get(old, old)), str(labels.get(new, new)))]
        else:
            pieces = word_changes(str(old), str(new))
        out.append(Change(name, str(label), pieces))
    return out


def as_text(found: list[Change]) -> str:
    """The changes as lines for an email or a letter."""
    lines = []
    for change in found:
        parts = []
        for old, new in change.pieces:
            if old and new:
                parts.append(f"“{old}” → “{new}”")
            elif new:
                parts.append(str(_l("added “%(words)s”", words=new)))
            else:
                parts.append(str(_l("taken out “%(words)s”", words=old)))
        lines.append(f"{change.label}: {'; '.join(parts)}")
    return "\n".join(lines)
