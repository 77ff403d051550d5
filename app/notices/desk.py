"""The delivery desk: what is waiting to be told by hand, and telling it.

Letters to print and post, calls to make, and emails that failed for good, for one
group. Something is waiting while its notice has not reached the person, has not
been overtaken (they were told it another way, or a later notice about the same
thing is waiting too), and, for a letter, is due (someone on a weekly letter waits
for the week's). People whose address or number is missing, or whose number was
found wrong, are listed as problems to fix, never left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.chain import services as chain
from app.dbtypes import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.notices.models import CALL_OUTCOMES, Announcement, CallAttempt, Letter, LetterPack, Notice
from app.notices.services import chain_told
from app.pagination import Page, paginate

# What is waiting ---------------------------------------------------------------


def _waiting(channel: str, group_id: int | None, now: datetime):
    """Conditions for a notice on `channel` that is still waiting to be told by hand
    (in one group, or with no group given in any)."""
    other = aliased(Notice)
    told_otherwise = exists().where(
        other.announcement_id == Notice.announcement_id,
        other.user_id == Notice.user_id,
        other.reached_at.is_not(None),
        other.withdrawn_at.is_(None),
    )
    newer = aliased(Notice)
    overtaken = exists().where(
        newer.user_id == Notice.user_id,
        newer.channel == Notice.channel,
        newer.subject_kind == Notice.subject_kind,
        newer.subject_id == Notice.subject_id,
        newer.announcement_id > Notice.announcement_id,
        newer.withdrawn_at.is_(None),
    )
    conditions = [
        Notice.channel == channel,
        Notice.reached_at.is_(None),
        Notice.withdrawn_at.is_(None),
        Notice.failed_at.is_(None),
        ~told_otherwise,
        ~overtaken,
    ]
    if group_id is not None:
        conditions.append(Notice.group_id == group_id)
    if channel == "letter":
        conditions += [Notice.letter_id.is_(None), Notice.next_attempt_at <= now]
    return and_(*conditions)


def waiting_letter(now: datetime):
    """A letter due now, in any group, to someone with an address (joined to User)."""
    return and_(_waiting("letter", None, now), _reachable("letter"))


def _reachable(channel: str):
    """Whom a letter or call can reach: an address, or a number not found wrong."""
    if channel == "letter":
        return and_(User.postal_address.is_not(None), User.postal_address != "")
    return and_(User.phone.is_not(None), User.phone != "", User.phone_wrong_at.is_(None))


@dataclass
class Waiting:
    """One person and everything waiting for them on one channel."""

    person: User
    notices: list = field(default_factory=list)  # (Notice, Announcement), oldest first
    attempts: list[CallAttempt] = field(default_factory=list)

    @property
    def tries(self) -> int:
        return sum(1 for a in self.attempts if a.outcome == "no_answer")


def waiting_page(
    group_id: int,
    channel: str,
    page: int,
    per_page: int,
    now: datetime | None = None,
    reachable: bool = True,
) -> Page:
    """People waiting for a letter or a call (those who can be reached, or with
    `reachable=False` those whose address or number is missing or wrong), a page of
    them, each with what is waiting. Three queries, however much is waiting."""
    now = now or utcnow()
    reach = _reachable(channel)
    people = (
        select(User)
        .join(Notice, Notice.user_id == User.id)
        .where(_waiting(channel, group_id, now), reach if reachable else ~reach)
        .group_by(User.id)
        .order_by(User.name, User.id)
    )
    found = paginate(people, page, per_page)
    ids = [person.id for person in found.items]
    rows = {person.id: Waiting(person) for person in found.items}
    if ids:
        for notice, announcement in db.session.execute(
            select(Notice, Announcement)
            .join(Announcement, Announcement.id == Notice.announcement_id)
            .where(_waiting(channel, group_id, now), Notice.user_id.in_(ids))
            .order_by(Notice.created_at, Notice.id)
        ):
            rows[notice.user_id].notices.append((notice, announcement))
        if channel == "phone":
            # Only the tries since the oldest news still waiting was queued: the calls
            # that ended in telling them earlier news are done with.
            first_waiting = (
                select(func.min(Notice.created_at))
                .where(_waiting(channel, group_id, now), Notice.user_id == CallAttempt.user_id)
                .scalar_subquery()
            )
            for attempt in db.session.scalars(
                select(CallAttempt)
                .where(
                    CallAttempt.group_id == group_id,
                    CallAttempt.user_id.in_(ids),
                    CallAttempt.at >= first_waiting,
                )
                .order_by(CallAttempt.at, CallAttempt.id)
            ):
                rows[attempt.user_id].attempts.append(attempt)
    found.items = [rows[i] for i in ids]
    return found


@dataclass
class Counts:
    letters: int  # people with a letter to send
    letters_stuck: int  # people waiting for a letter with no address
    calls: int
    calls_stuck: int  # no number, or a wrong one
    failed_emails: int
    unposted_letters: int  # printed but not yet marked posted

    @property
    def to_do(self) -> int:
        return (
            self.letters + self.letters_stuck + self.calls + self.calls_stuck + self.failed_emails
        )


def counts(group_id: int, now: datetime | None = None) -> Counts:
    """How much is waiting, in one query."""
    now = now or utcnow()

    def people(channel: str, reachable: bool):
        reach = _reachable(channel)
        return (
            select(func.count(func.distinct(Notice.user_id)))
            .join(User, User.id == Notice.user_id)
            .where(_waiting(channel, group_id, now), reach if reachable else ~reach)
            .scalar_subquery()
        )

    row = db.session.execute(
        select(
            people("letter", True),
            people("letter", False),
            people("phone", True),
            people("phone", False),
            select(func.count()).select_from(Notice).where(_failed(group_id)).scalar_subquery(),
            select(func.count())
            .select_from(Letter)
            .where(Letter.group_id == group_id, Letter.posted_at.is_(None))
            .scalar_subquery(),
        )
    ).one()
    return Counts(*row)


# Letters ---------------------------------------------------------------------


def make_pack(group_id: int, by: User | None, now: datetime | None = None) -> LetterPack:
    """Put every letter that is due (and can be addressed) into a new pack: one letter
    per person, holding all that waits for them. Refused when nothing is due. A pack
    made by nobody (`by` None) is the worker's, for GOV.UK Notify to post."""
    now = now or utcnow()
    chain.lock(group_id)  # one pack at a time, so no notice goes in two
    due = list(
        db.session.execute(
            select(Notice, User)
            .join(User, User.id == Notice.user_id)
            .join(Announcement, Announcement.id == Notice.announcement_id)
            .where(_waiting("letter", group_id, now), _reachable("letter"))
            .order_by(User.name, User.id, Notice.created_at, Notice.id)
        )
    )
    if not due:
        raise Conflict(_("There are no letters to send just now."))
    pack = LetterPack(group_id=group_id, created_at=now, created_by_id=by.id if by else None)
    db.session.add(pack)
    db.session.flush()
    letters: dict[int, Letter] = {}
    for _notice, person in due:
        if person.id not in letters:
            letters[person.id] = Letter(
                pack_id=pack.id,
                group_id=group_id,
                user_id=person.id,
                name=person.name,
                address=person.postal_address.strip(),
                language=person.language or "en",
                large_print=bool(person.large_print),
            )
            db.session.add(letters[person.id])
    db.session.flush()
    by_letter = defaultdict(list)
    for notice, person in due:
        by_letter[letters[person.id].id].append(notice.id)
    for letter_id, notice_ids in by_letter.items():
        db.session.execute(
            update(Notice)
            .where(Notice.id.in_(notice_ids))
            .values(letter_id=letter_id)
            .execution_options(synchronize_session=False)
        )
    return pack


