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
from app.dbtypes import utcnow
from app.decisions import chain, markdown
from app.decisions.models import (
    AMENDABLE,
    AMENDMENT_KINDS,
    DECIDED_BY,
    IMPLEMENTATION,
    Amendment,
    Decision,
    ForwardPlanComment,
    ForwardPlanEntry,
    GrapevineReport,
    LogEntry,
)
from app.extensions import db
from app.groups import services as group_services
from app.groups.models import Group, Membership
from app.links import path_for
from app.notices import services as notices
from app.pagination import Page, paginate

#: A little slack for clocks: "now" typed on a phone may be a moment ahead of the server.
CLOCK_SLACK = timedelta(minutes=5)

STATUSES = ("consulted_before", "told_on_time", "told_late", "not_told_overdue", "not_told")


class DecisionError(Exception):
    """Something that cannot be recorded; the message says why in plain words."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


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

    @property
    def id(self) -> int:
        return self.decision.id

    @property
    def number(self) -> int:
        return self.decision.number


def current_state(decision: Decision, amendments: list[Amendment]) -> DecisionState:
    state = DecisionState(decision=decision, amendments=sorted(amendments, key=lambda a: a.id))
    for name in AMENDABLE:
        setattr(state, name, getattr(decision, name))
    for amendment in state.amendments:
        for name, value in (amendment.changes or {}).items():
            if name in AMENDABLE:
                setattr(state, name, value)
        if amendment.kind == "revocation":
            state.revoked = True
    return state


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
    "amendments",
    "chain_hash",
    "members",
    "told_before",
    "told_on_time",
    "told_late",
    "not_told",
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
    commit: bool = True,
) -> Decision:
    """Put a decision in the log, chain it, and tell every member. Commits once.

    `told_in_person`: ids of people in the room when it was taken (recorded as
    told in person at `now`, with `told_note`). With commit=False the caller
    commits, so what it adds joins the same transaction.
    """
    now = now or utcnow()
    title, summary = (title or "").strip(), (summary or "").strip()
    if not title:
        raise DecisionError(_("Enter what was decided"), "title")
    if not summary:
        raise DecisionError(_("Write a short summary in plain words"), "summary")
    if decided_at.tzinfo is None:
        raise DecisionError(_("Enter when it was decided"), "decided_on")
    if decided_at > now + CLOCK_SLACK:
        raise DecisionError(
            _(
                "The date it was decided cannot be in the future. For an upcoming decision, "
                "add it to the forward plan instead."
            ),
            "decided_on",
        )
    if decided_by_kind not in DECIDED_BY:
        raise DecisionError(_("Choose who took the decision"), "decided_by_kind")
    if status not in IMPLEMENTATION:
        raise DecisionError(_("Choose how far it has been carried out"), "status")
    entry = get_forward_plan(group, forward_plan_id)
    if forward_plan_id is not None and entry is None:
        raise DecisionError(_("That upcoming decision is not in this group's forward plan"))
    if entry is not None and decision_from_forward_plan(entry) is not None:
        raise DecisionError(_("A decision has already been recorded for that forward-plan entry"))
    short_notice_reason = (short_notice_reason or "").strip() or None
    if needs_notice_reason(group, decided_by_kind, decided_at, entry):
        if not short_notice_reason:
            raise DecisionError(
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
    chain.append(group, "decision", decision)
    _announce_decision(
        group,
        decision,
        now,
        in_person=told_in_person,
        in_person_note=told_note,
        recorded_by=recorded_by,
    )
    if commit:
        db.session.commit()
    return decision


def _announce_decision(
    group: Group,
    decision: Decision,
    now: datetime,
    heading: str | None = None,
    **in_the_room,
) -> None:
    from flask_babel import format_date

    body = "\n\n".join(
        part
        for part in (
            heading or _("%(group)s has recorded a decision.", group=group.name),
            decision.title,
            decision.summary,
            _("Decided on %(date)s.", date=format_date(decision.decided_at, "d MMMM yyyy")),
            _("Open the link to read it, and to say you have read it:"),
        )
        if part
    )
    notices.announce(
        group_id=group.id,
        subject_kind="decision",
        subject_id=decision.id,
        title=_("Decision: %(title)s", title=decision.title),
        body=body,
        url=path_for("decisions.show", slug=group.slug, decision_id=decision.id),
        people=[u for _m, u in group_services.all_members(group)],
        now=now,
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
        raise DecisionError(_("That decision is not in this group"))
    if kind not in AMENDMENT_KINDS:
        raise DecisionError(_("Choose what kind of change this is"), "kind")
    reason = (reason or "").strip()
    if not reason:
        raise DecisionError(_("Say why it is being changed"), "reason")
    state = states_for([decision])[0]
    if state.revoked:
        raise DecisionError(_("This decision has been revoked; it cannot be changed again"))
    changes = {
        name: (value.strip() if isinstance(value, str) else value)
        for name, value in (changes or {}).items()
        if name in AMENDABLE and value is not None
    }
    changes = {name: value for name, value in changes.items() if value != getattr(state, name)}
    if "title" in changes and not changes["title"]:
        raise DecisionError(_("The title cannot be empty"), "title")
    if "summary" in changes and not changes["summary"]:
        raise DecisionError(_("The summary cannot be empty"), "summary")
    if "status" in changes and changes["status"] not in IMPLEMENTATION:
        raise DecisionError(_("Choose how far it has been carried out"), "status")
    if kind != "revocation" and not changes:
        raise DecisionError(_("Nothing was changed. Change at least one thing, or go back."))
    amendment = Amendment(
        decision_id=decision.id,
        group_id=group.id,
        kind=kind,
        changes=changes,
        reason=reason,
        author_id=author.id,
        created_at=utcnow(),
    )
    db.session.add(amendment)
    db.session.flush()
    chain.append(group, "amendment", amendment)
    if kind != "status":
        heading = {
            "correction": _("A decision in %(group)s's log has been corrected.", group=group.name),
            "revision": _("A decision in %(group)s's log has been revised.", group=group.name),
            "revocation": _("A decision in %(group)s's log has been revoked.", group=group.name),
        }[kind]
        _announce_decision(group, decision, amendment.created_at, heading=f"{heading} {reason}")
    db.session.commit()
    return amendment


# Who was told ----------------------------------------------------------------


@dataclass
class Informed:
    membership: Membership
    person: User
    status: str
    told_at: datetime | None
    channel: str | None
    acknowledged_at: datetime | None
    lag: timedelta | None


def informed_status(
    *,
    decided_at: datetime,
    told_at: datetime | None,
    consulted_at: datetime | None,
    grapevine_at: datetime | None,
    window_days: int,
    now: datetime,
) -> str:
    """The one rule for "was this member told, and in time?"."""
    if consulted_at is not None and consulted_at <= decided_at:
        return "consulted_before"
    if grapevine_at is not None and (told_at is None or told_at > grapevine_at):
        # They heard it along the grapevine before anyone told them.
        return "told_late"
    window = timedelta(days=window_days)
    if told_at is not None:
        return "told_on_time" if told_at - decided_at <= window else "told_late"
    return "not_told_overdue" if now - decided_at > window else "not_told"


def informed_for(
    group: Group, decisions: list[Decision], now: datetime | None = None, people=None
) -> dict[int, list[Informed]]:
    """Who was told about each decision, member by member. Four queries in all.

    Members who joined after a decision was taken are not counted for it.
    """
    now = now or utcnow()
    people = people if people is not None else group_services.all_members(group)
    told = notices.first_told("decision", [d.id for d in decisions])
    plan_ids = [d.forward_plan_id for d in decisions if d.forward_plan_id]
    consulted = notices.first_told("forward_plan", plan_ids)
    grapevine = grapevine_times([d.id for d in decisions])
    result: dict[int, list[Informed]] = {}
    for decision in decisions:
        rows = []
        for membership, person in people:
            if membership.joined_at > decision.decided_at:
                continue
            first = told.get((decision.id, person.id))
            plan = (
                consulted.get((decision.forward_plan_id, person.id))
                if decision.forward_plan_id
                else None
            )
            heard = grapevine.get(decision.id)
            status = informed_status(
                decided_at=decision.decided_at,
                told_at=first.at if first else None,
                consulted_at=plan.at if plan else None,
                grapevine_at=heard,
                window_days=group.inform_within_days,
                now=now,
            )
            if status == "consulted_before":
                told_at, channel = plan.at, plan.channel
            elif heard is not None and (first is None or first.at > heard):
                told_at, channel = heard, "grapevine"
            elif first is not None:
                told_at, channel = first.at, first.channel
            else:
                told_at = channel = None
            rows.append(
                Informed(
                    membership=membership,
                    person=person,
                    status=status,
                    told_at=told_at,
                    channel=channel,
                    acknowledged_at=(first.acknowledged_at if first else None)
                    or (plan.acknowledged_at if plan else None),
                    lag=(told_at - decision.decided_at) if told_at else None,
                )
            )
        result[decision.id] = rows
    return result


def told_counts(rows: list[Informed]) -> Counter:
    counts = Counter(row.status for row in rows)
    counts["members"] = len(rows)
    return counts


def member_page(group: Group, membership: Membership, person: User, page: int, per_page: int):
    """ "What was decided, and when I was told": one member's view of the log."""
    found = log_page(group, page, per_page)
    informed = informed_for(group, [s.decision for s in found.items], people=[(membership, person)])
    rows = [(state, (informed[state.id] or [None])[0]) for state in found.items]
    return found, rows


