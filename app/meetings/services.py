"""Meetings: planning and telling members, attendance, live capture, minutes, actions.

What a meeting decides goes into the decision log through the decisions
service, in the same transaction as the meeting's own record of it; members
checked in at that moment are recorded as told in person there and then.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import format_date, format_time
from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from app.accounts.models import User
from app.accounts.services import people_by_id
from app.chain import services as chain
from app.dbtypes import local_today, utcnow
from app.decisions import services as decisions
from app.decisions.models import Decision
from app.decisions.told import record_told
from app.enquiries import services as enquiries
from app.enquiries.models import Enquiry
from app.errors import Conflict, Invalid, Refused
from app.extensions import db
from app.groups import services as group_services
from app.groups.models import Group, Membership
from app.links import NotAWebLink, path_for, web_link
from app.meetings.labels import ACCESS_LABELS
from app.meetings.models import (
    ACCESS_FEATURES,
    ACTION_OPEN,
    ACTION_STATUSES,
    MEETING_KINDS,
    RSVPS,
    Action,
    ActionUpdate,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingDecision,
    Paper,
)
from app.notices import services as notices
from app.pagination import Page, paginate
from app.uploads import services as uploads
from app.uploads.filetypes import DOCUMENTS, IMAGES, SPREADSHEETS
from app.uploads.models import Upload
from app.voting import priorities
from app.voting import services as voting
from app.voting.models import Ballot, Priority

#: A little slack for clocks: "now" typed on a phone may be a moment behind the server.
CLOCK_SLACK = timedelta(minutes=5)
MAX_AGENDA_ITEMS = 40
MAX_PAPERS = 30
#: What a meeting paper may be: documents, spreadsheets and photos (no sound or video).
PAPER_FILES = DOCUMENTS | SPREADSHEETS | IMAGES
#: Remind owners of actions due this many days ahead, and again no sooner than a week.
REMIND_AHEAD = timedelta(days=2)
REMIND_AGAIN_AFTER = timedelta(days=6)


class NotesConflict(Conflict):
    """Someone else saved first: their text, so nothing of either is lost."""

    def __init__(self, theirs: str, version: int, by: str, at: datetime | None):
        super().__init__(_("Someone else saved these notes while you were writing."))
        self.theirs, self.version, self.by, self.at = theirs, version, by, at


def new_capture_key() -> str:
    """A one-time key for a capture form, so sending it twice records one thing."""
    return secrets.token_urlsafe(18)


def _http_link(url: str, field_name: str) -> str:
    """A link members will follow, checked (see app.links.web_link); "" when empty."""
    try:
        return web_link(url, 500) or ""
    except NotAWebLink as exc:
        raise Invalid(str(exc), field_name) from exc


def _within(text: str | None, limit: int) -> str:
    return (text or "").strip()[:limit]


# Planning ----------------------------------------------------------------------


def get_meeting(group: Group, meeting_id: int) -> Meeting | None:
    return db.session.scalar(
        select(Meeting).where(Meeting.id == meeting_id, Meeting.group_id == group.id)
    )


def meetings_page(group: Group, page: int, per_page: int, *, past: bool = False) -> Page:
    """Meetings still to come (soonest first), or those that have ended (latest first)."""
    now = utcnow()
    query = select(Meeting).where(Meeting.group_id == group.id)
    if past:
        query = query.where(Meeting.ends_at < now).order_by(
            Meeting.starts_at.desc(), Meeting.id.desc()
        )
    else:
        query = query.where(Meeting.ends_at >= now).order_by(Meeting.starts_at, Meeting.id)
    return paginate(query, page, per_page)


def upcoming_meetings(group: Group, limit: int) -> list[Meeting]:
    """The next meetings that will go ahead, for the group's home page."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.group_id == group.id,
                Meeting.ends_at >= utcnow(),
                Meeting.status != "cancelled",
            )
            .order_by(Meeting.starts_at, Meeting.id)
            .limit(limit)
        )
    )


def _check_details(
    *,
    title: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    online_link: str,
    access_features: list[str],
    now: datetime,
    start_must_be_ahead: bool = True,
) -> None:
    if not title:
        raise Invalid(_("Enter a name for the meeting"), "title")
    if kind not in MEETING_KINDS:
        raise Invalid(_("Choose what kind of meeting it is"), "kind")
    if start_must_be_ahead and starts_at < now - CLOCK_SLACK:
        raise Invalid(
            _(
                "That start time has passed. Members can only be told about meetings "
                "that are still to come."
            ),
            "starts_on",
        )
    if ends_at <= starts_at:
        raise Invalid(_("The meeting must end after it starts"), "ends_time")
    if ends_at - starts_at > timedelta(hours=24):
        raise Invalid(_("A meeting can last a day at most"), "ends_time")
    if not place and not online_link:
        raise Invalid(_("Say where the meeting is, or give its online link"), "place")
    if any(code not in ACCESS_FEATURES for code in access_features):
        raise Invalid(_("Choose from the list"), "access_features")


def _when(meeting: Meeting) -> str:
    return _(
        "%(day)s, %(start)s to %(end)s",
        day=format_date(meeting.starts_at, "EEEE d MMMM yyyy"),
        start=format_time(meeting.starts_at, "HH:mm"),
        end=format_time(meeting.ends_at, "HH:mm"),
    )


