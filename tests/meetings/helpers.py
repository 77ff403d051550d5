"""Builders for meeting tests: a group with people, a meeting planned, started or finished.

Each builder stands for requests made before the test's own, so it commits what it
made (services never do; the request that calls them does)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.dbtypes import local_to_utc, local_today, utcnow
from app.extensions import db
from app.meetings import agenda, live, planning
from app.notices.models import Announcement, Notice
from tests.factories import make_group, make_member


def next_week(
    days: int = 7, at: time = time(18, 30), hours: float = 2
) -> tuple[datetime, datetime]:
    """A start and end in London time, `days` from today."""
    starts = local_to_utc(local_today() + timedelta(days=days), at)
    return starts, starts + timedelta(hours=hours)


def meeting_fields(**overrides) -> dict:
    starts, ends = next_week()
    fields = {
        "title": "Riverside group meeting",
        "kind": "group_meeting",
        "starts_at": starts,
        "ends_at": ends,
        "place": "St Mark's church hall, Mill Lane",
    }
    fields.update(overrides)
    return fields


def plan(group, by, **overrides):
    meeting = planning.plan_meeting(group, by, **meeting_fields(**overrides))
    db.session.commit()
    return meeting


def group_with_people(residents: int = 3):
    """A group with a facilitator and some residents (who read notices in the app)."""
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    people = [make_member(group, "resident") for _ in range(residents)]
    return group, facilitator, people


def with_agenda(group, meeting, titles=("Welcome", "Damp survey", "Any other business")):
    for title in titles:
        agenda.add_item(group, meeting, title=title)
    db.session.commit()
    return [row.item for row in agenda.agenda(meeting)]


def under_way(group, facilitator, titles=("Welcome", "Damp survey", "Any other business")):
    """A meeting planned for next week, with an agenda, started now."""
    meeting = plan(group, facilitator)
    items = with_agenda(group, meeting, titles)
    live.start_meeting(meeting)
    db.session.commit()
    return meeting, items


def held_earlier(
    group, facilitator, *, hours_ago: float = 3, titles=("Welcome", "Any other business")
):
    """A meeting that was planned weeks ago, started and is still under way (not finished)."""
    starts = utcnow() - timedelta(hours=hours_ago)
    meeting = planning.plan_meeting(
        group,
        facilitator,
        **meeting_fields(starts_at=starts, ends_at=starts + timedelta(hours=2)),
        now=starts - timedelta(days=21),
    )
    items = with_agenda(group, meeting, titles)
    live.start_meeting(meeting, now=starts)
    db.session.commit()
    return meeting, items


def finished(group, facilitator, titles=("Welcome", "Any other business")):
    meeting, items = under_way(group, facilitator, titles)
    live.finish_meeting(meeting)
    db.session.commit()
    return meeting, items


def announcements(kind: str, subject_id: int) -> list[Announcement]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Announcement)
            .where(Announcement.subject_kind == kind, Announcement.subject_id == subject_id)
            .order_by(Announcement.id)
        )
    )


def channels_by_person(announcement) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for notice in db.session.scalars(
        select(Notice).where(Notice.announcement_id == announcement.id)
    ):
        found.setdefault(notice.user_id, set()).add(notice.channel)
    return found


def membership_of(group, user):
    return next(m for m, u in members_of(group) if u.id == user.id)


def members_of(group):
    from app.groups import services as groups

    return groups.all_members(group)


def edit_meeting(group, meeting, by, **overrides):
    """Change a meeting through the service, keeping every detail not overridden."""
    fields = {
        "title": meeting.title,
        "kind": meeting.kind,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "description": meeting.description,
        "place": meeting.place,
        "online_link": meeting.online_link,
        "access_features": list(meeting.access_features),
        "access_notes": meeting.access_notes,
    }
    fields.update(overrides)
    return planning.change_meeting(group, meeting, by, **fields)
