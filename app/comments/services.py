"""Posting and listing comments. The domain that owns the thing commented on decides
whether comments are open (a decided forward-plan entry takes no more); this module
only keeps them."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.comments.models import SUBJECT_KINDS, Comment
from app.dbtypes import utcnow
from app.errors import Invalid
from app.extensions import db
from app.pagination import Page, paginate

#: The longest comment anyone may post (the form says so too).
MAX_LENGTH = 5000


def add(group_id: int, subject_kind: str, subject_id: int, author: User, body: str) -> Comment:
    if subject_kind not in SUBJECT_KINDS:
        raise ValueError(f"nothing called {subject_kind!r} takes comments")
    body = (body or "").strip()
    if not body:
        raise Invalid(_("Write your comment"), "body")
    if len(body) > MAX_LENGTH:
        raise Invalid(_("Use at most %(max)d characters.", max=MAX_LENGTH), "body")
    comment = Comment(
        group_id=group_id,
        subject_kind=subject_kind,
        subject_id=subject_id,
        author_id=author.id,
        body=body,
        created_at=utcnow(),
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def page(subject_kind: str, subject_id: int, number: int, per_page: int) -> Page:
    """Comments on one thing, oldest first, each with its author: (Comment, User | None)."""
    query = (
        select(Comment, User)
        .outerjoin(User, User.id == Comment.author_id)
        .where(Comment.subject_kind == subject_kind, Comment.subject_id == subject_id)
        .order_by(Comment.created_at, Comment.id)
    )
    return paginate(query, number, per_page, rows=True)