def _details_text(meeting: Meeting) -> str:
    lines = [meeting.title, _when(meeting)]
    if meeting.place:
        lines.append(_("Where: %(place)s", place=meeting.place))
    if meeting.online_link:
        lines.append(_("Online: %(link)s", link=meeting.online_link))
    access = [str(ACCESS_LABELS.get(code, code)) for code in meeting.access_features or []]
    if meeting.access_notes:
        access.append(meeting.access_notes)
    if access:
        lines.append(_("Access: %(notes)s", notes="; ".join(access)))
    return "\n".join(lines)


def _announce_meeting(group: Group, meeting: Meeting, title: str, opening: str, now) -> None:
    notices.announce(
        group_id=group.id,
        subject_kind="meeting",
        subject_id=meeting.id,
        title=title,
        body="\n\n".join(
            part for part in (opening, _details_text(meeting), meeting.description) if part
        ),
        url=path_for("meetings.show", slug=group.slug, meeting_id=meeting.id),
        people=[u for _m, u in group_services.all_members(group)],
        now=now,
    )


def plan_meeting(
    group: Group,
    by: User,
    *,
    title: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    place: str = "",
    online_link: str = "",
    access_features: list[str] | None = None,
    access_notes: str = "",
    now: datetime | None = None,
) -> Meeting:
    """Put a meeting in the group's calendar and tell every member."""
    now = now or utcnow()
    title, place = _within(title, 200), _within(place, 300)
    online_link = _http_link(online_link, "online_link")
    access_features = list(dict.fromkeys(access_features or []))
    _check_details(
        title=title,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online_link=online_link,
        access_features=access_features,
        now=now,
    )
    meeting = Meeting(
        group_id=group.id,
        title=title,
        kind=kind,
        description=(description or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online_link=online_link,
        access_features=access_features,
        access_notes=(access_notes or "").strip(),
        created_by_id=by.id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(meeting)
    db.session.flush()
    _announce_meeting(
        group,
        meeting,
        _("Meeting: %(title)s, %(day)s", title=title, day=format_date(starts_at, "d MMMM")),
        _("%(group)s has planned a meeting. You are welcome.", group=group.name),
        now,
    )
    db.session.flush()
    return meeting


#: What members are told about again when it changes (the agenda is not: it grows).
MATERIAL = (
    "title",
    "starts_at",
    "ends_at",
    "place",
    "online_link",
    "access_features",
    "access_notes",
)


def change_meeting(
    group: Group,
    meeting: Meeting,
    by: User,
    *,
    title: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    place: str = "",
    online_link: str = "",
    access_features: list[str] | None = None,
    access_notes: str = "",
    now: datetime | None = None,
) -> bool:
    """Change a planned meeting. Members are told when the time, place or name changes.

    Returns whether members were told.
    """
    now = now or utcnow()
    if meeting.status != "planned":
        raise Conflict(_("Only a meeting that has not started yet can be changed."))
    new = {
        "title": _within(title, 200),
        "kind": kind,
        "description": (description or "").strip(),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": _within(place, 300),
        "online_link": _http_link(online_link, "online_link"),
        "access_features": list(dict.fromkeys(access_features or [])),
        "access_notes": (access_notes or "").strip(),
    }
    # A start that has passed may stay as it was; a new one must be still to come.
    moved = starts_at != meeting.starts_at
    _check_details(
        title=new["title"],
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        place=new["place"],
        online_link=new["online_link"],
        access_features=new["access_features"],
        now=now,
        start_must_be_ahead=moved,
    )
    material = [name for name in MATERIAL if getattr(meeting, name) != new[name]]
    for name, value in new.items():
        setattr(meeting, name, value)
    meeting.updated_at = now
    if material:
        meeting.sequence += 1
        _announce_meeting(
            group,
            meeting,
            _("Meeting changed: %(title)s", title=meeting.title),
            _("A meeting of %(group)s has changed. Here are the details now.", group=group.name),
            now,
        )
    db.session.flush()
    return bool(material)


def cancel_meeting(
    group: Group, meeting: Meeting, by: User, reason: str, now: datetime | None = None
) -> None:
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why it is cancelled: members will be told"), "reason")
    moved = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.status == "planned")
        .values(
            status="cancelled",
            cancel_reason=reason,
            sequence=Meeting.sequence + 1,
            updated_at=now,
        )
    ).rowcount
    if moved != 1:
        raise Conflict(_("Only a meeting that has not started yet can be cancelled."))
    db.session.refresh(meeting)
    _announce_meeting(
        group,
        meeting,
        _("Cancelled: %(title)s", title=meeting.title),
        _("This meeting will not take place. Reason: %(reason)s", reason=reason),
        now,
    )
    db.session.flush()


# Agenda ------------------------------------------------------------------------


@dataclass
class AgendaRow:
    item: AgendaItem
    priority_title: str | None
    ballot: Ballot | None
    decision: decisions.DecisionState | None
    enquiry_question: str | None = None

    @property
    def id(self) -> int:
        return self.item.id


