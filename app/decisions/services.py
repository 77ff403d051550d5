"""Recording decisions, amending them, and knowing who was told, how and when."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
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
    ForwardPlanComment,
    ForwardPlanEntry,
    GrapevineReport,
)
from app.errors import Invalid, NotFound
from app.extensions import db
from app.groups import services as group_services
from app.groups.models import Group, Membership
from app.links import path_for
from app.notices import services as notices
from app.notices.services import ToldRecord
from app.pagination import Page, paginate

#: A little slack for clocks: "now" typed on a phone may be a moment ahead of the server.
CLOCK_SLACK = timedelta(minutes=5)

#: Whether a member was told of a decision, and in time: exactly these, in this order.
STATUSES = (
    "consulted_before",
    "told_on_time",
    "told_late",
    "told_earlier_version",
    "not_told_overdue",
    "not_told",
)


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


def notice_given(
    group: Group, decided_at: datetime, entry: ForwardPlanEntry | None
) -> timedelta | None:
    """How long members had notice through the forward plan; None if there was none."""
    if entry is None or entry.published_at > decided_at:
        return None
    return decided_at - entry.published_at


def needs_notice_reason(
    group: Group, decided_by_kind: str, decided_at: datetime, entry: ForwardPlanEntry | None
) -> bool:
    """The group's own decisions need the group's notice period, or a reason."""
    if decided_by_kind != "group_vote" or group.notice_period_days <= 0:
        return False
    given = notice_given(group, decided_at, entry)
    return given is None or given < timedelta(days=group.notice_period_days)


def get_forward_plan(group: Group, entry_id: int | None) -> ForwardPlanEntry | None:
    if entry_id is None:
        return None
    return db.session.scalar(
        select(ForwardPlanEntry).where(
            ForwardPlanEntry.id == entry_id, ForwardPlanEntry.group_id == group.id
        )
    )


def decision_from_forward_plan(entry: ForwardPlanEntry) -> Decision | None:
    return db.session.scalar(select(Decision).where(Decision.forward_plan_id == entry.id))


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
    what_changed: str = "",
    **in_the_room,
) -> None:
    """Tell every member of a decision as it now stands: when it is recorded (version 1),
    and again with each correction, revision or revocation (the next version)."""
    from flask_babel import format_date

    decision = state.decision
    if amendment is None:
        heading = _("%(group)s has recorded a decision.", group=group.name)
        title = _("Decision: %(title)s", title=state.title)
    elif amendment.kind == "revocation":
        heading = _(
            "A decision in %(group)s's log has been revoked: it no longer stands.",
            group=group.name,
        )
        title = _("Revoked: %(title)s", title=state.title)
    elif amendment.kind == "correction":
        heading = _("A decision in %(group)s's log has been corrected.", group=group.name)
        title = _("Corrected: %(title)s", title=state.title)
    else:
        heading = _("A decision in %(group)s's log has been revised.", group=group.name)
        title = _("Revised: %(title)s", title=state.title)
    parts = [heading]
    if amendment is not None:
        parts.append(_("Why: %(reason)s", reason=amendment.reason))
        if what_changed:
            parts.append(_("What changed:") + "\n" + what_changed)
        parts.append(_("The decision as it now stands:"))
    parts += [
        state.title,
        state.summary,
        _("Decided on %(date)s.", date=format_date(decision.decided_at, "d MMMM yyyy")),
        _("Open the link to read it, and to say you have read it:"),
    ]
    notices.announce(
        group_id=group.id,
        subject_kind="decision",
        subject_id=decision.id,
        title=title,
        body="\n\n".join(part for part in parts if part),
        url=path_for("decisions.show", slug=group.slug, decision_id=decision.id),
        people=[u for _m, u in group_services.all_members(group)],
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
            what_changed=as_text(describe(before, changes_made, IMPLEMENTATION_LABELS)),
        )
    return amendment


# Who was told ----------------------------------------------------------------


@dataclass
class Informed:
    """One member and one decision: whether, when and how they were told."""

    membership: Membership
    person: User
    status: str
    #: When they were first told anything of it (of the forward-plan entry, when that
    #: came before the decision), and the record that told them.
    told_at: datetime | None
    channel: str | None
    record: ToldRecord | None
    #: The latest version of the decision they have been told of (None: none).
    told_of_version: int | None
    #: When they were told of the version that stands now.
    current_told_at: datetime | None
    acknowledged_at: datetime | None
    lag: timedelta | None
    #: When they reported hearing of it along the grapevine before anyone told them.
    heard_first_via_grapevine_at: datetime | None = None


def informed_status(
    *,
    decided_at: datetime,
    version: int,
    version_since: datetime,
    first_told_at: datetime | None,
    current_told_at: datetime | None,
    consulted_at: datetime | None,
    window_days: int,
    now: datetime,
) -> str:
    """The one rule for "was this member told, and in time?".

    Only notices that reached the person count (never a rumour, a queued letter or
    an email nobody sent). Told in time means told of the decision within the window
    after it was taken (or of its forward-plan entry before), and told of the version
    that stands now within the window after it came to stand.
    """
    window = timedelta(days=window_days)
    consulted = consulted_at is not None and consulted_at <= decided_at
    if current_told_at is None:
        if version > 1 and (first_told_at is not None or consulted):
            return "told_earlier_version"
        if consulted:
            return "consulted_before"
        return "not_told_overdue" if now - decided_at > window else "not_told"
    if consulted and version == 1:
        return "consulted_before"
    first_in_time = consulted or (
        first_told_at is not None and first_told_at - decided_at <= window
    )
    current_in_time = version == 1 or current_told_at - version_since <= window
    return "told_on_time" if first_in_time and current_in_time else "told_late"


def informed_for(
    group: Group,
    states: list[DecisionState],
    now: datetime | None = None,
    people=None,
) -> dict[int, list[Informed]]:
    """Who was told about each decision, member by member. Four queries in all.

    Members who joined after a decision was taken are not counted for it.
    """
    now = now or utcnow()
    # For a few people (one member's page, a page of the grid), fetch only their notices.
    user_ids = [person.id for _m, person in people] if people is not None else None
    people = people if people is not None else group_services.all_members(group)
    told = notices.told_records("decision", [s.id for s in states], user_ids)
    plan_ids = [s.decision.forward_plan_id for s in states if s.decision.forward_plan_id]
    plans = notices.told_records("forward_plan", plan_ids, user_ids)
    grapevine = grapevine_first([s.id for s in states])
    result: dict[int, list[Informed]] = {}
    for state in states:
        decision = state.decision
        rows = []
        for membership, person in people:
            if membership.joined_at > decision.decided_at:
                continue
            records = told.get((decision.id, person.id), [])
            consulted = next(
                (
                    r
                    for r in plans.get((decision.forward_plan_id, person.id), [])
                    if r.at <= decision.decided_at
                ),
                None,
            )
            first = records[0] if records else None
            current = next((r for r in records if r.version == state.version), None)
            status = informed_status(
                decided_at=decision.decided_at,
                version=state.version,
                version_since=state.version_since,
                first_told_at=first.at if first else None,
                current_told_at=current.at if current else None,
                consulted_at=consulted.at if consulted else None,
                window_days=group.inform_within_days,
                now=now,
            )
            earliest = consulted or first
            versions = [r.version for r in records] + ([1] if consulted else [])
            acknowledged = [r.acknowledged_at for r in records if r.version == state.version]
            if consulted and state.version == 1:
                acknowledged.append(consulted.acknowledged_at)
            heard = grapevine.get((decision.id, person.id))
            if heard is not None and earliest is not None and earliest.at <= heard:
                heard = None  # they had been told before they heard it elsewhere
            rows.append(
                Informed(
                    membership=membership,
                    person=person,
                    status=status,
                    told_at=earliest.at if earliest else None,
                    channel=earliest.channel if earliest else None,
                    record=earliest,
                    told_of_version=max(versions) if versions else None,
                    current_told_at=current.at if current else None,
                    acknowledged_at=min((a for a in acknowledged if a), default=None),
                    lag=(earliest.at - decision.decided_at) if earliest else None,
                    heard_first_via_grapevine_at=heard,
                )
            )
        result[decision.id] = rows
    return result


def told_counts(rows: list[Informed]) -> Counter:
    counts = Counter(row.status for row in rows)
    counts["members"] = len(rows)
    counts["heard_first_via_grapevine"] = sum(
        1 for row in rows if row.heard_first_via_grapevine_at is not None
    )
    #: Members who do not know the decision as it stands now.
    counts["not_told_current"] = (
        counts["told_earlier_version"] + counts["not_told_overdue"] + counts["not_told"]
    )
    return counts


def informed_one(group: Group, state: DecisionState, membership: Membership, person: User):
    """One member's row for one decision (None when they joined after it was taken)."""
    rows = informed_for(group, [state], people=[(membership, person)])[state.id]
    return rows[0] if rows else None


