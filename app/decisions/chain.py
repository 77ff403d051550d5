"""A group's whole chain, checked: its decisions, their amendments, and every record
of someone being told something (and every such record withdrawn).

The chain itself (hashing, appending, walking) is `app.chain`; this module says
what each decision and amendment entry covers, and checks that every record that
belongs in the chain is there and unchanged.
"""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.services import people_by_id
from app.chain import services as chain
from app.chain.services import ChainReport
from app.decisions.models import Amendment, Decision
from app.extensions import db
from app.groups.models import Group
from app.notices import services as notices

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


def _content(row, fields) -> dict:
    return {name: getattr(row, name) for name in fields}


def log_decision(group: Group, decision: Decision) -> None:
    chain.append(
        group.id,
        [chain.Link("decision", _content(decision, DECISION_FIELDS), decision_id=decision.id)],
    )


def log_amendment(group: Group, amendment: Amendment) -> None:
    chain.append(
        group.id,
        [
            chain.Link(
                "amendment",
                _content(amendment, AMENDMENT_FIELDS),
                decision_id=amendment.decision_id,
                amendment_id=amendment.id,
            )
        ],
    )


def verify(group_id: int) -> ChainReport:
    """Recompute the whole chain from the rows as they are now. A fixed number of
    queries, whatever its length; the first problem found is reported."""
    entries = chain.entries(group_id)
    decisions = {
        d.id: d for d in db.session.scalars(select(Decision).where(Decision.group_id == group_id))
    }
    amendments = {
        a.id: a for a in db.session.scalars(select(Amendment).where(Amendment.group_id == group_id))
    }
    told = notices.chained_notices(group_id)
    names = people_by_id({n.user_id for n in told.values()})

    def subject(kind: str, subject_id: int) -> str:
        if kind == "decision" and subject_id in decisions:
            return f"decision {decisions[subject_id].number}"
        return f"{kind.replace('_', ' ')} {subject_id}"

    def content_of(entry):
        if entry.kind == "decision":
            row = decisions.get(entry.decision_id)
            return _content(row, DECISION_FIELDS) if row else None
        if entry.kind == "amendment":
            row = amendments.get(entry.amendment_id)
            return _content(row, AMENDMENT_FIELDS) if row else None
        row = told.get(entry.notice_id)
        if row is None:
            return None
        if entry.kind == "told":
            return notices.told_content(row)
        return notices.withdrawal_content(row)

    def describe(entry) -> str:
        if entry.kind == "decision":
            row = decisions.get(entry.decision_id)
            return f"decision {row.number}" if row else f"decision id {entry.decision_id}"
        if entry.kind == "amendment":
            about = decisions.get(entry.decision_id)
            of = f" to decision {about.number}" if about else ""
            return f"amendment {entry.amendment_id}{of}"
        return _describe_notice(entry.kind, entry.notice_id, told.get(entry.notice_id))

    def _describe_notice(kind, notice_id, row) -> str:
        what = "told record" if kind == "told" else "withdrawal of told record"
        if row is None:
            return f"{what} {notice_id}"
        person = names.get(row.user_id)
        who = person.name if person else f"person {row.user_id}"
        return (
            f"{what} {notice_id} ({who}, {row.channel.replace('_', ' ')}, "
            f"about {subject(row.subject_kind, row.subject_id)})"
        )

    report = chain.walk(entries, content_of, describe)
    if not report.ok:
        return report

    # Everything that belongs in the chain must be in it.
    logged = {(e.kind, e.decision_id if e.kind == "decision" else e.notice_id) for e in entries}
    missing = sorted(d.number for d in decisions.values() if ("decision", d.id) not in logged)
    if missing:
        return ChainReport(
            False,
            report.entries,
            report.head,
            None,
            f"decision {missing[0]}",
            "a decision was added without going into the log",
        )
    for notice in sorted(told.values(), key=lambda n: n.id):
        if notice.reached_at is not None and ("told", notice.id) not in logged:
            return ChainReport(
                False,
                report.entries,
                report.head,
                None,
                _describe_notice("told", notice.id, notice),
                "someone was recorded as told without it going into the log",
            )
        if notice.withdrawn_at is not None and ("withdrawal", notice.id) not in logged:
            return ChainReport(
                False,
                report.entries,
                report.head,
                None,
                _describe_notice("withdrawal", notice.id, notice),
                "a record was withdrawn without it going into the log",
            )
    return report
