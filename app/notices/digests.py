"""Digests: a member's news gathered into one email a day or a week.

A notice for someone who takes a digest joins the digest due next (`schedule`), and
is never sent alone. At the digest's time the worker sends one email holding what was
decided (every notice it carries), what is coming up (parts the other domains
register: votes closing, meetings, the forward plan), and how much is still unread in
the inbox. When the mail server accepts it, every notice it carries counts as told,
at that moment, and joins its group's chain. A digest that cannot be sent is tried
again with growing waits, like any email; given up, its notices show on the delivery
desk as emails that failed, to be told another way.

Two workers never send the same digest: each claims it with one guarded UPDATE, and
on PostgreSQL the second waits for the first and then finds it sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select, update

from app.accounts.models import User
from app.chain import services as chain
from app.errors import Conflict
from app.extensions import db
from app.groups.models import Group
from app.groups.services import groups_of
from app.links import absolute
from app.mail import MailCaught, MailNotSent, build_message, deliver
from app.notices import notify
from app.notices.models import Announcement, Digest, Notice
from app.notices.services import chain_told
from app.notices.worker import LAST, LEASE, MAX_ATTEMPTS, backoff, due_job, worker_name

log = logging.getLogger(__name__)

#: How far ahead "coming up" looks.
AHEAD = timedelta(days=7)
#: At most this many unread titles are listed (the count says how many in all).
UNREAD_LISTED = 5


@dataclass
class Line:
    """One thing in a digest: what, a few words more, and where to read it."""

    group_id: int
    title: str
    detail: str
    url: str


@dataclass
class Part:
    """A section of "coming up", filled by the domain that owns it."""

    heading: str
    lines: Callable[[User, list[int], datetime, datetime], list[Line]]


#: The parts of "coming up", in the order they appear; domains add theirs with `part`.
PARTS: dict[str, Part] = {}


def part(name: str, heading: str):
    """Register `lines(person, group_ids, now, until) -> [Line]` as a part of "coming up"
    (`heading` is shown above it, translated when the digest is written)."""

    def register(lines):
        PARTS[name] = Part(heading, lines)
        return lines

    return register


@dataclass
class Written:
    subject: str
    body: str
    notices: list[Notice]


# Writing one ---------------------------------------------------------------------------


def coming_up(person: User, group_ids: list[int], now: datetime) -> list[tuple[str, list[Line]]]:
    """Each part of "coming up" that has something for this person: (heading, lines)."""
    found = []
    for item in PARTS.values():
        lines = item.lines(person, group_ids, now, now + AHEAD) if group_ids else []
        if lines:
            found.append((str(item.heading), lines))
    return found


def write(digest: Digest, person: User, now: datetime) -> Written:
    """The digest's email, in the person's language."""
    carried = list(
        db.session.execute(
            select(Notice, Announcement)
            .join(Announcement, Announcement.id == Notice.announcement_id)
            .where(Notice.digest_id == digest.id, Notice.withdrawn_at.is_(None))
            .order_by(Announcement.created_at, Announcement.id)
        )
    )
    member_of = {group.id: group.name for group, _role in groups_of(person)}
    group_ids = sorted(member_of)
    unread = list(
        db.session.execute(
            select(Announcement.title, Announcement.url, Announcement.texts)
            .join(Notice, Notice.announcement_id == Announcement.id)
            .where(
                Notice.user_id == person.id,
                Notice.channel == "in_app",
                Notice.seen_at.is_(None),
                Notice.withdrawn_at.is_(None),
                Notice.announcement_id.not_in([a.id for _n, a in carried] or [0]),
            )
            .order_by(Announcement.created_at.desc(), Announcement.id.desc())
            .limit(UNREAD_LISTED + 1)
        )
    )
    with force_locale(person.language or "en"):
        ahead = coming_up(person, group_ids, now)
        names = _names(member_of, {a.group_id for _n, a in carried})
        lines = [
            _("Dear %(name)s,", name=person.name),
            "",
            _("Your daily news from Logbook.")
            if digest.cadence == "daily"
            else _("Your weekly news from Logbook."),
        ]
        if carried:
            lines += ["", _("What has happened"), "=" * len(_("What has happened"))]
            for _notice, announcement in carried:
                title, body = announcement.text_in(person.language)
                lines += [
                    "",
                    f"{title} ({names.get(announcement.group_id, '')})",
                    _first_paragraph(body),
                    absolute(announcement.url),
                ]
        for heading, part_lines in ahead:
            lines += ["", heading, "=" * len(heading)]
            for line in part_lines:
                lines += ["", f"{line.title} ({names.get(line.group_id, '')})"]
                lines += [line.detail] if line.detail else []
                lines.append(absolute(line.url))
        if unread:
            lines += [
                "",
                ngettext(
                    "Not yet read in your inbox: %(num)d thing.",
                    "Not yet read in your inbox: %(num)d things, the latest first.",
                    len(unread),
                ),
            ]
            for title, url, texts in unread[:UNREAD_LISTED]:
                title = ((texts or {}).get(person.language or "") or {}).get("title", title)
                lines.append(f"- {title}: {absolute(url)}")
            if len(unread) > UNREAD_LISTED:
                lines.append(_("... and more: %(url)s", url=absolute("/inbox")))
        heads = sorted({a.group_id for _n, a in carried})
        if heads:
            lines.append("")
            for group_id in heads:
                lines.append(
                    _(
                        "The log fingerprint of %(group)s as this was sent: %(head)s.",
                        group=names.get(group_id, ""),
                        head=chain.head(group_id)[: chain.SHORT],
                    )
                )
        lines += [
            "",
            _(
                "You chose to have your news gathered like this. To change it, go to "
                "your details: %(url)s",
                url=absolute("/account"),
            ),
        ]
        subject = ngettext(
            "Your news from Logbook: %(num)d new thing",
            "Your news from Logbook: %(num)d new things",
            len(carried),
        )
    return Written(subject, "\n".join(lines) + "\n", [n for n, _a in carried])


def _names(known: dict[int, str], group_ids: set[int]) -> dict[int, str]:
    """Group names by id: those the person is in, and any they have left since."""
    missing = group_ids - set(known)
    if missing:
        known = known | dict(
            db.session.execute(select(Group.id, Group.name).where(Group.id.in_(missing))).all()
        )
    return known


def _first_paragraph(body: str, limit: int = 400) -> str:
    text = (body or "").split("\n\n", 1)[0].strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# Sending -------------------------------------------------------------------------------


def due(now: datetime) -> list[int]:
    """Digests whose time has come, not sent, not given up, not held by another worker."""
    return list(
        db.session.scalars(
            select(Digest.id)
            .where(
                Digest.sent_at.is_(None),
                Digest.failed_at.is_(None),
                Digest.next_attempt_at <= now,
                or_(Digest.claimed_until.is_(None), Digest.claimed_until < now),
            )
            .order_by(Digest.next_attempt_at, Digest.id)
            .limit(200)
        )
    )


@due_job("digests", due, order=LAST)
def send(digest_id: int, now: datetime) -> bool:
    """Send one digest. True when the mail server accepted it (its news is then told)."""
    worker = worker_name()
    claimed = db.session.execute(
        update(Digest)
        .where(
            Digest.id == digest_id,
            Digest.sent_at.is_(None),
            Digest.failed_at.is_(None),
            or_(Digest.claimed_until.is_(None), Digest.claimed_until < now),
        )
        .values(claimed_by=worker, claimed_until=now + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise Conflict(_("Another worker is sending this digest."))
    digest = db.session.get(Digest, digest_id, populate_existing=True)
    person = db.session.get(User, digest.user_id)
    written = write(digest, person, now)
    if not written.notices:
        # Everything it was to carry was withdrawn: there is nothing to tell.
        _finish(digest, sent_at=now)
        return False
    if not person.email:
        give_up(digest, written.notices, now, _("no email address"))
        return False
    if notify.emails_available():
        return _to_notify(digest, person, written, now)
    try:
        deliver(
            build_message(
                person.email,
                written.subject,
                written.body,
                message_id=f"<digest-{digest.id}@logbook.local>",
            )
        )
    except MailCaught as exc:
        give_up(digest, written.notices, now, str(exc))
        return False
    except MailNotSent as exc:
        attempts = digest.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            give_up(digest, written.notices, now, str(exc), attempts=attempts)
        else:
            _finish(
                digest,
                attempts=attempts,
                next_attempt_at=now + backoff(attempts),
                last_error=str(exc)[:500],
            )
        log.warning("Digest %s not sent (attempt %s): %s", digest.id, attempts, exc)
        return False
    told(digest, written.notices, now)
    return True


def _to_notify(digest: Digest, person: User, written: Written, now: datetime) -> bool:
    """Hand the digest to GOV.UK Notify. Its news counts as told when Notify says the
    email was delivered (`by_notify.apply`), not when Notify takes it."""
    from app.notices import by_notify

    values = by_notify.hand_over(
        "digest",
        digest,
        lambda ref: notify.send_email(person.email, written.subject, written.body, ref),
        now,
    )
    if values.get("provider_id"):
        _finish(digest, sent_at=now, **values)
        db.session.execute(
            update(Notice)
            .where(Notice.id.in_([n.id for n in written.notices]), Notice.reached_at.is_(None))
            .values(sent_at=now, attempts=Notice.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        return True
    if values.get("failed_at"):
        give_up(digest, written.notices, now, values["last_error"], attempts=values["attempts"])
    else:
        _finish(digest, **values)
    return False


def told(digest: Digest, notices: list[Notice], at: datetime) -> None:
    """The digest reached its person: so did every notice it carries."""
    _finish(digest, sent_at=at, attempts=digest.attempts + 1, last_error=None)
    reached(notices, at)


def reached(notices: list[Notice], at: datetime) -> None:
    """News carried by a digest reached its person at `at`: each notice counts as
    told then, and joins its group's chain."""
    for group_id in sorted({n.group_id for n in notices}):
        chain.lock(group_id)
    ids = [n.id for n in notices]
    db.session.execute(
        update(Notice)
        .where(Notice.id.in_(ids), Notice.reached_at.is_(None))
        .values(
            sent_at=func.coalesce(Notice.sent_at, at),
            delivered_at=at,
            reached_at=at,
            # Sent by Notify earlier, that try was counted then.
            attempts=Notice.attempts + case((Notice.sent_at.is_(None), 1), else_=0),
        )
        .execution_options(synchronize_session=False)
    )
    reached = list(
        db.session.scalars(
            select(Notice)
            .where(Notice.id.in_(ids), Notice.reached_at == at)
            .execution_options(populate_existing=True)
        )
    )
    for group_id in sorted({n.group_id for n in reached}):
        chain_told(group_id, [n for n in reached if n.group_id == group_id])


def give_up(digest: Digest, notices: list[Notice], now: datetime, reason: str, attempts=None):
    """Not sent and not going to be: the digest and its notices fail, and show on each
    group's delivery desk as emails that could not be sent."""
    _finish(
        digest,
        failed_at=now,
        last_error=reason[:500],
        attempts=attempts if attempts is not None else digest.attempts + 1,
    )
    db.session.execute(
        update(Notice)
        .where(Notice.id.in_([n.id for n in notices]), Notice.reached_at.is_(None))
        .values(failed_at=now, last_error=reason[:500])
        .execution_options(synchronize_session=False)
    )


def _finish(digest: Digest, **values) -> None:
    db.session.execute(
        update(Digest)
        .where(Digest.id == digest.id)
        .values(claimed_by=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