def member_page(group: Group, membership: Membership, person: User, page: int, per_page: int):
    """ "What was decided, and when I was told": one member's view of the log."""
    found = log_page(group, page, per_page)
    informed = informed_for(group, found.items, people=[(membership, person)])
    rows = [(state, (informed[state.id] or [None])[0]) for state in found.items]
    return found, rows


@dataclass
class Grid:
    columns: list[DecisionState]
    members: Page
    cells: dict[tuple[int, int], str]  # (membership id, decision id) -> status


def grid(group: Group, page: int, per_page: int, columns: int = 12) -> Grid:
    """Members (a page of them) by the latest decisions: who was told about what."""
    latest = states_for(list(reversed(recent_decisions(group, columns))))
    members = group_services.members(group, page, per_page)
    informed = informed_for(group, latest, people=members.items)
    cells = {
        (row.membership.id, decision_id): row.status
        for decision_id, rows in informed.items()
        for row in rows
    }
    return Grid(latest, members, cells)


# Recording how people were told -----------------------------------------------


def _chosen_members(group: Group, people: Iterable[User]) -> dict[int, Membership]:
    """The memberships of the people chosen, refusing anyone who is not a member."""
    people = list(people)
    if not people:
        raise Invalid(_("Choose at least one member"), "members")
    found = group_services.memberships_of(group, [p.id for p in people])
    outsiders = [p.name for p in people if p.id not in found]
    if outsiders:
        raise Invalid(
            _("Not members of this group: %(names)s", names=", ".join(sorted(outsiders))), "members"
        )
    return found


