"""What resident-led enquiries do: start one, build its team, gather evidence, write up
what was found, and link the decisions that came out of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from app import links
from app.accounts.models import User
from app.dbtypes import local_today, utcnow
from app.decisions import services as decisions
from app.decisions.models import Decision
from app.enquiries.models import (
    METHODS,
    OUTPUT_KINDS,
    STATUSES,
    STORY,
    TEAM_ROLES,
    DecisionLink,
    Enquiry,
    Evidence,
    JournalEntry,
    Output,
    TeamMember,
)
from app.errors import Invalid
from app.extensions import db
from app.groups.models import Group, Membership
from app.pagination import Page, paginate
from app.uploads import services as uploads
from app.uploads.models import Upload
from app.voting.models import Priority

#: Priorities an enquiry can look into: ones the group has shortlisted, chosen or is acting on.
ENQUIRY_PRIORITY_STATUSES = ("shortlisted", "chosen", "in_action")
#: How many pieces of evidence the enquiry page shows before "see all".
EVIDENCE_ON_PAGE = 5
#: Longest link we keep (browsers and servers rarely take more).
MAX_LINK = 2000


def web_link(text: str | None, field: str = "link") -> str | None:
    """A member's link, checked (see app.links.web_link); None when empty."""
    try:
        return links.web_link(text, MAX_LINK)
    except links.NotAWebLink as exc:
        raise Invalid(str(exc), field) from exc


def _in_group(group: Group, user_id: int) -> bool:
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.group_id == group.id, Membership.user_id == user_id
            )
        )
        is not None
    )


# Enquiries -------------------------------------------------------------------


def enquiry_priorities(group: Group, keep: int | None = None) -> list[Priority]:
    """Priorities an enquiry can be about, those being acted on first; and the one it is
    about already (`keep`), whatever has become of that priority since."""
    order = {status: n for n, status in enumerate(("in_action", "chosen", "shortlisted"))}
    found = db.session.scalars(
        select(Priority)
        .where(
            Priority.group_id == group.id,
            or_(Priority.status.in_(ENQUIRY_PRIORITY_STATUSES), Priority.id == keep),
        )
        .order_by(Priority.title)
        .limit(200)
    )
    return sorted(found, key=lambda p: order.get(p.status, len(order)))


@dataclass
class EnquiryDetails:
    """What the team says about its enquiry, as typed; `start_enquiry` and `update_enquiry`
    check it."""

    question: str
    priority_id: int | None
    methods: Sequence[str] = ()
    other_method: str = ""
    #: How consent is taken, how what people say is kept safe, what is anonymised.
    ethics_notes: str = ""
    participants: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None

    @classmethod
    def of(cls, enquiry: Enquiry) -> EnquiryDetails:
        """The enquiry's details as they stand (to change its stage and nothing else)."""
        return cls(**{f.name: getattr(enquiry, f.name) for f in fields(cls)})


def _checked(group: Group, details: EnquiryDetails, keep: int | None = None) -> EnquiryDetails:
    question = (details.question or "").strip()
    if not question:
        raise Invalid(_("Write the question the enquiry will try to answer"), "question")
    if details.priority_id not in {p.id for p in enquiry_priorities(group, keep)}:
        raise Invalid(_("Choose the priority this enquiry is about"), "priority_id")
    methods = [m for m in METHODS if m in set(details.methods or ())]
    other_method = (details.other_method or "").strip()
    if "other" in methods and not other_method:
        raise Invalid(_("Say what the other way of finding out is"), "other_method")
    if details.participants is not None and details.participants < 0:
        raise Invalid(_("Enter a number from 0 upwards"), "participants")
    if details.starts_on and details.ends_on and details.ends_on < details.starts_on:
        raise Invalid(_("The end date must be on or after the start date"), "ends_on")
    return replace(
        details,
        question=question,
        methods=methods,
        other_method=other_method if "other" in methods else "",
        ethics_notes=(details.ethics_notes or "").strip(),
    )


