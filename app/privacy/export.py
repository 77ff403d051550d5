"""Everything Logbook holds about one person, as `data.json`, a readable `index.html`
and the files they uploaded, in one ZIP built in a temporary file (so a person with
many uploads never fills the server's memory).

Votes are included from named ballots only: a secret ballot stores nothing that links
a person to a choice, and this export must never create such a link. For secret
ballots it says only what is stored about them anyway: that they could vote, and
whether they did.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import date, datetime

from flask import render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.accounts.models import PasswordReset, User
from app.actions.models import Action, ActionUpdate
from app.comments.models import Comment
from app.decisions.models import Decision, GrapevineReport
from app.enquiries.models import Enquiry, Evidence, JournalEntry, Output, TeamMember
from app.errors import NotFound
from app.extensions import db
from app.groups.models import Group, Invitation, Membership, MembershipEnd
from app.meetings.models import Attendance, Meeting
from app.notices.models import Announcement, CallAttempt, Letter, Notice
from app.security.models import SecurityEvent
from app.uploads import services as uploads
from app.uploads.models import Upload
from app.voting.models import (
    AssistedVote,
    Ballot,
    BallotOption,
    Cast,
    EligibleVoter,
    Priority,
    PrioritySupport,
)

#: The sections of the export, in the order people read them, with their headings.
SECTIONS = (
    ("profile", _l("Your details")),
    ("memberships", _l("Groups you are in")),
    ("memberships_ended", _l("Groups you were in")),
    ("told", _l("What you were told, how and when")),
    ("told_by_hand", _l("Records of telling you made by hand")),
    ("letters", _l("Letters to you")),
    ("calls", _l("Calls to you")),
    ("named_votes", _l("Your votes in named ballots")),
    ("ballots", _l("Ballots you could vote in")),
    ("votes_entered_for_you", _l("Votes entered for you")),
    ("priorities", _l("Priorities you proposed")),
    ("priority_supports", _l("Priorities you backed")),
    ("comments", _l("Your comments")),
    ("uploads", _l("Files you uploaded")),
    ("enquiries", _l("Enquiries you are on")),
    ("enquiry_journal", _l("What you wrote in enquiry journals")),
    ("actions", _l("Actions you own or set")),
    ("action_updates", _l("Updates you gave on actions")),
    ("grapevine", _l("What you heard on the grapevine")),
    ("meetings", _l("Meetings you answered or came to")),
    ("invitations", _l("Invitations to your email address")),
    ("password_resets", _l("Password reset links asked for")),
    ("security_events", _l("Security events about you")),
)


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(**fields) -> dict:
    return {name: _plain(value) for name, value in fields.items()}


def _groups() -> dict[int, Group]:
    return {g.id: g for g in db.session.scalars(select(Group))}


def gather(person: User) -> dict:
    """Every record about the person, as plain values (no other person's contact details)."""
    pid = person.id
    groups = _groups()

    def group_of(group_id):
        group = groups.get(group_id)
        return group.slug if group else None

    data: dict[str, object] = {
        "profile": _row(
            id=person.id,
            name=person.name,
            email=person.email,
            phone=person.phone,
            postal_address=person.postal_address,
            preferred_channels=list(person.preferred_channels or []),
            language=person.language,
            digest=person.digest,
            large_print=person.large_print,
            phone_found_wrong_at=person.phone_wrong_at,
            site_admin=person.is_admin,
            account_created_at=person.created_at,
        )
    }
    data["memberships"] = [
        _row(group=group_of(m.group_id), role=m.role, joined_at=m.joined_at)
        for m in db.session.scalars(
            select(Membership).where(Membership.user_id == pid).order_by(Membership.id)
        )
    ]
    data["memberships_ended"] = [
        _row(
            group=group_of(e.group_id),
            role=e.role,
            joined_at=e.joined_at,
            ended_at=e.ended_at,
            how=e.how,
            reason=e.reason,
        )
        for e in db.session.scalars(
            select(MembershipEnd).where(MembershipEnd.user_id == pid).order_by(MembershipEnd.id)
        )
    ]

    told_rows = db.session.execute(
        select(Notice, Announcement, Decision)
        .join(Announcement, Announcement.id == Notice.announcement_id)
        .outerjoin(
            Decision,
            (Notice.subject_kind == "decision") & (Decision.id == Notice.subject_id),
        )
        .where(Notice.user_id == pid)
        .order_by(Notice.created_at, Notice.id)
    ).all()
    data["told"] = [
        _row(
            group=group_of(n.group_id),
            about=n.subject_kind,
            about_id=n.subject_id,
            decision_number=d.number if d else None,
            title=a.title,
            version=n.version,
            channel=n.channel,
            queued_at=n.created_at,
            sent_at=n.sent_at,
            reached_you_at=n.reached_at,
            seen_at=n.seen_at,
            acknowledged_at=n.acknowledged_at,
            withdrawn_at=n.withdrawn_at,
            withdrawn_reason=n.withdrawn_reason,
        )
        for n, a, d in told_rows
    ]
    data["told_by_hand"] = [
        _row(
            group=group_of(n.group_id),
            about=n.subject_kind,
            about_id=n.subject_id,
            title=a.title,
            channel=n.channel,
            told_at=n.reached_at,
            # Only the date was given: told_at's time of day was not recorded.
            time_not_recorded=n.day_only,
            recorded_at=n.recorded_at,
            note=n.note,
            withdrawn_at=n.withdrawn_at,
            withdrawn_reason=n.withdrawn_reason,
        )
        for n, a, _d in told_rows
        if n.recorded_by_id is not None
    ]
    data["letters"] = [
        _row(
            group=group_of(letter.group_id),
            name=letter.name,
            address=letter.address,
            language=letter.language,
            large_print=letter.large_print,
            posted_at=letter.posted_at,
            status=letter.provider_status,
        )
        for letter in db.session.scalars(
            select(Letter).where(Letter.user_id == pid).order_by(Letter.id)
        )
    ]
    data["calls"] = [
        _row(group=group_of(c.group_id), outcome=c.outcome, note=c.note, at=c.at)
        for c in db.session.scalars(
            select(CallAttempt).where(CallAttempt.user_id == pid).order_by(CallAttempt.id)
        )
    ]

    eligible = select(EligibleVoter.ballot_id).where(EligibleVoter.user_id == pid)
    named = select(Cast.ballot_id).where(Cast.voter_id == pid)
    ballots = {
        b.id: b
        for b in db.session.scalars(
            select(Ballot).where(or_(Ballot.id.in_(eligible), Ballot.id.in_(named)))
        )
    }
    labels = {
        o.id: o.label
        for o in db.session.scalars(
            select(BallotOption).where(BallotOption.ballot_id.in_(list(ballots) or [0]))
        )
    }
    # Named ballots only, and only casts that name the person: a secret ballot's casts
    # name nobody, and nothing here tries to find which one was theirs.
    data["named_votes"] = [
        _row(
            group=group_of(ballots[c.ballot_id].group_id),
            ballot=ballots[c.ballot_id].title,
            choices=_choices(c.choices, labels),
            cast_at=c.cast_at,
            receipt=c.receipt,
            entered_for_you=c.assisted_by_id is not None,
        )
        for c in db.session.scalars(
            select(Cast).where(Cast.voter_id == pid).order_by(Cast.cast_at, Cast.id)
        )
        if c.ballot_id in ballots and not ballots[c.ballot_id].secret
    ]
    data["ballots"] = [
        _row(
            group=group_of(ballots[v.ballot_id].group_id),
            ballot=ballots[v.ballot_id].title,
            secret=ballots[v.ballot_id].secret,
            voted=v.voted,
        )
        for v in db.session.scalars(
            select(EligibleVoter).where(EligibleVoter.user_id == pid).order_by(EligibleVoter.id)
        )
    ]
    data["votes_entered_for_you"] = [
        _row(ballot=b.title, note=a.note, replaced_your_own_vote=a.replaced_own_vote)
        for a, b in db.session.execute(
            select(AssistedVote, Ballot)
            .join(Ballot, Ballot.id == AssistedVote.ballot_id)
            .where(AssistedVote.user_id == pid)
            .order_by(AssistedVote.id)
        )
    ]
    data["priorities"] = [
        _row(
            group=group_of(p.group_id),
            title=p.title,
            description=p.description,
            status=p.status,
            created_at=p.created_at,
        )
        for p in db.session.scalars(
            select(Priority).where(Priority.proposer_id == pid).order_by(Priority.id)
        )
    ]
    data["priority_supports"] = [
        _row(group=group_of(p.group_id), priority=p.title, backed_at=s.created_at)
        for s, p in db.session.execute(
            select(PrioritySupport, Priority)
            .join(Priority, Priority.id == PrioritySupport.priority_id)
            .where(PrioritySupport.user_id == pid)
            .order_by(PrioritySupport.id)
        )
    ]
    data["comments"] = [
        _row(
            group=group_of(c.group_id),
            about=c.subject_kind,
            about_id=c.subject_id,
            body=c.body,
            written_at=c.created_at,
        )
        for c in db.session.scalars(
            select(Comment).where(Comment.author_id == pid).order_by(Comment.id)
        )
    ]
    data["uploads"] = [
        _row(
            id=u.id,
            group=group_of(u.group_id),
            name=u.original_name,
            content_type=u.content_type,
            size_bytes=u.size_bytes,
            sha256=u.sha256,
            uploaded_at=u.uploaded_at,
            in_this_zip=archive_name(u),
        )
        for u in owned_uploads(person)
    ]
    data["enquiries"] = [
        _row(group=group_of(e.group_id), question=e.question, role=t.role, added_at=t.added_at)
        for t, e in db.session.execute(
            select(TeamMember, Enquiry)
            .join(Enquiry, Enquiry.id == TeamMember.enquiry_id)
            .where(TeamMember.user_id == pid)
            .order_by(TeamMember.id)
        )
    ]
    added = [
        _row(kind=g.kind, title=g.title, link=g.link, added_at=g.added_at)
        for model in (Evidence, Output)
        for g in db.session.scalars(
            select(model).where(model.added_by_id == pid).order_by(model.id)
        )
    ]
    data["enquiries"] += [dict(row, what="added to an enquiry") for row in added]
    data["enquiry_journal"] = [
        _row(happened_on=j.happened_on, body=j.body, written_at=j.created_at)
        for j in db.session.scalars(
            select(JournalEntry).where(JournalEntry.author_id == pid).order_by(JournalEntry.id)
        )
    ]
    data["actions"] = [
        _row(
            group=group_of(a.group_id),
            title=a.title,
            details=a.details,
            yours_to_do=a.owner_id == pid,
            due_on=a.due_on,
            status=a.status,
            created_at=a.created_at,
        )
        for a in db.session.scalars(
            select(Action)
            .where(or_(Action.owner_id == pid, Action.created_by_id == pid))
            .order_by(Action.id)
        )
    ]
    data["action_updates"] = [
        _row(status=u.status, note=u.note, at=u.created_at)
        for u in db.session.scalars(
            select(ActionUpdate).where(ActionUpdate.author_id == pid).order_by(ActionUpdate.id)
        )
    ]
    data["grapevine"] = [
        _row(
            group=group_of(r.group_id),
            what=r.what,
            heard_when=r.heard_when,
            heard_by_whom=r.heard_by_whom,
            reported_at=r.created_at,
            answer=r.answer,
        )
        for r in db.session.scalars(
            select(GrapevineReport)
            .where(GrapevineReport.reporter_id == pid)
            .order_by(GrapevineReport.id)
        )
    ]
    data["meetings"] = [
        _row(
            group=group_of(m.group_id),
            meeting=m.title,
            starts_at=m.starts_at,
            answer=a.rsvp,
            answered_at=a.rsvp_at,
            checked_in_at=a.checked_in_at,
        )
        for a, m in db.session.execute(
            select(Attendance, Meeting)
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .where(Attendance.user_id == pid)
            .order_by(Meeting.starts_at)
        )
    ]
    data["invitations"] = [
        _row(
            group=group_of(i.group_id),
            name=i.name,
            role=i.role,
            sent_at=i.created_at,
            accepted_at=i.accepted_at,
            withdrawn_at=i.revoked_at,
        )
        for i in (
            db.session.scalars(
                select(Invitation).where(Invitation.email == person.email).order_by(Invitation.id)
            )
            if person.email
            else []
        )
    ]
    data["password_resets"] = [
        _row(asked_at=r.created_at, expires_at=r.expires_at, used_at=r.used_at)
        for r in db.session.scalars(
            select(PasswordReset).where(PasswordReset.user_id == pid).order_by(PasswordReset.id)
        )
    ]
    data["security_events"] = [
        _row(
            at=e.at,
            kind=e.kind,
            address=e.address,
            path=e.path,
            status=e.status,
            details=e.details,
        )
        for e in db.session.scalars(
            select(SecurityEvent).where(SecurityEvent.user_id == pid).order_by(SecurityEvent.id)
        )
    ]
    return data


def _choices(choices, labels: dict[int, str]):
    """A cast's choices with each option's label: approval and ranked casts are lists of
    option ids; dot and score casts map option ids to numbers."""
    if isinstance(choices, dict):
        return {labels.get(int(k), str(k)): v for k, v in choices.items() if str(k).isdigit()}
    if isinstance(choices, list):
        return [labels.get(c, c) if isinstance(c, int) else c for c in choices]
    return choices


def owned_uploads(person: User) -> list[Upload]:
    return list(
        db.session.scalars(
            select(Upload).where(Upload.uploaded_by_id == person.id).order_by(Upload.id)
        )
    )


def archive_name(upload: Upload) -> str:
    return f"files/{upload.id}-{upload.original_name}"


def build_zip(person: User):
    """The ZIP, in a temporary file on disk, rewound and ready to send (the caller
    closes it, or hands it to the response, which does)."""
    data = gather(person)
    out = tempfile.TemporaryFile()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)
        )
        archive.writestr(
            "index.html",
            render_template("privacy/export_index.html", data=data, sections=SECTIONS),
        )
        for upload in owned_uploads(person):
            try:
                path = uploads.stored_path(upload)
            except NotFound:
                continue
            if path.exists():
                # Copied in chunks from disk: the file is never read into memory whole.
                archive.write(path, archive_name(upload))
    out.seek(0)
    return out