def agenda(meeting: Meeting) -> list[AgendaRow]:
    """The items in order, with the titles of what they link to. Two queries."""
    rows = list(
        db.session.execute(
            select(AgendaItem, Priority.title, Ballot, Decision, Enquiry.question)
            .outerjoin(Priority, Priority.id == AgendaItem.priority_id)
            .outerjoin(Ballot, Ballot.id == AgendaItem.ballot_id)
            .outerjoin(Decision, Decision.id == AgendaItem.decision_id)
            .outerjoin(Enquiry, Enquiry.id == AgendaItem.enquiry_id)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )
    linked = [d for _i, _p, _b, d, _q in rows if d is not None]
    states = {s.id: s for s in decisions.states_for(linked)} if linked else {}
    return [
        AgendaRow(item, priority_title, ballot, states.get(d.id) if d else None, question)
        for item, priority_title, ballot, d, question in rows
    ]


def get_item(meeting: Meeting, item_id: int) -> AgendaItem | None:
    return db.session.scalar(
        select(AgendaItem).where(AgendaItem.id == item_id, AgendaItem.meeting_id == meeting.id)
    )


def _open_for_agenda(meeting: Meeting) -> None:
    if meeting.status in ("finished", "cancelled"):
        raise Conflict(_("The agenda of a finished or cancelled meeting cannot change."))


def _item_fields(
    group: Group,
    meeting: Meeting,
    *,
    title: str,
    details: str = "",
    lead: str = "",
    minutes_allowed: int | None = None,
    priority_id: int | None = None,
    ballot_id: int | None = None,
    decision_id: int | None = None,
    enquiry_id: int | None = None,
) -> dict:
    """An agenda item's details, checked and tidied, ready to store on the item."""
    _open_for_agenda(meeting)
    title = _within(title, 200)
    if not title:
        raise Invalid(_("Enter what the item is about"), "title")
    if minutes_allowed is not None and not 1 <= minutes_allowed <= 600:
        raise Invalid(_("Give the time in minutes, from 1 to 600"), "minutes_allowed")
    if priority_id and priorities.get_priority(group, priority_id) is None:
        raise Invalid(_("Choose a priority from the list"), "priority_id")
    if ballot_id and voting.get_ballot(group, ballot_id) is None:
        raise Invalid(_("Choose a vote from the list"), "ballot_id")
    if decision_id and decisions.get_decision(group, decision_id) is None:
        raise Invalid(_("Choose a decision from the list"), "decision_id")
    if enquiry_id and enquiries.get_enquiry(group, enquiry_id) is None:
        raise Invalid(_("Choose an enquiry from the list"), "enquiry_id")
    return {
        "title": title,
        "details": (details or "").strip(),
        "lead": _within(lead, 120),
        "minutes_allowed": minutes_allowed,
        "priority_id": priority_id or None,
        "ballot_id": ballot_id or None,
        "decision_id": decision_id or None,
        "enquiry_id": enquiry_id or None,
    }


def add_item(group: Group, meeting: Meeting, **details) -> AgendaItem:
    """Add an item at the end of the agenda (details as for _item_fields)."""
    fields = _item_fields(group, meeting, **details)
    # Lock the meeting so two items added at once get different positions.
    db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    count, last = db.session.execute(
        select(func.count(), func.max(AgendaItem.position)).where(
            AgendaItem.meeting_id == meeting.id
        )
    ).one()
    if count >= MAX_AGENDA_ITEMS:
        raise Invalid(_("An agenda can have at most %(n)d items.", n=MAX_AGENDA_ITEMS), "title")
    item = AgendaItem(meeting_id=meeting.id, position=(last or 0) + 1, **fields)
    db.session.add(item)
    db.session.flush()
    return item


def change_item(group: Group, meeting: Meeting, item: AgendaItem, **details) -> None:
    """Change an item's details (as for _item_fields); its place on the agenda stays."""
    for name, value in _item_fields(group, meeting, **details).items():
        setattr(item, name, value)
    db.session.flush()


def _has_captures(item: AgendaItem) -> bool:
    decided = db.session.scalar(
        select(func.count())
        .select_from(MeetingDecision)
        .where(MeetingDecision.agenda_item_id == item.id)
    )
    acted = db.session.scalar(
        select(func.count()).select_from(Action).where(Action.agenda_item_id == item.id)
    )
    return bool(item.notes.strip() or decided or acted)


def remove_item(meeting: Meeting, item: AgendaItem) -> None:
    _open_for_agenda(meeting)
    if _has_captures(item):
        raise Conflict(_("This item has notes, decisions or actions, so it stays on the record."))
    db.session.delete(item)
    db.session.flush()
    _renumber(meeting)
    db.session.flush()


def _renumber(meeting: Meeting) -> None:
    items = db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position, AgendaItem.id)
    )
    for position, item in enumerate(items, start=1):
        item.position = position


def move_item(meeting: Meeting, item: AgendaItem, direction: str, seen_order: list[int]) -> None:
    """Move an item up or down, if the agenda is still as the person saw it.

    `seen_order` is the item ids in the order the page showed them. If someone
    else reordered, added or removed an item since, nothing moves (409).
    """
    _open_for_agenda(meeting)
    if direction not in ("up", "down"):
        raise Invalid(_("Choose up or down"))
    items = list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
            .with_for_update()
        )
    )
    if [i.id for i in items] != seen_order:
        raise Conflict(
            _(
                "The agenda changed since you opened this page, so nothing was moved. "
                "Here it is as it is now: try again."
            )
        )
    index = next(n for n, i in enumerate(items) if i.id == item.id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        raise Conflict(_("That item cannot move further that way."))
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items, start=1):
        each.position = position
    db.session.flush()


# Papers ------------------------------------------------------------------------


