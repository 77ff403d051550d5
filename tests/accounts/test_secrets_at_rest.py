"""What a stolen copy of the database would give an attacker: no password and no
working reset link, only slow one-way hashes of them."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from sqlalchemy import select

from app.accounts.models import PasswordReset, User
from app.extensions import db
from tests.factories import PASSWORD, make_user


def test_passwords_are_stored_only_as_argon2id_hashes(app, ctx):
    person = make_user(email="ade@example.org")
    db.session.commit()

    stored = db.session.scalar(select(User.password_hash).where(User.id == person.id))

    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert PasswordHasher().verify(stored, PASSWORD)


def test_a_reset_link_is_stored_only_as_its_hash(app, client, mailbox):
    make_user(email="ade@example.org")
    db.session.commit()

    client.post("/password/forgot", data={"email": "ade@example.org"})

    [message] = mailbox.to("ade@example.org")
    token = re.search(r"/password/reset/([A-Za-z0-9_-]+)", mailbox.body(message)).group(1)
    [stored] = db.session.scalars(select(PasswordReset.token_hash))
    assert token not in stored and len(stored) == 64