def _apply(enquiry: Enquiry, details: EnquiryDetails) -> None:
    for f in fields(details):
        setattr(enquiry, f.name, getattr(details, f.name))


def start_enquiry(
    group: Group, starter: User, details: EnquiryDetails, *, starter_role: str = "lead"
) -> Enquiry:
    """A new enquiry in planning, with the person who started it on its team."""
    if starter_role not in TEAM_ROLES:
        raise Invalid(_("Choose a role on the team"), "role")
    details = _checked(group, details)
    enquiry = Enquiry(group_id=group.id, created_by_id=starter.id, status="planning")
    _apply(enquiry, details)
    db.session.add(enquiry)
    db.session.flush()
    db.session.add(
        TeamMember(
            enquiry_id=enquiry.id, user_id=starter.id, role=starter_role, added_by_id=starter.id
        )
    )
    db.session.flush()
    return enquiry


def update_enquiry(
    enquiry: Enquiry,
    by: User,
    details: EnquiryDetails,
    *,
    status: str,
    on: date | None = None,
) -> None:
    """Change the enquiry's details; a new status is written in its journal, dated `on`
    (the day it moved on; today unless said)."""
    if status not in STATUSES:
        raise Invalid(_("Choose where the enquiry is up to"), "status")
    group = db.session.get(Group, enquiry.group_id)
    details = _checked(group, details, keep=enquiry.priority_id)
    if status != enquiry.status:
        db.session.add(
            JournalEntry(
                enquiry_id=enquiry.id,
                happened_on=on or local_today(),
                status=status,
                author_id=by.id,
            )
        )
    _apply(enquiry, details)
    enquiry.status = status
    db.session.flush()


def get_enquiry(group: Group, enquiry_id: int) -> Enquiry | None:
    return db.session.scalar(
        select(Enquiry).where(Enquiry.id == enquiry_id, Enquiry.group_id == group.id)
    )


def visible_to(viewer: User):
    """Evidence the viewer may see: all of it, except stories shared without consent
    on enquiries whose team the viewer is not on (the rule in app.permissions)."""
    my_enquiries = select(TeamMember.enquiry_id).where(TeamMember.user_id == viewer.id)
    return or_(
        Evidence.kind != STORY,
        Evidence.consent_given.is_(True),
        Evidence.enquiry_id.in_(my_enquiries),
    )


@dataclass
class EnquiryRow:
    enquiry: Enquiry
    priority: Priority | None
    evidence: int
    team: int


def enquiries_page(
    group: Group, viewer: User, page: int, per_page: int, *, status: str | None = None
) -> Page:
    """The group's enquiries, newest first, with their priority and how much evidence."""
    evidence_count = (
        select(func.count(Evidence.id))
        .where(Evidence.enquiry_id == Enquiry.id, visible_to(viewer))
        .correlate(Enquiry)
        .scalar_subquery()
    )
    team_count = (
        select(func.count(TeamMember.id))
        .where(TeamMember.enquiry_id == Enquiry.id)
        .correlate(Enquiry)
        .scalar_subquery()
    )
    query = (
        select(Enquiry, Priority, evidence_count, team_count)
        .outerjoin(Priority, Priority.id == Enquiry.priority_id)
        .where(Enquiry.group_id == group.id)
    )
    if status in STATUSES:
        query = query.where(Enquiry.status == status)
    query = query.order_by(Enquiry.created_at.desc(), Enquiry.id.desc())
    found = paginate(query, page, per_page, rows=True)
    found.items = [EnquiryRow(*row) for row in found.items]
    return found


def group_enquiries(group: Group, limit: int = 200) -> list[Enquiry]:
    """The group's enquiries for a chooser, newest first."""
    return list(
        db.session.scalars(
            select(Enquiry)
            .where(Enquiry.group_id == group.id)
            .order_by(Enquiry.created_at.desc(), Enquiry.id.desc())
            .limit(limit)
        )
    )


def priority_of(enquiry: Enquiry) -> Priority | None:
    return db.session.get(Priority, enquiry.priority_id) if enquiry.priority_id else None


# The team --------------------------------------------------------------------