def get_pack(group_id: int, pack_id: int) -> LetterPack | None:
    return db.session.scalar(
        select(LetterPack).where(LetterPack.id == pack_id, LetterPack.group_id == group_id)
    )


def packs_page(group_id: int, page: int, per_page: int) -> Page:
    """Packs, newest first, each with (pack, letters, letters posted)."""
    posted = func.count(Letter.posted_at)
    query = (
        select(LetterPack, func.count(Letter.id), posted)
        .outerjoin(Letter, Letter.pack_id == LetterPack.id)
        .where(LetterPack.group_id == group_id)
        .group_by(LetterPack.id)
        .order_by(LetterPack.created_at.desc(), LetterPack.id.desc())
    )
    return paginate(query, page, per_page, rows=True)


def letters_of(pack: LetterPack, letter_id: int | None = None) -> list[tuple[Letter, list]]:
    """Each letter in a pack (or the one asked for) with what it says:
    [(Letter, [Announcement, ...])]."""
    query = select(Letter).where(Letter.pack_id == pack.id)
    if letter_id is not None:
        query = query.where(Letter.id == letter_id)
    letters = list(db.session.scalars(query.order_by(Letter.name, Letter.id)))
    told = defaultdict(list)
    if letters:
        for letter_id, announcement in db.session.execute(
            select(Notice.letter_id, Announcement)
            .join(Announcement, Announcement.id == Notice.announcement_id)
            .where(Notice.letter_id.in_([letter.id for letter in letters]))
            .order_by(Announcement.created_at, Announcement.id)
        ):
            told[letter_id].append(announcement)
    return [(letter, told[letter.id]) for letter in letters]