def _told_time_checked(told_at: datetime, now: datetime) -> None:
    if told_at.tzinfo is None:
        raise Invalid(_("Enter when they were told"), "told_on")
    if told_at > now + CLOCK_SLACK:
        raise Invalid(_("The time they were told cannot be in the future"), "told_on")


def record_told(
    group: Group,
    decision: Decision,
    by: User,
    *,
    people: Iterable[User],
    channel: str,
    told_at: datetime,
    note: str = "",
    skip_already: bool = False,
    skip_late_joiners: bool = False,
    now: datetime | None = None,
) -> tuple[int, int]:
    """Record that members were told of a decision by hand (phone, letter, in person).

    Bounded: not before it was decided (telling people it was coming is recorded on
    its forward-plan entry), not in the future, only for people who were members
    when it was decided. The record tells them of the version that stood at that
    moment. Returns (newly recorded, already recorded).
    """
    now = now or utcnow()
    from flask_babel import format_datetime

    _told_time_checked(told_at, now)
    if told_at < decision.decided_at:
        raise Invalid(
            _(
                "That is before it was decided (%(when)s). If you told them it was coming, "
                "record that on its forward-plan entry; if it was later that day, give the "
                "time.",
                when=format_datetime(decision.decided_at, "d MMMM yyyy, HH:mm"),
            ),
            "told_on",
        )
    if channel == "other" and not (note or "").strip():
        raise Invalid(_("Say in the note how they were told"), "note")
    chosen = list(people)
    memberships = _chosen_members(group, chosen)
    late = [p for p in chosen if memberships[p.id].joined_at > decision.decided_at]
    if late and not skip_late_joiners:
        raise Invalid(
            _(
                "Joined the group after this was decided, so they are not counted for it: "
                "%(names)s",
                names=", ".join(sorted(p.name for p in late)),
            ),
            "members",
        )
    chosen = [p for p in chosen if p not in late]
    if not chosen:
        return 0, 0
    state = states_for([decision])[0]
    announcement = notices.announcement_for("decision", decision.id, state.version_at(told_at))
    if announcement is None:
        raise Invalid(_("This decision was never announced, so nothing can be recorded."))
    return notices.record_told(
        announcement,
        user_ids=[p.id for p in chosen],
        channel=channel,
        told_at=told_at,
        note=note,
        recorded_by=by,
        skip_already=skip_already,
        now=now,
    )


