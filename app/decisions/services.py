"""Recording decisions, amending them, and knowing who was told, how and when."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import User
from app.chain.models import LogEntry
from app.dbtypes import utcnow
from app.decisions import chain, markdown
from app.decisions.changes import Change, as_text, describe
from app.decisions.labels import IMPLEMENTATION_LABELS
from app.decisions.models import (
    AMENDABLE,
    AMENDMENT_KINDS,
    DECIDED_BY,
    IMPLEMENTATION,
    NEW_VERSION_KINDS,
    Amendment,
    Decision,
)
from app.decisions.upcoming import decision_from_forward_plan, get_forward_plan, needs_notice_reason
from app.errors import Invalid
from app.extensions import db
from app.groups import services as group_services
from app.groups.models import Group
from app.links import path_for
from app.notices import services as notices
from app.pagination import Page, paginate

#: A little slack for clocks: "now" typed on a phone may be a moment ahead of the server.
CLOCK_SLACK = timedelta(minutes=5)


# Current state ---------------------------------------------------------------


@dataclass
class DecisionState:
    """A decision as it stands now: the original record with its amendments applied."""

    decision: Decision
    amendments: list[Amendment] = field(default_factory=list)
    title: str = ""
    summary: str = ""
    body: str = ""
    decided_by_name: str = ""
    place: str = ""
    rationale: str = ""
    status: str = ""
    revoked: bool = False
    #: When each version came to stand: version 1 when it was decided, each later
    #: one when the correction, revision or revocation that made it was recorded.
    version_times: list[datetime] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.decision.id

    @property
    def number(self) -> int:
        return self.decision.number

    @property
    def version(self) -> int:
        """The version members need to be told of: 1, then one more per change of substance."""
        return len(self.version_times)

    @property
    def version_since(self) -> datetime:
        return self.version_times[-1]

    def version_at(self, moment: datetime) -> int:
        """The version that stood at a moment (version 1 before it was decided, too)."""
        return max(1, sum(1 for since in self.version_times if since <= moment))


def current_state(decision: Decision, amendments: list[Amendment]) -> DecisionState:
    state = DecisionState(decision=decision, amendments=sorted(amendments, key=lambda a: a.id))
    for name in AMENDABLE:
        setattr(state, name, getattr(decision, name))
    state.version_times = [decision.decided_at]
    for amendment in state.amendments:
        for name, value in (amendment.changes or {}).items():
            if name in AMENDABLE:
                setattr(state, name, value)
        if amendment.kind == "revocation":
            state.revoked = True
        if amendment.kind in NEW_VERSION_KINDS:
            state.version_times.append(amendment.created_at)
    return state


@dataclass
class HistoryItem:
    amendment: Amendment
    #: The version this amendment made (None for a progress update, which makes none).
    version: int | None
    changes: list[Change]


def history(state: DecisionState, labels: dict | None = None) -> list[HistoryItem]:
    """Each amendment with what it changed in plain words, oldest first."""
    before = {name: getattr(state.decision, name) for name in AMENDABLE}
    version, items = 1, []
    for amendment in state.amendments:
        changed = {k: v for k, v in (amendment.changes or {}).items() if k in AMENDABLE}
        if amendment.kind in NEW_VERSION_KINDS:
            version += 1
        items.append(
            HistoryItem(
                amendment,
                version if amendment.kind in NEW_VERSION_KINDS else None,
                describe(before, changed, labels),
            )
        )
        before.update(changed)
    return items


def states_for(decisions: list[Decision]) -> list[DecisionState]:
    """Current states of many decisions with one query for all their amendments."""
    ids = [d.id for d in decisions]
    by_decision: dict[int, list[Amendment]] = defaultdict(list)
    if ids:
        for amendment in db.session.scalars(
            select(Amendment).where(Amendment.decision_id.in_(ids))
        ):
            by_decision[amendment.decision_id].append(amendment)
    return [current_state(d, by_decision[d.id]) for d in decisions]


def get_decision(group: Group, decision_id: int) -> Decision | None:
    return db.session.scalar(
        select(Decision).where(Decision.id == decision_id, Decision.group_id == group.id)
    )


def log_page(group: Group, page: int, per_page: int) -> Page:
    """Decisions newest first (by when decided), as current states."""
    query = (
        select(Decision)
        .where(Decision.group_id == group.id)
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
    )
    found = paginate(query, page, per_page)
    found.items = states_for(found.items)
    return found


def all_decisions(group: Group) -> list[Decision]:
    return list(
        db.session.scalars(
            select(Decision).where(Decision.group_id == group.id).order_by(Decision.number)
        )
    )


def recent_decisions(group: Group, limit: int) -> list[Decision]:
    return list(
        db.session.scalars(
            select(Decision)
            .where(Decision.group_id == group.id)
            .order_by(Decision.number.desc())
            .limit(limit)
        )
    )


def decision_choices(
    group: Group, first: Iterable[DecisionState] = (), limit: int = 100
) -> list[tuple[int, str]]:
    """(id, label) of decisions to link to, for drop-downs: `first` (say, those just
    taken at a meeting), then the latest in the log."""
    first = list(first)
    shown = {state.id for state in first}
    states = first + [s for s in states_for(recent_decisions(group, limit)) if s.id not in shown]
    return [(s.id, _("Decision %(n)d: %(title)s", n=s.number, title=s.title)) for s in states]


def chain_heads(group: Group) -> dict[int, str]:
    """Each decision's latest log entry hash (its own entry, or its last amendment's)."""
    heads: dict[int, str] = {}
    for decision_id, entry_hash in db.session.execute(
        select(LogEntry.decision_id, LogEntry.entry_hash)
        .where(LogEntry.group_id == group.id)
        .order_by(LogEntry.seq)
    ):
        heads[decision_id] = entry_hash
    return heads


#: Columns of decisions.csv, in order (also written when the log is empty).
EXPORT_FIELDS = (
    "id",
    "number",
    "title",
    "summary",
    "decided_at",
    "recorded_at",
    "decided_by",
    "decided_by_name",
    "status",
    "short_notice_reason",
    "current_version",
    "amendments",
    "chain_hash",
    "members",
    "told_before",
    "told_on_time",
    "told_late",
    "told_earlier_version",
    "not_told",
    "heard_on_grapevine_first",
)


def render_body(source: str):
    return markdown.render(source)


# Recording -------------------------------------------------------------------


def record_decision(
    group: Group,
    recorded_by: User,
    *,
    title: str,
    summary: str,
    decided_at: datetime,
    decided_by_kind: str,
    body: str = "",
    decided_by_name: str = "",
    place: str = "",
    rationale: str = "",
    status: str = "not_started",
    forward_plan_id: int | None = None,
    short_notice_reason: str | None = None,
    now: datetime | None = None,
    told_in_person: Iterable[int] = (),
    told_note: str = "",
) -> Decision:
    """Put a decision in the log, chain it, and tell every member.

    `told_in_person`: ids of people in the room when it was taken (recorded as
    told in person at `now`, with `told_note`).
    """
    now = now or utcnow()
    title, summary = (title or "").strip(), (summary or "").strip()
    if not title:
        raise Invalid(_("Enter what was decided"), "title")
    if not summary:
        raise Invalid(_("Write a short summary in plain words"), "summary")
    if decided_at.tzinfo is None:
        raise Invalid(_("Enter when it was decided"), "decided_on")
    if decided_at > now + CLOCK_SLACK:
        raise Invalid(
            _(
                "The date it was decided cannot be in the future. For an upcoming decision, "
                "add it to the forward plan instead."
            ),
            "decided_on",
        )
    if decided_by_kind not in DECIDED_BY:
        raise Invalid(_("Choose who took the decision"), "decided_by_kind")
    if status not in IMPLEMENTATION:
        raise Invalid(_("Choose how far it has been carried out"), "status")
    entry = get_forward_plan(group, forward_plan_id)
    if forward_plan_id is not None and entry is None:
        raise Invalid(_("That upcoming decision is not in this group's forward plan"))
    if entry is not None and decision_from_forward_plan(entry) is not None:
        raise Invalid(_("A decision has already been recorded for that forward-plan entry"))
    short_notice_reason = (short_notice_reason or "").strip() or None
    if needs_notice_reason(group, decided_by_kind, decided_at, entry):
        if not short_notice_reason:
            raise Invalid(
                _(
                    "Members had less than %(days)d days' notice of this decision. Say why it "
                    'could not wait, for example "urgent: the funding deadline was Friday".',
                    days=group.notice_period_days,
                ),
                "short_notice_reason",
            )
    else:
        short_notice_reason = None

    # The chain lock is taken first, so numbers and log order agree.
    db.session.execute(select(Group.id).where(Group.id == group.id).with_for_update())
    number = (
        db.session.scalar(select(func.max(Decision.number)).where(Decision.group_id == group.id))
        or 0
    ) + 1
    decision = Decision(
        group_id=group.id,
        number=number,
        title=title,
        summary=summary,
        body=(body or "").strip(),
        decided_at=decided_at,
        decided_by_kind=decided_by_kind,
        decided_by_name=(decided_by_name or "").strip(),
        place=(place or "").strip(),
        rationale=(rationale or "").strip(),
        status=status,
        forward_plan_id=entry.id if entry else None,
        short_notice_reason=short_notice_reason,
        recorded_at=now,
        recorded_by_id=recorded_by.id,
    )
    db.session.add(decision)
    db.session.flush()
    chain.log_decision(group, decision)
    _announce_decision(
        group,
        current_state(decision, []),
        now,
        author=recorded_by,
        in_person=told_in_person,
        in_person_note=told_note,
        recorded_by=recorded_by,
    )
    return decision


def _announce_decision(
    group: Group,
    state: DecisionState,
    now: datetime,
    amendment: Amendment | None = None,
    what_changed: Callable[[], str] | None = None,
    **in_the_room,
) -> None:
    """Tell every member of a decision as it now stands: when it is recorded (version 1),
    and again with each correction, revision or revocation (the next version). The
    words are written in each member's own language."""
    from flask_babel import format_date

    decision = state.decision
    kind = amendment.kind if amendment is not None else None

    def title() -> str:
        if kind is None:
            return _("Decision: %(title)s", title=state.title)
        if kind == "revocation":
            return _("Revoked: %(title)s", title=state.title)
        if kind == "correction":
            return _("Corrected: %(title)s", title=state.title)
        return _("Revised: %(title)s", title=state.title)

    def body() -> str:
        if kind is None:
            heading = _("%(group)s has recorded a decision.", group=group.name)
        elif kind == "revocation":
            heading = _(
                "A decision in %(group)s's log has been revoked: it no longer stands.",
                group=group.name,
            )
        elif kind == "correction":
            heading = _("A decision in %(group)s's log has been corrected.", group=group.name)
        else:
            heading = _("A decision in %(group)s's log has been revised.", group=group.name)
        parts = [heading]
        if amendment is not None:
            parts.append(_("Why: %(reason)s", reason=amendment.reason))
            changed = what_changed() if what_changed else ""
            if changed:
                parts.append(_("What changed:") + "\n" + changed)
            parts.append(_("The decision as it now stands:"))
        parts += [
            state.title,
            state.summary,
            _("Decided on %(date)s.", date=format_date(decision.decided_at, "d MMMM yyyy")),
            _("Open the link to read it, and to say you have read it:"),
        ]
        return "\n\n".join(part for part in parts if part)

    notices.announce(
        group_id=group.id,
        subject_kind="decision",
        subject_id=decision.id,
        title=title,
        body=body,
        url=path_for("decisions.show", slug=group.slug, decision_id=decision.id),
        people=group_services.everyone_to_tell(group),
        now=now,
        version=state.version,
        **in_the_room,
    )