def mark_posted(
    group_id: int,
    by: User,
    *,
    pack: LetterPack | None = None,
    letter_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Mark a whole pack, or one letter in it, as posted: every notice in it is told by
    letter now, by this person. Posting a letter twice is refused (409). Returns how
    many letters were marked."""
    now = now or utcnow()
    chain.lock(group_id)
    query = select(Letter).where(Letter.group_id == group_id)
    if letter_id is not None:
        query = query.where(Letter.id == letter_id)
    if pack is not None:
        query = query.where(Letter.pack_id == pack.id)
    letters = list(db.session.scalars(query.with_for_update()))
    if not letters:
        raise NotFound(_("There is no such letter."))
    by_notify = db.session.scalar(
        select(func.count())
        .select_from(LetterPack)
        .where(LetterPack.id.in_({letter.pack_id for letter in letters}))
        .where(LetterPack.created_by_id.is_(None))
    )
    if by_notify:
        raise Conflict(_("GOV.UK Notify posts these letters: Logbook hears from it when they go."))
    waiting = [letter for letter in letters if letter.posted_at is None]
    if not waiting:
        raise Conflict(
            _("This letter was already marked as posted.")
            if letter_id is not None
            else _("Every letter in this pack was already marked as posted.")
        )
    ids = [letter.id for letter in waiting]
    done = db.session.execute(
        update(Letter)
        .where(Letter.id.in_(ids), Letter.posted_at.is_(None))
        .values(posted_at=now, posted_by_id=by.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != len(ids):
        raise Conflict(_("Someone else marked these letters at the same moment. Try again."))
    notices = list(
        db.session.scalars(
            select(Notice).where(
                Notice.letter_id.in_(ids),
                Notice.reached_at.is_(None),
                Notice.withdrawn_at.is_(None),
            )
        )
    )
    reach(notices, told_at=now, by=by, now=now)
    return len(ids)


# Calls -----------------------------------------------------------------------


def record_call(
    group_id: int,
    person: User,
    outcome: str,
    by: User,
    *,
    note: str = "",
    now: datetime | None = None,
) -> int:
    """What happened when someone rang a member from the call sheet. Told: everything
    waiting for them by phone is told now, by this person. No answer: the try is kept,
    and they stay on the sheet. Wrong number: the number is marked for checking.
    Returns how many notices were told."""
    now = now or utcnow()
    if outcome not in CALL_OUTCOMES:
        raise Invalid(_("Choose what happened on the call."), "outcome")
    if not (person.phone or "").strip():
        raise Invalid(
            _("%(name)s has no phone number. Add one on their page first.", name=person.name),
            "outcome",
        )
    chain.lock(group_id)
    waiting = list(
        db.session.scalars(
            select(Notice).where(_waiting("phone", group_id, now), Notice.user_id == person.id)
        )
    )
    if not waiting:
        raise Conflict(_("There is nothing waiting to tell %(name)s by phone.", name=person.name))
    db.session.add(
        CallAttempt(
            group_id=group_id,
            user_id=person.id,
            outcome=outcome,
            note=(note or "").strip()[:500] or None,
            at=now,
            by_id=by.id,
        )
    )
    if outcome == "wrong_number":
        person.phone_wrong_at = now
    if outcome != "told":
        db.session.flush()
        return 0
    reach(waiting, told_at=now, by=by, note=note, now=now)
    return len(waiting)


def told_all_in_person(group_id: int, by: User, note: str, now: datetime | None = None) -> int:
    """Everyone on the call sheet was told at a meeting: record each of them as told in
    person now (their calls are then no longer waiting). Returns how many people."""
    now = now or utcnow()
    note = (note or "").strip()
    if not note:
        raise Invalid(_("Say where they were told, for example the meeting's name."), "note")
    chain.lock(group_id)
    waiting = list(
        db.session.scalars(
            select(Notice).where(_waiting("phone", group_id, now), _reached_by_phone_sheet())
        )
    )
    if not waiting:
        raise Conflict(_("There is nobody on the call sheet just now."))
    told = tell_another_way(waiting, "in_person", told_at=now, by=by, note=note, now=now)
    return len({n.user_id for n in told})


def _reached_by_phone_sheet():
    return Notice.user_id.in_(select(User.id).where(_reachable("phone")))


# Emails that failed for good ---------------------------------------------------------

#: Channels where a message can fail for good: emails and texts after all their tries,
#: and letters GOV.UK Notify could not post.
FAILABLE = ("email", "sms", "letter")


def _failed(group_id: int):
    """An email, text or GOV.UK Notify letter given up on, its news not yet told or
    queued to be told another way."""
    other = aliased(Notice)
    return and_(
        Notice.group_id == group_id,
        Notice.channel.in_(FAILABLE),
        Notice.failed_at.is_not(None),
        Notice.withdrawn_at.is_(None),
        ~exists().where(
            other.id != Notice.id,
            other.announcement_id == Notice.announcement_id,
            other.user_id == Notice.user_id,
            or_(other.reached_at.is_not(None), other.channel.in_(("letter", "phone"))),
            other.withdrawn_at.is_(None),
        ),
    )


def failed_page(group_id: int, page: int, per_page: int) -> Page:
    """Emails given up on, not yet told another way: (Notice, Announcement, User)."""
    query = (
        select(Notice, Announcement, User)
        .join(Announcement, Announcement.id == Notice.announcement_id)
        .join(User, User.id == Notice.user_id)
        .where(_failed(group_id))
        .order_by(Notice.failed_at.desc(), Notice.id.desc())
    )
    return paginate(query, page, per_page, rows=True)


def send_another_way(group_id: int, notice_id: int, channel: str, now: datetime | None = None):
    """Queue a failed email's news as a letter or a call instead (it joins the desk)."""
    if channel not in ("letter", "phone"):
        raise Invalid(_("Choose a letter or a call."), "channel")
    notice = db.session.scalar(select(Notice).where(Notice.id == notice_id, _failed(group_id)))
    if notice is None:
        raise Conflict(_("That email has already been dealt with."))
    now = now or utcnow()
    if notice.channel == channel:
        # A letter that could not be posted, to be sent again: the same notice, queued
        # afresh (its failure stays in the log of this request, not on the notice).
        db.session.execute(
            update(Notice)
            .where(Notice.id == notice.id)
            .values(
                failed_at=None,
                last_error=None,
                letter_id=None,
                provider_id=None,
                provider_status=None,
                attempts=0,
                next_attempt_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return
    db.session.add(
        Notice(
            announcement_id=notice.announcement_id,
            group_id=notice.group_id,
            subject_kind=notice.subject_kind,
            subject_id=notice.subject_id,
            version=notice.version,
            user_id=notice.user_id,
            channel=channel,
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )
    )
    db.session.flush()


# Telling ---------------------------------------------------------------------


def reach(
    notices: list[Notice], *, told_at: datetime, by: User | None, note: str = "", now: datetime
):
    """Queued notices (letters, calls) told as queued: they reach their person at
    `told_at`, by this person's hand (or GOV.UK Notify's, `by` None), and join the
    chain. One statement, however many."""
    if not notices:
        return
    ids = [n.id for n in notices]
    db.session.execute(
        update(Notice)
        .where(Notice.id.in_(ids), Notice.reached_at.is_(None))
        .values(
            sent_at=told_at,
            delivered_at=told_at,
            reached_at=told_at,
            recorded_by_id=by.id if by else None,
            recorded_at=now,
            note=(note or "").strip()[:500] or None,
        )
        .execution_options(synchronize_session=False)
    )
    reached = list(
        db.session.scalars(
            select(Notice)
            .where(Notice.id.in_(ids), Notice.recorded_at == now)
            .execution_options(populate_existing=True)
        )
    )
    chain_told(notices[0].group_id, reached)


def tell_another_way(
    notices: list[Notice], channel: str, *, told_at: datetime, by: User, note: str, now: datetime
) -> list[Notice]:
    """People told what these notices held, another way (in person at a meeting): a
    record of that for each, once (someone already recorded on that channel keeps theirs)."""
    pairs = {(n.announcement_id, n.user_id): n for n in notices}
    have = set(
        db.session.execute(
            select(Notice.announcement_id, Notice.user_id).where(
                Notice.channel == channel,
                Notice.withdrawn_at.is_(None),
                Notice.announcement_id.in_({a for a, _u in pairs}),
                Notice.user_id.in_({u for _a, u in pairs}),
            )
        ).all()
    )
    rows = [
        {
            "announcement_id": n.announcement_id,
            "group_id": n.group_id,
            "subject_kind": n.subject_kind,
            "subject_id": n.subject_id,
            "version": n.version,
            "user_id": n.user_id,
            "channel": channel,
            "attempts": 0,
            "created_at": now,
            "sent_at": told_at,
            "delivered_at": told_at,
            "reached_at": told_at,
            "recorded_by_id": by.id,
            "recorded_at": now,
            "note": note[:500],
        }
        for key, n in pairs.items()
        if key not in have
    ]
    if not rows:
        return []
    db.session.execute(Notice.__table__.insert(), rows)
    told = list(
        db.session.scalars(
            select(Notice).where(
                Notice.channel == channel,
                Notice.recorded_at == now,
                Notice.recorded_by_id == by.id,
                Notice.group_id == notices[0].group_id,
            )
        )
    )
    chain_told(notices[0].group_id, told)
    return told
