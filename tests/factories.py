"""Small builders for test data. Each returns saved rows."""

from __future__ import annotations

import itertools

from app.accounts import services as accounts
from app.extensions import db
from app.groups import services as groups

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def make_user(
    *,
    email: str | None = "",
    name: str | None = None,
    admin: bool = False,
    password=PASSWORD,
    language: str | None = None,
):
    n = next(_seq)
    if email == "":
        email = f"person{n}@example.org"
    user = accounts.create_user(
        email=email,
        name=name or f"Person {n}",
        password=password if email else None,
        is_admin=admin,
    )
    user.language = language
    db.session.commit()
    return user


def make_group(slug: str | None = None, **fields):
    n = next(_seq)
    group = groups.create_group(
        slug=slug or f"group-{n}",
        name=fields.pop("name", f"Group {n}"),
        neighbourhood=fields.pop("neighbourhood", "Riverside"),
    )
    for key, value in fields.items():
        setattr(group, key, value)
    db.session.commit()
    return group


def make_member(group, role: str = "resident", **user_fields):
    user = make_user(**user_fields)
    membership = groups.add_member(group, user, role)
    db.session.commit()
    return user, membership
