"""Erasing a person: what Logbook holds that identifies them goes, and the group's
record stays whole.

What happens, and why:
- Their name becomes "Former member <id>" (their user id: stable, and meaningless
  outside Logbook). Email, phone, postal address, password, preferences that say
  something about them, reset links, the calendar link and every session go; an
  erased person can never sign in again.
- Their user row stays. The decision log's hash chain covers who was told what
  (`user_id`, never a name), so a told record keeps pointing at the same id and
  `flask decisions verify` still passes; the same id in named votes, attendance,
  actions and comments now shows "Former member <id>".
- Files they uploaded are deleted, file and record, as the issue asks. A meeting
  paper or enquiry evidence that pointed at one keeps its title and link and loses
  the file: the record of what the group had stays, their document does not.
- Their comments, grapevine reports and journal entries keep their words and show
  "Former member <id>" as the author. Replies and the group's consultation record
  depend on them; removing the text would make other people's answers meaningless,
  and without a name the words are no longer tied to the person.
- Their full name or email written in the group's free text (minutes, notes,
  announcements, letters) is replaced by "Former member <id>", except inside the
  records the hash chain covers (decisions, amendments, told records), which cannot
  change without breaking the log: those places are listed for the site admin.
- The postal address and phone copied onto letters and call notes are blanked.
- Secret ballots: their voter tokens on open ballots are deleted, so even while a
  vote is open nothing links them to a cast any more; nothing is written that could.
- Memberships end (recorded as "erased" in each group's history), and notices still
  waiting to reach them are dropped: nothing more is sent.
- Every way of proving to be them goes: second factor and recovery codes, tokens
  for scripts, and every signed-in browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import JSON, String, Text, cast, delete, func, select, update

from app.accounts.models import ApiToken, PasswordReset, RecoveryCode, User, UserSession
from app.dbtypes import utcnow
from app.decisions.chain import AMENDMENT_FIELDS, DECISION_FIELDS
from app.enquiries.models import Evidence, Output
from app.errors import Conflict
from app.extensions import db
from app.groups import services as groups
from app.groups.models import Invitation, Membership
from app.meetings.models import Paper
from app.notices import services as notices
from app.notices.models import CallAttempt, Letter
from app.notices.services import TOLD_FIELDS, WITHDRAWAL_FIELDS
from app.security import events
from app.security.models import SecurityEvent
from app.uploads import services as uploads
from app.uploads.models import Upload
from app.voting.models import VoterToken


def former_name(user_id: int) -> str:
    return _("Former member %(number)s", number=user_id)


#: Text the hash chain covers: changing it would break the log, so it is never
#: rewritten (table -> columns). Ballot options are in a vote's frozen fingerprint.
CHAINED = {
    "decisions": set(DECISION_FIELDS),
    "amendments": set(AMENDMENT_FIELDS),
    "notices": set(TOLD_FIELDS) | set(WITHDRAWAL_FIELDS),
    "ballot_options": {"label"},
    "log_entries": {"kind", "prev_hash", "entry_hash"},
    # Handled on their own, below.
    "users": {"name", "email"},
}


@dataclass
class Erased:
    user_id: int
    new_name: str
    uploads_deleted: int = 0
    #: Places the old name is still written, inside records the log covers.
    left_in_log: list[str] = field(default_factory=list)


def last_facilitator_of(person: User) -> list[str]:
    """Names of the groups where the person is the only facilitator."""
    found = []
    for group, role in groups.groups_of(person):
        if role != "facilitator":
            continue
        membership = groups.memberships_of(group, [person.id])[person.id]
        if groups.is_last_facilitator(membership):
            found.append(group.name)
    return found


def erase(person: User, *, by: User | None = None) -> Erased:
    """Erase the person (by themselves when `by` is None or is them, else by a site
    admin). The caller commits."""
    if person.erased_at is not None:
        raise Conflict(_("This person has already been erased."))
    self_erasure = by is None or by.id == person.id
    if self_erasure:
        alone = last_facilitator_of(person)
        if alone:
            raise Conflict(
                _(
                    "You are the only facilitator of %(groups)s. Make someone else a "
                    "facilitator first, so the group is not left without one.",
                    groups=", ".join(alone),
                )
            )
    old_name, old_email = person.name, person.email
    new_name = former_name(person.id)
    result = Erased(person.id, new_name)

    # Memberships end, each kept in its group's history.
    for membership in db.session.scalars(select(Membership).where(Membership.user_id == person.id)):
        groups.end_membership(
            membership,
            how="erased",
            by=None if self_erasure else by,
            allow_last_facilitator=True,
        )

    # Their files go; records that pointed at them keep their title and link.
    owned = list(db.session.scalars(select(Upload).where(Upload.uploaded_by_id == person.id)))
    ids = [u.id for u in owned]
    if ids:
        for model in (Evidence, Output):
            db.session.execute(update(model).where(model.upload_id.in_(ids)).values(upload_id=None))
        db.session.execute(update(Paper).where(Paper.upload_id.in_(ids)).values(upload_id=None))
        for upload in owned:
            uploads.discard(upload)
            db.session.delete(upload)
    result.uploads_deleted = len(ids)

    # Contact details copied onto letters and calls.
    db.session.execute(
        update(Letter).where(Letter.user_id == person.id).values(name=new_name, address="")
    )
    db.session.execute(
        update(CallAttempt).where(CallAttempt.user_id == person.id).values(note=None)
    )
    notices.drop_untold(person.id)
    db.session.execute(delete(VoterToken).where(VoterToken.user_id == person.id))
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == person.id))
    for credential in (RecoveryCode, ApiToken, UserSession):
        db.session.execute(delete(credential).where(credential.user_id == person.id))
    if old_email:
        db.session.execute(delete(Invitation).where(func.lower(Invitation.email) == old_email))

    # The person: nothing left to reach them by, or to sign in with.
    person.name = new_name
    person.email = None
    person.phone = None
    person.postal_address = None
    person.password_hash = None
    person.totp_secret = None
    person.totp_last_step = None
    person.two_factor_since = None
    person.is_admin = False
    person.preferred_channels = ["in_app"]
    person.phone_wrong_at = None
    person.large_print = False
    person.digest = "each"
    person.language = "en"
    person.session_version = (person.session_version or 1) + 1
    person.feed_version = (person.feed_version or 1) + 1
    person.erased_at = utcnow()
    db.session.flush()

    result.left_in_log = _rewrite_mentions(old_name, old_email, new_name)
    _scrub_security_events(person.id, old_name, old_email)
    # No name here: only where it is still written (table and column), to follow up.
    events.record(
        "person.erased",
        user_id=person.id,
        by_self=self_erasure,
        by_id=None if self_erasure else by.id,
        left_in_log=result.left_in_log,
    )
    db.session.flush()
    return result


def _text_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text) and not isinstance(column.type, JSON):
                yield table, column


def _rewrite_mentions(old_name: str, old_email: str | None, new_name: str) -> list[str]:
    """Replace the person's full name and email wherever the group wrote them, except
    where the log's hash covers the text; say where they remain."""
    left = []
    for old, new in ((old_name, new_name), (old_email, new_name)):
        if not old or len(old) < 3:
            continue  # too short to tell a name from a word
        for table, column in _text_columns():
            mentions = column.contains(old, autoescape=True)
            if column.name in CHAINED.get(table.name, ()):
                count = db.session.scalar(select(func.count()).select_from(table).where(mentions))
                if count and table.name != "users":
                    left.append(f"{table.name}.{column.name} ({count})")
                continue
            db.session.execute(
                table.update().where(mentions).values({column.name: func.replace(column, old, new)})
            )
    return left


def _scrub_security_events(user_id: int, old_name: str, old_email: str | None) -> None:
    """Security events stay (with the user id) until the site's retention deletes them,
    but no detail in them may still name the person."""
    marks = [m for m in (old_name, old_email) if m]
    # Failed sign-ins keep the address that was typed, often with nobody's id on them.
    about = SecurityEvent.user_id == user_id
    if old_email:
        about = about | cast(SecurityEvent.details, Text).contains(old_email)
    for event in db.session.scalars(select(SecurityEvent).where(about)):
        details = event.details or {}
        kept = {
            k: v
            for k, v in details.items()
            if not (isinstance(v, str) and any(m in v for m in marks))
        }
        if kept != details:
            event.details = kept
