"""The worker keeps contact details and the security log no longer than the site's
settings say."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from app.dbtypes import utcnow
from app.extensions import db
from app.notices import desk
from app.notices.models import CallAttempt, Letter, LetterPack
from app.notices.worker import run_due
from app.security import settings
from app.security.models import SecurityEvent
from tests.decisions.helpers import backdate_members, record
from tests.factories import make_group, make_member


def letters_printed(*days_ago: int) -> list[int]:
    """A member by letter and phone, with a letter pack printed and a call made that
    many days ago for each; returns the packs' ids."""
    group = make_group()
    fay, _ = make_member(group, "facilitator")
    rosa, _ = make_member(group, "resident", name="Rosa")
    rosa.preferred_channels = ["letter", "phone"]
    rosa.postal_address = "7 Lock Street\nRiverside"
    rosa.phone = "01632 960000"
    db.session.commit()
    backdate_members(group)
    packs = []
    for days in days_ago:
        record(group, fay, title=f"Decided {days} days ago")
        pack = desk.make_pack(group.id, fay)
        when = utcnow() - timedelta(days=days)
        db.session.execute(
            update(LetterPack).where(LetterPack.id == pack.id).values(created_at=when)
        )
        desk.record_call(group.id, rosa, "no_answer", fay, note=f"Rang {days} days ago", now=when)
        db.session.commit()
        packs.append(pack.id)
    return packs


def addresses() -> dict[int, str]:
    db.session.expire_all()
    return {letter.pack_id: letter.address for letter in db.session.scalars(select(Letter))}


def notes() -> list[str | None]:
    return [c.note for c in db.session.scalars(select(CallAttempt).order_by(CallAttempt.id))]


def test_addresses_on_letters_older_than_the_setting_are_blanked(app, ctx):
    old, recent = letters_printed(200, 20)
    settings.update(None, keep_notice_contacts_months=3)
    db.session.commit()

    done = run_due()

    assert done.get("forget old contact details") == 1
    assert addresses() == {old: "", recent: "7 Lock Street\nRiverside"}
    # The call stays (who was rung, when, what came of it); the old note goes.
    assert notes() == [None, "Rang 20 days ago"]
    assert "forget old contact details" not in run_due()  # nothing left to do


def test_with_the_setting_at_nought_addresses_are_kept(app, ctx):
    (ancient,) = letters_printed(2000)
    settings.update(None, keep_notice_contacts_months=0)
    db.session.commit()

    run_due()

    assert addresses() == {ancient: "7 Lock Street\nRiverside"}
    assert notes() == ["Rang 2000 days ago"]


def test_security_events_older_than_the_setting_are_deleted(app, ctx):
    now = utcnow()
    for days in (400, 40, 1):
        db.session.add(SecurityEvent(at=now - timedelta(days=days), kind=f"test.{days}"))
    settings.update(None, keep_security_events_days=30)
    db.session.commit()

    done = run_due()

    assert done.get("forget old security events") == 1
    db.session.expire_all()
    kinds = set(
        db.session.scalars(select(SecurityEvent.kind).where(SecurityEvent.kind.like("test.%")))
    )
    assert kinds == {"test.1"}


def test_security_events_are_kept_for_the_default_year(app, ctx):
    now = utcnow()
    for days in (400, 300):
        db.session.add(SecurityEvent(at=now - timedelta(days=days), kind=f"test.{days}"))
    db.session.commit()

    run_due()

    db.session.expire_all()
    kinds = set(
        db.session.scalars(select(SecurityEvent.kind).where(SecurityEvent.kind.like("test.%")))
    )
    assert kinds == {"test.300"}
