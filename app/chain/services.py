"""Appending to a group's hash chain, and walking it to check every link.

An entry's hash covers the previous entry's hash and a canonical serialisation
of what the entry records (sorted keys, UTC ISO-8601 times, no spaces). The
owner of each kind of record says which fields that is; checking recomputes
every hash from the rows as they are now, so a row edited behind Logbook's back
no longer matches its entry, a deleted row leaves its entry without a record,
and a deleted entry leaves a gap in the sequence.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.chain.models import LogEntry
from app.dbtypes import utcnow
from app.extensions import db
from app.groups.models import Group

GENESIS = "0" * 64
#: How many characters of a hash people are shown: enough to compare by eye.
SHORT = 16


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return value


def canonical(kind: str, content: dict) -> bytes:
    plain = {"kind": kind, **{name: _plain(value) for name, value in content.items()}}
    return json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(prev_hash: str, kind: str, content: dict) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(kind, content)).hexdigest()


def lock(group_id: int) -> None:
    """Queue up behind anyone else writing to this group's chain (PostgreSQL; SQLite
    lets one writer in at a time anyway). Take it before touching the rows an entry
    will describe, so that everyone takes locks in the same order."""
    db.session.execute(select(Group.id).where(Group.id == group_id).with_for_update())


@dataclass
class Link:
    """One thing to add to the chain: what kind, what it covers, and what it is about."""

    kind: str
    content: dict
    decision_id: int | None = None
    amendment_id: int | None = None
    notice_id: int | None = None


def append(group_id: int, links: Iterable[Link]) -> None:
    """Add links to the end of the group's chain, in order, in one statement (the
    caller commits)."""
    links = list(links)
    if not links:
        return
    lock(group_id)
    last = db.session.execute(
        select(LogEntry.seq, LogEntry.entry_hash)
        .where(LogEntry.group_id == group_id)
        .order_by(LogEntry.seq.desc())
        .limit(1)
    ).first()
    seq, prev = (last.seq, last.entry_hash) if last else (0, GENESIS)
    now = utcnow()
    rows = []
    for link in links:
        seq += 1
        digest = entry_hash(prev, link.kind, link.content)
        rows.append(
            {
                "group_id": group_id,
                "seq": seq,
                "kind": link.kind,
                "decision_id": link.decision_id,
                "amendment_id": link.amendment_id,
                "notice_id": link.notice_id,
                "prev_hash": prev,
                "entry_hash": digest,
                "created_at": now,
            }
        )
        prev = digest
    db.session.execute(LogEntry.__table__.insert(), rows)


def head(group_id: int) -> str:
    """The hash of the group's latest entry: what anyone holding a copy can compare."""
    return (
        db.session.scalar(
            select(LogEntry.entry_hash)
            .where(LogEntry.group_id == group_id)
            .order_by(LogEntry.seq.desc())
            .limit(1)
        )
        or GENESIS
    )


def entries(group_id: int) -> list[LogEntry]:
    return list(
        db.session.scalars(
            select(LogEntry).where(LogEntry.group_id == group_id).order_by(LogEntry.seq)
        )
    )


@dataclass
class ChainReport:
    ok: bool
    entries: int
    head: str
    broken_seq: int | None = None
    broken_what: str | None = None
    problem: str | None = None


def walk(
    found: list[LogEntry],
    content_of: Callable[[LogEntry], dict | None],
    describe: Callable[[LogEntry], str],
) -> ChainReport:
    """Recompute every link: `content_of` gives what an entry's record holds now (None
    when the record is gone); `describe` names it for people."""
    prev = GENESIS
    for expected_seq, entry in enumerate(found, start=1):

        def broken(problem: str, entry=entry, prev=prev) -> ChainReport:
            return ChainReport(False, len(found), prev, entry.seq, describe(entry), problem)

        if entry.seq != expected_seq:
            return broken("an entry is missing before this one")
        if entry.prev_hash != prev:
            return broken("it does not follow on from the entry before it")
        content = content_of(entry)
        if content is None:
            return broken("the record it describes has been deleted")
        if entry_hash(prev, entry.kind, content) != entry.entry_hash:
            return broken("the record was changed after it was logged")
        prev = entry.entry_hash
    return ChainReport(True, len(found), prev)
