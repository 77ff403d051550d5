"""Posting and listing comments. The domain that owns the thing commented on decides
whether comments are open (a decided forward-plan entry takes no more); this module
only keeps them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from app.accounts.models import User
from app.comments.models import SUBJECT_KINDS, Comment
from app.dbtypes import utcnow
from app.errors import Invalid, NotFound
from app.extensions import db
from app.groups.models import Membership
from app.pagination import Page, paginate

#: The longest comment anyone may post (the form says so too).
MAX_LENGTH = 5000


def add(
    group_id: int,
    subject_kind: str,
    subject_id: int,
    author: User,
    body: str,
    reply_to: Comment | None = None,
) -> Comment:
    """Keep a comment, or with `reply_to`, a reply to one (on the same thing; one level
    deep: a reply is never answered in turn)."""
    if subject_kind not in SUBJECT_KINDS:
        raise ValueError(f"nothing called {subject_kind!r} takes comments")
    if reply_to is not None:
        if (reply_to.subject_kind, reply_to.subject_id) != (subject_kind, subject_id):
            raise NotFound(_("That comment is not on this page, so it cannot be answered here."))
        if reply_to.reply_to_id is not None:
            raise Invalid(_("Answer the member's comment itself, not a reply to it."), "body")
    body = (body or "").strip()
    if not body:
        raise Invalid(_("Write your reply") if reply_to else _("Write your comment"), "body")
    if len(body) > MAX_LENGTH:
        raise Invalid(_("Use at most %(max)d characters.", max=MAX_LENGTH), "body")
    comment = Comment(
        group_id=group_id,
        subject_kind=subject_kind,
        subject_id=subject_id,
        author_id=author.id,
        reply_to_id=reply_to.id if reply_to else None,
        body=body,
        created_at=utcnow(),
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def get(subject_kind: str, subject_id: int, comment_id: int) -> Comment | None:
    """One comment on one thing (None if it is not on that thing)."""
    return db.session.scalar(
        select(Comment).where(
            Comment.id == comment_id,
            Comment.subject_kind == subject_kind,
            Comment.subject_id == subject_id,
        )
    )


def _top_level(subject_kind: str, subject_id: int):
    """Conditions for the comments on a thing that are not replies."""
    return (
        Comment.subject_kind == subject_kind,
        Comment.subject_id == subject_id,
        Comment.reply_to_id.is_(None),
    )


def page(subject_kind: str, subject_id: int, number: int, per_page: int) -> Page:
    """Comments on one thing (replies are under the comment they answer, see `replies`),
    oldest first, each with its author: (Comment, User | None)."""
    query = (
        select(Comment, User)
        .outerjoin(User, User.id == Comment.author_id)
        .where(*_top_level(subject_kind, subject_id))
        .order_by(Comment.created_at, Comment.id)
    )
    return paginate(query, number, per_page, rows=True)


def page_number_of(comment: Comment, per_page: int) -> int:
    """Which page of its thing's comments a comment is on (a reply: the comment it
    answers), so that a link can go straight to it."""
    if comment.reply_to_id is not None:
        comment = db.session.get(Comment, comment.reply_to_id)
    earlier = db.session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(
            *_top_level(comment.subject_kind, comment.subject_id),
            or_(
                Comment.created_at < comment.created_at,
                (Comment.created_at == comment.created_at) & (Comment.id < comment.id),
            ),
        )
    )
    return (earlier or 0) // per_page + 1


@dataclass
class Reply:
    comment: Comment
    author: User | None
    #: The author's role in the group (None once they have left it).
    role: str | None


def replies(comments: Iterable[Comment]) -> dict[int, list[Reply]]:
    """The replies to some comments, oldest first, by the id of the comment they answer,
    each with its author and the author's role in the group. One query, however many."""
    ids = [c.id for c in comments]
    if not ids:
        return {}
    found: dict[int, list[Reply]] = {}
    for reply, author, role in db.session.execute(
        select(Comment, User, Membership.role)
        .outerjoin(User, User.id == Comment.author_id)
        .outerjoin(
            Membership,
            (Membership.user_id == Comment.author_id) & (Membership.group_id == Comment.group_id),
        )
        .where(Comment.reply_to_id.in_(ids))
        .order_by(Comment.created_at, Comment.id)
    ):
        found.setdefault(reply.reply_to_id, []).append(Reply(reply, author, role))
    return found
