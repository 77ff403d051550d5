"""Telling members: announcements, notices per channel, records made by hand, the inbox.

Notices are written in the same transaction as what caused them (the request or
command that caused them commits). Emails then wait in the outbox (`notices` rows
with channel "email") until the worker (`app.notices.worker`) sends them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.chain import services as chain
from app.dbtypes import utcnow
from app.errors import Conflict, Invalid
from app.extensions import db
from app.groups.models import Group, Membership
from app.notices import notify, schedule
from app.notices.models import MANUAL_CHANNELS, Announcement, Notice
from app.pagination import Page, paginate

log = logging.getLogger(__name__)


# The told record in the group's chain ----------------------------------------

#: What a "told" entry in the chain covers: everything that says who was told of
#: what, how, when, and who said so. Nothing here changes once a notice has reached
#: someone (seeing it again or acknowledging it are not part of being told).
TOLD_FIELDS = (
    "id",
    "announcement_id",
    "group_id",
    "subject_kind",
    "subject_id",
    "version",
    "user_id",
    "channel",
    "reached_at",
    "recorded_by_id",
    "recorded_at",
    "note",
)
WITHDRAWAL_FIELDS = ("id", "withdrawn_at", "withdrawn_by_id", "withdrawn_reason")


def told_content(notice: Notice) -> dict:
    return {name: getattr(notice, name) for name in TOLD_FIELDS}


def withdrawal_content(notice: Notice) -> dict:
    return {name: getattr(notice, name) for name in WITHDRAWAL_FIELDS}


def chain_told(group_id: int, notices: list[Notice]) -> None:
    """Put notices that have just reached someone into the group's chain."""
    chain.append(
        group_id,
        [
            chain.Link("told", told_content(n), notice_id=n.id)
            for n in sorted(notices, key=lambda n: (n.reached_at, n.id))
        ],
    )


def chained_notices(group_id: int) -> dict[int, Notice]:
    """Every notice of a group that belongs in its chain: reached, or withdrawn."""
    return {
        n.id: n
        for n in db.session.scalars(
            select(Notice).where(
                Notice.group_id == group_id,
                or_(Notice.reached_at.is_not(None), Notice.withdrawn_at.is_not(None)),
            )
        )
    }


def announce(
    *,
    group_id: int,
    subject_kind: str,
    subject_id: int,
    title: Text,
    body: Text,
    url: str,
    people: Iterable[User],
    now: datetime | None = None,
    version: int = 1,
    in_person: Iterable[int] = (),
    in_person_note: str = "",
    recorded_by: User | None = None,
    author: User | None = None,
    quiet: bool = False,
) -> Announcement:
    """Record an announcement and queue one notice per person per preferred channel.

    People whose ids are in `in_person` were in the room when it was announced:
    they are recorded as told in person at `now`, and get only the inbox copy on
    top, not a letter, a call or an email about something they already heard.
    The `author` (who recorded what is announced) has seen it: their inbox copy
    is seen at `now`. Everyone told at once joins the group's chain.

    Email to someone who takes a digest waits in that digest; a letter to someone
    who takes a weekly one waits for the week's letter. A `quiet` announcement
    (news of progress) goes to the inbox and into digests only.

    `title` and `body` may be functions that write them: they are then written
    once in each language someone told reads (see `written_in_each_language`).
    """
    now = now or utcnow()
    people = list(people)
    title, body, texts = written_in_each_language(title, body, people)
    in_person = set(in_person)
    note = (in_person_note or "").strip()[:500] or None
    told_now = bool(in_person) or author is not None
    if told_now:
        chain.lock(group_id)  # before the rows the chain entries will describe
    announcement = Announcement(
        group_id=group_id,
        subject_kind=subject_kind,
        subject_id=subject_id,
        title=title,
        body=body,
        url=url,
        version=version,
        created_at=now,
        texts=texts or None,
    )
    db.session.add(announcement)
    db.session.flush()
    channels_of = {}
    for person in people:
        channels = channels_for(person, quiet=quiet)
        if person.id in in_person:
            channels = [c for c in channels if c == "in_app"] + ["in_person"]
        channels_of[person.id] = channels
    digests = schedule.digests_for([p for p in people if "email" in channels_of[p.id]], now)
    rows = []
    for person in people:
        for channel in channels_of[person.id]:
            is_app = channel == "in_app"
            told_here = channel == "in_person"
            seen_here = is_app and author is not None and person.id == author.id
            digest_id = digests.get(person.id) if channel == "email" else None
            rows.append(
                {
                    "announcement_id": announcement.id,
                    "group_id": group_id,
                    "subject_kind": subject_kind,
                    "subject_id": subject_id,
                    "user_id": person.id,
                    "channel": channel,
                    "version": version,
                    "created_at": now,
                    "attempts": 0,
                    # In-app notices are in the inbox at once; they count once seen.
                    "sent_at": now if is_app or told_here else None,
                    "delivered_at": now if is_app or told_here else None,
                    "seen_at": now if seen_here else None,
                    "reached_at": now if told_here or seen_here else None,
                    "recorded_by_id": recorded_by.id if told_here and recorded_by else None,
                    "recorded_at": now if told_here else None,
                    "note": note if told_here else None,
                    "digest_id": digest_id,
                    "next_attempt_at": _first_attempt(person, channel, digest_id, now),
                }
            )
    if rows:
        db.session.execute(Notice.__table__.insert(), rows)
    if told_now:
        chain_told(
            group_id,
            list(
                db.session.scalars(
                    select(Notice).where(
                        Notice.announcement_id == announcement.id,
                        Notice.reached_at.is_not(None),
                    )
                )
            ),
        )
    return announcement


