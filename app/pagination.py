"""One page of a list. Every list in Logbook is paginated this way."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request
from sqlalchemy import Select, func, select

from app.extensions import db


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


#: No list is this long; a larger page number is someone typing nonsense.
MAX_PAGE = 100_000


def page_arg(name: str = "page") -> int:
    """The ?page= number (or another name, for a second list on a page): a whole number
    from 1 to MAX_PAGE, else 1."""
    try:
        page = int(request.args.get(name, 1))
    except (TypeError, ValueError):
        return 1
    return page if 1 <= page <= MAX_PAGE else 1


def page_size() -> int:
    return current_app.config["PAGE_SIZE"]


def paginate(query: Select, page: int, per_page: int, *, rows: bool = False) -> Page:
    """One page of a select() plus the total: always exactly two queries.

    rows=True returns whole result rows (for selects of several entities).
    """
    page = max(1, page)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    window = query.limit(per_page).offset((page - 1) * per_page)
    if rows:
        items = [tuple(row) for row in db.session.execute(window)]
    else:
        items = list(db.session.scalars(window))
    return Page(items=items, page=page, per_page=per_page, total=total or 0)
