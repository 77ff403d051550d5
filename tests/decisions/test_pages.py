"""The decision pages over HTTP: bad input answered with a clear 4xx, nothing lost."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.dbtypes import local_today
from app.decisions.models import Amendment, Decision, GrapevineReport
from app.extensions import db
from app.notices.models import Notice
from tests.decisions.helpers import backdate_members, record
from tests.factories import make_group, make_member


def date_fields(prefix: str, day) -> dict:
    # GOV.UK date inputs post day, month and year under the field's one name.
    return {prefix: [str(day.day), str(day.month), str(day.year)]}


def decision_form(**overrides):
    data = {
        "title": "Garden lease renewed",
        "summary": "Five more years.",
        "decided_by_kind": "council_cabinet",
        "status": "not_started",
        "forward_plan_id": "0",
        **date_fields("decided_on", local_today() - timedelta(days=90)),
        "decided_time": "6.30pm",
    }
    data.update(overrides)
    return data


def test_recording_through_the_form_and_its_bad_input(app, ctx, login):
    group = make_group()
    officer, _ = make_member(group, "officer")
    client = login(officer)
    url = f"/groups/{group.slug}/decisions/new"

    response = client.post(url, data=decision_form(summary=""))
    assert response.status_code == 422
    assert "Write a short summary in plain words" in response.get_data(as_text=True)

    future = date_fields("decided_on", local_today() + timedelta(days=1))
    response = client.post(url, data=decision_form(**future))
    assert response.status_code == 422
    assert "cannot be in the future" in response.get_data(as_text=True)

    response = client.post(url, data=decision_form(decided_on=["31", "2", "2026"]))
    assert response.status_code == 422
    assert "Enter a real date" in response.get_data(as_text=True)

    response = client.post(url, data=decision_form(title="x" * 201))
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 0

    response = client.post(url, data=decision_form(decided_time="18:30"))
    assert response.status_code == 303
    decision = db.session.scalar(select(Decision))
    assert decision.decided_at.hour in (17, 18)  # 18:30 London is 17:30 or 18:30 UTC


def test_the_groups_own_decision_with_short_notice_asks_why_and_shows_the_flag(app, ctx, login):
    group = make_group()
    officer, _ = make_member(group, "officer")
    client = login(officer)
    url = f"/groups/{group.slug}/decisions/new"
    response = client.post(url, data=decision_form(decided_by_kind="group_vote"))
    assert response.status_code == 422
    assert "less than 28 days" in response.get_data(as_text=True)
    response = client.post(
        url,
        data=decision_form(decided_by_kind="group_vote", short_notice_reason="urgent: deadline"),
    )
    assert response.status_code == 303
    log = client.get(f"/groups/{group.slug}/decisions").get_data(as_text=True)
    assert "Short notice" in log


def test_a_decisions_full_text_cannot_carry_script(app, ctx, login):
    group = make_group()
    officer, _ = make_member(group, "officer")
    decision = record(
        group,
        officer,
        body=(
            "<script>alert(1)</script>\n\n"
            '[click](javascript:alert(1)) <img src=x onerror="alert(1)">'
        ),
    )
    page = (
        login(officer).get(f"/groups/{group.slug}/decisions/{decision.id}").get_data(as_text=True)
    )
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript:' not in page
    assert "<img" not in page


def _preview_section(page: str) -> str:
    return page.split('id="preview"', 1)[1].split("</section>", 1)[0]


def test_previewing_a_new_decisions_full_text_records_nothing_and_keeps_every_answer(
    app, ctx, login
):
    group = make_group()
    officer, _ = make_member(group, "officer")
    client = login(officer)
    body = "## Terms\n\n1. Five years\n2. Rent unchanged\n\n<script>alert(1)</script>"

    response = client.post(
        f"/groups/{group.slug}/decisions/new",
        data=decision_form(summary="", body=body, preview="1"),
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    preview = _preview_section(page)
    assert "<h2>Terms</h2>" in preview and "<li>Rent unchanged</li>" in preview
    assert "<script" not in preview and "&lt;script&gt;" in preview
    assert "## Terms" in page.split("</textarea>")[-2]  # the full text box, as typed
    assert 'value="Garden lease renewed"' in page
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 0
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0


def test_previewing_an_amendment_changes_nothing(app, ctx, login):
    group = make_group()
    officer, _ = make_member(group, "officer")
    decision = record(group, officer, body="Old text.")
    url = f"/groups/{group.slug}/decisions/{decision.id}/amend"
    sent = {"kind": "revocation", "reason": "x", "body": "- *New* text", "preview": "1"}

    response = login(officer).post(url, data=sent)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<li><em>New</em> text</li>" in _preview_section(page)
    assert "Revoke" not in page.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert db.session.scalar(select(func.count()).select_from(Amendment)) == 0
    too_long = login(officer).post(url, data=sent | {"body": "x" * 50001})
    assert too_long.status_code == 422 and 'id="preview"' not in too_long.get_data(as_text=True)


def test_opening_a_decision_marks_it_seen_and_acknowledging_is_for_yourself(app, ctx, login):
    group = make_group()
    officer, _ = make_member(group, "officer")
    resident, _ = make_member(group, "resident")
    backdate_members(group)
    decision = record(group, officer, days_ago=1)
    client = login(resident)
    assert 'lb-count">1<' in client.get("/inbox").get_data(as_text=True)
    client.get(f"/groups/{group.slug}/decisions/{decision.id}")
    assert "lb-count" not in client.get("/inbox").get_data(as_text=True)
    response = client.post(f"/groups/{group.slug}/decisions/{decision.id}/acknowledge")
    assert response.status_code == 303
    acked = db.session.scalars(select(Notice).where(Notice.acknowledged_at.is_not(None))).all()
    assert [n.user_id for n in acked] == [resident.id]
    # An outsider cannot acknowledge, nor learn the group exists.
    outsider_group = make_group()
    outsider, _ = make_member(outsider_group, "resident")
    response = login(outsider).post(f"/groups/{group.slug}/decisions/{decision.id}/acknowledge")
    assert response.status_code == 404


def test_recording_told_refuses_people_who_are_not_members(app, ctx, login):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    other = make_group()
    _, stranger = make_member(other, "resident")
    decision = record(group, facilitator)
    response = login(facilitator).post(
        f"/groups/{group.slug}/decisions/{decision.id}/told",
        data={
            "members": [str(stranger.id)],
            "channel": "phone",
            **date_fields("told_on", local_today()),
        },
    )
    assert response.status_code == 422
    assert "Choose people from the list" in response.get_data(as_text=True)
    assert (
        db.session.scalar(select(func.count()).select_from(Notice).where(Notice.channel == "phone"))
        == 0
    )


def test_amending_a_decision_from_another_group_is_not_found(app, ctx, login):
    group, other = make_group(), make_group()
    officer, _ = make_member(group, "officer")
    other_officer, _ = make_member(other, "officer")
    decision = record(group, officer)
    response = login(other_officer).post(
        f"/groups/{other.slug}/decisions/{decision.id}/amend",
        data={"kind": "status", "status": "done", "reason": "x"},
    )
    assert response.status_code == 404


def test_a_grapevine_report_needs_words(app, ctx, login):
    group = make_group()
    resident, _ = make_member(group, "resident")
    response = login(resident).post(f"/groups/{group.slug}/grapevine", data={"what": "   "})
    assert response.status_code == 422
    assert "Say what you heard was decided" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(GrapevineReport)) == 0


def test_exports_carry_the_same_numbers_as_the_pages(app, ctx, login):
    group = make_group()
    officer, _ = make_member(group, "officer")
    resident, _ = make_member(group, "resident")
    backdate_members(group)
    decision = record(group, officer, days_ago=30, title="=HYPERLINK(evil)")
    client = login(officer)
    client.get(f"/groups/{group.slug}/decisions/{decision.id}")  # the officer has now seen it
    rows = client.get(f"/groups/{group.slug}/decisions.json").get_json()["decisions"]
    assert rows[0]["members"] == 2
    assert rows[0]["told_late"] == 1 and rows[0]["not_told"] == 1
    assert rows[0]["decided_at"].endswith("Z") and len(rows[0]["chain_hash"]) == 64
    informed = client.get(f"/groups/{group.slug}/decisions/{decision.id}/informed.json").get_json()
    statuses = {m["name"]: m["status"] for m in informed["members"]}
    assert statuses == {officer.name: "told_late", resident.name: "not_told_overdue"}
    csv_text = client.get(f"/groups/{group.slug}/decisions.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("id,number,title,summary,decided_at")
    assert "'=HYPERLINK(evil)" in csv_text  # never a live formula in a spreadsheet


def test_the_group_page_headlines_unanswered_grapevine_reports_and_latest_decisions(
    app, ctx, login
):
    group = make_group()
    officer, _ = make_member(group, "officer")
    resident, _ = make_member(group, "resident")
    decision = record(group, officer, title="Library hours cut")
    client = login(resident)
    client.post(f"/groups/{group.slug}/grapevine", data={"what": "The pool is closing"})
    client.post(f"/groups/{group.slug}/grapevine", data={"what": "Bins on Fridays"})
    page = client.get(f"/groups/{group.slug}").get_data(as_text=True)
    assert 'lb-figure-box__number">2<' in page
    assert "decisions heard along the grapevine, not yet answered" in page
    assert f"{decision.number}. Library hours cut" in page


def test_revoking_a_decision_asks_first_and_a_single_post_changes_nothing(app, ctx, login):
    group = make_group(name="Riverside")
    officer, _ = make_member(group, "officer")
    make_member(group, "resident")
    decision = record(group, officer)
    client = login(officer)
    url = f"/groups/{group.slug}/decisions/{decision.id}/amend"
    revoke = {
        "kind": "revocation",
        "reason": "Withdrawn by cabinet",
        "title": "Youth centre opens on Saturdays",
        "summary": "It opens 1pm to 5pm.",
        "status": "not_started",
    }
    announced = select(func.count()).select_from(Notice)
    before = db.session.scalar(announced)

    asked = client.post(url, data=revoke)

    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "Revoke “Youth centre opens on Saturdays”?" in page
    assert "All 2 members of Riverside are told it has been revoked, and why." in page
    assert 'name="reason" value="Withdrawn by cabinet"' in page
    assert 'name="confirm" value="yes"' in page and "Go back" in page
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Amendment)) == 0
    assert db.session.scalar(announced) == before

    done = client.post(url, data=revoke | {"confirm": "yes"})

    assert done.status_code == 303
    [amendment] = db.session.scalars(select(Amendment))
    assert (amendment.kind, amendment.reason) == ("revocation", "Withdrawn by cabinet")
    assert db.session.scalar(announced) > before  # members are told
    assert "revoked" in client.get(f"/groups/{group.slug}/decisions/{decision.id}").text


def test_other_changes_to_a_decision_are_saved_without_the_revocation_step(app, ctx, login):
    group = make_group()
    officer, _ = make_member(group, "officer")
    decision = record(group, officer)
    response = login(officer).post(
        f"/groups/{group.slug}/decisions/{decision.id}/amend",
        data={
            "kind": "status",
            "reason": "Opened",
            "title": "Youth centre opens on Saturdays",
            "summary": "It opens 1pm to 5pm.",
            "status": "done",
        },
    )
    assert response.status_code == 303
    [amendment] = db.session.scalars(select(Amendment))
    assert amendment.kind == "status"