@dataclass
class TeamRow:
    member: TeamMember
    person: User
    #: Their membership of the group (None if they have since left it).
    membership_id: int | None


def team(enquiry: Enquiry) -> list[TeamRow]:
    """The team, leads first, then by name."""
    order = {role: n for n, role in enumerate(TEAM_ROLES)}
    rows = db.session.execute(
        select(TeamMember, User, Membership.id)
        .join(User, User.id == TeamMember.user_id)
        .join(Enquiry, Enquiry.id == TeamMember.enquiry_id)
        .outerjoin(
            Membership,
            (Membership.user_id == TeamMember.user_id) & (Membership.group_id == Enquiry.group_id),
        )
        .where(TeamMember.enquiry_id == enquiry.id)
        .order_by(User.name, TeamMember.id)
    )
    return sorted((TeamRow(*row) for row in rows), key=lambda row: order.get(row.member.role, 99))


def add_to_team(enquiry: Enquiry, person: User, role: str, by: User) -> bool:
    """Put a group member on the team, or change their role. True if they were new to it."""
    if role not in TEAM_ROLES:
        raise Invalid(_("Choose their role on the team"), "role")
    group = db.session.get(Group, enquiry.group_id)
    if not _in_group(group, person.id):
        raise Invalid(_("Choose someone from the group's members"), "member")
    existing = db.session.scalar(
        select(TeamMember).where(
            TeamMember.enquiry_id == enquiry.id, TeamMember.user_id == person.id
        )
    )
    if existing is not None:
        if existing.role == "lead" and role != "lead" and _leads(enquiry) == 1:
            raise Invalid(_("Choose someone else to lead the enquiry first"), "role")
        existing.role = role
        db.session.flush()
        return False
    db.session.add(
        TeamMember(enquiry_id=enquiry.id, user_id=person.id, role=role, added_by_id=by.id)
    )
    try:
        db.session.flush()
    except IntegrityError:  # a double click: the first request already added them
        db.session.rollback()
        return False
    return True


def _leads(enquiry: Enquiry) -> int:
    return (
        db.session.scalar(
            select(func.count(TeamMember.id)).where(
                TeamMember.enquiry_id == enquiry.id, TeamMember.role == "lead"
            )
        )
        or 0
    )


def remove_from_team(enquiry: Enquiry, person_id: int) -> bool:
    """Take someone off the team. False if they were not on it."""
    member = db.session.scalar(
        select(TeamMember).where(
            TeamMember.enquiry_id == enquiry.id, TeamMember.user_id == person_id
        )
    )
    if member is None:
        return False
    if member.role == "lead" and _leads(enquiry) == 1:
        raise Invalid(_("Choose someone else to lead the enquiry before taking the lead off"))
    db.session.delete(member)
    db.session.flush()
    return True


def keep_file(group: Group, by: User, file: FileStorage | None) -> Upload | None:
    return uploads.store(group, by, file) if uploads.chosen(file) else None


# Findings, outputs and the journal -------------------------------------------


def write_findings(enquiry: Enquiry, findings: str) -> None:
    findings = (findings or "").strip()
    if not findings:
        raise Invalid(_("Write what the enquiry found"), "findings")
    enquiry.findings = findings
    enquiry.findings_updated_at = utcnow()
    db.session.flush()


def add_output(
    enquiry: Enquiry,
    by: User,
    *,
    kind: str,
    title: str,
    description: str = "",
    link: str | None = None,
    file: FileStorage | None = None,
) -> Output:
    if kind not in OUTPUT_KINDS:
        raise Invalid(_("Choose what kind of output it is"), "kind")
    title = (title or "").strip()
    if not title:
        raise Invalid(_("Give it a title"), "title")
    link = web_link(link)
    group = db.session.get(Group, enquiry.group_id)
    upload = keep_file(group, by, file)
    output = Output(
        enquiry_id=enquiry.id,
        kind=kind,
        title=title,
        description=(description or "").strip(),
        link=link,
        upload_id=upload.id if upload else None,
        added_by_id=by.id,
    )
    db.session.add(output)
    db.session.flush()
    return output