def papers(meeting: Meeting) -> list[tuple[Paper, Upload | None]]:
    """The meeting's papers, each with its file if it is one. One query."""
    return [
        (paper, upload)
        for paper, upload in db.session.execute(
            select(Paper, Upload)
            .outerjoin(Upload, Upload.id == Paper.upload_id)
            .where(Paper.meeting_id == meeting.id)
            .order_by(Paper.id)
            .limit(100)
        )
    ]


def add_paper(
    meeting: Meeting,
    by: User,
    *,
    title: str,
    url: str = "",
    file: FileStorage | None = None,
) -> Paper:
    """A paper for the meeting: a web link, or a small file kept by Logbook (not both).

    A file that cannot be taken is refused (413 too big, 415 the wrong kind); nothing is kept.
    """
    if meeting.status == "cancelled":
        raise Conflict(_("This meeting has been cancelled."))
    title = _within(title, 200)
    if not title:
        raise Invalid(_("Enter the paper's title"), "title")
    url = _http_link(url, "url")
    has_file = uploads.chosen(file)
    if url and has_file:
        raise Invalid(_("Give a web address or choose a file, not both"), "url")
    if not url and not has_file:
        raise Invalid(_("Enter the paper's web address, or choose a file"), "url")
    count = db.session.scalar(
        select(func.count()).select_from(Paper).where(Paper.meeting_id == meeting.id)
    )
    if count >= MAX_PAPERS:
        raise Invalid(_("A meeting can have at most %(n)d papers.", n=MAX_PAPERS), "title")
    group = db.session.get(Group, meeting.group_id)
    upload = uploads.store(group, by, file, allowed=PAPER_FILES) if has_file else None
    paper = Paper(
        meeting_id=meeting.id,
        title=title,
        url=url,
        upload_id=upload.id if upload else None,
        added_by_id=by.id,
    )
    db.session.add(paper)
    db.session.flush()
    return paper


def get_paper(meeting: Meeting, paper_id: int) -> Paper | None:
    return db.session.scalar(
        select(Paper).where(Paper.id == paper_id, Paper.meeting_id == meeting.id)
    )


def remove_paper(meeting: Meeting, paper_id: int) -> None:
    """Take a paper off the meeting; its file, if it had one, goes too."""
    paper = get_paper(meeting, paper_id)
    if paper is None:
        raise Conflict(_("That paper has already been removed."))
    upload = uploads.get_upload(paper.upload_id)
    db.session.delete(paper)
    if upload is not None:
        db.session.delete(upload)
        uploads.discard(upload)
    db.session.flush()


# Attendance --------------------------------------------------------------------


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


def attendance_rows(group: Group, meeting: Meeting, name: str = "") -> list[AttendanceRow]:
    """Every member with their answer and check-in, by name. One query.

    People who joined the group after the meeting ended are not on its record.
    """
    query = (
        select(Membership, User, Attendance)
        .join(User, User.id == Membership.user_id)
        .outerjoin(
            Attendance,
            (Attendance.user_id == Membership.user_id) & (Attendance.meeting_id == meeting.id),
        )
        .where(Membership.group_id == group.id, Membership.joined_at <= meeting.ends_at)
        .order_by(User.name, Membership.id)
    )
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
    row = db.session.execute(
        select(func.count(Membership.id), present, apologies, coming)
        .select_from(Membership)
        .outerjoin(
            Attendance,
            (Attendance.user_id == Membership.user_id) & (Attendance.meeting_id == meeting.id),
        )
        .where(Membership.group_id == group.id, Membership.joined_at <= meeting.ends_at)
    ).one()
    return Counts(*row)


def my_attendance(meeting: Meeting, user: User) -> Attendance | None:
    return db.session.scalar(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.user_id == user.id)
    )


def _attendance_for(meeting: Meeting, user_id: int) -> Attendance:
    """The person's attendance row, made if missing (safe when two requests race)."""
    found = db.session.scalar(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.user_id == user_id)
    )
    if found is not None:
        return found
    found = Attendance(meeting_id=meeting.id, user_id=user_id)
    try:
        with db.session.begin_nested():
            db.session.add(found)
    except IntegrityError:
        found = db.session.scalar(
            select(Attendance).where(
                Attendance.meeting_id == meeting.id, Attendance.user_id == user_id
            )
        )
    return found


def rsvp(meeting: Meeting, user: User, answer: str, now: datetime | None = None) -> Attendance:
    """A member says they are coming, or sends apologies."""
    now = now or utcnow()
    if answer not in RSVPS:
        raise Invalid(_("Choose whether you are coming"), "answer")
    if meeting.status not in ("planned", "under_way"):
        raise Conflict(_("This meeting is over or cancelled, so answers are closed."))
    found = _attendance_for(meeting, user.id)
    found.rsvp = answer
    found.rsvp_at = now
    db.session.flush()
    return found


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
    if meeting.status not in ("planned", "under_way"):
        raise Conflict(_("Attendance can only change before the meeting finishes."))
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
    if meeting.status not in ("planned", "under_way"):
        raise Conflict(_("Attendance can only change before the meeting finishes."))
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


# Live mode ---------------------------------------------------------------------


def _must_be_under_way(meeting: Meeting) -> None:
    if meeting.status != "under_way":
        raise Conflict(_("Start the meeting first."))


