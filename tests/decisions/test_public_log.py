"""A published log, read from outside: decisions and counts, and never who was told,
how, when, or who wrote anything down. Each test reads as a stranger would."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.accounts.models import User
from app.dbtypes import utcnow
from app.decisions import services as decisions
from app.decisions.told import record_told
from app.extensions import db
from app.groups import services as groups
from app.notices import services as notices
from app.notices.models import Notice
from tests.decisions.helpers import backdate_members, record
from tests.factories import make_group, make_member

#: Everyone in the group, by name: none may appear anywhere a visitor can read.
NAMES = ("Owen Officer", "Rita Resident", "Tom Kaur", "Doris Letterby")
#: How people were told, in the words the pages and the data use.
CHANNEL_WORDS = (
    "letter",
    "Letter by post",
    "phone",
    "Phone call",
    "in_person",
    "In person",
    "in person",
    "Rang her at home",
    "Posted through the door",
)


@pytest.fixture
def published(app, ctx):
    """A group that publishes its log, with a decision some were told of by hand (one of
    them a member with no account), one read it, and a record withdrawn."""
    group = make_group(public_log=True)
    officer, _ = make_member(group, "officer", name="Owen Officer")
    rita, _ = make_member(group, "resident", name="Rita Resident")
    tom, _ = make_member(group, "resident", email=None, name="Tom Kaur")
    doris_m = groups.add_member_without_email(group, name="Doris Letterby", role="resident")
    doris = db.session.get(User, doris_m.user_id)
    db.session.commit()
    backdate_members(group)
    decision = record(group, officer, days_ago=3, title="Bins move to Tuesdays")
    told_at = utcnow() - timedelta(days=1)
    record_told(
        group,
        decision,
        officer,
        people=[doris],
        channel="letter",
        told_at=told_at,
        note="Posted through the door",
    )
    record_told(
        group,
        decision,
        officer,
        people=[tom],
        channel="phone",
        told_at=told_at,
        note="Rang her at home",
    )
    notices.mark_seen(rita.id, "decision", decision.id)
    notices.acknowledge(rita.id, "decision", decision.id)
    wrong = db.session.query(Notice).filter_by(user_id=tom.id, channel="phone").one()
    notices.withdraw(wrong, reason="Wrong number", by=officer)
    record_told(
        group, decision, officer, people=[tom], channel="in_person", told_at=told_at, note=""
    )
    decisions.amend(
        group,
        decision,
        officer,
        kind="correction",
        changes={"title": "Bins move to Wednesdays"},
        reason="Typo",
    )
    db.session.commit()
    return group, decision


def _assert_nobody_in(text: str, where: str) -> None:
    for name in NAMES:
        assert name not in text, f"{name} is shown to visitors on {where}"
    for word in CHANNEL_WORDS:
        assert not re.search(rf"\b{re.escape(word)}\b", text), f"{word!r} is on {where}"


def test_informed_json_gives_visitors_the_counts_alone(app, published):
    group, decision = published
    response = app.test_client().get(f"/groups/{group.slug}/decisions/{decision.id}/informed.json")
    assert response.status_code == 200
    data = response.get_json()
    assert set(data) == {"decision", "decided_at", "current_version", "counts"}
    counts = data["counts"]
    assert counts["members"] == 4
    assert counts["told_earlier_version"] + counts["told_on_time"] + counts["told_late"] >= 3
    text = response.get_data(as_text=True)
    _assert_nobody_in(text, "informed.json")
    # No time but the decision's own: nobody's telling or reading is dated.
    times = set(re.findall(r"\d{4}-\d\d-\d\dT[\d:.]+Z?", text))
    assert times == {data["decided_at"]}


def test_members_still_see_who_was_told_how_and_when(app, published, login):
    group, decision = published
    member = make_member(group, "resident", name="Mo Member")[0]
    db.session.commit()
    data = login(member).get(f"/groups/{group.slug}/decisions/{decision.id}/informed.json").json
    rows = {row["name"]: row for row in data["members"]}
    assert rows["Doris Letterby"]["channel"] == "letter"
    assert rows["Doris Letterby"]["recorded_by"] == "Owen Officer"
    assert data["counts"]["members"] == len(data["members"])


def test_the_decision_page_shows_visitors_no_one_who_was_told_or_wrote_anything(app, published):
    group, decision = published
    response = app.test_client().get(f"/groups/{group.slug}/decisions/{decision.id}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Bins move to Wednesdays" in text and "Of 4 members:" in text
    _assert_nobody_in(text, "the decision page")
    assert "Wrong number" not in text  # the withdrawn record's reason
    assert 'id="informed"' not in text and 'id="records"' not in text


def test_the_log_and_its_exports_name_nobody(app, published):
    group, _decision = published
    client = app.test_client()
    for path in ("decisions", "decisions.json", "decisions.csv"):
        response = client.get(f"/groups/{group.slug}/{path}")
        assert response.status_code == 200, path
        _assert_nobody_in(response.get_data(as_text=True), path)


def test_the_export_carries_the_same_counts_as_informed_json(app, published):
    group, decision = published
    client = app.test_client()
    (row,) = client.get(f"/groups/{group.slug}/decisions.json").json["decisions"]
    counts = client.get(f"/groups/{group.slug}/decisions/{decision.id}/informed.json").json[
        "counts"
    ]
    assert {key: row[key] for key in counts} == counts
