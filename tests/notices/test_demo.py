"""The demo's delivery desk has something in each of its lists."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts import services as accounts
from app.demo import load_demo
from app.extensions import db
from app.groups import services as groups
from app.notices import desk
from app.notices.models import Announcement, CallAttempt
from tests.uploads.samples import upload_folder  # noqa: F401  (a fixture)


@pytest.mark.usefixtures("upload_folder")
def test_the_demo_desk_has_a_pack_to_post_a_call_to_retry_and_a_failed_email(app, ctx):
    load_demo()
    group = groups.get_group("riverside")

    packs = desk.packs_page(group.id, 1, 10).items
    assert [(letters, posted) for _pack, letters, posted in packs] == [(1, 0), (1, 1)]
    counts = desk.counts(group.id)
    assert counts.unposted_letters == 1 and counts.failed_emails == 1 and counts.calls == 1

    (attempt,) = db.session.scalars(select(CallAttempt).where(CallAttempt.group_id == group.id))
    assert attempt.outcome == "no_answer"
    (waiting,) = desk.waiting_page(group.id, "phone", 1, 10).items
    assert waiting.person.name == "Tom Kaur" and waiting.tries == 1

    (failed, _announcement, person) = desk.failed_page(group.id, 1, 10).items[0]
    assert person.email == "resident@example.org" and "mailbox unavailable" in failed.last_error

    assert accounts.get_user_by_email("adviser@example.org").digest == "daily"
    assert accounts.get_user_by_email("partner@example.org").digest == "weekly"


@pytest.mark.usefixtures("upload_folder")
def test_the_demo_closes_every_loop_once(app, ctx):
    load_demo()
    group = groups.get_group("riverside")
    kinds = dict(
        db.session.execute(
            select(Announcement.subject_kind, func.count())
            .where(Announcement.group_id == group.id)
            .group_by(Announcement.subject_kind)
        ).all()
    )
    # A vote's result, a priority's new status, the answer to a grapevine report, a
    # reply under a forward-plan comment, progress on an action, the agenda sent.
    for kind in ("ballot_result", "priority", "grapevine", "comment", "action_progress"):
        assert kinds.get(kind, 0) >= 1, kind
    assert kinds.get("agenda") == 1
