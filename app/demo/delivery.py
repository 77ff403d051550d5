"""The demo's delivery desk: letters posted a while ago and a pack waiting to post, a
call that went unanswered, an email the mail server turned away, and members who take
their news once a day or once a week."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from app.accounts import services as accounts
from app.dbtypes import utcnow
from app.errors import Refused
from app.extensions import db
from app.groups import services as groups
from app.notices import desk
from app.notices.models import Notice


def load_delivery(group) -> None:
    now = utcnow()
    fatima = accounts.get_user_by_email("facilitator@example.org")
    people = {u.name: u for _m, u in groups.members(group, 1, 1000).items}
    doris, tom = people["Doris Hughes"], people["Tom Kaur"]

    # Doris's letters: what she had waiting went out in a pack Fatima posted the next day;
    # the news since waits in a pack made today, to print and post.
    latest = db.session.scalar(
        select(func.max(Notice.created_at)).where(
            Notice.user_id == doris.id, Notice.channel == "letter"
        )
    )
    if latest is not None:
        earlier = min(latest - timedelta(seconds=1), now - timedelta(days=2))
        for made, posted in ((earlier, earlier + timedelta(days=1)), (now, None)):
            try:
                pack = desk.make_pack(group.id, fatima, now=made)
            except Refused:
                continue  # nothing was waiting then
            if posted:
                desk.mark_posted(group.id, fatima, pack=pack, now=posted)

    # Tom: rung yesterday evening, no answer; he stays on the call sheet.
    try:
        desk.record_call(
            group.id,
            tom,
            "no_answer",
            fatima,
            note="Rang at 6pm; no answer, no voicemail.",
            now=now - timedelta(hours=20),
        )
    except Refused:
        pass

    # Ade takes a daily digest, Priya a weekly one: their next news waits for it.
    for email, cadence in (("adviser@example.org", "daily"), ("partner@example.org", "weekly")):
        accounts.get_user_by_email(email).digest = cadence

    # One email the mail server refused for good (as a real one would after its tries):
    # it shows on the desk, to tell Rita another way.
    rita = accounts.get_user_by_email("resident@example.org")
    first = db.session.scalar(
        select(Notice.id)
        .where(Notice.user_id == rita.id, Notice.channel == "email", Notice.sent_at.is_(None))
        .order_by(Notice.created_at.desc(), Notice.id.desc())
        .limit(1)
    )
    if first is not None:
        db.session.execute(
            update(Notice)
            .where(Notice.id == first)
            .values(
                attempts=12,
                failed_at=now - timedelta(hours=3),
                last_error="550 5.1.1 <resident@example.org>: mailbox unavailable",
            )
        )
    db.session.flush()
