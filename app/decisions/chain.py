"""The tamper-evident log: each group's decisions and amendments, chained by SHA-256.

An entry's hash covers the previous entry's hash and a canonical serialisation
of the stored row (sorted keys, UTC ISO-8601 times, no spaces). Verifying
recomputes every hash from the rows as they are now, so a row edited behind
the application's back no longer matches its entry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.decisions.models import Amendment, Decision, LogEntry
from app.extensions import db
from app.groups.models import Group

GENESIS = "0" * 64

DECISION_FIELDS = (
    "id",
    "group_id",
    "number",
    "title",
    "summary",
    "body",
    "decided_at",
    "decided_by_kind",
    "decided_by_name",
    "place",
    "rationale",
    "status",
    "forward_plan_id",
    "short_notice_reason",
    "recorded_at",
    "recorded_by_id",
)
AMENDMENT_FIELDS = (
    "id",
    "decision_id",
    "group_id",
    "kind",
    "changes",
    "reason",
    "author_id",
    "created_at",
)


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return value


def canonical(kind: str, row) -> bytes:
    fields = DECISION_FIELDS if kind == "decision" else AMENDMENT_FIELDS
    content = {"kind": kind, **{name: _plain(getattr(row, name)) for name in fields}}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(prev_hash: str, kind: str, row) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(kind, row)).hexdigest()


def append(group: Group, kind: str, row) -> LogEntry:
    """Add a decision or amendment to the end of its group's chain (caller commits)."""
    # Lock the group row so two people recording at once queue up (PostgreSQL);
    # SQLite serialises writers anyway.
    db.session.execute(select(Group.id).where(Group.id == group.id).with_for_update())
    last = db.session.scalar(
        select(LogEntry).where(LogEntry.group_id == group.id).order_by(LogEntry.seq.desc()).limit(1)
    )
    prev = last.entry_hash if last else GENESIS
    entry = LogEntry(
        group_id=group.id,
        seq=(last.seq + 1) if last else 1,
        kind=kind,
        decision_id=row.id if kind == "decision" else row.decision_id,
        amendment_id=row.id if kind == "amendment" else None,
        prev_hash=prev,
        entry_hash=entry_hash(prev, kind, row),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass
class ChainReport:
    ok: bool
    entries: int
    head: str
    broken_seq: int | None = None
    broken_what: str | None = None
    problem: str | None = None


def verify(group_id: int) -> ChainReport:
    """Recompute the whole chain from the rows: three queries, whatever its length."""
    entries = list(
        db.session.scalars(
            select(LogEntry).where(LogEntry.group_id == group_id).order_by(LogEntry.seq)
        )
    )
    decisions = {
        d.id: d for d in db.session.scalars(select(Decision).where(Decision.group_id == group_id))
    }
    amendments = {
        a.id: a for a in db.session.scalars(select(Amendment).where(Amendment.group_id == group_id))
    }
    prev = GENESIS
    for expected_seq, entry in enumerate(entries, start=1):
        what = (
            f"decision {decisions[entry.decision_id].number}"
            if entry.kind == "decision" and entry.decision_id in decisions
            else f"{entry.kind} {entry.amendment_id or entry.decision_id}"
        )

        def broken(problem: str, entry=entry, what=what, prev=prev) -> ChainReport:
            return ChainReport(False, len(entries), prev, entry.seq, what, problem)

        if entry.seq != expected_seq:
            return broken("an entry is missing before this one")
        if entry.prev_hash != prev:
            return broken("it does not follow on from the entry before it")
        row = (decisions if entry.kind == "decision" else amendments).get(
            entry.decision_id if entry.kind == "decision" else entry.amendment_id
        )
        if row is None:
            return broken("the record it describes has been deleted")
        if entry_hash(prev, entry.kind, row) != entry.entry_hash:
            return broken("the record was changed after it was logged")
        prev = entry.entry_hash
    logged = {e.decision_id for e in entries if e.kind == "decision"}
    unlogged = sorted(d.number for d in decisions.values() if d.id not in logged)
    if unlogged:
        return ChainReport(
            False,
            len(entries),
            prev,
            None,
            f"decision {unlogged[0]}",
            "a decision was added without going into the log",
        )
    return ChainReport(True, len(entries), prev)
