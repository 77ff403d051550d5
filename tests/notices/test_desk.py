"""The delivery desk: letters to print and post, calls to make, emails that failed.
Nothing counts as told until someone marks it posted, rings, or tells them."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from app.dbtypes import utcnow
from app.decisions import chain
from app.decisions import services as decisions
from app.extensions import db
from app.notices import desk
from app.notices.models import CallAttempt, Letter, Notice
from tests.conftest import client_for, count
from tests.decisions.helpers import backdate_members, record
from tests.factories import make_group, make_member


def by_post(group, name="Doris Hughes", address="4 Canal Row\nRiverside\nRV1 2AB", **extra):
    person, membership = make_member(group, "resident", name=name)
    person.preferred_channels = ["letter"]
    person.postal_address = address
    for key, value in extra.items():
        setattr(person, key, value)
    db.session.commit()
    return person


def by_phone(group, name="Tom Price", phone="01632 960111"):
    person, _ = make_member(group, "resident", name=name)
    person.preferred_channels = ["phone"]
    person.phone = phone
    db.session.commit()
    return person


@pytest.fixture
def riverside(app, ctx):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    officer, _ = make_member(group, "officer")
    return group, facilitator, officer


def notices_of(person, channel):
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notice).where(Notice.user_id == person.id, Notice.channel == channel)
        )
    )


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


# Letters ---------------------------------------------------------------------------


def test_a_pack_holds_one_letter_per_person_with_all_their_news(riverside, client):
    group, facilitator, officer = riverside
    doris = by_post(group)
    by_post(group, name="Ahmed Khan", address="9 Mill Lane\nRiverside")
    backdate_members(group)
    record(group, officer, title="Bins move to Wednesdays")
    record(group, officer, title="Library opens on Sundays")
    assert desk.counts(group.id).letters == 2

    web = client_for(client.application, facilitator)
    page = web.get(f"/groups/{group.slug}/desk")
    assert page.status_code == 200
    assert "Doris Hughes" in page.text and "4 Canal Row" in page.text
    made = web.post(f"/groups/{group.slug}/desk/packs")
    assert made.status_code == 303
    pack_url = made.headers["Location"]
    letters = list(db.session.scalars(select(Letter).order_by(Letter.name)))
    assert [letter.name for letter in letters] == ["Ahmed Khan", "Doris Hughes"]
    # Not told yet: a printed letter has not reached anyone.
    assert all(n.reached_at is None for n in notices_of(doris, "letter"))
    assert desk.counts(group.id).letters == 0 and desk.counts(group.id).unposted_letters == 2

    pdf = web.get(pack_url + "/letters.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    pages = pdf_text(pdf.data)
    assert len(pages) == 2, "each letter starts its own page"
    doris_page = next(p for p in pages if "Doris Hughes" in p)
    assert "4 Canal Row" in doris_page and "RV1 2AB" in doris_page
    assert "Bins move to Wednesdays" in doris_page and "Library opens on Sundays" in doris_page
    # The same pack prints again, the same.
    assert pdf_text(web.get(pack_url + "/letters.pdf").data) == pages


def test_a_big_pack_drawn_in_parts_on_several_processes_keeps_every_letter_in_order(
    riverside, client, monkeypatch
):
    from app.notices import letters as letter_pdfs

    group, facilitator, officer = riverside
    names = [f"Resident {n}" for n in range(5)]
    for n, name in enumerate(names):
        by_post(group, name=name, address=f"{n + 1} Canal Row\nRiverside")
    backdate_members(group)
    record(group, officer, title="Bins move to Wednesdays")
    monkeypatch.setattr(letter_pdfs, "PART", 2)  # three parts
    monkeypatch.setitem(client.application.config, "LETTER_PROCESSES", 2)

    web = client_for(client.application, facilitator)
    pack_url = web.post(f"/groups/{group.slug}/desk/packs").headers["Location"]
    pages = pdf_text(web.get(pack_url + "/letters.pdf").data)

    assert len(pages) == 5
    for page, (n, name) in zip(pages, enumerate(names), strict=True):
        assert name in page and f"{n + 1} Canal Row" in page
        assert "Bins move to Wednesdays" in page


def test_letters_carry_the_sites_return_address(riverside, client, monkeypatch):
    group, facilitator, officer = riverside
    by_post(group)
    backdate_members(group)
    record(group, officer, title="Bins move to Wednesdays")
    monkeypatch.setitem(client.application.config, "LETTERS_FROM", "Town Hall, Riverside RV1 1AA")

    web = client_for(client.application, facilitator)
    pack_url = web.post(f"/groups/{group.slug}/desk/packs").headers["Location"]
    (page,) = pdf_text(web.get(pack_url + "/letters.pdf").data)
    assert "Town Hall, Riverside RV1 1AA" in page


def test_marking_a_pack_posted_tells_everyone_in_it_by_letter_once(riverside, client):
    group, facilitator, officer = riverside
    doris = by_post(group)
    backdate_members(group)
    decision = record(group, officer, title="Bins move to Wednesdays")
    pack = desk.make_pack(group.id, facilitator)
    db.session.commit()

    web = client_for(client.application, facilitator)
    posted = web.post(f"/groups/{group.slug}/desk/packs/{pack.id}/posted")
    assert posted.status_code == 303
    (letter,) = notices_of(doris, "letter")
    assert letter.reached_at is not None and letter.recorded_by_id == facilitator.id
    page = web.get(f"/groups/{group.slug}/decisions/{decision.id}/told")
    assert "Doris Hughes" in page.text and "by letter" in page.text

    again = web.post(f"/groups/{group.slug}/desk/packs/{pack.id}/posted")
    assert again.status_code == 409
    assert "already marked as posted" in again.text
    assert count(Notice, Notice.channel == "letter", Notice.reached_at.is_not(None)) == 1
    assert chain.verify(group.id).ok


def test_one_letter_of_a_pack_can_be_marked_posted_alone(riverside, client):
    group, facilitator, officer = riverside
    doris = by_post(group)
    ahmed = by_post(group, name="Ahmed Khan", address="9 Mill Lane")
    backdate_members(group)
    record(group, officer)
    pack = desk.make_pack(group.id, facilitator)
    db.session.commit()
    doris_letter = db.session.scalar(select(Letter).where(Letter.user_id == doris.id))

    web = client_for(client.application, officer)
    done = web.post(
        f"/groups/{group.slug}/desk/packs/{pack.id}/posted", data={"letter": doris_letter.id}
    )
    assert done.status_code == 303
    assert notices_of(doris, "letter")[0].reached_at is not None
    assert notices_of(ahmed, "letter")[0].reached_at is None
    assert (
        web.post(
            f"/groups/{group.slug}/desk/packs/{pack.id}/posted", data={"letter": doris_letter.id}
        ).status_code
        == 409
    )
    # The rest of the pack still goes.
    assert web.post(f"/groups/{group.slug}/desk/packs/{pack.id}/posted").status_code == 303
    assert notices_of(ahmed, "letter")[0].reached_at is not None


def test_members_without_an_address_are_a_problem_to_fix_not_skipped(riverside, client):
    group, facilitator, officer = riverside
    by_post(group, name="Nora Lane", address="")
    backdate_members(group)
    record(group, officer)
    counts = desk.counts(group.id)
    assert (counts.letters, counts.letters_stuck) == (0, 1)
    page = client_for(client.application, facilitator).get(f"/groups/{group.slug}/desk")
    assert "no postal address" in page.text and "Nora Lane" in page.text
    nothing = client_for(client.application, facilitator).post(f"/groups/{group.slug}/desk/packs")
    assert nothing.status_code == 303
    assert count(Letter) == 0


def test_a_letter_member_told_another_way_or_sent_a_newer_version_gets_one_letter(
    riverside,
):
    group, facilitator, officer = riverside
    by_post(group)
    backdate_members(group)
    decision = record(group, officer, title="Bins move to Wednesdays")
    decisions.amend(
        group,
        decision,
        officer,
        kind="correction",
        changes={"title": "Bins move to Thursdays"},
        reason="Wrong day",
    )
    db.session.commit()
    pack = desk.make_pack(group.id, facilitator)
    (letter,) = desk.letters_of(pack)
    # The old text is not posted once a correction is waiting: only the corrected one.
    assert [a.title for a in letter[1]] == ["Corrected: Bins move to Thursdays"]


def test_weekly_letter_members_wait_for_the_weeks_letter(riverside):
    group, facilitator, officer = riverside
    by_post(group, digest="weekly")
    backdate_members(group)
    record(group, officer)
    assert desk.counts(group.id).letters == 0
    later = utcnow() + timedelta(days=8)
    assert desk.counts(group.id, now=later).letters == 1


def test_large_print_and_the_pack_page(riverside, client):
    group, facilitator, officer = riverside
    by_post(group, large_print=True)
    backdate_members(group)
    record(group, officer, title="Bins move to Wednesdays")
    pack = desk.make_pack(group.id, facilitator)
    db.session.commit()
    page = client_for(client.application, facilitator).get(
        f"/groups/{group.slug}/desk/packs/{pack.id}"
    )
    assert page.status_code == 200 and "Large print" in page.text
    assert "Mark every letter as posted" in page.text


# Calls -------------------------------------------------------------------------------


def test_the_call_sheet_keeps_tries_until_someone_is_told(riverside, client):
    group, facilitator, officer = riverside
    tom = by_phone(group)
    backdate_members(group)
    record(group, officer, title="Bins move to Wednesdays")
    web = client_for(client.application, facilitator)
    sheet = web.get(f"/groups/{group.slug}/desk/calls")
    assert "Tom Price" in sheet.text and "01632 960111" in sheet.text
    assert "Bins move to Wednesdays" in sheet.text

    url = f"/groups/{group.slug}/desk/calls/{tom.id}"
    assert web.post(url, data={"outcome": "no_answer"}).status_code == 303
    assert notices_of(tom, "phone")[0].reached_at is None
    sheet = web.get(f"/groups/{group.slug}/desk/calls")
    assert "Tom Price" in sheet.text and "Tried 1 time, no answer" in sheet.text

    assert web.post(url, data={"outcome": "told", "note": "Rang at teatime"}).status_code == 303
    (call,) = notices_of(tom, "phone")
    assert call.reached_at is not None and call.recorded_by_id == facilitator.id
    assert call.note == "Rang at teatime"
    assert count(CallAttempt, CallAttempt.user_id == tom.id) == 2
    assert f'id="call-{tom.id}"' not in web.get(f"/groups/{group.slug}/desk/calls").text
    # Nothing left to tell him: a second "told" is refused, nothing recorded twice.
    assert web.post(url, data={"outcome": "told"}).status_code == 409
    assert count(Notice, Notice.channel == "phone", Notice.reached_at.is_not(None)) == 1
    assert chain.verify(group.id).ok


def test_the_tries_start_again_with_the_next_news(riverside, client):
    group, facilitator, officer = riverside
    tom = by_phone(group)
    backdate_members(group)
    record(group, officer, title="Bins move to Wednesdays")
    web = client_for(client.application, facilitator)
    url = f"/groups/{group.slug}/desk/calls/{tom.id}"
    assert web.post(url, data={"outcome": "no_answer"}).status_code == 303
    assert web.post(url, data={"outcome": "told"}).status_code == 303

    record(group, officer, title="Library opens on Sundays")
    sheet = web.get(f"/groups/{group.slug}/desk/calls")
    assert "Library opens on Sundays" in sheet.text and "Tried" not in sheet.text
    assert web.post(url, data={"outcome": "no_answer"}).status_code == 303
    sheet = web.get(f"/groups/{group.slug}/desk/calls")
    assert "Tried 1 time, no answer" in sheet.text


def test_a_wrong_number_moves_them_to_the_problems(riverside, client):
    group, facilitator, officer = riverside
    tom = by_phone(group)
    backdate_members(group)
    record(group, officer)
    web = client_for(client.application, facilitator)
    assert (
        web.post(
            f"/groups/{group.slug}/desk/calls/{tom.id}", data={"outcome": "wrong_number"}
        ).status_code
        == 303
    )
    counts = desk.counts(group.id)
    assert (counts.calls, counts.calls_stuck) == (0, 1)
    assert "the number was wrong" in web.get(f"/groups/{group.slug}/desk/calls").text


def test_bad_calls_are_refused_clearly(riverside, client):
    group, facilitator, officer = riverside
    nophone = by_phone(group, name="Sam Noone", phone="")
    tom = by_phone(group)
    backdate_members(group)
    record(group, officer)
    web = client_for(client.application, facilitator)
    refused = web.post(f"/groups/{group.slug}/desk/calls/{nophone.id}", data={"outcome": "told"})
    assert refused.status_code == 422 and "has no phone number" in refused.text
    odd = web.post(f"/groups/{group.slug}/desk/calls/{tom.id}", data={"outcome": "shouted"})
    assert odd.status_code == 422 and "Choose what happened" in odd.text
    stranger, _ = make_member(make_group(), "resident")
    assert (
        web.post(
            f"/groups/{group.slug}/desk/calls/{stranger.id}", data={"outcome": "told"}
        ).status_code
        == 404
    )
    long = web.post(
        f"/groups/{group.slug}/desk/calls/{tom.id}", data={"outcome": "told", "note": "x" * 5000}
    )
    assert long.status_code == 422
    assert count(CallAttempt) == 0
    assert notices_of(tom, "phone")[0].reached_at is None


def test_everyone_on_the_sheet_told_at_the_meeting(riverside, client):
    group, facilitator, officer = riverside
    tom = by_phone(group)
    ann = by_phone(group, name="Ann Bell", phone="01632 960222")
    by_phone(group, name="Sam Noone", phone="")  # not on the sheet: no number
    backdate_members(group)
    record(group, officer)
    web = client_for(client.application, facilitator)
    url = f"/groups/{group.slug}/desk/calls/told-in-person"
    missing = web.post(url, data={"note": ""})
    assert missing.status_code == 422 and "Say where they were told" in missing.text
    assert web.post(url, data={"note": "November meeting"}).status_code == 303
    for person in (tom, ann):
        (told,) = notices_of(person, "in_person")
        assert told.note == "November meeting" and told.recorded_by_id == facilitator.id
    assert desk.counts(group.id).calls == 0
    assert web.post(url, data={"note": "Again"}).status_code == 409


# Emails that failed --------------------------------------------------------------------


def test_a_failed_email_can_go_by_letter_instead(riverside, client):
    group, facilitator, officer = riverside
    person, _ = make_member(group, "resident", name="Bev Stone")
    person.preferred_channels = ["email"]
    person.postal_address = "2 Quay Street"
    db.session.commit()
    backdate_members(group)
    record(group, officer, title="Bins move to Wednesdays")
    db.session.execute(
        update(Notice)
        .where(Notice.channel == "email")
        .values(failed_at=utcnow(), last_error="550 mailbox unavailable")
    )
    db.session.commit()
    web = client_for(client.application, facilitator)
    page = web.get(f"/groups/{group.slug}/desk/failed")
    assert "Bev Stone" in page.text and "550 mailbox unavailable" in page.text
    (email,) = notices_of(person, "email")
    url = f"/groups/{group.slug}/desk/failed/{email.id}"
    assert web.post(url, data={"channel": "letter"}).status_code == 303
    assert desk.counts(group.id).letters == 1 and desk.counts(group.id).failed_emails == 0
    again = web.post(url, data={"channel": "letter"}, follow_redirects=True)
    assert "already been dealt with" in again.text
    assert len(notices_of(person, "letter")) == 1


# Speed -----------------------------------------------------------------------------


def _lots_waiting(group, officer, people: int, decisions_each: int):
    for n in range(people):
        person = by_post(group, name=f"Letter {n:03d}", address=f"{n} Long Road")
        person.preferred_channels = ["letter", "phone", "email"]
        person.phone = f"01632 96{n:04d}"
    db.session.commit()
    backdate_members(group)
    for n in range(decisions_each):
        record(group, officer, title=f"Decision {n}")
    db.session.execute(
        update(Notice).where(Notice.channel == "email").values(failed_at=utcnow(), last_error="x")
    )
    db.session.commit()


@pytest.mark.parametrize(
    "path", ["desk", "desk/calls", "desk/calls/print", "desk/failed", "desk/packs/{pack}"]
)
def test_desk_pages_cost_the_same_whatever_is_waiting(app, ctx, page_queries, path):
    costs = []
    for people, each in ((5, 2), (50, 10)):  # 10 waiting of each kind, then 500
        group = make_group()
        facilitator, _ = make_member(group, "facilitator")
        officer, _ = make_member(group, "officer")
        _lots_waiting(group, officer, people, each)
        pack = desk.make_pack(group.id, facilitator)
        record(group, officer, title="After the pack")  # so letters wait too
        web = client_for(app, facilitator)
        costs.append(page_queries(web, f"/groups/{group.slug}/" + path.format(pack=pack.id)))
    assert costs[0] == costs[1], costs
    assert costs[1] <= 16, costs
