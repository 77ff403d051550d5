"""Times and dates typed the way residents type them, read the same on every form."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from app.dbtypes import LOCAL_ZONE, local_today
from app.decisions.models import Decision
from app.extensions import db
from app.meetings.models import Meeting
from app.voting.models import Ballot
from app.when import parse_date, parse_time
from tests.conftest import client_for
from tests.factories import make_group, make_member

TIME_MESSAGE = "Enter a time like 18:30, 6.30pm or 6pm"
DATE_MESSAGE = "Enter a real date, like 27 3 2026 or 27 March 2026"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("18:30", time(18, 30)),
        ("18.30", time(18, 30)),
        ("9:05", time(9, 5)),
        ("09.05", time(9, 5)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("6.30pm", time(18, 30)),
        ("6:30 pm", time(18, 30)),
        ("6:30 P.M.", time(18, 30)),
        ("6pm", time(18, 0)),
        ("6 PM", time(18, 0)),
        ("9am", time(9, 0)),
        ("12pm", time(12, 0)),
        ("12.15am", time(0, 15)),
        ("12am", time(0, 0)),
        (" noon ", time(12, 0)),
        ("Midday", time(12, 0)),
        ("midnight", time(0, 0)),
    ],
)
def test_times_people_type_are_read(typed, meant):
    assert parse_time(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "25:00",
        "24:00",
        "18:60",
        "6.75pm",
        "13pm",
        "0am",
        "6",
        "18",
        "1830",
        "6.3pm",
        "half six",
        "",
    ],
)
def test_unclear_or_impossible_times_are_refused(typed):
    with pytest.raises(ValueError):
        parse_time(typed)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("12/12/2026", date(2026, 12, 12)),
        ("3/4/2026", date(2026, 4, 3)),  # day first, as in the UK
        ("12-12-2026", date(2026, 12, 12)),
        ("12.12.2026", date(2026, 12, 12)),
        ("12 12 2026", date(2026, 12, 12)),
        ("12 Dec 2026", date(2026, 12, 12)),
        ("12 December 2026", date(2026, 12, 12)),
        ("1st Sept 2026", date(2026, 9, 1)),
        ("2026-12-12", date(2026, 12, 12)),
        ("29/02/2028", date(2028, 2, 29)),
    ],
)
def test_dates_people_type_are_read(typed, meant):
    assert parse_date(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "31/02/2026",
        "29/02/2026",
        "12/13/2026",
        "12/12/26",  # which century? asked, not guessed
        "12 Decembr 2026",
        "12/12-2026",
        "December 12 2026",
        "0/1/2026",
        "tomorrow",
    ],
)
def test_unreal_or_unclear_dates_are_refused(typed):
    with pytest.raises(ValueError):
        parse_date(typed)


# Through the forms ----------------------------------------------------------


def meeting_form(on: date, **overrides) -> dict:
    data = {
        "title": "Winter meeting",
        "kind": "group_meeting",
        "day": [str(on.day), str(on.month), str(on.year)],
        "starts_time": "6.30pm",
        "ends_time": "8pm",
        "place": "St Mark's church hall",
        "online_link": "",
        "access_notes": "",
        "description": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def facilitator_client(app, ctx):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    make_member(group, "officer")
    return group, client_for(app, facilitator)


def test_a_meeting_planned_for_6_30pm_starts_at_18_30(facilitator_client):
    group, client = facilitator_client
    day = local_today() + timedelta(days=7)
    response = client.post(f"/groups/{group.slug}/meetings/new", data=meeting_form(day))
    assert response.status_code == 303, response.get_data(as_text=True)
    meeting = db.session.scalar(select(Meeting))
    starts = meeting.starts_at.astimezone(LOCAL_ZONE)
    ends = meeting.ends_at.astimezone(LOCAL_ZONE)
    assert (starts.date(), starts.time(), ends.time()) == (day, time(18, 30), time(20, 0))
    page = client.get(f"/groups/{group.slug}/meetings/{meeting.id}/edit")
    assert 'value="18:30"' in page.get_data(as_text=True)


def test_a_meeting_day_can_be_typed_with_the_months_name(facilitator_client):
    group, client = facilitator_client
    day = local_today() + timedelta(days=40)
    named = [str(day.day), day.strftime("%b"), str(day.year)]
    response = client.post(f"/groups/{group.slug}/meetings/new", data=meeting_form(day, day=named))
    assert response.status_code == 303, response.get_data(as_text=True)
    meeting = db.session.scalar(select(Meeting))
    assert meeting.starts_at.astimezone(LOCAL_ZONE).date() == day


@pytest.mark.parametrize("typed", ["25:00", "6.75pm", "13pm"])
def test_a_meeting_time_that_is_not_a_time_is_refused_plainly(facilitator_client, typed):
    group, client = facilitator_client
    day = local_today() + timedelta(days=7)
    response = client.post(
        f"/groups/{group.slug}/meetings/new", data=meeting_form(day, starts_time=typed)
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert TIME_MESSAGE in text
    assert f'value="{typed}"' in text  # what was typed is shown again to be put right
    assert db.session.scalar(select(Meeting)) is None


def decision_form(**overrides) -> dict:
    data = {
        "title": "Garden lease renewed",
        "summary": "Five more years.",
        "decided_by_kind": "council_cabinet",
        "status": "not_started",
        "forward_plan_id": "0",
        "decided_on": ["12", "Dec", "2025"],
        "decided_time": "6.30pm",
    }
    data.update(overrides)
    return data


def officer_client(app):
    group = make_group()
    officer, _ = make_member(group, "officer")
    return group, client_for(app, officer)


@pytest.mark.parametrize(
    "decided_on",
    [
        ["12", "Dec", "2025"],
        ["12", "December", "2025"],
        ["12/12/2025", "", ""],
        ["12 Dec 2025", "", ""],
        ["2025-12-12", "", ""],
        ["12-12-2025"],  # one box, as a plain text input would send it
    ],
)
def test_a_decision_date_is_read_however_it_is_typed(app, ctx, decided_on):
    group, client = officer_client(app)
    response = client.post(
        f"/groups/{group.slug}/decisions/new", data=decision_form(decided_on=decided_on)
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    decided = db.session.scalar(select(Decision)).decided_at.astimezone(LOCAL_ZONE)
    assert (decided.date(), decided.time()) == (date(2025, 12, 12), time(18, 30))


@pytest.mark.parametrize(
    "decided_on",
    [["31", "2", "2025"], ["31/02/2025", "", ""], ["12", "Decembr", "2025"], ["12", "12", "25"]],
)
def test_a_decision_date_that_is_not_real_is_refused(app, ctx, decided_on):
    group, client = officer_client(app)
    response = client.post(
        f"/groups/{group.slug}/decisions/new", data=decision_form(decided_on=decided_on)
    )
    assert response.status_code == 422
    assert DATE_MESSAGE in response.get_data(as_text=True)
    assert db.session.scalar(select(Decision)) is None


def test_a_decisions_time_is_asked_for_not_assumed_to_be_midday(app, ctx):
    group, client = officer_client(app)
    response = client.post(
        f"/groups/{group.slug}/decisions/new", data=decision_form(decided_time="")
    )
    assert response.status_code == 422
    assert "Enter the time it was decided, like 18:30 or 6.30pm" in response.get_data(as_text=True)
    assert db.session.scalar(select(Decision)) is None


def new_ballot(client, group, **fields):
    data = {
        "title": "What first?",
        "other_options": "Damp\nYouth centre",
        "method": "approval",
        "voters": "all_members",
        "quorum_percent": "0",
    }
    data.update(fields)
    return client.post(f"/groups/{group.slug}/ballots/new", data=data)


def test_a_vote_planned_to_open_on_a_day_is_asked_what_time(facilitator_client):
    group, client = facilitator_client
    day = local_today() + timedelta(days=3)
    boxes = [str(day.day), str(day.month), str(day.year)]

    response = new_ballot(client, group, opens_on=boxes)
    assert response.status_code == 422
    assert "Enter the time it opens, like 9am or 18:30" in response.get_data(as_text=True)

    response = new_ballot(client, group, closes_time="6pm")
    assert response.status_code == 422
    assert "Enter the day as well as the time" in response.get_data(as_text=True)
    assert db.session.scalar(select(Ballot)) is None

    response = new_ballot(client, group, opens_on=boxes, opens_time="9am")
    assert response.status_code == 303, response.get_data(as_text=True)
    opens = db.session.scalar(select(Ballot)).opens_at.astimezone(LOCAL_ZONE)
    assert (opens.date(), opens.time()) == (day, time(9, 0))


# Month names in the reader's language -----------------------------------------


@pytest.mark.parametrize(
    "language, typed, meant",
    [
        ("pl", "12 grudnia 2026", date(2026, 12, 12)),  # as a Polish date is written
        ("pl", "12 Grudzień 2026", date(2026, 12, 12)),  # the month's own name
        ("pl", "1 maj 2027", date(2027, 5, 1)),
        ("pl", "3 paź 2026", date(2026, 10, 3)),
        ("pl", "12 Dec 2026", date(2026, 12, 12)),  # English still works
        ("ur", "12 دسمبر 2026", date(2026, 12, 12)),
    ],
)
def test_a_month_can_be_named_in_the_readers_language(app, language, typed, meant):
    with app.test_request_context(headers={"Accept-Language": language}):
        assert parse_date(typed) == meant


def test_a_polish_month_means_nothing_on_an_english_page(app):
    with app.test_request_context(headers={"Accept-Language": "en"}), pytest.raises(ValueError):
        parse_date("12 grudnia 2026")


def test_a_polish_facilitator_plans_a_meeting_for_12_grudnia(app, ctx):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator", language="pl")
    client = client_for(app, facilitator)
    day = local_today() + timedelta(days=60)
    polish = ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca",
              "sierpnia", "września", "października", "listopada", "grudnia"]  # fmt: skip
    typed = [str(day.day), polish[day.month - 1], str(day.year)]
    response = client.post(f"/groups/{group.slug}/meetings/new", data=meeting_form(day, day=typed))
    assert response.status_code == 303, response.get_data(as_text=True)
    meeting = db.session.scalar(select(Meeting))
    assert meeting.starts_at.astimezone(LOCAL_ZONE).date() == day
