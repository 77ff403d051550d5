"""The forward plan: decisions coming up, published so members are told (and can
comment) before they are taken, and the notice the group's own decisions need."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.comments import services as comments
from app.comments.models import Comment
from app.dbtypes import utcnow
from app.decisions.models import DECIDED_BY, Decision, ForwardPlanEntry
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.groups import services as group_services
from app.groups.models import Group, Membership
from app.links import path_for
from app.notices import services as notices
from app.pagination import Page, paginate


def notice_given(
    group: Group, decided_at: datetime, entry: ForwardPlanEntry | None
) -> timedelta | None:
    """How long members had notice through the forward plan; None if there was none."""
    if entry is None or entry.published_at > decided_at:
        return None
    return decided_at - entry.published_at


def needs_notice_reason(
    group: Group, decided_by_kind: str, decided_at: datetime, entry: ForwardPlanEntry | None
) -> bool:
    """The group's own decisions need the group's notice period, or a reason."""
    if decided_by_kind != "group_vote" or group.notice_period_days <= 0:
        return False
    given = notice_given(group, decided_at, entry)
    return given is None or given < timedelta(days=group.notice_period_days)


def get_forward_plan(group: Group, entry_id: int | None) -> ForwardPlanEntry | None:
    if entry_id is None:
        return None
    return db.session.scalar(
        select(ForwardPlanEntry).where(
            ForwardPlanEntry.id == entry_id, ForwardPlanEntry.group_id == group.id
        )
    )


def decision_from_forward_plan(entry: ForwardPlanEntry) -> Decision | None:
    return db.session.scalar(select(Decision).where(Decision.forward_plan_id == entry.id))


def publish_forward_plan(
    group: Group,
    published_by: User,
    *,
    title: str,
    summary: str,
    decision_by_kind: str,
    decision_by_name: str,
    expected_at: datetime,
    now: datetime | None = None,
) -> ForwardPlanEntry:
    now = now or utcnow()
    if not (title or "").strip():
        raise Invalid(_("Enter what will be decided"), "title")
    if not (summary or "").strip():
        raise Invalid(_("Write a short summary in plain words"), "summary")
    if decision_by_kind not in DECIDED_BY:
        raise Invalid(_("Choose who will take the decision"), "decision_by_kind")
    if expected_at < now - timedelta(days=1):
        raise Invalid(
            _("The expected date has passed. If it has been decided, record the decision instead."),
            "expected_on",
        )
    entry = ForwardPlanEntry(
        group_id=group.id,
        title=title.strip(),
        summary=summary.strip(),
        decision_by_kind=decision_by_kind,
        decision_by_name=(decision_by_name or "").strip(),
        expected_at=expected_at,
        published_at=now,
        published_by_id=published_by.id,
    )
    db.session.add(entry)
    db.session.flush()
    from flask_babel import format_date

    notices.announce(
        group_id=group.id,
        subject_kind="forward_plan",
        subject_id=entry.id,
        title=lambda: _("Coming up: %(title)s", title=entry.title),
        body=lambda: "\n\n".join(
            (
                _("%(group)s has been told of a decision that is coming up.", group=group.name),
                entry.title,
                entry.summary,
                _("Expected on %(date)s.", date=format_date(entry.expected_at, "d MMMM yyyy")),
                _("You can comment before it is taken:"),
            )
        ),
        url=path_for("decisions.forward_plan_entry", slug=group.slug, entry_id=entry.id),
        people=group_services.everyone_to_tell(group),
        now=now,
        author=published_by,
    )
    return entry


def forward_plan_page(group: Group, page: int, per_page: int) -> Page:
    """Upcoming entries first (soonest first), then those already decided."""
    decided = select(Decision.forward_plan_id).where(Decision.forward_plan_id.is_not(None))
    query = (
        select(ForwardPlanEntry, Decision)
        .outerjoin(Decision, Decision.forward_plan_id == ForwardPlanEntry.id)
        .where(ForwardPlanEntry.group_id == group.id)
        .order_by(
            ForwardPlanEntry.id.in_(decided),
            ForwardPlanEntry.expected_at,
            ForwardPlanEntry.id,
        )
    )
    return paginate(query, page, per_page, rows=True)


def open_forward_plan(group: Group) -> list[ForwardPlanEntry]:
    """Entries not yet decided, for choosing one when recording a decision."""
    decided = select(Decision.forward_plan_id).where(Decision.forward_plan_id.is_not(None))
    return list(
        db.session.scalars(
            select(ForwardPlanEntry)
            .where(ForwardPlanEntry.group_id == group.id, ForwardPlanEntry.id.not_in(decided))
            .order_by(ForwardPlanEntry.expected_at)
            .limit(200)
        )
    )


def replies_to(user: User, since: datetime, limit: int) -> Page:
    """Replies since `since` to the person's own comments on upcoming decisions, in
    groups they are still in: (reply Comment, ForwardPlanEntry, Group), newest first."""
    original = aliased(Comment)
    query = (
        select(Comment, ForwardPlanEntry, Group)
        .join(original, original.id == Comment.reply_to_id)
        .join(ForwardPlanEntry, ForwardPlanEntry.id == original.subject_id)
        .join(Group, Group.id == ForwardPlanEntry.group_id)
        .join(
            Membership,
            (Membership.group_id == ForwardPlanEntry.group_id) & (Membership.user_id == user.id),
        )
        .where(
            original.subject_kind == "forward_plan",
            original.author_id == user.id,
            Comment.subject_kind == "forward_plan",
            or_(Comment.author_id.is_(None), Comment.author_id != user.id),
            Comment.created_at >= since,
        )
        .order_by(Comment.created_at.desc(), Comment.id.desc())
    )
    return paginate(query, 1, limit, rows=True)


def comment_on_plan(entry: ForwardPlanEntry, author: User, body: str):
    """Members comment on an upcoming decision until it is taken."""
    if decision_from_forward_plan(entry) is not None:
        raise Conflict(_("This has been decided, so it takes no more comments."), "body")
    return comments.add(entry.group_id, "forward_plan", entry.id, author, body)


def reply_on_plan(
    group: Group, entry: ForwardPlanEntry, comment_id: int, author: User, body: str
) -> Comment:
    """An officer or facilitator answers a member's comment on an upcoming decision, under
    that comment; the member who wrote it is told. Answers are welcome after the
    decision too: hearing back is the point."""
    original = comments.get("forward_plan", entry.id, comment_id)
    if original is None:
        raise NotFound(_("That comment is not on this page, so it cannot be answered here."))
    reply = comments.add(group.id, "forward_plan", entry.id, author, body, reply_to=original)
    commenter = db.session.get(User, original.author_id) if original.author_id else None
    if commenter is None or commenter.id == author.id:
        return reply
    if not group_services.memberships_of(group, [commenter.id]):
        return reply  # they have left the group, and could not open the page
    page = comments.page_number_of(original, current_app.config["PAGE_SIZE"])
    notices.announce(
        group_id=group.id,
        subject_kind="comment",
        subject_id=reply.id,
        title=lambda: _("A reply to your comment on: %(title)s", title=entry.title),
        body=lambda: "\n\n".join(
            (
                _(
                    "%(name)s replied to your comment on something %(group)s will decide:",
                    name=author.name,
                    group=group.name,
                ),
                entry.title,
                _("Their reply:"),
                reply.body,
                _("You wrote:"),
                original.body,
            )
        ),
        url=path_for(
            "decisions.forward_plan_entry",
            slug=group.slug,
            entry_id=entry.id,
            **({"page": page} if page > 1 else {}),
        )
        + f"#comment-{original.id}",
        people=[commenter],
        now=reply.created_at,
    )
    return reply
