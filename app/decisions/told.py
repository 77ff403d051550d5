"""Who was told of each decision, how and when, and recording people told by hand.

The status rule lives here (`informed_status`): only notices that reached someone
count, per version of the decision. Records made by hand are bounded in time and
withdrawn, never edited.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.dbtypes import utcnow
from app.decisions.models import Decision, ForwardPlanEntry
from app.decisions.reports import grapevine_first
from app.decisions.services import (
    CLOCK_SLACK,
    DecisionState,
    log_page,
    recent_decisions,
    states_for,
)
from app.decisions.upcoming import decision_from_forward_plan
from app.errors import Invalid, NotFound
from app.extensions import db
from app.groups import services as group_services
from app.groups.models import Group, Membership
from app.notices import services as notices
from app.notices.services import ToldRecord
from app.pagination import Page

#: Whether a member was told of a decision, and in time: exactly these, in this order.
STATUSES = (
    "consulted_before",
    "told_on_time",
    "told_late",
    "told_earlier_version",
    "not_told_overdue",
    "not_told",
)


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


def not_told_in_time(group: Group, now: datetime | None = None) -> list[tuple[int, Informed]]:
    """(decision id, row) for every member not yet told of a decision of the group
    when the group's window for telling them has passed ("not told, overdue"). Five
    queries, however long the log."""
    decisions = list(db.session.scalars(select(Decision).where(Decision.group_id == group.id)))
    informed = informed_for(group, states_for(decisions), now)
    return [
        (decision_id, row)
        for decision_id, rows in informed.items()
        for row in rows
        if row.status == "not_told_overdue"
    ]


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


def _check_record(told_at: datetime, now: datetime, channel: str, note: str) -> None:
    """What every record made by hand needs: a time, not in the future, and for "another
    way", a note saying which."""
    if told_at.tzinfo is None:
        raise Invalid(_("Enter when they were told"), "told_on")
    if told_at > now + CLOCK_SLACK:
        raise Invalid(_("The time they were told cannot be in the future"), "told_on")
    if channel == "other" and not (note or "").strip():
        raise Invalid(_("Say in the note how they were told"), "note")


def _record(announcement, by: User, people: list[User], **record) -> tuple[int, int]:
    if announcement is None:
        raise Invalid(_("This was never announced, so nothing can be recorded."))
    return notices.record_told(
        announcement, user_ids=[p.id for p in people], recorded_by=by, **record
    )


def record_told(
    group: Group,
    decision: Decision,
    by: User,
    *,
    people: Iterable[User],
    channel: str,
    told_at: datetime,
    note: str = "",
    day_only: bool = False,
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

    _check_record(told_at, now, channel, note)
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
    version = states_for([decision])[0].version_at(told_at)
    announcement = notices.announcement_for("decision", decision.id, version)
    return _record(
        announcement,
        by,
        chosen,
        channel=channel,
        told_at=told_at,
        note=note,
        day_only=day_only,
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
    day_only: bool = False,
    now: datetime | None = None,
) -> tuple[int, int]:
    """Record that members were told of an upcoming decision by hand: bounded by when
    the entry was published and, once it is decided, by when it was decided."""
    now = now or utcnow()
    from flask_babel import format_datetime

    _check_record(told_at, now, channel, note)
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
    chosen = list(people)
    _chosen_members(group, chosen)
    announcement = notices.announcement_for("forward_plan", entry.id, 1)
    return _record(
        announcement,
        by,
        chosen,
        channel=channel,
        told_at=told_at,
        note=note,
        day_only=day_only,
        now=now,
    )


def withdraw_told(group: Group, notice_id: int, by: User, reason: str) -> None:
    """Withdraw a record of telling someone made by mistake (it stays in the history)."""
    notice = notices.get_notice(group.id, notice_id)
    if notice is None:
        raise NotFound(_("There is no such record in this group."))
    notices.withdraw(notice, reason=reason, by=by)