#: An announcement's title or body: the words, or a function that writes them in
#: the language in force when it is called.
Text = str | Callable[[], str]


def written_in_each_language(
    title: Text, body: Text, people: list[User]
) -> tuple[str, str, dict[str, dict[str, str]]]:
    """The title and body in the site's language, and {language: {"title", "body"}}
    for each other language one of `people` reads, so each is told in their own."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    offered = current_app.config["LANGUAGES"]
    if not callable(title) and not callable(body):
        return title, body, {}
    languages = {person.language for person in people if person.language in offered}
    texts = {}
    for language in sorted(languages | {default}):
        with force_locale(language):
            texts[language] = {
                "title": str(title() if callable(title) else title)[:300],
                "body": str(body() if callable(body) else body),
            }
    site = texts.pop(default)
    return site["title"], site["body"], texts


def channels_for(person: User, quiet: bool = False) -> list[str]:
    """Where a person's notices go: the inbox if they can sign in, plus what they asked
    for. A letter or a call is queued even when the address or number is missing, so
    the delivery desk shows them as a problem to fix rather than skipping them. In
    person needs no queued notice: whoever tells them records it. A quiet
    announcement goes to the inbox, and by email only to those who take a digest."""
    channels = ["in_app"] if person.can_sign_in else []
    preferred = set(person.preferred_channels or [])
    if quiet:
        if "email" in preferred and person.email and person.digest in schedule.GATHERED:
            channels.append("email")
        return channels
    if "email" in preferred and person.email:
        channels.append("email")
    if "sms" in preferred and person.phone and notify.texts_available():
        channels.append("sms")
    if "letter" in preferred:
        channels.append("letter")
    if "phone" in preferred:
        channels.append("phone")
    return channels


def _first_attempt(person: User, channel: str, digest_id: int | None, now: datetime):
    """When a queued notice is due: email and texts at once (an email in a digest waits
    for its digest, and is never sent alone), a letter now or with the weekly letter."""
    if channel in ("email", "sms"):
        return None if digest_id else now
    if channel == "letter":
        return schedule.next_digest_time(now, "weekly") if person.digest == "weekly" else now
    return None


def announcement_for(subject_kind: str, subject_id: int, version: int) -> Announcement | None:
    """The announcement that told members of one version of something."""
    return db.session.scalar(
        select(Announcement)
        .where(
            Announcement.subject_kind == subject_kind,
            Announcement.subject_id == subject_id,
            Announcement.version == version,
        )
        .order_by(Announcement.id.desc())
        .limit(1)
    )


def record_told(
    announcement: Announcement,
    *,
    user_ids: Iterable[int],
    channel: str,
    told_at: datetime,
    note: str,
    recorded_by: User,
    skip_already: bool = False,
    day_only: bool = False,
    now: datetime | None = None,
) -> tuple[int, int]:
    """Record that people were told by phone, letter, in person or another way.
    `day_only`: the date was given but not the time (`told_at` is a moment that day).

    Returns (newly recorded, already recorded). Someone already recorded as told
    on that channel about this announcement is a clash (Conflict) unless
    `skip_already`, when their first record is kept. A queued letter or phone
    notice is completed. Each record keeps who made it and when (the server's
    time, `now` only for loading demo data), and joins the group's chain.
    """
    if channel not in MANUAL_CHANNELS:
        raise Invalid(_("Choose how they were told."), "channel")
    now = now or utcnow()
    user_ids = sorted(set(user_ids))
    chain.lock(announcement.group_id)
    existing = {
        n.user_id: n
        for n in db.session.scalars(
            select(Notice).where(
                Notice.announcement_id == announcement.id,
                Notice.channel == channel,
                Notice.user_id.in_(user_ids),
                Notice.withdrawn_at.is_(None),
            )
        )
    }
    already = [uid for uid in user_ids if uid in existing and existing[uid].reached_at]
    if already and not skip_already:
        names = ", ".join(
            db.session.scalars(select(User.name).where(User.id.in_(already)).order_by(User.name))
        )
        raise Conflict(
            _(
                "Already recorded as told this way: %(names)s. Untick them, or withdraw "
                "the earlier record first if it was a mistake.",
                names=names,
            ),
            "members",
        )
    # A queued letter or call is completed; everyone else gets a new record. One
    # statement each, however many people were told.
    told = {
        "sent_at": told_at,
        "delivered_at": told_at,
        "reached_at": told_at,
        "recorded_by_id": recorded_by.id,
        "recorded_at": now,
        "note": (note or "").strip()[:500] or None,
        "day_only": day_only,
    }
    queued = [existing[uid].id for uid in user_ids if uid in existing and uid not in already]
    fresh = [uid for uid in user_ids if uid not in existing]
    try:
        if queued:
            db.session.execute(
                update(Notice)
                .where(Notice.id.in_(queued), Notice.reached_at.is_(None))
                .values(**told)
                .execution_options(synchronize_session=False)
            )
        if fresh:
            db.session.execute(
                Notice.__table__.insert(),
                [
                    {
                        "announcement_id": announcement.id,
                        "group_id": announcement.group_id,
                        "subject_kind": announcement.subject_kind,
                        "subject_id": announcement.subject_id,
                        "version": announcement.version,
                        "user_id": user_id,
                        "channel": channel,
                        "attempts": 0,
                        "created_at": now,
                        **told,
                    }
                    for user_id in fresh
                ],
            )
    except IntegrityError as exc:  # someone recorded the same people at the same moment
        db.session.rollback()
        raise Conflict(
            _("Someone else recorded this at the same time. Try again."), "members"
        ) from exc
    recorded = list(
        db.session.scalars(
            select(Notice)
            .where(
                Notice.announcement_id == announcement.id,
                Notice.channel == channel,
                Notice.user_id.in_(user_ids),
                Notice.withdrawn_at.is_(None),
                Notice.recorded_at == now,  # just now: not those recorded before
            )
            .execution_options(populate_existing=True)
        )
    )
    chain_told(announcement.group_id, recorded)
    return len(recorded), len(already)


def drop_untold(user_id: int, group_id: int | None = None, now: datetime | None = None) -> int:
    """Forget the notices still waiting to reach someone who has left a group (or every
    group, when erased): nothing more is sent to them. Only notices that never reached
    them and are not on their way: in the inbox unseen, or not yet handed to the mail
    server or Notify, and not held by a worker this moment. What reached them stays: it
    is in the group's chain."""
    now = now or utcnow()
    query = delete(Notice).where(
        Notice.user_id == user_id,
        Notice.reached_at.is_(None),
        Notice.withdrawn_at.is_(None),
        or_(Notice.sent_at.is_(None), Notice.channel == "in_app"),
        or_(Notice.claimed_until.is_(None), Notice.claimed_until < now),
    )
    if group_id is not None:
        query = query.where(Notice.group_id == group_id)
    return db.session.execute(query.execution_options(synchronize_session=False)).rowcount