def start_meeting(meeting: Meeting, now: datetime | None = None) -> None:
    now = now or utcnow()
    moved = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.status == "planned")
        .values(status="under_way", started_at=now, current_position=1)
    ).rowcount
    db.session.refresh(meeting)
    if moved != 1:
        if meeting.status == "under_way":
            return  # a second click, or a second facilitator: it is under way either way
        raise Conflict(_("This meeting is over or cancelled."))


def step_to(meeting: Meeting, position: int) -> None:
    _must_be_under_way(meeting)
    count = db.session.scalar(
        select(func.count()).select_from(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
    )
    if not 1 <= position <= count:
        raise Invalid(_("Choose an item on the agenda."))
    meeting.current_position = position
    db.session.flush()


def finish_meeting(meeting: Meeting, now: datetime | None = None) -> None:
    now = now or utcnow()
    moved = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.status == "under_way")
        .values(status="finished", finished_at=now, current_position=None)
    ).rowcount
    db.session.refresh(meeting)
    if moved != 1:
        if meeting.status == "finished":
            return
        raise Conflict(_("Only a meeting that is under way can finish."))


def current_item(meeting: Meeting, rows: list[AgendaRow]) -> AgendaRow | None:
    if meeting.current_position is None:
        return None
    return next((r for r in rows if r.item.position == meeting.current_position), None)


def save_notes(
    meeting: Meeting, item: AgendaItem, by: User, text: str, seen_version: int
) -> AgendaItem:
    """Save an item's notes, unless someone else saved since this person loaded them."""
    if meeting.status not in ("under_way", "finished") or meeting.minutes_published_at:
        raise Conflict(
            _("Notes are taken while the meeting is under way, until the minutes are published.")
        )
    text = (text or "").strip()
    if len(text) > 20_000:
        raise Invalid(_("Use at most %(max)d characters.", max=20_000), "notes")
    now = utcnow()
    saved = db.session.execute(
        update(AgendaItem)
        .where(AgendaItem.id == item.id, AgendaItem.notes_version == seen_version)
        .values(
            notes=text,
            notes_version=AgendaItem.notes_version + 1,
            notes_updated_by_id=by.id,
            notes_updated_at=now,
        )
    ).rowcount
    db.session.flush()
    db.session.refresh(item)
    if saved != 1:
        author = (
            db.session.get(User, item.notes_updated_by_id) if item.notes_updated_by_id else None
        )
        raise NotesConflict(
            item.notes, item.notes_version, author.name if author else "", item.notes_updated_at
        )
    return item


def place_of(meeting: Meeting) -> str:
    """How the decision log names where a meeting's decision was taken."""
    where = f"{meeting.title}, {meeting.place}" if meeting.place else meeting.title
    return where[:200]


def capture_decision(
    group: Group,
    meeting: Meeting,
    item: AgendaItem | None,
    by: User,
    *,
    capture_key: str,
    title: str,
    summary: str,
    decided_by_kind: str,
    decided_by_name: str = "",
    forward_plan_id: int | None = None,
    short_notice_reason: str | None = None,
    now: datetime | None = None,
) -> Decision:
    """Record a decision the meeting has just taken, with everyone in the room told.

    The decision, its place in the chain, its notices and the meeting's link to
    it are one transaction: sending the same form twice records it once.
    """
    now = now or utcnow()
    _must_be_under_way(meeting)
    if not capture_key:
        raise Invalid(_("Reload the page and try again."))
    if _already_captured(MeetingDecision, capture_key):
        raise Conflict(_("That decision has already been recorded."))
    try:
        decision = decisions.record_decision(
            group,
            by,
            title=title,
            summary=summary,
            decided_at=now,
            decided_by_kind=decided_by_kind,
            decided_by_name=decided_by_name,
            place=place_of(meeting),
            forward_plan_id=forward_plan_id,
            short_notice_reason=short_notice_reason,
            now=now,
            told_in_person=present_user_ids(meeting),
            told_note=_("In the room at the meeting: %(title)s", title=meeting.title),
        )
        db.session.add(
            MeetingDecision(
                meeting_id=meeting.id,
                agenda_item_id=item.id if item else None,
                decision_id=decision.id,
                capture_key=capture_key,
            )
        )
        db.session.flush()
    except IntegrityError as exc:
        # The same form sent twice at once, or (on SQLite, which cannot lock the log)
        # another decision recorded at the same instant: nothing of this one was saved.
        db.session.rollback()
        if _already_captured(MeetingDecision, capture_key):
            raise Conflict(_("That decision has already been recorded.")) from exc
        raise Conflict(
            _("Another decision was being recorded at the same moment. Send it again.")
        ) from exc
    return decision


def _already_captured(model, capture_key: str) -> bool:
    return db.session.scalar(select(model.id).where(model.capture_key == capture_key)) is not None


def tell_the_room(
    group: Group, meeting: Meeting, decision: Decision, by: User, now: datetime | None = None
) -> int:
    """Record that everyone checked in now heard about a decision, in person, at this moment.

    For a decision taken elsewhere and reported to the meeting. Returns how many
    were newly recorded.
    """
    now = now or utcnow()
    _must_be_under_way(meeting)
    present = present_user_ids(meeting)
    if not present:
        raise Conflict(_("Nobody has been checked in yet."))
    try:
        recorded, _already = record_told(
            group,
            decision,
            by,
            people=people_by_id(present).values(),
            channel="in_person",
            told_at=now,
            note=_("In the room at the meeting: %(title)s", title=meeting.title),
            skip_already=True,
            skip_late_joiners=True,
            now=now,
        )
    except Refused as exc:
        raise Conflict(str(exc)) from exc
    return recorded


