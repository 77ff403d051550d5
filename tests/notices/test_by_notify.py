"""Telling people through GOV.UK Notify, as the worker does it, against a fake Notify
that answers as the documented API does (tests/fake_notify.py): emails, text messages,
digests and posted letters are handed over, count as told only when Notify says they
arrived, and what fails shows on the delivery desk."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from app.dbtypes import utcnow
from app.extensions import db
from app.notices import by_notify, desk, worker
from app.notices.models import Digest, JobRun, Letter, LetterPack, Notice
from tests.conftest import NOTIFY_CALLBACK_TOKEN, client_for, count
from tests.decisions.helpers import backdate_members, record
from tests.factories import make_group, make_member

TOKEN = NOTIFY_CALLBACK_TOKEN


@pytest.fixture
def riverside(app, ctx):
    group = make_group(name="Riverside Group")
    officer, _ = make_member(group, "officer")
    facilitator, _ = make_member(group, "facilitator")
    return group, officer, facilitator


def member(group, name, channels, **fields):
    person, _ = make_member(group, "resident", name=name)
    person.preferred_channels = channels
    for key, value in fields.items():
        setattr(person, key, value)
    db.session.commit()
    return person


def notices_of(person, channel):
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notice).where(Notice.user_id == person.id, Notice.channel == channel)
        )
    )


def receipt(app, body, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return app.test_client().post("/notify/receipts", json=body, headers=headers)


def try_again_now(model):
    db.session.execute(update(model).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


# Emails and texts ---------------------------------------------------------------------


def test_an_email_by_notify_counts_as_told_only_when_its_receipt_says_delivered(
    app, notify_site, riverside
):
    group, officer, _ = riverside
    amala = member(group, "Amala", ["in_app", "email"])
    backdate_members(group)
    decision = record(group, officer, title="Bins move to Wednesdays")

    result = worker.work_once()

    assert result.sent >= 1
    (email,) = [n for n in notify_site.sent("email") if n["email_address"] == amala.email]
    assert email["subject"] == "Decision: Bins move to Wednesdays"
    assert f"/decisions/{decision.id}" in email["body"]
    (notice,) = notices_of(amala, "email")
    assert email["reference"] == by_notify.reference("notice", notice.id)
    # Notify took it: sent, but nobody is told until Notify says it arrived.
    assert notice.sent_at is not None and notice.provider_id == email["id"]
    assert notice.reached_at is None

    notify_site.set_status(email["id"], "delivered")
    response = receipt(app, notify_site.callback_body(email["id"]))
    assert response.status_code == 200 and response.json["result"] == "recorded"
    (notice,) = notices_of(amala, "email")
    assert notice.reached_at is not None and notice.provider_status == "delivered"
    told_at = notice.reached_at

    # Notify may say it again: nothing changes.
    assert receipt(app, notify_site.callback_body(email["id"])).status_code == 200
    (notice,) = notices_of(amala, "email")
    assert notice.reached_at == told_at


def test_receipts_need_the_sites_token_and_a_real_receipt(app, notify_site, riverside):
    assert receipt(app, {"id": "x", "status": "delivered"}, token=None).status_code == 401
    assert receipt(app, {"id": "x", "status": "delivered"}, token="wrong").status_code == 401
    assert receipt(app, {"status": "delivered"}).status_code == 400
    assert receipt(app, ["not", "a", "receipt"]).status_code == 400
    unknown = receipt(app, {"id": "6f1c5b0e-1111-4c1c-9b1e-1d2f3a4b5c6d", "status": "delivered"})
    assert unknown.status_code == 200 and "unknown" in unknown.json["result"]


def test_a_site_without_a_callback_token_takes_no_receipts(app, notify_site, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_CALLBACK_TOKEN", "")
    assert receipt(app, {"id": "x", "status": "delivered"}, token="").status_code == 404


def test_a_text_message_goes_to_a_phone_and_a_failure_reaches_the_desk(
    app, notify_site, riverside, monkeypatch
):
    group, officer, facilitator = riverside
    tom = member(group, "Tom", ["sms"], email=None, phone="07700 900123")
    backdate_members(group)
    record(group, officer, title="New bus stop on Mill Lane")

    worker.work_once()

    (text,) = notify_site.sent("sms")
    assert text["phone_number"] == "07700 900123"
    assert text["body"].startswith("Decision: New bus stop on Mill Lane")
    assert "http" in text["body"]
    (notice,) = notices_of(tom, "sms")
    assert notice.provider_id == text["id"] and notice.reached_at is None

    # This site takes no callbacks: the worker asks Notify, ten minutes on.
    monkeypatch.setitem(app.config, "NOTIFY_CALLBACK_TOKEN", "")
    notify_site.set_status(text["id"], "permanent-failure")
    done = worker.run_due(utcnow() + by_notify.POLL_EVERY)
    assert done.get("Notify receipts") == 1
    (notice,) = notices_of(tom, "sms")
    assert notice.failed_at is not None and notice.reached_at is None
    assert "address or number is wrong" in notice.last_error

    # The desk lists it, to tell Tom another way.
    assert desk.counts(group.id).failed_emails == 1
    page = client_for(app, facilitator).get(f"/groups/{group.slug}/desk/failed")
    assert page.status_code == 200
    assert "Tom" in page.text and "07700 900123" in page.text
    assert "New bus stop on Mill Lane" in page.text


def test_busy_notify_is_tried_again_later_and_nothing_goes_twice(app, notify_site, riverside):
    group, officer, _ = riverside
    amala = member(group, "Amala", ["email"])
    backdate_members(group)
    record(group, officer, title="Park stays open")

    notify_site.fail_next(1, 429)
    worker.work_once()
    (notice,) = notices_of(amala, "email")
    assert notice.sent_at is None and notice.attempts == 1
    assert notice.next_attempt_at > utcnow() and notice.last_error
    assert notify_site.sent("email") == []

    try_again_now(Notice)
    worker.work_once()
    assert len(notify_site.sent("email")) == 1
    (notice,) = notices_of(amala, "email")
    assert notice.provider_id == notify_site.sent("email")[0]["id"]


def test_an_answer_lost_on_the_way_is_asked_about_before_sending_again(app, notify_site, riverside):
    group, officer, _ = riverside
    amala = member(group, "Amala", ["email"])
    backdate_members(group)
    record(group, officer, title="Park stays open")

    notify_site.drop_next()  # Notify takes the email, and the answer never comes back
    worker.work_once()
    (notice,) = notices_of(amala, "email")
    assert notice.sent_at is None and notice.provider_status == by_notify.UNANSWERED
    assert len(notify_site.sent("email")) == 1

    try_again_now(Notice)
    worker.work_once()
    # Found by its reference: the same email, not a second one.
    assert len(notify_site.sent("email")) == 1
    (notice,) = notices_of(amala, "email")
    assert notice.provider_id == notify_site.sent("email")[0]["id"] and notice.sent_at


def test_an_email_notify_refuses_fails_at_once_with_its_reason(app, notify_site, riverside):
    group, officer, _ = riverside
    amala = member(group, "Amala", ["email"], email="not-an-address@")
    backdate_members(group)
    record(group, officer, title="Park stays open")

    worker.work_once()
    (notice,) = notices_of(amala, "email")
    assert notice.failed_at is not None and notice.reached_at is None
    assert "email_address" in notice.last_error
    assert desk.counts(group.id).failed_emails == 1


# Digests ------------------------------------------------------------------------------


def test_a_digest_by_notify_tells_its_news_when_notify_says_it_arrived(app, notify_site, riverside):
    group, officer, _ = riverside
    dee = member(group, "Dee", ["in_app", "email"], digest="daily")
    backdate_members(group)
    record(group, officer, title="Bins move to Wednesdays")
    record(group, officer, title="Library opens on Sundays")
    worker.work_once()
    assert notify_site.sent("email") == []  # the daily member waits for the digest

    try_again_now(Digest)
    worker.work_once()
    (email,) = notify_site.sent("email")
    assert "Bins move to Wednesdays" in email["body"]
    assert "Library opens on Sundays" in email["body"]
    digest = db.session.scalar(select(Digest).where(Digest.user_id == dee.id))
    assert email["reference"] == by_notify.reference("digest", digest.id)
    assert all(n.sent_at and n.reached_at is None for n in notices_of(dee, "email"))

    notify_site.set_status(email["id"], "delivered")
    assert receipt(app, notify_site.callback_body(email["id"])).status_code == 200
    told = notices_of(dee, "email")
    assert len(told) == 2 and all(n.reached_at is not None for n in told)

    # A second worker run sends nothing more.
    worker.work_once()
    assert len(notify_site.sent("email")) == 1


# Letters ------------------------------------------------------------------------------


def test_notify_posts_the_letters_and_they_count_as_told_when_posted(app, notify_site, riverside):
    group, officer, facilitator = riverside
    doris = member(
        group, "Doris", ["letter"], email=None, postal_address="12 Mill Lane\nRiverside\nRV1 2AB"
    )
    backdate_members(group)
    record(group, officer, title="Bins move to Wednesdays")

    worker.work_once()

    pack = db.session.scalar(select(LetterPack).where(LetterPack.group_id == group.id))
    assert pack is not None and pack.created_by_id is None  # made by the worker
    (sent,) = notify_site.sent("letter")
    letter = db.session.scalar(select(Letter).where(Letter.user_id == doris.id))
    assert sent["reference"] == by_notify.reference("letter", letter.id)
    assert letter.provider_id == sent["id"] and letter.posted_at is None
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(sent["pdf"])).pages)
    assert "Doris" in text and "12 Mill Lane" in text and "Bins move to Wednesdays" in text
    (notice,) = notices_of(doris, "letter")
    assert notice.reached_at is None

    # The pack page says Notify posts them; no "mark as posted" for Notify's letters.
    page = client_for(app, facilitator).get(f"/groups/{group.slug}/desk/packs/{pack.id}")
    assert page.status_code == 200
    assert "GOV.UK Notify prints and posts these letters" in page.text
    assert "Mark as posted" not in page.text
    refused = client_for(app, facilitator).post(
        f"/groups/{group.slug}/desk/packs/{pack.id}/posted", data={"letter": letter.id}
    )
    assert refused.status_code == 409 and "GOV.UK Notify posts these letters" in refused.text
    assert db.session.get(Letter, letter.id, populate_existing=True).posted_at is None

    # Notify sends no callbacks for letters: the worker asks.
    notify_site.set_status(sent["id"], "received")
    later = utcnow() + by_notify.POLL_EVERY
    done = worker.run_due(later)
    assert done.get("Notify receipts") == 1
    (notice,) = notices_of(doris, "letter")
    assert notice.reached_at is not None and notice.recorded_by_id is None
    letter = db.session.get(Letter, letter.id, populate_existing=True)
    assert letter.posted_at is not None and letter.provider_status == "received"

    # The same ten minutes are asked about once, whichever worker gets there.
    assert worker.run_due(later).get("Notify receipts") is None
    slot = str(int(later.timestamp() // by_notify.POLL_EVERY.total_seconds()))
    assert count(JobRun, JobRun.name == "Notify receipts", JobRun.key == slot) == 1


def test_a_letter_notify_cannot_print_goes_back_to_the_desk(app, notify_site, riverside):
    group, officer, _ = riverside
    doris = member(group, "Doris", ["letter"], email=None, postal_address="12 Mill Lane")
    backdate_members(group)
    record(group, officer, title="Bins move to Wednesdays")
    worker.work_once()
    (sent,) = notify_site.sent("letter")

    notify_site.set_status(sent["id"], "validation-failed")
    worker.run_due(utcnow() + by_notify.POLL_EVERY)

    letter = db.session.scalar(select(Letter).where(Letter.user_id == doris.id))
    assert letter.failed_at is not None and letter.posted_at is None
    (notice,) = notices_of(doris, "letter")
    assert notice.failed_at is not None and notice.reached_at is None
    assert desk.counts(group.id).failed_emails == 1
    # Sent again as a letter, it is queued afresh, and goes to Notify once more.
    desk.send_another_way(group.id, notice.id, "letter")
    db.session.commit()
    assert desk.counts(group.id).failed_emails == 0
    worker.work_once()
    assert len(notify_site.sent("letter")) == 2
    (notice,) = notices_of(doris, "letter")
    assert notice.failed_at is None and notice.letter_id != letter.id