def record_told_of_plan(
    group: Group,
    entry: ForwardPlanEntry,
    by: User,
    *,
    people: Iterable[User],
    channel: str,
    told_at: datetime,
    note: str = "",
    now: datetime | None = None,
) -> tuple[int, int]:
    """Record that members were told of an upcoming decision by hand: bounded by when
    the entry was published and, once it is decided, by when it was decided."""
    now = now or utcnow()
    from flask_babel import format_datetime

    _told_time_checked(told_at, now)
    if told_at < entry.published_at:
        raise Invalid(
            _(
                "That is before it was put in the forward plan (%(when)s).",
                when=format_datetime(entry.published_at, "d MMMM yyyy, HH:mm"),
            ),
            "told_on",
        )
    decided = decision_from_forward_plan(entry)
    if decided is not None and told_at > decided.decided_at:
        raise Invalid(
            _(
                "It had been decided by then (%(when)s): record telling them on the "
                "decision instead.",
                when=format_datetime(decided.decided_at, "d MMMM yyyy, HH:mm"),
            ),
            "told_on",
        )
    if channel == "other" and not (note or "").strip():
        raise Invalid(_("Say in the note how they were told"), "note")
    chosen = list(people)
    _chosen_members(group, chosen)
    announcement = notices.announcement_for("forward_plan", entry.id, 1)
    if announcement is None:
        raise Invalid(_("This entry was never announced, so nothing can be recorded."))
    return notices.record_told(
        announcement,
        user_ids=[p.id for p in chosen],
        channel=channel,
        told_at=told_at,
        note=note,
        recorded_by=by,
        now=now,
    )


def withdraw_told(group: Group, notice_id: int, by: User, reason: str) -> None:
    """Withdraw a record of telling someone made by mistake (it stays in the history)."""
    notice = notices.get_notice(group.id, notice_id)
    if notice is None:
        raise NotFound(_("There is no such record in this group."))
    notices.withdraw(notice, reason=reason, by=by)


# Group figures ---------------------------------------------------------------


@dataclass
class Month:
    label: str  # "2026-03"
    decisions: int = 0
    with_prior_notice: int = 0
    lags_days: list[float] = field(default_factory=list)
    late: int = 0
    missing: int = 0

    @property
    def share_prior_notice(self) -> float | None:
        return self.with_prior_notice / self.decisions if self.decisions else None

    @property
    def median_lag_days(self) -> float | None:
        return statistics.median(self.lags_days) if self.lags_days else None


@dataclass
class Figures:
    decisions: int
    with_prior_notice: int
    median_lag_days: float | None
    told_late: int
    not_told: int
    open_grapevine: int
    months: list[Month]
    #: Times members were told of a decision but not of the version that stands now.
    told_earlier_version: int = 0
    #: Times members heard of a decision along the grapevine before anyone told them.
    heard_first_via_grapevine: int = 0