@dataclass
class Captured:
    """What a meeting decided and set people to do, by agenda item (None: no item)."""

    decisions: dict[int | None, list[decisions.DecisionState]] = field(
        default_factory=lambda: defaultdict(list)
    )
    actions: dict[int | None, list[Action]] = field(default_factory=lambda: defaultdict(list))
    owners: dict[int, User] = field(default_factory=dict)

    @property
    def all_decisions(self) -> list[decisions.DecisionState]:
        return [s for states in self.decisions.values() for s in states]

    @property
    def all_actions(self) -> list[Action]:
        return [a for found in self.actions.values() for a in found]


def captured(meeting: Meeting) -> Captured:
    """Decisions and actions captured at a meeting. Four queries, whatever their number."""
    result = Captured()
    rows = list(
        db.session.execute(
            select(MeetingDecision.agenda_item_id, Decision)
            .join(Decision, Decision.id == MeetingDecision.decision_id)
            .where(MeetingDecision.meeting_id == meeting.id)
            .order_by(Decision.number)
        )
    )
    states = decisions.states_for([d for _i, d in rows])
    for (item_id, _d), state in zip(rows, states, strict=True):
        result.decisions[item_id].append(state)
    actions = list(
        db.session.scalars(
            select(Action).where(Action.meeting_id == meeting.id).order_by(Action.id)
        )
    )
    for action in actions:
        result.actions[action.agenda_item_id].append(action)
    owner_ids = {a.owner_id for a in actions if a.owner_id}
    if owner_ids:
        result.owners = {
            u.id: u for u in db.session.scalars(select(User).where(User.id.in_(owner_ids)))
        }
    return result


# Minutes -----------------------------------------------------------------------


def draft_minutes(group: Group, meeting: Meeting) -> str:
    """A first draft from what was captured: each item's notes, decisions and actions.

    Who was there is not in the text: the minutes show it from the attendance record.
    """
    rows = agenda(meeting)
    found = captured(meeting)
    held = (
        _(
            "The meeting was held on %(when)s at %(place)s.",
            when=_when(meeting),
            place=meeting.place,
        )
        if meeting.place
        else _("The meeting was held on %(when)s.", when=_when(meeting))
    )
    parts = [held]
    if meeting.description:
        parts.append(meeting.description)

    def decided(states):
        return [
            "- " + _("Decided (decision %(n)d): %(title)s", n=state.number, title=state.title)
            for state in states
        ]

    def actions(found_actions):
        lines = []
        for action in found_actions:
            owner = found.owners.get(action.owner_id)
            who = owner.name if owner else action.owner_name
            due = (
                _(", by %(date)s", date=format_date(action.due_on, "d MMMM yyyy"))
                if action.due_on
                else ""
            )
            lines.append(
                "- " + _("Action: %(what)s (%(who)s%(due)s)", what=action.title, who=who, due=due)
            )
        return lines

    for row in rows:
        item = row.item
        section = [f"## {item.position}. {item.title}"]
        if item.lead:
            section.append(_("Led by %(name)s.", name=item.lead))
        if item.notes:
            section.append(item.notes)
        listed = decided(found.decisions.get(item.id, [])) + actions(found.actions.get(item.id, []))
        if listed:
            section.append("\n".join(listed))
        parts.append("\n\n".join(section))
    loose = decided(found.decisions.get(None, [])) + actions(found.actions.get(None, []))
    if loose:
        parts.append("## " + _("Also agreed") + "\n\n" + "\n".join(loose))
    return "\n\n".join(parts).strip() + "\n"


def start_minutes(group: Group, meeting: Meeting) -> None:
    """Write the first draft once; after that the facilitator's edits are kept."""
    if meeting.status != "finished":
        raise Conflict(_("Minutes are written once the meeting has finished."))
    if meeting.minutes_version:
        return
    text = draft_minutes(group, meeting)
    db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.minutes_version == 0)
        .values(minutes_text=text, minutes_version=1)
    )
    db.session.flush()
    db.session.refresh(meeting)


def save_minutes(meeting: Meeting, text: str, seen_version: int) -> None:
    if meeting.minutes_published_at is not None:
        raise Conflict(_("These minutes have been published, so they can no longer change."))
    text = (text or "").strip()
    if not text:
        raise Invalid(_("The minutes cannot be empty"), "text")
    if len(text) > 100_000:
        raise Invalid(_("Use at most %(max)d characters.", max=100_000), "text")
    saved = db.session.execute(
        update(Meeting)
        .where(
            Meeting.id == meeting.id,
            Meeting.minutes_version == seen_version,
            Meeting.minutes_published_at.is_(None),
        )
        .values(minutes_text=text, minutes_version=Meeting.minutes_version + 1)
    ).rowcount
    db.session.flush()
    db.session.refresh(meeting)
    if saved != 1:
        if meeting.minutes_published_at is not None:
            raise Conflict(_("These minutes have been published, so they can no longer change."))
        raise NotesConflict(meeting.minutes_text, meeting.minutes_version, "", None)