@dataclass
class Grid:
    columns: list[DecisionState]
    members: Page
    cells: dict[tuple[int, int], str]  # (membership id, decision id) -> status


def grid(group: Group, page: int, per_page: int, columns: int = 12) -> Grid:
    """Members (a page of them) by the latest decisions: who was told about what."""
    latest = list(reversed(recent_decisions(group, columns)))
    members = group_services.members(group, page, per_page)
    informed = informed_for(group, latest, people=members.items)
    cells = {
        (row.membership.id, decision_id): row.status
        for decision_id, rows in informed.items()
        for row in rows
    }
    return Grid(states_for(latest), members, cells)


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
    informed = informed_for(group, decisions, now)
    months: dict[str, Month] = {}
    all_lags: list[float] = []
    late = missing = prior = 0
    for decision in decisions:
        label = decision.decided_at.strftime("%Y-%m")
        month = months.setdefault(label, Month(label))
        month.decisions += 1
        if notice_given(group, decision.decided_at, plans.get(decision.forward_plan_id)):
            month.with_prior_notice += 1
            prior += 1
        for row in informed[decision.id]:
            if row.status in ("told_on_time", "told_late") and row.lag is not None:
                days = max(row.lag.total_seconds(), 0) / 86400
                month.lags_days.append(days)
                all_lags.append(days)
            if row.status == "told_late":
                month.late += 1
                late += 1
            if row.status == "not_told_overdue":
                month.missing += 1
                missing += 1
    return Figures(
        decisions=len(decisions),
        with_prior_notice=prior,
        median_lag_days=statistics.median(all_lags) if all_lags else None,
        told_late=late,
        not_told=missing,
        open_grapevine=open_grapevine_count(group),
        months=[months[k] for k in sorted(months)],
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
        raise DecisionError(_("Enter what will be decided"), "title")
    if not (summary or "").strip():
        raise DecisionError(_("Write a short summary in plain words"), "summary")
    if decision_by_kind not in DECIDED_BY:
        raise DecisionError(_("Choose who will take the decision"), "decision_by_kind")
    if expected_at < now - timedelta(days=1):
        raise DecisionError(
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
    )
    db.session.commit()
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
        raise DecisionError(_("Write your comment"), "body")
    comment = ForwardPlanComment(
        entry_id=entry.id, group_id=entry.group_id, author_id=author.id, body=body
    )
    db.session.add(comment)
    db.session.commit()
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
        raise DecisionError(_("Say what you heard was decided"), "what")
    report = GrapevineReport(
        group_id=group.id,
        reporter_id=reporter.id,
        what=what,
        heard_when=(heard_when or "").strip(),
        heard_by_whom=(heard_by_whom or "").strip(),
    )
    db.session.add(report)
    db.session.commit()
    return report


def get_grapevine(group: Group, report_id: int) -> GrapevineReport | None:
    return db.session.scalar(
        select(GrapevineReport).where(
            GrapevineReport.id == report_id, GrapevineReport.group_id == group.id
        )
    )


def link_grapevine(group: Group, report: GrapevineReport, decision: Decision, by: User) -> None:
    if report.group_id != group.id or decision.group_id != group.id:
        raise DecisionError(_("That decision is not in this group"))
    if report.resolved_at is not None:
        raise DecisionError(_("This report has already been answered"))
    report.decision_id = decision.id
    report.resolved_by_id = by.id
    report.resolved_at = utcnow()
    db.session.commit()


def answer_grapevine(group: Group, report: GrapevineReport, answer: str, by: User) -> None:
    answer = (answer or "").strip()
    if not answer:
        raise DecisionError(_("Write an answer"), "answer")
    if report.resolved_at is not None:
        raise DecisionError(_("This report has already been answered"))
    report.answer = answer
    report.resolved_by_id = by.id
    report.resolved_at = utcnow()
    db.session.commit()


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


def grapevine_times(decision_ids: list[int]) -> dict[int, datetime]:
    """When each decision was first reported as heard along the grapevine."""
    if not decision_ids:
        return {}
    return dict(
        db.session.execute(
            select(GrapevineReport.decision_id, func.min(GrapevineReport.created_at))
            .where(GrapevineReport.decision_id.in_(decision_ids))
            .group_by(GrapevineReport.decision_id)
        ).all()
    )
