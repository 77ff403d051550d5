"""The told record over HTTP: the reader's own line, recording and withdrawing records
made by hand, the open data, and the caught-mail page of a development site."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.dbtypes import local_today, utcnow
from app.decisions import services as decisions
from app.decisions.reports import link_grapevine, report_grapevine
from app.decisions.told import STATUSES, informed_for, record_told
from app.decisions.upcoming import publish_forward_plan
from app.extensions import db
from app.notices import services as notices
from app.notices import worker
from app.notices.models import Notice
from tests.conftest import count
from tests.decisions.helpers import backdate_members, record
from tests.factories import make_group, make_member


def date_fields(prefix: str, day) -> dict:
    return {prefix: [str(day.day), str(day.month), str(day.year)]}


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.fixture
def world(app, ctx):
    group = make_group()
    officer, _ = make_member(group, "officer", name="Owen Officer")
    rita, rita_m = make_member(group, "resident", name="Rita Resident")
    tom, tom_m = make_member(group, "resident", email=None, name="Tom Kaur")
    tom.preferred_channels, tom.phone = ["phone"], "0161 496 0000"
    db.session.commit()
    backdate_members(group)
    decision = record(group, officer, days_ago=3, title="Bins move to Tuesdays")
    return group, officer, (rita, rita_m), (tom, tom_m), decision


def my_line(response) -> str:
    found = re.search(r'id="my-told">(.*?)</p>', response.get_data(as_text=True), re.S)
    assert found, "the reader's own line is missing"
    return " ".join(found.group(1).split())


# The reader first -------------------------------------------------------------------


def test_the_decision_page_opens_with_the_readers_own_line(app, world, login):
    group, officer, (rita, _), _tom, decision = world
    client = login(rita)
    url = f"/groups/{group.slug}/decisions/{decision.id}"

    first = client.get(url)
    assert my_line(first) == "Nobody has told you about this yet: you are reading it here."
    # Reading it here is being told on Logbook: the next visit says so.
    second = client.get(url)
    assert my_line(second).startswith(f"You were told on {local_today():%-d %B %Y} on Logbook")
    assert "I have read this" in second.get_data(as_text=True)

    decisions.amend(
        group,
        decision,
        officer,
        kind="correction",
        changes={"title": "Bins move to Wednesdays"},
        reason="Typo",
    )
    # The line is about how things stood before this visit: she knew the old version.
    third = client.get(url)
    assert my_line(third).startswith("You were told of an earlier version on")
    assert "“<del>Tuesdays</del>” → “<ins>Wednesdays</ins>”" in third.get_data(as_text=True)


def test_a_phone_call_shows_as_the_readers_line_with_how_long_after(app, world, login):
    group, officer, (rita, _), _tom, decision = world
    record_told(
        group,
        decision,
        officer,
        people=[rita],
        channel="phone",
        told_at=decision.decided_at + timedelta(days=2),
    )
    line = my_line(login(rita).get(f"/groups/{group.slug}/decisions/{decision.id}"))
    assert line.startswith("You were told on") and "by phone (2 days after it was decided)" in line


def test_someone_who_joined_after_is_told_they_are_not_counted(app, world, login):
    group, _officer, _rita, _tom, decision = world
    newcomer, _ = make_member(group, "resident")
    line = my_line(login(newcomer).get(f"/groups/{group.slug}/decisions/{decision.id}"))
    assert "decided before you joined" in line


def test_the_grapevine_reporter_sees_they_heard_it_first(app, world, login):
    group, officer, (rita, _), _tom, decision = world
    report = report_grapevine(group, rita, what="Bins", heard_when="", heard_by_whom="")
    link_grapevine(group, report, decision, officer)
    page = text(login(rita).get(f"/groups/{group.slug}/decisions/{decision.id}"))
    assert "You reported hearing of it along the grapevine on" in page


def test_my_told_page_is_one_click_from_the_group_menu(app, world, login):
    group, officer, (rita, _), _tom, decision = world
    client = login(rita)
    home = client.get(f"/groups/{group.slug}").get_data(as_text=True)
    assert f'href="/groups/{group.slug}/told-me"' in home
    page = client.get(f"/groups/{group.slug}/told-me")
    assert page.status_code == 200
    body = text(page)
    assert "What was decided, and when I was told" in body
    assert "Bins move to Tuesdays" in body and "Not told yet" in body


# Recording and withdrawing by hand ----------------------------------------------------


def told_form(members, day, channel="phone", **extra):
    return {
        "members": [str(m.id) for m in members],
        "channel": channel,
        **date_fields("told_on", day),
        **extra,
    }


def test_the_told_form_refuses_bad_records_with_a_clear_4xx(app, world, login):
    group, officer, (rita, rita_m), (tom, tom_m), decision = world
    client = login(officer)
    url = f"/groups/{group.slug}/decisions/{decision.id}/told"

    before = local_today() - timedelta(days=10)
    response = client.post(url, data=told_form([tom_m], before))
    assert response.status_code == 422
    assert "That is before it was decided" in text(response)

    response = client.post(url, data=told_form([tom_m], local_today() + timedelta(days=1)))
    assert response.status_code == 422 and "cannot be in the future" in text(response)

    response = client.post(url, data={**told_form([tom_m], local_today()), "members": ["99999"]})
    assert response.status_code == 422 and "Choose people from the list" in text(response)

    response = client.post(url, data=told_form([tom_m], local_today(), channel="other"))
    assert response.status_code == 422 and "Say in the note how they were told" in text(response)

    newcomer, newcomer_m = make_member(group, "resident", name="New Neighbour")
    response = client.post(url, data=told_form([newcomer_m], local_today()))
    assert response.status_code == 422
    assert "Joined the group after this was decided" in text(response)
    assert "New Neighbour" in text(response)
    assert count(Notice, Notice.channel == "phone", Notice.reached_at.is_not(None)) == 0

    response = client.post(url, data=told_form([tom_m], local_today(), note="Rang him"))
    assert response.status_code == 303
    response = client.post(url, data=told_form([tom_m, rita_m], local_today()))
    assert response.status_code == 409 and "Already recorded as told this way: Tom Kaur" in text(
        response
    )
    assert count(Notice, Notice.channel == "phone", Notice.reached_at.is_not(None)) == 1

    page = text(client.get(f"/groups/{group.slug}/decisions/{decision.id}"))
    assert "recorded by Owen Officer on" in page and "Rang him" in page


def test_a_record_with_a_date_and_no_time_shows_the_date_alone(app, world, login):
    group, officer, (rita, rita_m), (tom, tom_m), decision = world
    client = login(officer)
    url = f"/groups/{group.slug}/decisions/{decision.id}/told"
    day = local_today() - timedelta(days=1)
    written = f"{day.day} {day:%B %Y}"
    assert client.post(url, data=told_form([tom_m], day, channel="letter")).status_code == 303
    sent = told_form([rita_m], day, channel="in_person", told_time="7.15pm")
    assert client.post(url, data=sent).status_code == 303
    letter = db.session.scalar(select(Notice).where(Notice.channel == "letter"))
    assert letter.day_only is True
    assert db.session.scalar(select(Notice.day_only).where(Notice.channel == "in_person")) is False

    page = text(client.get(f"/groups/{group.slug}/decisions/{decision.id}"))
    assert f"Letter by post, {written}</td>" in page
    assert f"{written}, 12:00" not in page and f"{written}, 11:00" not in page
    assert f"{written}, 19:15" in page  # a time that was given is still shown
    first_told = re.findall(r'data-label="First told">([^<]*)<', page)
    assert written in [cell.strip() for cell in first_told]
    withdraw = text(client.get(f"/groups/{group.slug}/told/{letter.id}/withdraw"))
    assert written in withdraw and f"{written}, 12:00" not in withdraw

    rows = client.get(f"/groups/{group.slug}/decisions/{decision.id}/informed.json").get_json()
    by_name = {row["name"]: row for row in rows["members"]}
    assert by_name["Tom Kaur"]["first_told_time_not_recorded"] is True
    assert by_name["Rita Resident"]["first_told_time_not_recorded"] is False


def test_a_record_for_today_with_no_time_shows_no_invented_time(app, world, login):
    group, officer, _rita, (tom, tom_m), decision = world
    client = login(officer)
    url = f"/groups/{group.slug}/decisions/{decision.id}/told"
    assert client.post(url, data=told_form([tom_m], local_today())).status_code == 303
    call = db.session.scalar(select(Notice).where(Notice.channel == "phone"))
    assert call.day_only is True
    page = text(client.get(f"/groups/{group.slug}/decisions/{decision.id}"))
    shown = re.search(r"Phone call, ([^<(]*)<", page)
    assert shown and ":" not in shown.group(1)
    assert shown.group(1).strip() == f"{local_today().day} {local_today():%B %Y}"


def test_the_newcomer_is_not_offered_on_the_form(app, world, login):
    group, officer, _rita, _tom, decision = world
    make_member(group, "resident", name="New Neighbour")
    page = text(login(officer).get(f"/groups/{group.slug}/decisions/{decision.id}/told"))
    assert "Tom Kaur" in page and "New Neighbour" not in page


def test_withdrawing_a_record_asks_first_then_keeps_it_in_the_history(app, world, login):
    group, officer, _rita, (tom, tom_m), decision = world
    record_told(group, decision, officer, people=[tom], channel="phone", told_at=utcnow())
    call = db.session.scalar(select(Notice).where(Notice.channel == "phone"))
    client = login(officer)
    url = f"/groups/{group.slug}/told/{call.id}/withdraw"

    page = client.get(url)
    assert page.status_code == 200 and "cannot be undone" in text(page)
    assert db.session.get(Notice, call.id).withdrawn_at is None  # a GET changes nothing

    response = client.post(url, data={"reason": ""})
    assert response.status_code == 422 and "Say why this record is being withdrawn" in text(
        response
    )
    response = client.post(url, data={"reason": "x" * 501})
    assert response.status_code == 422

    response = client.post(url, data={"reason": "His father took the call"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/decisions/{decision.id}#by-hand")
    page = text(client.get(f"/groups/{group.slug}/decisions/{decision.id}"))
    assert "withdrew the record that Tom Kaur was told by phone" in page
    assert "His father took the call" in page and "Withdrawn" in page

    again = client.post(url, data={"reason": "Twice"})
    assert again.status_code == 409
    assert db.session.scalar(select(Notice.withdrawn_reason).where(Notice.id == call.id)) == (
        "His father took the call"
    )


def test_only_records_made_by_hand_in_this_group_can_be_withdrawn(app, world, login):
    group, officer, (rita, _), _tom, decision = world
    notices.mark_seen(rita.id, "decision", decision.id)
    seen = db.session.scalar(select(Notice).where(Notice.user_id == rita.id))
    client = login(officer)
    assert client.get(f"/groups/{group.slug}/told/{seen.id}/withdraw").status_code == 404
    assert client.get(f"/groups/{group.slug}/told/999999/withdraw").status_code == 404


def test_a_grapevine_report_cannot_be_linked_to_another_groups_decision(app, world, login):
    group, officer, (rita, _), _tom, _decision = world
    other = make_group()
    other_officer, _ = make_member(other, "officer")
    theirs = record(other, other_officer, days_ago=1)
    report = report_grapevine(group, rita, what="x", heard_when="", heard_by_whom="")
    response = login(officer).post(
        f"/groups/{group.slug}/grapevine/{report.id}",
        data={"link-decision_id": str(theirs.id), "link-submit": "Link"},
    )
    assert response.status_code == 422
    db.session.refresh(report)
    assert report.decision_id is None and report.resolved_at is None


# Open data -------------------------------------------------------------------------------


def test_informed_json_carries_who_recorded_what_version_and_the_grapevine(app, world, login):
    group, officer, (rita, rita_m), (tom, tom_m), decision = world
    record_told(
        group, decision, officer, people=[tom], channel="phone", told_at=utcnow(), note="Rang"
    )
    report = report_grapevine(group, rita, what="x", heard_when="", heard_by_whom="")
    link_grapevine(group, report, decision, officer)
    decisions.amend(
        group, decision, officer, kind="correction", changes={"title": "Wednesdays"}, reason="x"
    )
    data = login(officer).get(f"/groups/{group.slug}/decisions/{decision.id}/informed.json")
    data = data.get_json()
    assert data["current_version"] == 2
    rows = {row["member_id"]: row for row in data["members"]}
    tom_row = rows[tom_m.id]
    assert tom_row["status"] == "told_earlier_version" and tom_row["told_of_version"] == 1
    assert (tom_row["channel"], tom_row["recorded_by"], tom_row["note"]) == (
        "phone",
        "Owen Officer",
        "Rang",
    )
    assert tom_row["recorded_at"].endswith("Z")
    rita_row = rows[rita_m.id]
    assert rita_row["status"] == "not_told" and rita_row["heard_first_via_grapevine_at"]
    assert rita_row["told_of_version"] is None
    assert {row["status"] for row in data["members"]} <= set(STATUSES)


def test_decisions_json_counts_each_status_and_the_chain_head(app, world, login):
    group, officer, (rita, _), (tom, _), decision = world
    record_told(group, decision, officer, people=[tom], channel="phone", told_at=utcnow())
    report = report_grapevine(group, rita, what="x", heard_when="", heard_by_whom="")
    link_grapevine(group, report, decision, officer)
    decisions.amend(
        group, decision, officer, kind="correction", changes={"title": "Wednesdays"}, reason="x"
    )
    client = login(officer)
    data = client.get(f"/groups/{group.slug}/decisions.json").get_json()
    (row,) = data["decisions"]
    assert len(data["chain_head"]) == 64
    assert row["current_version"] == 2 and row["members"] == 3
    assert row["told_on_time"] == 1  # the officer who corrected it
    assert row["told_earlier_version"] == 1  # Tom
    assert row["not_told"] == 1 and row["heard_on_grapevine_first"] == 1  # Rita
    csv_text = client.get(f"/groups/{group.slug}/decisions.csv").get_data(as_text=True)
    header = csv_text.splitlines()[0].split(",")
    assert header == list(decisions.EXPORT_FIELDS)


def test_a_published_log_shows_visitors_no_names_channels_or_notes(app, world):
    group, officer, _rita, (tom, _), decision = world
    record_told(
        group, decision, officer, people=[tom], channel="phone", told_at=utcnow(), note="Rang"
    )
    group.public_log = True
    db.session.commit()
    data = (
        app.test_client()
        .get(f"/groups/{group.slug}/decisions/{decision.id}/informed.json")
        .get_json()
    )
    assert "members" not in data  # not even rows without names: see test_public_log.py
    flat = str(data)
    for private in ("Tom Kaur", "Owen Officer", "Rang", "phone"):
        assert private not in flat
    assert data["counts"]["told_on_time"] == 2 and data["counts"]["not_told"] == 1  # Rita
    page = app.test_client().get(f"/groups/{group.slug}/decisions/{decision.id}")
    assert page.status_code == 200 and "Tom Kaur" not in page.get_data(as_text=True)


# The caught-mail page --------------------------------------------------------------------


def test_a_development_site_shows_admins_what_members_would_have_received(
    app, world, login, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    group, officer, (rita, _), _tom, decision = world
    rita.preferred_channels = ["in_app", "email"]
    db.session.commit()
    decisions.amend(
        group, decision, officer, kind="correction", changes={"title": "Wednesdays"}, reason="x"
    )
    worker.work_once()
    admin, _ = make_member(make_group(), "resident")
    admin.is_admin = True
    db.session.commit()
    client = login(admin)
    page = client.get("/admin/mail")
    assert page.status_code == 200
    body = text(page)
    assert "Corrected: Wednesdays" in body and rita.email in body
    assert "None of them counts as having told anyone" in body
    only = text(client.get(f"/admin/mail?to={officer.email}"))
    assert "No messages have been caught yet" in only
    assert login(officer).get("/admin/mail").status_code == 403
    # The correction reached nobody by email.
    assert informed_for(group, decisions.states_for([decision]))[decision.id]


def test_the_caught_mail_page_is_not_there_on_a_site_with_a_mail_server(app, ctx, login):
    admin = make_member(make_group(), "resident")[0]
    admin.is_admin = True
    db.session.commit()
    assert login(admin).get("/admin/mail").status_code == 404


def test_telling_people_it_is_coming_is_recorded_on_the_forward_plan_entry(app, world, login):
    group, officer, _rita, (tom, tom_m), _decision = world
    entry = publish_forward_plan(
        group,
        officer,
        title="Car park closes at night",
        summary="Proposal",
        decision_by_kind="council_cabinet",
        decision_by_name="",
        expected_at=utcnow() + timedelta(days=20),
    )
    client = login(officer)
    page = client.get(f"/groups/{group.slug}/forward-plan/{entry.id}")
    assert f"/forward-plan/{entry.id}/told" in page.get_data(as_text=True)
    url = f"/groups/{group.slug}/forward-plan/{entry.id}/told"
    assert client.get(url).status_code == 200
    response = client.post(url, data=told_form([tom_m], local_today() - timedelta(days=3)))
    assert response.status_code == 422
    assert "before it was put in the forward plan" in text(response)
    response = client.post(url, data=told_form([tom_m], local_today(), note="On the doorstep"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/forward-plan/{entry.id}")
    (record,) = notices.told_records("forward_plan", [entry.id])[(entry.id, tom.id)]
    assert (record.channel, record.note, record.recorded_by_id) == (
        "phone",
        "On the doorstep",
        officer.id,
    )


def test_comments_are_posted_one_way_and_close_once_decided(app, world, login):
    group, officer, (rita, _), _tom, _decision = world
    entry = publish_forward_plan(
        group,
        officer,
        title="Car park closes at night",
        summary="Proposal",
        decision_by_kind="council_cabinet",
        decision_by_name="",
        expected_at=utcnow() + timedelta(days=20),
    )
    client = login(rita)
    url = f"/groups/{group.slug}/forward-plan/{entry.id}"
    assert client.post(url, data={"body": "   "}).status_code == 422
    assert client.post(url, data={"body": "x" * 5001}).status_code == 422
    response = client.post(url, data={"body": "Not at night, please."})
    assert response.status_code == 303 and response.headers["Location"].endswith("#comments")
    assert "Not at night, please." in text(client.get(url))
    record(group, officer, days_ago=0, forward_plan_id=entry.id, title="Car park closes")
    response = client.post(url, data={"body": "Too late?"})
    assert response.status_code == 409
    assert "takes no more comments" in text(response)
    assert "Too late?" not in text(client.get(url))