def group_figures(group: Group, now: datetime | None = None) -> Figures:
    """Headline figures and month-by-month pictures. A fixed number of queries."""
    now = now or utcnow()
    decisions = list(
        db.session.scalars(
            select(Decision).where(Decision.group_id == group.id).order_by(Decision.decided_at)
        )
    )
    plans = {
        e.id: e
        for e in db.session.scalars(
            select(ForwardPlanEntry).where(ForwardPlanEntry.group_id == group.id)
        )
    }
    informed = informed_for(group, states_for(decisions), now)
    months: dict[str, Month] = {}
    all_lags: list[float] = []
    late = missing = prior = earlier = grapevine = 0
    for decision in decisions:
        label = decision.decided_at.strftime("%Y-%m")
        month = months.setdefault(label, Month(label))
        month.decisions += 1
        if notice_given(group, decision.decided_at, plans.get(decision.forward_plan_id)):
            month.with_prior_notice += 1
            prior += 1
        for row in informed[decision.id]:
            told = ("told_on_time", "told_late", "told_earlier_version")
            if row.status in told and row.lag is not None:
                days = max(row.lag.total_seconds(), 0) / 86400
                month.lags_days.append(days)
                all_lags.append(days)
            if row.status == "told_late":
                month.late += 1
                late += 1
            if row.status == "not_told_overdue":
                month.missing += 1
                missing += 1
            earlier += row.status == "told_earlier_version"
            grapevine += row.heard_first_via_grapevine_at is not None
    return Figures(
        decisions=len(decisions),
        with_prior_notice=prior,
        median_lag_days=statistics.median(all_lags) if all_lags else None,
        told_late=late,
        not_told=missing,
        open_grapevine=open_grapevine_count(group),
        months=[months[k] for k in sorted(months)],
        told_earlier_version=earlier,
        heard_first_via_grapevine=grapevine,
    )


# Forward plan ----------------------------------------------------------------


def publish_forward_plan(
    group: Group,
    published_by: User,
    *,
    title: str,
    summary: str,
    decision_by_kind: str,
    decision_by_name: str,
    expected_at: datetime,
    now: datetime | None = None,
) -> ForwardPlanEntry:
    now = now or utcnow()
    if not (title or "").strip():
        raise Invalid(_("Enter what will be decided"), "title")
    if not (summary or "").strip():
        raise Invalid(_("Write a short summary in plain words"), "summary")
    if decision_by_kind not in DECIDED_BY:
        raise Invalid(_("Choose who will take the decision"), "decision_by_kind")
    if expected_at < now - timedelta(days=1):
        raise Invalid(
            _("The expected date has passed. If it has been decided, record the decision instead."),
            "expected_on",
        )
    entry = ForwardPlanEntry(
        group_id=group.id,
        title=title.strip(),
        summary=summary.strip(),
        decision_by_kind=decision_by_kind,
        decision_by_name=(decision_by_name or "").strip(),
        expected_at=expected_at,
        published_at=now,
        published_by_id=published_by.id,
    )
    db.session.add(entry)
    db.session.flush()
    from flask_babel import format_date

    notices.announce(
        group_id=group.id,
        subject_kind="forward_plan",
        subject_id=entry.id,
        title=_("Coming up: %(title)s", title=entry.title),
        body="\n\n".join(
            (
                _("%(group)s has been told of a decision that is coming up.", group=group.name),
                entry.title,
                entry.summary,
                _("Expected on %(date)s.", date=format_date(entry.expected_at, "d MMMM yyyy")),
                _("You can comment before it is taken:"),
            )
        ),
        url=path_for("decisions.forward_plan_entry", slug=group.slug, entry_id=entry.id),
        people=[u for _m, u in group_services.all_members(group)],
        now=now,
        author=published_by,
    )
    return entry


def forward_plan_page(group: Group, page: int, per_page: int) -> Page:
    """Upcoming entries first (soonest first), then those already decided."""
    decided = select(Decision.forward_plan_id).where(Decision.forward_plan_id.is_not(None))
    query = (
        select(ForwardPlanEntry, Decision)
        .outerjoin(Decision, Decision.forward_plan_id == ForwardPlanEntry.id)
        .where(ForwardPlanEntry.group_id == group.id)
        .order_by(
            ForwardPlanEntry.id.in_(decided),
            ForwardPlanEntry.expected_at,
            ForwardPlanEntry.id,
        )
    )
    return paginate(query, page, per_page, rows=True)


def open_forward_plan(group: Group) -> list[ForwardPlanEntry]:
    """Entries not yet decided, for choosing one when recording a decision."""
    decided = select(Decision.forward_plan_id).where(Decision.forward_plan_id.is_not(None))
    return list(
        db.session.scalars(
            select(ForwardPlanEntry)
            .where(ForwardPlanEntry.group_id == group.id, ForwardPlanEntry.id.not_in(decided))
            .order_by(ForwardPlanEntry.expected_at)
            .limit(200)
        )
    )