def get_notice(group_id: int, notice_id: int) -> Notice | None:
    return db.session.scalar(
        select(Notice).where(Notice.id == notice_id, Notice.group_id == group_id)
    )


def is_manual_record(notice: Notice) -> bool:
    """A record someone made by hand (a call, a letter, telling them in person)."""
    return (
        notice.channel in MANUAL_CHANNELS
        and notice.reached_at is not None
        and notice.recorded_by_id is not None
    )


def withdraw(notice: Notice, *, reason: str, by: User, now: datetime | None = None) -> None:
    """Withdraw a record made by mistake: it stops counting, and stays in the history."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why this record is being withdrawn."), "reason")
    if not is_manual_record(notice):
        raise Conflict(_("Only records made by hand can be withdrawn."), "reason")
    chain.lock(notice.group_id)
    db.session.refresh(notice)
    if notice.withdrawn_at is not None:
        raise Conflict(_("This record has already been withdrawn."), "reason")
    notice.withdrawn_at = now or utcnow()
    notice.withdrawn_by_id = by.id
    notice.withdrawn_reason = reason[:500]
    db.session.flush()
    chain.append(
        notice.group_id, [chain.Link("withdrawal", withdrawal_content(notice), notice_id=notice.id)]
    )


def mark_seen(
    user_id: int, subject_kind: str | Iterable[str], subject_id: int, at: datetime | None = None
) -> int:
    """Opening the page about something marks its in-app notices seen (and so, told).
    Returns how many were newly seen. A page about one thing that people hear about in
    several ways (a vote, and its result) names every kind: still one query.

    The one write a GET may make: a person's own notices. Nothing is locked or
    written when there is nothing new to mark.
    """
    kinds = [subject_kind] if isinstance(subject_kind, str) else list(subject_kind)
    return mark_seen_of(user_id, {kind: [subject_id] for kind in kinds}, at)


def mark_seen_of(
    user_id: int, subjects: dict[str, Iterable[int]], at: datetime | None = None
) -> int:
    """As `mark_seen`, for a page that shows several things ({kind: ids}), like an
    upcoming decision and the replies under its comments. One query when nothing is new."""
    wanted = [
        and_(Notice.subject_kind == kind, Notice.subject_id.in_(list(ids)))
        for kind, ids in subjects.items()
        if ids
    ]
    if not wanted:
        return 0
    unseen = [
        tuple(row)
        for row in db.session.execute(
            select(Notice.id, Notice.group_id).where(
                Notice.user_id == user_id,
                or_(*wanted),
                Notice.channel == "in_app",
                Notice.seen_at.is_(None),
                Notice.withdrawn_at.is_(None),
            )
        )
    ]
    if not unseen:
        return 0
    now = at or utcnow()
    groups = sorted({group_id for _notice, group_id in unseen})
    for group_id in groups:  # one group in practice: a page is about one group's things
        chain.lock(group_id)
    ids = [notice_id for notice_id, _group in unseen]
    db.session.execute(
        update(Notice)
        .where(Notice.id.in_(ids), Notice.seen_at.is_(None))
        .values(seen_at=now, reached_at=now)
        .execution_options(synchronize_session=False)
    )
    seen = list(
        db.session.scalars(
            select(Notice)
            .where(Notice.id.in_(ids), Notice.seen_at == now)
            .execution_options(populate_existing=True)
        )
    )
    for group_id in groups:
        chain_told(group_id, [n for n in seen if n.group_id == group_id])
    return len(seen)


def acknowledge(user_id: int, subject_kind: str, subject_id: int) -> bool:
    """ "I have read this". False if the person had no notice to acknowledge."""
    now = utcnow()
    done = db.session.execute(
        update(Notice)
        .where(
            Notice.user_id == user_id,
            Notice.subject_kind == subject_kind,
            Notice.subject_id == subject_id,
            Notice.acknowledged_at.is_(None),
            Notice.reached_at.is_not(None),
            Notice.withdrawn_at.is_(None),
        )
        .values(acknowledged_at=now)
    ).rowcount
    return done > 0


def my_notice_state(user_id: int, subject_kind: str, subject_id: int, version: int = 1) -> dict:
    """Whether this person has been told of, and has acknowledged, one version of a thing."""
    row = db.session.execute(
        select(func.min(Notice.reached_at), func.min(Notice.acknowledged_at)).where(
            Notice.user_id == user_id,
            Notice.subject_kind == subject_kind,
            Notice.subject_id == subject_id,
            Notice.version == version,
            Notice.withdrawn_at.is_(None),
        )
    ).one()
    return {"told_at": row[0], "acknowledged_at": row[1]}


@dataclass
class ToldRecord:
    """One notice that reached a person: what it told them of, how, when and who says so."""

    notice_id: int
    version: int
    at: datetime
    channel: str
    recorded_by_id: int | None
    recorded_at: datetime | None
    note: str | None
    acknowledged_at: datetime | None
    #: Only the day is known, not the time of day.
    day_only: bool = False


def told_records(
    subject_kind: str, subject_ids: Iterable[int], user_ids: Iterable[int] | None = None
) -> dict[tuple[int, int], list[ToldRecord]]:
    """For each (subject id, user id): every standing notice that reached them, earliest
    first. Withdrawn records do not count. One query."""
    subject_ids = list(subject_ids)
    if not subject_ids:
        return {}
    query = (
        select(
            Notice.subject_id,
            Notice.user_id,
            Notice.id,
            Notice.version,
            Notice.reached_at,
            Notice.channel,
            Notice.recorded_by_id,
            Notice.recorded_at,
            Notice.note,
            Notice.acknowledged_at,
            Notice.day_only,
        )
        .where(
            Notice.subject_kind == subject_kind,
            Notice.subject_id.in_(subject_ids),
            Notice.reached_at.is_not(None),
            Notice.withdrawn_at.is_(None),
        )
        .order_by(Notice.reached_at, Notice.id)
    )
    if user_ids is not None:
        query = query.where(Notice.user_id.in_(list(user_ids)))
    found: dict[tuple[int, int], list[ToldRecord]] = {}
    for subject_id, user_id, *fields in db.session.execute(query):
        found.setdefault((subject_id, user_id), []).append(ToldRecord(*fields))
    return found


def records_by_hand(subject_kind: str, subject_id: int, page: int, per_page: int) -> Page:
    """Records people made by hand about one thing, withdrawn ones included, newest
    first, with the person told: (Notice, User)."""
    query = (
        select(Notice, User)
        .join(User, User.id == Notice.user_id)
        .where(
            Notice.subject_kind == subject_kind,
            Notice.subject_id == subject_id,
            Notice.recorded_by_id.is_not(None),
            Notice.reached_at.is_not(None),
        )
        .order_by(Notice.recorded_at.desc(), Notice.id.desc())
    )
    return paginate(query, page, per_page, rows=True)


def withdrawals(subject_kind: str, subject_id: int) -> list[Notice]:
    """Withdrawn records about one thing, for its history (oldest first)."""
    return list(
        db.session.scalars(
            select(Notice)
            .where(
                Notice.subject_kind == subject_kind,
                Notice.subject_id == subject_id,
                Notice.withdrawn_at.is_not(None),
            )
            .order_by(Notice.withdrawn_at, Notice.id)
        )
    )


#: How a notice about something reads now that the thing has moved on (a vote that has
#: closed must not still say "Vote now"): per subject kind, a function from subject ids
#: to the title to show instead, registered by the domain that owns the thing.
CURRENT_TITLES: dict[str, Callable[[list[int]], dict[int, str]]] = {}


def current_title(kind: str):
    """Register `titles(ids) -> {id: title}` for notices about things of this kind."""

    def register(titles):
        CURRENT_TITLES[kind] = titles
        return titles

    return register


def current_titles(announcements: Iterable[Announcement]) -> dict[int, str]:
    """For each announcement whose subject has moved on: the title to show now (by
    announcement id). One query per kind that registered one."""
    announcements = list(announcements)  # read twice below; a generator would be spent
    by_kind: dict[str, set[int]] = {}
    for item in announcements:
        if item.subject_kind in CURRENT_TITLES:
            by_kind.setdefault(item.subject_kind, set()).add(item.subject_id)
    now_reads = {kind: CURRENT_TITLES[kind](sorted(ids)) for kind, ids in by_kind.items()}
    return {
        item.id: now_reads[item.subject_kind][item.subject_id]
        for item in announcements
        if item.subject_id in now_reads.get(item.subject_kind, {})
    }


def inbox(user: User, page: int, per_page: int) -> Page:
    query = (
        select(Notice, Announcement)
        .join(Announcement, Announcement.id == Notice.announcement_id)
        .where(Notice.user_id == user.id, Notice.channel == "in_app")
        .order_by(Notice.created_at.desc(), Notice.id.desc())
    )
    return paginate(query, page, per_page, rows=True)


def unseen_about(user: User, subject_kind: str, limit: int) -> Page:
    """The things of one kind (a decision...) whose note in the person's inbox they have
    not opened, newest first, one row per thing (its latest note): (Notice,
    Announcement, Group) for the first `limit`, and how many there are. Only groups they
    are still a member of: someone who left cannot open what they were told of."""
    latest = (
        select(func.max(Notice.id))
        .join(
            Membership,
            and_(Membership.group_id == Notice.group_id, Membership.user_id == Notice.user_id),
        )
        .where(
            Notice.user_id == user.id,
            Notice.channel == "in_app",
            Notice.subject_kind == subject_kind,
            Notice.seen_at.is_(None),
            Notice.withdrawn_at.is_(None),
        )
        .group_by(Notice.subject_id)
    )
    query = (
        select(Notice, Announcement, Group)
        .join(Announcement, Announcement.id == Notice.announcement_id)
        .join(Group, Group.id == Notice.group_id)
        .where(Notice.id.in_(latest))
        .order_by(Notice.created_at.desc(), Notice.id.desc())
    )
    return paginate(query, 1, limit, rows=True)


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notice)
            .where(Notice.user_id == user.id, Notice.channel == "in_app", Notice.seen_at.is_(None))
        )
        or 0
    )


def failed_emails(group_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notice)
            .where(
                Notice.group_id == group_id,
                Notice.channel == "email",
                Notice.failed_at.is_not(None),
            )
        )
        or 0
    )
