"""Who is coming and who came: answers before a meeting, check-in at the door, guests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.dbtypes import utcnow
from app.errors import Conflict, Invalid
from app.extensions import db
from app.groups import services as group_services
from app.groups.models import Group, Membership
from app.meetings.models import RSVPS, Attendance, Meeting

#: Before a meeting finishes, people may still answer and be checked in.
OPEN = ("planned", "under_way")


@dataclass
class AttendanceRow:
    membership: Membership
    person: User
    attendance: Attendance | None

    @property
    def present(self) -> bool:
        return bool(self.attendance and self.attendance.checked_in_at)

    @property
    def rsvp(self) -> str | None:
        return self.attendance.rsvp if self.attendance else None

    def state(self, meeting: Meeting) -> str:
        """present, apologies, absent (after the meeting), coming or no_reply."""
        if self.present:
            return "present"
        if self.rsvp == "apologies":
            return "apologies"
        if meeting.status == "finished":
            return "absent"
        return self.rsvp or "no_reply"


def _joined_by_the_end(query, group: Group, meeting: Meeting):
    """Members with their attendance at the meeting (if any), leaving out those who
    joined the group after it ended: they are not on its record."""
    return query.outerjoin(
        Attendance,
        (Attendance.user_id == Membership.user_id) & (Attendance.meeting_id == meeting.id),
    ).where(Membership.group_id == group.id, Membership.joined_at <= meeting.ends_at)


def attendance_rows(group: Group, meeting: Meeting, name: str = "") -> list[AttendanceRow]:
    """Every member with their answer and check-in, by name. One query."""
    query = _joined_by_the_end(
        select(Membership, User, Attendance).join(User, User.id == Membership.user_id),
        group,
        meeting,
    ).order_by(User.name, Membership.id)
    name = (name or "").strip()
    if name:
        query = query.where(func.lower(User.name).contains(name.lower()[:60], autoescape=True))
    return [AttendanceRow(m, u, a) for m, u, a in db.session.execute(query)]


@dataclass
class Counts:
    members: int = 0
    present: int = 0
    apologies: int = 0
    coming: int = 0


def attendance_counts(group: Group, meeting: Meeting) -> Counts:
    """How many members there are, came, sent apologies or said they are coming. One query."""
    present = func.count(Attendance.checked_in_at)
    apologies = func.count(
        case(((Attendance.rsvp == "apologies") & Attendance.checked_in_at.is_(None), 1))
    )
    coming = func.count(case((Attendance.rsvp == "coming", 1)))
    query = select(func.count(Membership.id), present, apologies, coming).select_from(Membership)
    return Counts(*db.session.execute(_joined_by_the_end(query, group, meeting)).one())


def _find(meeting: Meeting, user_id: int) -> Attendance | None:
    return db.session.scalar(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.user_id == user_id)
    )


def my_attendance(meeting: Meeting, user: User) -> Attendance | None:
    return _find(meeting, user.id)


def _attendance_for(meeting: Meeting, user_id: int) -> Attendance:
    """The person's attendance row, made if missing (safe when two requests race)."""
    found = _find(meeting, user_id)
    if found is not None:
        return found
    found = Attendance(meeting_id=meeting.id, user_id=user_id)
    try:
        with db.session.begin_nested():
            db.session.add(found)
    except IntegrityError:
        found = _find(meeting, user_id)
    return found


def rsvp(meeting: Meeting, user: User, answer: str, now: datetime | None = None) -> Attendance:
    """A member says they are coming, or sends apologies."""
    now = now or utcnow()
    if answer not in RSVPS:
        raise Invalid(_("Choose whether you are coming"), "answer")
    if meeting.status not in OPEN:
        raise Conflict(_("This meeting is over or cancelled, so answers are closed."))
    found = _attendance_for(meeting, user.id)
    found.rsvp = answer
    found.rsvp_at = now
    db.session.flush()
    return found


def _must_be_open_for_attendance(meeting: Meeting) -> None:
    if meeting.status not in OPEN:
        raise Conflict(_("Attendance can only change before the meeting finishes."))


def set_attendance(
    group: Group,
    meeting: Meeting,
    member_id: int,
    state: str,
    by: User,
    now: datetime | None = None,
) -> tuple[Membership, User]:
    """Check a member in at the door ("present"), record apologies, or undo a check-in."""
    now = now or utcnow()
    if state not in ("present", "apologies", "clear"):
        raise Invalid(_("Choose present, apologies or undo"))
    found = group_services.get_member(group, member_id)
    if found is None:
        raise Invalid(_("That person is not a member of this group."), "member")
    _must_be_open_for_attendance(meeting)
    membership, person = found
    row = _attendance_for(meeting, person.id)
    if state == "present":
        if row.checked_in_at is None:
            row.checked_in_at = now
            row.checked_in_by_id = by.id
    else:
        row.checked_in_at = None
        row.checked_in_by_id = None
        if state == "apologies":
            row.rsvp, row.rsvp_at = "apologies", now
    db.session.flush()
    return membership, person


def set_guests(meeting: Meeting, guests: int) -> None:
    if not 0 <= guests <= 100_000:
        raise Invalid(_("Enter the number of guests, from 0 upwards"), "guests")
    _must_be_open_for_attendance(meeting)
    meeting.guests = guests
    db.session.flush()


def present_user_ids(meeting: Meeting) -> list[int]:
    return list(
        db.session.scalars(
            select(Attendance.user_id).where(
                Attendance.meeting_id == meeting.id, Attendance.checked_in_at.is_not(None)
            )
        )
    )