def amend(
    group: Group,
    decision: Decision,
    author: User,
    *,
    kind: str,
    changes: dict,
    reason: str,
) -> Amendment:
    """Correct, revise, revoke or update the status of a decision, keeping its history."""
    if decision.group_id != group.id:
        raise Invalid(_("That decision is not in this group"))
    if kind not in AMENDMENT_KINDS:
        raise Invalid(_("Choose what kind of change this is"), "kind")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why it is being changed"), "reason")
    state = states_for([decision])[0]
    if state.revoked:
        raise Invalid(_("This decision has been revoked; it cannot be changed again"))
    changes_made = {
        name: (value.strip() if isinstance(value, str) else value)
        for name, value in (changes or {}).items()
        if name in AMENDABLE and value is not None
    }
    changes_made = {
        name: value for name, value in changes_made.items() if value != getattr(state, name)
    }
    if "title" in changes_made and not changes_made["title"]:
        raise Invalid(_("The title cannot be empty"), "title")
    if "summary" in changes_made and not changes_made["summary"]:
        raise Invalid(_("The summary cannot be empty"), "summary")
    if "status" in changes_made and changes_made["status"] not in IMPLEMENTATION:
        raise Invalid(_("Choose how far it has been carried out"), "status")
    if kind != "revocation" and not changes_made:
        raise Invalid(_("Nothing was changed. Change at least one thing, or go back."))
    amendment = Amendment(
        decision_id=decision.id,
        group_id=group.id,
        kind=kind,
        changes=changes_made,
        reason=reason,
        author_id=author.id,
        created_at=utcnow(),
    )
    db.session.add(amendment)
    db.session.flush()
    chain.log_amendment(group, amendment)
    if kind in NEW_VERSION_KINDS:
        before = {name: getattr(state, name) for name in AMENDABLE}
        _announce_decision(
            group,
            current_state(decision, [*state.amendments, amendment]),
            amendment.created_at,
            author=author,
            amendment=amendment,
            what_changed=lambda: as_text(describe(before, changes_made, IMPLEMENTATION_LABELS)),
        )
    return amendment