def publish_minutes(group: Group, meeting: Meeting, by: User, now: datetime | None = None) -> None:
    """Publish the minutes, once, and tell every member."""
    now = now or utcnow()
    if meeting.status != "finished":
        raise Conflict(_("Minutes are published once the meeting has finished."))
    if not meeting.minutes_version or not meeting.minutes_text.strip():
        raise Conflict(_("Write the minutes first."))
    published = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.minutes_published_at.is_(None))
        .values(
            minutes_published_at=now,
            minutes_published_by_id=by.id,
            minutes_chain_head=chain.head(group.id),
        )
    ).rowcount
    if published != 1:
        raise Conflict(_("These minutes have already been published."))
    db.session.refresh(meeting)
    notices.announce(
        group_id=group.id,
        subject_kind="minutes",
        subject_id=meeting.id,
        title=_("Minutes: %(title)s", title=meeting.title),
        body="\n\n".join(
            (
                _("The minutes of a meeting of %(group)s are ready to read.", group=group.name),
                _details_text(meeting),
                _("Open the link to read what was said, decided and agreed:"),
            )
        ),
        url=path_for("meetings.minutes", slug=group.slug, meeting_id=meeting.id),
        people=[u for _m, u in group_services.all_members(group)],
        now=now,
        author=by,
    )
    db.session.flush()


def meeting_of_decision(decision_id: int) -> Meeting | None:
    """The meeting a decision was taken at, if any."""
    return db.session.scalar(
        select(Meeting)
        .join(MeetingDecision, MeetingDecision.meeting_id == Meeting.id)
        .where(MeetingDecision.decision_id == decision_id)
    )


# Actions -----------------------------------------------------------------------

#: Which actions a list shows.
ACTION_VIEWS = ("open", "overdue", "done", "all")


def get_action(group: Group, action_id: int) -> Action | None:
    return db.session.scalar(
        select(Action).where(Action.id == action_id, Action.group_id == group.id)
    )


def _actions_query(group: Group, show: str, today: date):
    query = (
        select(Action, User)
        .outerjoin(User, User.id == Action.owner_id)
        .where(Action.group_id == group.id)
    )
    if show == "open":
        query = query.where(Action.status.in_(ACTION_OPEN))
    elif show == "overdue":
        query = query.where(Action.status.in_(ACTION_OPEN), Action.due_on < today)
    elif show == "done":
        query = query.where(Action.status.not_in(ACTION_OPEN))
    if show == "done":
        return query.order_by(Action.completed_at.desc(), Action.id.desc())
    # Soonest due first; those with no date last.
    return query.order_by(Action.due_on.is_(None), Action.due_on, Action.id)


def actions_page(
    group: Group, page: int, per_page: int, show: str = "open", today: date | None = None
) -> Page:
    show = show if show in ACTION_VIEWS else "open"
    return paginate(_actions_query(group, show, today or local_today()), page, per_page, rows=True)


def overdue_actions(group: Group, limit: int, today: date | None = None) -> Page:
    """The first few overdue actions and how many there are, for the group page."""
    return paginate(_actions_query(group, "overdue", today or local_today()), 1, limit, rows=True)


def is_overdue(action: Action, today: date | None = None) -> bool:
    today = today or local_today()
    return action.status in ACTION_OPEN and action.due_on is not None and action.due_on < today


def action_updates(action: Action) -> list[tuple[ActionUpdate, User | None]]:
    return [
        (u, p)
        for u, p in db.session.execute(
            select(ActionUpdate, User)
            .outerjoin(User, User.id == ActionUpdate.author_id)
            .where(ActionUpdate.action_id == action.id)
            .order_by(ActionUpdate.created_at, ActionUpdate.id)
            .limit(200)
        )
    ]


def actions_for_decisions(decision_ids: list[int]) -> list[tuple[Action, User | None]]:
    """What was set in motion by some decisions: "you said, we did". One query."""
    if not decision_ids:
        return []
    return [
        (a, u)
        for a, u in db.session.execute(
            select(Action, User)
            .outerjoin(User, User.id == Action.owner_id)
            .where(Action.decision_id.in_(decision_ids))
            .order_by(Action.id)
            .limit(100)
        )
    ]


def _check_action(
    group: Group,
    *,
    title: str,
    owner_id: int | None,
    owner_name: str,
    decision_id: int | None,
    priority_id: int | None,
) -> User | None:
    if not title:
        raise Invalid(_("Say what will be done"), "title")
    owner = None
    if owner_id:
        owner = db.session.scalar(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.group_id == group.id, User.id == owner_id)
        )
        if owner is None:
            raise Invalid(_("Choose a member of this group"), "owner_id")
    elif not owner_name:
        raise Invalid(_("Choose who will do it, or name the organisation or person"), "owner_id")
    if decision_id and decisions.get_decision(group, decision_id) is None:
        raise Invalid(_("Choose a decision from the list"), "decision_id")
    if priority_id and priorities.get_priority(group, priority_id) is None:
        raise Invalid(_("Choose a priority from the list"), "priority_id")
    return owner


