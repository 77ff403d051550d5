"""No single person controls a vote: votes entered for members are told to them, paper
slips are bounded and checked by a second person, an early close needs a reason, and a
count is confirmed by someone other than whoever closed the vote."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.dbtypes import utcnow
from app.errors import Conflict, Invalid, NotAllowed
from app.extensions import db
from app.notices.models import Announcement, Notice
from app.voting import services as voting
from app.voting.models import AssistedVote, Ballot, PaperTally
from tests.conftest import count
from tests.factories import make_group, make_member


@pytest.fixture
def vote(app, ctx):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    officer, _ = make_member(group, "officer")
    adviser, _ = make_member(group, "resident_adviser")
    rita, _ = make_member(group, "resident", name="Rita Resident")
    doris, _ = make_member(group, "resident", name="Doris Hughes", email=None)
    doris.preferred_channels = ["letter"]
    doris.postal_address = "12 Mill Lane"
    ballot = voting.create_ballot(
        group,
        facilitator,
        title="What first?",
        method="ranked",
        options=[("Damp homes", None), ("Youth centre", None), ("Traffic", None)],
        secret=True,
        closes_at=utcnow() + timedelta(days=7),
    )
    voting.open_ballot(group, ballot)
    db.session.commit()
    options = [o.id for o in voting.ballot_options(ballot)]
    people = {
        "facilitator": facilitator,
        "officer": officer,
        "adviser": adviser,
        "rita": rita,
        "doris": doris,
    }
    return group, ballot, options, people


def told_about(person, kind):
    return list(
        db.session.scalars(
            select(Announcement)
            .join(Notice, Notice.announcement_id == Announcement.id)
            .where(Notice.user_id == person.id, Announcement.subject_kind == kind)
        )
    )


# Votes entered for someone --------------------------------------------------------------


def test_a_resident_adviser_enters_a_vote_and_the_member_gets_its_receipt_by_letter(vote, login):
    group, ballot, (damp, youth, traffic), people = vote
    doris = people["doris"]
    response = login(people["adviser"]).post(
        f"/groups/{group.slug}/ballots/{ballot.id}/assist",
        data={"voter": doris.id, "note": "on the phone", f"rank-{damp}": "1", f"rank-{youth}": "2"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert voting.turnout(ballot)[0] == 1
    (helped,) = db.session.scalars(select(AssistedVote).where(AssistedVote.ballot_id == ballot.id))
    assert (helped.user_id, helped.by_id, helped.note) == (
        doris.id,
        people["adviser"].id,
        "on the phone",
    )
    (told,) = told_about(doris, "assisted_vote")
    assert people["adviser"].name in told.body and "on the phone" in told.body
    code = voting.my_current(ballot, doris).receipt
    assert code in told.body
    # It goes by letter, her channel: it waits on the delivery desk with the code in it.
    assert (
        count(
            Notice,
            Notice.user_id == doris.id,
            Notice.channel == "letter",
            Notice.announcement_id == told.id,
        )
        == 1
    )


def test_a_vote_for_someone_who_voted_needs_confirming_and_they_are_told(vote):
    group, ballot, (damp, youth, traffic), people = vote
    rita, adviser = people["rita"], people["adviser"]
    own = voting.cast(ballot, rita, [traffic])
    with pytest.raises(Conflict) as refused:
        voting.assist(group, ballot, rita, [damp], adviser)
    assert "has already voted" in refused.value.message
    assert voting.my_current(ballot, rita).receipt == own.receipt  # nothing changed

    entered = voting.assist(
        group, ballot, rita, [damp], adviser, note="at the meeting", replace=True
    )
    assert voting.my_current(ballot, rita).receipt == entered.receipt
    (told,) = told_about(rita, "assisted_vote")
    assert "It replaces the vote you cast yourself." in told.body
    assert db.session.scalar(select(AssistedVote.replaced_own_vote)) is True


def test_only_eligible_members_can_have_a_vote_entered(vote, login):
    group, ballot, (damp, _y, _t), people = vote
    latecomer, _ = make_member(group, "resident")  # joined after the vote opened
    with pytest.raises(Invalid):
        voting.assist(group, ballot, latecomer, [damp], people["adviser"])
    # On the page the latecomer is not even offered.
    page = login(people["adviser"]).get(f"/groups/{group.slug}/ballots/{ballot.id}/assist")
    assert page.status_code == 200 and latecomer.name not in page.get_data(as_text=True)


def test_confirming_the_count_takes_receipt_codes_out_of_stored_notices(vote):
    group, ballot, (damp, _y, _t), people = vote
    entered = voting.assist(group, ballot, people["doris"], [damp], people["adviser"])
    voting.close_ballot(group, ballot, by=people["facilitator"], reason="Everyone has voted")
    voting.certify(group, ballot, people["officer"])
    (told,) = told_about(people["doris"], "assisted_vote")
    assert entered.receipt not in told.body and "•••••-•••••" in told.body
    assert entered.receipt in {r for r, _c in voting.ballot_box(ballot)}


# Paper slips ----------------------------------------------------------------------------


def test_paper_slips_are_bounded_by_the_people_there(vote, login):
    group, ballot, (damp, youth, _t), people = vote
    client = login(people["facilitator"])
    url = f"/groups/{group.slug}/ballots/{ballot.id}/paper"

    def enter(event, present, **counts):
        data = {"event": event, "present": present}
        data |= {f"count-{option}": n for option, n in counts.items()}
        return client.post(url, data=data)

    too_many = enter("Fair", "10", **{str(damp): "8", str(youth): "5"})  # ranked: 13 > 10
    assert too_many.status_code == 422
    assert "more than 10 people" in too_many.get_data(as_text=True)
    assert enter("Fair", "0", **{str(damp): "1"}).status_code == 422
    assert enter("Fair", "", **{str(damp): "1"}).status_code == 422
    assert enter("Fair", "10", **{str(damp): "-1"}).status_code == 422
    huge = enter("Fair", "10", **{str(damp): "99999999999999999999999"})
    assert huge.status_code == 422
    assert enter("Fair", "999999999999", **{str(damp): "1"}).status_code == 422
    assert count(PaperTally) == 0

    assert enter("Fair", "10", **{str(damp): "6", str(youth): "4"}).status_code == 303
    again = enter("Fair", "12", **{str(damp): "1"})
    assert again.status_code == 409 and "already entered" in again.get_data(as_text=True)
    assert count(PaperTally) == 1


def test_paper_slips_count_only_once_someone_else_confirms_them(vote, login):
    group, ballot, (damp, youth, _t), people = vote
    ballot.count_paper = True
    fair = voting.add_paper_tally(ballot, people["facilitator"], "Fair", {damp: 6}, present=8)
    db.session.commit()
    assert voting.paper_counts(ballot) == {}

    url = f"/groups/{group.slug}/ballots/{ballot.id}/paper/{fair.id}/confirm"
    own = login(people["facilitator"]).post(url)
    assert own.status_code == 403
    assert login(people["adviser"]).post(url).status_code == 303
    assert voting.paper_counts(ballot) == {damp: 6}
    assert login(people["officer"]).post(url).status_code == 409  # already confirmed
    assert login(people["officer"]).post(url.replace(str(fair.id), "999999")).status_code == 404


def test_slips_confirmed_after_close_are_counted_until_the_count_is_confirmed(vote):
    group, ballot, (damp, _y, _t), people = vote
    ballot.count_paper = True
    voting.cast(ballot, people["rita"], [damp])
    late = voting.add_paper_tally(ballot, people["facilitator"], "Fair", {damp: 4}, present=4)
    other = voting.add_paper_tally(ballot, people["facilitator"], "Fete", {damp: 2}, present=2)
    voting.close_ballot(group, ballot, by=people["facilitator"], reason="Early for the test")
    assert ballot.result["counts"][str(damp)] == 1
    voting.confirm_paper(group, ballot, late.id, people["officer"])
    assert ballot.result["counts"][str(damp)] == 5
    voting.certify(group, ballot, people["adviser"])
    with pytest.raises(Conflict):  # the box never changes after certification
        voting.confirm_paper(group, ballot, other.id, people["officer"])
    assert ballot.result["counts"][str(damp)] == 5


# Closing and confirming -----------------------------------------------------------------


def test_closing_early_asks_to_confirm_and_for_a_reason_shown_with_the_result(vote, login):
    group, ballot, (damp, _y, _t), people = vote
    client = login(people["facilitator"])
    url = f"/groups/{group.slug}/ballots/{ballot.id}/close"
    page = client.get(url)
    assert page.status_code == 200 and "set to close on" in page.get_data(as_text=True)
    assert db.session.get(Ballot, ballot.id).closed_at is None  # looking changes nothing

    unconfirmed = client.post(url, data={"reason": "Everyone is here"})
    assert unconfirmed.status_code == 422
    no_reason = client.post(url, data={"confirm": "y"})
    assert no_reason.status_code == 422 and "closing early" in no_reason.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Ballot, ballot.id).closed_at is None

    done = client.post(url, data={"confirm": "y", "reason": "All 40 members voted at the hall"})
    assert done.status_code == 303
    shown = client.get(f"/groups/{group.slug}/ballots/{ballot.id}").get_data(as_text=True)
    assert "All 40 members voted at the hall" in shown
    assert "The count has not been confirmed yet" in shown


def test_a_single_post_without_the_confirmation_box_closes_no_vote(vote, login):
    group, ballot, _choices, people = vote
    client = login(people["facilitator"])

    bare = client.post(f"/groups/{group.slug}/ballots/{ballot.id}/close")

    assert bare.status_code == 422 and "Tick the box to confirm" in bare.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Ballot, ballot.id)
    assert stored.closed_at is None and stored.closed_by_id is None


def test_the_count_is_confirmed_by_someone_other_than_who_closed_it(vote, login):
    group, ballot, (damp, _y, _t), people = vote
    voting.cast(ballot, people["rita"], [damp])
    voting.close_ballot(group, ballot, by=people["facilitator"], reason="Test")
    db.session.commit()
    url = f"/groups/{group.slug}/ballots/{ballot.id}/certify"
    own = login(people["facilitator"]).post(url)
    assert own.status_code == 403 and "someone else" in own.get_data(as_text=True)
    assert login(people["rita"]).post(url).status_code == 403  # residents do not certify
    assert login(people["officer"]).post(url).status_code == 303
    db.session.expire_all()
    certified = db.session.get(Ballot, ballot.id)
    assert certified.certified_by_id == people["officer"].id
    assert login(people["adviser"]).post(url).status_code == 409
    page = login(people["rita"]).get(f"/groups/{group.slug}/ballots/{ballot.id}")
    assert "Count confirmed" in page.get_data(as_text=True)


def test_a_vote_closed_by_the_worker_can_be_confirmed_by_any_checker(vote):
    group, ballot, _options, people = vote
    voting.close_on_time(ballot.id, ballot.closes_at + timedelta(minutes=1))
    assert ballot.closed_by_id is None and ballot.close_reason is None
    voting.certify(group, ballot, people["facilitator"])
    assert ballot.certified_by_id == people["facilitator"].id
    with pytest.raises(Conflict):
        voting.certify(group, ballot, people["officer"])


def test_certifying_needs_a_closed_vote(vote):
    group, ballot, _options, people = vote
    with pytest.raises(Conflict):
        voting.certify(group, ballot, people["officer"])
    voting.close_ballot(group, ballot, by=people["facilitator"], reason="x")
    with pytest.raises(NotAllowed):
        voting.certify(group, ballot, people["facilitator"])


def test_the_box_says_who_closed_it_why_and_who_confirmed_the_count(vote, login):
    group, ballot, (damp, _y, _t), people = vote
    voting.cast(ballot, people["rita"], [damp])
    fair = voting.add_paper_tally(ballot, people["facilitator"], "Fair", {damp: 3}, present=3)
    voting.confirm_paper(group, ballot, fair.id, people["adviser"])
    voting.close_ballot(group, ballot, by=people["facilitator"], reason="The hall closes early")
    voting.certify(group, ballot, people["officer"])
    db.session.commit()
    box = login(people["rita"]).get(f"/groups/{group.slug}/ballots/{ballot.id}/box.json").json
    about = box["ballot"]
    assert about["closed_by"] == people["facilitator"].name
    assert about["close_reason"] == "The hall closes early"
    assert about["certified_by"] == people["officer"].name and about["certified_at"]
    assert about["key_scheme"] == "token-1"
    (paper,) = about["paper_tallies"]
    assert paper["present"] == 3 and paper["confirmed_by"] == people["adviser"].name


def test_a_published_box_says_to_visitors_that_it_was_closed_and_confirmed_not_by_whom(app, vote):
    group, ballot, (damp, _y, _t), people = vote
    voting.cast(ballot, people["rita"], [damp])
    fair = voting.add_paper_tally(ballot, people["facilitator"], "Fair", {damp: 3}, present=3)
    voting.confirm_paper(group, ballot, fair.id, people["adviser"])
    voting.close_ballot(group, ballot, by=people["facilitator"], reason="The hall closes early")
    voting.certify(group, ballot, people["officer"])
    group.public_log = True
    db.session.commit()
    response = app.test_client().get(f"/groups/{group.slug}/ballots/{ballot.id}/box.json")
    assert response.status_code == 200
    about = response.json["ballot"]
    assert about["closed_by"] is None and about["certified_by"] is None
    assert about["certified_at"] and about["close_reason"] == "The hall closes early"
    (paper,) = about["paper_tallies"]
    assert paper["entered_by"] is None and paper["confirmed_by"] is None
    assert paper["confirmed_at"]
    text = response.get_data(as_text=True)
    for person in people.values():
        assert person.name not in text