def add_comment(entry: ForwardPlanEntry, author: User, body: str) -> ForwardPlanComment:
    body = (body or "").strip()
    if not body:
        raise Invalid(_("Write your comment"), "body")
    comment = ForwardPlanComment(
        entry_id=entry.id, group_id=entry.group_id, author_id=author.id, body=body
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def comments_page(entry: ForwardPlanEntry, page: int, per_page: int) -> Page:
    query = (
        select(ForwardPlanComment, User)
        .outerjoin(User, User.id == ForwardPlanComment.author_id)
        .where(ForwardPlanComment.entry_id == entry.id)
        .order_by(ForwardPlanComment.created_at, ForwardPlanComment.id)
    )
    return paginate(query, page, per_page, rows=True)


# Grapevine reports -----------------------------------------------------------


def report_grapevine(
    group: Group, reporter: User, *, what: str, heard_when: str, heard_by_whom: str
) -> GrapevineReport:
    what = (what or "").strip()
    if not what:
        raise Invalid(_("Say what you heard was decided"), "what")
    report = GrapevineReport(
        group_id=group.id,
        reporter_id=reporter.id,
        what=what,
        heard_when=(heard_when or "").strip(),
        heard_by_whom=(heard_by_whom or "").strip(),
    )
    db.session.add(report)
    db.session.flush()
    return report


def get_grapevine(group: Group, report_id: int) -> GrapevineReport | None:
    return db.session.scalar(
        select(GrapevineReport).where(
            GrapevineReport.id == report_id, GrapevineReport.group_id == group.id
        )
    )


def link_grapevine(group: Group, report: GrapevineReport, decision: Decision, by: User) -> None:
    if report.group_id != group.id or decision.group_id != group.id:
        raise Invalid(_("That decision is not in this group"))
    if report.resolved_at is not None:
        raise Invalid(_("This report has already been answered"))
    report.decision_id = decision.id
    report.resolved_by_id = by.id
    report.resolved_at = utcnow()
    db.session.flush()


def answer_grapevine(group: Group, report: GrapevineReport, answer: str, by: User) -> None:
    answer = (answer or "").strip()
    if not answer:
        raise Invalid(_("Write an answer"), "answer")
    if report.resolved_at is not None:
        raise Invalid(_("This report has already been answered"))
    report.answer = answer
    report.resolved_by_id = by.id
    report.resolved_at = utcnow()
    db.session.flush()


def grapevine_page(group: Group, page: int, per_page: int) -> Page:
    """Open reports first, newest first."""
    query = (
        select(GrapevineReport, User, Decision)
        .outerjoin(User, User.id == GrapevineReport.reporter_id)
        .outerjoin(Decision, Decision.id == GrapevineReport.decision_id)
        .where(GrapevineReport.group_id == group.id)
        .order_by(
            GrapevineReport.resolved_at.is_not(None),
            GrapevineReport.created_at.desc(),
            GrapevineReport.id.desc(),
        )
    )
    return paginate(query, page, per_page, rows=True)


def open_grapevine(group: Group, limit: int = 5) -> list[GrapevineReport]:
    return list(
        db.session.scalars(
            select(GrapevineReport)
            .where(GrapevineReport.group_id == group.id, GrapevineReport.resolved_at.is_(None))
            .order_by(GrapevineReport.created_at.desc())
            .limit(limit)
        )
    )


def open_grapevine_count(group: Group) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(GrapevineReport)
            .where(GrapevineReport.group_id == group.id, GrapevineReport.resolved_at.is_(None))
        )
        or 0
    )


def grapevine_first(decision_ids: list[int]) -> dict[tuple[int, int], datetime]:
    """For each (decision, reporter): when they first reported hearing of it along the
    grapevine. Evidence about the reporter alone: nobody else's record changes."""
    if not decision_ids:
        return {}
    return {
        (decision_id, reporter_id): at
        for decision_id, reporter_id, at in db.session.execute(
            select(
                GrapevineReport.decision_id,
                GrapevineReport.reporter_id,
                func.min(GrapevineReport.created_at),
            )
            .where(
                GrapevineReport.decision_id.in_(decision_ids),
                GrapevineReport.reporter_id.is_not(None),
            )
            .group_by(GrapevineReport.decision_id, GrapevineReport.reporter_id)
        )
    }