def create_action(
    group: Group,
    by: User,
    *,
    title: str,
    details: str = "",
    owner_id: int | None = None,
    owner_name: str = "",
    due_on: date | None = None,
    decision_id: int | None = None,
    priority_id: int | None = None,
    meeting: Meeting | None = None,
    item: AgendaItem | None = None,
    capture_key: str | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> Action:
    """Agree an action; its owner, if a member, is told."""
    now = now or utcnow()
    today = today or local_today()
    title, owner_name = _within(title, 300), _within(owner_name, 200)
    owner = _check_action(
        group,
        title=title,
        owner_id=owner_id,
        owner_name=owner_name,
        decision_id=decision_id,
        priority_id=priority_id,
    )
    if due_on is not None and due_on < today:
        raise Invalid(_("The date it is due by has passed"), "due_on")
    if capture_key is not None:
        if meeting is None or meeting.status != "under_way":
            raise Conflict(_("Start the meeting first."))
        if _already_captured(Action, capture_key):
            raise Conflict(_("That action has already been recorded."))
    action = Action(
        group_id=group.id,
        title=title,
        details=(details or "").strip(),
        owner_id=owner.id if owner else None,
        owner_name="" if owner else owner_name,
        due_on=due_on,
        decision_id=decision_id or None,
        priority_id=priority_id or None,
        meeting_id=meeting.id if meeting else None,
        agenda_item_id=item.id if item else None,
        capture_key=capture_key,
        created_by_id=by.id,
        created_at=now,
    )
    try:
        db.session.add(action)
        db.session.flush()
        db.session.add(
            ActionUpdate(
                action_id=action.id, status="open", note="", author_id=by.id, created_at=now
            )
        )
        if owner is not None:
            _tell_owner(group, action, owner, _("New action for you: %(title)s", title=title), now)
        db.session.flush()
    except IntegrityError as exc:  # the same capture form, sent twice at once
        db.session.rollback()
        raise Conflict(_("That action has already been recorded.")) from exc
    return action


def _tell_owner(group: Group, action: Action, owner: User, title: str, now) -> None:
    due = (
        _("It is due by %(date)s.", date=format_date(action.due_on, "d MMMM yyyy"))
        if action.due_on
        else ""
    )
    notices.announce(
        group_id=group.id,
        subject_kind="action",
        subject_id=action.id,
        title=title,
        body="\n\n".join(
            part
            for part in (
                _("In %(group)s, you agreed to do this:", group=group.name),
                action.title,
                action.details,
                due,
                _("Open the link to say how it is going:"),
            )
            if part
        ),
        url=path_for("meetings.action", slug=group.slug, action_id=action.id),
        people=[owner],
        now=now,
    )


def change_action(
    group: Group,
    action: Action,
    *,
    title: str,
    details: str = "",
    owner_id: int | None = None,
    owner_name: str = "",
    due_on: date | None = None,
    decision_id: int | None = None,
    priority_id: int | None = None,
) -> None:
    title, owner_name = _within(title, 300), _within(owner_name, 200)
    owner = _check_action(
        group,
        title=title,
        owner_id=owner_id,
        owner_name=owner_name,
        decision_id=decision_id,
        priority_id=priority_id,
    )
    if due_on is not None and due_on != action.due_on and due_on < local_today():
        raise Invalid(_("The date it is due by has passed"), "due_on")
    new_owner = owner is not None and owner.id != action.owner_id
    action.title = title
    action.details = (details or "").strip()
    action.owner_id = owner.id if owner else None
    action.owner_name = "" if owner else owner_name
    action.due_on = due_on
    action.decision_id = decision_id or None
    action.priority_id = priority_id or None
    if new_owner:
        _tell_owner(group, action, owner, _("New action for you: %(title)s", title=title), utcnow())
    db.session.flush()


def update_progress(
    action: Action, by: User, *, status: str, note: str, now: datetime | None = None
) -> ActionUpdate:
    """Say how an action is going ("we did"). Every update is kept."""
    now = now or utcnow()
    if status not in ACTION_STATUSES:
        raise Invalid(_("Choose how it is going"), "status")
    note = (note or "").strip()
    if status == action.status and not note:
        raise Invalid(_("Say what has happened, or choose a new status"), "note")
    if status == "dropped" and not note:
        raise Invalid(_("Say why it is not going ahead: members will see it"), "note")
    update_row = ActionUpdate(
        action_id=action.id, status=status, note=note, author_id=by.id, created_at=now
    )
    db.session.add(update_row)
    action.status = status
    action.completed_at = now if status not in ACTION_OPEN else None
    db.session.flush()
    return update_row


def remind_owners(
    group: Group | None = None, now: datetime | None = None, today: date | None = None
) -> int:
    """Tell owners about their actions that are due soon or overdue. Returns how many.

    Each action is reminded at most once a week; owners who have left the group
    are skipped (facilitators see their actions as overdue instead).
    """
    now = now or utcnow()
    today = today or local_today()
    query = (
        select(Action, User, Group)
        .join(User, User.id == Action.owner_id)
        .join(Group, Group.id == Action.group_id)
        .join(
            Membership,
            (Membership.user_id == Action.owner_id) & (Membership.group_id == Action.group_id),
        )
        .where(
            Action.status.in_(ACTION_OPEN),
            Action.due_on.is_not(None),
            Action.due_on <= today + REMIND_AHEAD,
            or_(Action.reminded_at.is_(None), Action.reminded_at < now - REMIND_AGAIN_AFTER),
        )
        .order_by(Action.id)
    )
    if group is not None:
        query = query.where(Action.group_id == group.id)
    reminded = 0
    for action, owner, action_group in db.session.execute(query).all():
        heading = (
            _("Overdue: %(title)s", title=action.title)
            if action.due_on < today
            else _("Due soon: %(title)s", title=action.title)
        )
        _tell_owner(action_group, action, owner, heading, now)
        action.reminded_at = now
        reminded += 1
    db.session.flush()
    return reminded