def outputs(enquiry: Enquiry) -> list[tuple[Output, Upload | None]]:
    return [
        (o, u)
        for o, u in db.session.execute(
            select(Output, Upload)
            .outerjoin(Upload, Upload.id == Output.upload_id)
            .where(Output.enquiry_id == enquiry.id)
            .order_by(Output.added_at, Output.id)
        )
    ]


def get_output(enquiry: Enquiry, output_id: int) -> Output | None:
    return db.session.scalar(
        select(Output).where(Output.id == output_id, Output.enquiry_id == enquiry.id)
    )


def add_journal_entry(enquiry: Enquiry, by: User, *, happened_on: date, body: str) -> JournalEntry:
    body = (body or "").strip()
    if not body:
        raise Invalid(_("Write what happened"), "body")
    if happened_on is None:
        raise Invalid(_("Enter the date it happened"), "happened_on")
    if happened_on > local_today():
        raise Invalid(_("The date cannot be in the future"), "happened_on")
    entry = JournalEntry(enquiry_id=enquiry.id, happened_on=happened_on, body=body, author_id=by.id)
    db.session.add(entry)
    db.session.flush()
    return entry


def journal_page(enquiry: Enquiry, page: int, per_page: int) -> Page:
    """The journal, latest first."""
    query = (
        select(JournalEntry, User)
        .outerjoin(User, User.id == JournalEntry.author_id)
        .where(JournalEntry.enquiry_id == enquiry.id)
        .order_by(JournalEntry.happened_on.desc(), JournalEntry.id.desc())
    )
    return paginate(query, page, per_page, rows=True)


# Decisions that followed -----------------------------------------------------


def link_decision(enquiry: Enquiry, decision: Decision, by: User) -> bool:
    """Record that a decision came out of the enquiry. False if it was already linked."""
    if decision.group_id != enquiry.group_id:
        raise Invalid(_("Choose a decision from this group's log"), "decision_id")
    exists = db.session.scalar(
        select(DecisionLink.id).where(
            DecisionLink.enquiry_id == enquiry.id, DecisionLink.decision_id == decision.id
        )
    )
    if exists is not None:
        return False
    db.session.add(DecisionLink(enquiry_id=enquiry.id, decision_id=decision.id, linked_by_id=by.id))
    try:
        db.session.flush()
    except IntegrityError:  # a double click: the first request already linked it
        db.session.rollback()
        return False
    return True


def unlink_decision(enquiry: Enquiry, decision_id: int) -> bool:
    link = db.session.scalar(
        select(DecisionLink).where(
            DecisionLink.enquiry_id == enquiry.id, DecisionLink.decision_id == decision_id
        )
    )
    if link is None:
        return False
    db.session.delete(link)
    db.session.flush()
    return True


def linked_decisions(enquiry: Enquiry) -> list[decisions.DecisionState]:
    """The decisions that came out of the enquiry, as they stand now, in the order decided."""
    found = list(
        db.session.scalars(
            select(Decision)
            .join(DecisionLink, DecisionLink.decision_id == Decision.id)
            .where(DecisionLink.enquiry_id == enquiry.id)
            .order_by(Decision.decided_at, Decision.id)
        )
    )
    return decisions.states_for(found)


def enquiries_for_decision(decision_id: int) -> list[Enquiry]:
    """The enquiries a decision came out of, for the decision's page."""
    return list(
        db.session.scalars(
            select(Enquiry)
            .join(DecisionLink, DecisionLink.enquiry_id == Enquiry.id)
            .where(DecisionLink.decision_id == decision_id)
            .order_by(Enquiry.id)
            .limit(20)
        )
    )


def enquiries_for_priority(priority: Priority) -> list[Enquiry]:
    """The enquiries into a priority, for the priority's page."""
    return list(
        db.session.scalars(
            select(Enquiry)
            .where(Enquiry.priority_id == priority.id)
            .order_by(Enquiry.created_at.desc(), Enquiry.id.desc())
            .limit(20)
        )
    )
