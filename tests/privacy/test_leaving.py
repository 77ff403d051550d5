"""Leaving a group, and being removed from one: the group's pages close to them, the
group's history keeps who they were and why they went, and what they were told stays."""

from __future__ import annotations

from sqlalchemy import select

from app.decisions import chain
from app.extensions import db
from app.groups.models import Membership, MembershipEnd
from app.notices.models import Notice
from app.notices.services import chain_told
from tests.conftest import count, sign_in
from tests.decisions.helpers import backdate_members, record
from tests.factories import make_group, make_member


def riverside():
    group = make_group("riverside", name="Riverside Group")
    fay, _ = make_member(group, "facilitator", name="Fay Facilitator")
    rita, rita_membership = make_member(group, "resident", name="Rita Resident")
    backdate_members(group)
    decision = record(group, fay, days_ago=1, title="Bins move to Wednesdays")
    told = db.session.scalar(
        select(Notice).where(Notice.user_id == rita.id, Notice.subject_id == decision.id)
    )
    told.seen_at = told.reached_at = told.created_at
    chain_told(group.id, [told])
    db.session.commit()
    return group, fay, rita, rita_membership.id, decision


def test_a_member_leaves_after_a_page_saying_what_happens(app, ctx):
    group, fay, rita, _membership_id, decision = riverside()
    record(group, fay, title="Not yet seen by Rita")
    assert count(Notice, Notice.user_id == rita.id, Notice.reached_at.is_(None)) == 1
    client = app.test_client()
    sign_in(client, rita)

    page = client.get("/groups/riverside/leave")
    assert page.status_code == 200 and "If you leave" in page.text
    assert count(Membership, Membership.user_id == rita.id) == 1  # looking changes nothing

    response = client.post("/groups/riverside/leave")

    assert response.status_code == 303
    assert client.get("/groups/riverside").status_code == 404
    assert client.get(f"/groups/riverside/decisions/{decision.id}").status_code == 404
    [ended] = db.session.scalars(select(MembershipEnd).where(MembershipEnd.user_id == rita.id))
    assert (ended.how, ended.role, ended.by_id) == ("left", "resident", None)
    # What she was told while a member stays, and the log still checks out; what had
    # not reached her yet will not be sent.
    assert count(Notice, Notice.user_id == rita.id, Notice.reached_at.is_not(None)) == 1
    assert count(Notice, Notice.user_id == rita.id, Notice.reached_at.is_(None)) == 0
    assert chain.verify(group.id).ok


def test_the_only_facilitator_cannot_leave_and_is_told_why(app, ctx):
    group, fay, _rita, _membership_id, _decision = riverside()
    client = app.test_client()
    sign_in(client, fay)

    page = client.get("/groups/riverside/leave")
    response = client.post("/groups/riverside/leave")

    assert "only facilitator" in page.text and "Leave this group</button>" not in page.text
    assert response.status_code == 409 and "only facilitator" in response.text
    assert count(Membership, Membership.user_id == fay.id) == 1


def test_a_facilitator_removes_a_member_with_a_reason_kept_in_the_history(app, ctx):
    group, fay, rita, membership_id, _decision = riverside()
    facilitator, resident = app.test_client(), app.test_client()
    sign_in(facilitator, fay)
    sign_in(resident, rita)
    url = f"/groups/riverside/members/{membership_id}/remove"

    page = facilitator.get(url)
    no_reason = facilitator.post(url, data={"reason": "  "})
    removed = facilitator.post(url, data={"reason": "Moved away from Riverside"})

    assert page.status_code == 200 and "Remove Rita Resident from the group" in page.text
    assert no_reason.status_code == 422 and "Say why they are being removed" in no_reason.text
    assert removed.status_code == 303
    assert resident.get("/groups/riverside").status_code == 404
    history = facilitator.get("/groups/riverside/members/former")
    assert "Rita Resident" in history.text and "Moved away from Riverside" in history.text
    [ended] = db.session.scalars(select(MembershipEnd).where(MembershipEnd.user_id == rita.id))
    assert (ended.how, ended.by_id) == ("removed", fay.id)
    assert chain.verify(group.id).ok


def test_a_single_post_without_the_confirmation_page_removes_no_one(app, ctx):
    group, fay, rita, membership_id, _decision = riverside()
    client = app.test_client()
    sign_in(client, fay)

    bare = client.post(f"/groups/riverside/members/{membership_id}/remove")

    assert bare.status_code == 422 and "Say why they are being removed" in bare.text
    assert count(Membership, Membership.user_id == rita.id) == 1
    assert count(MembershipEnd, MembershipEnd.user_id == rita.id) == 0


def test_a_resident_cannot_remove_anyone_or_read_the_history(app, ctx):
    group, fay, rita, _membership_id, _decision = riverside()
    fay_membership = db.session.scalar(select(Membership.id).where(Membership.user_id == fay.id))
    client = app.test_client()
    sign_in(client, rita)

    response = client.post(
        f"/groups/riverside/members/{fay_membership}/remove", data={"reason": "Coup"}
    )

    assert response.status_code == 403
    assert client.get("/groups/riverside/members/former").status_code == 403
    assert count(Membership, Membership.user_id == fay.id) == 1


def test_the_last_facilitator_cannot_be_removed(app, ctx):
    group, fay, _rita, _membership_id, _decision = riverside()
    other, _ = make_member(group, "facilitator", name="Fred Facilitator")
    fay_membership = db.session.scalar(select(Membership.id).where(Membership.user_id == fay.id))
    fred_membership = db.session.scalar(select(Membership.id).where(Membership.user_id == other.id))
    client = app.test_client()
    sign_in(client, fay)

    first = client.post(
        f"/groups/riverside/members/{fred_membership}/remove", data={"reason": "Stepped down"}
    )
    assert first.status_code == 303
    sign_in(client, fay)
    # Fay is now the only facilitator; she cannot be removed (by herself or anyone).
    second = client.post(
        f"/groups/riverside/members/{fay_membership}/remove", data={"reason": "Oops"}
    )
    assert second.status_code == 409
    assert count(Membership, Membership.user_id == fay.id) == 1
