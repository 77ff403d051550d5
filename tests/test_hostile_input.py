"""What an attacker can send that no form would: a NUL character anywhere, an option
longer than the database holds, a field of a megabyte, fields no form has, ids that
are not ids. Each is refused with a plain message, never a 500,
on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.actions.models import Action
from app.extensions import db
from app.voting.models import Ballot, BallotOption
from tests.conftest import count, sign_in
from tests.factories import make_group, make_member

NUL = "\x00"


def html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def facilitated(app, ctx):
    group = make_group(name="Riverside Group")
    facilitator, _ = make_member(group, "facilitator")
    client = app.test_client()
    sign_in(client, facilitator)
    return group, client


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


def test_the_ballot_form_used_here_does_create_a_ballot(facilitated):
    group, client = facilitated

    assert new_ballot(client, group).status_code == 303
    assert count(Ballot) == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"title": f"What{NUL} first?"},
        {"other_options": f"Damp\nYouth{NUL} centre"},
        {f"title{NUL}": "x"},
    ],
    ids=["in a value", "in a line of a text area", "in a field's name"],
)
def test_a_nul_in_a_form_is_refused_and_nothing_is_kept(facilitated, fields):
    group, client = facilitated

    response = new_ballot(client, group, **fields)

    assert response.status_code == 422
    assert "NUL character" in html(response)
    assert count(Ballot) == 0


def test_a_nul_in_the_query_string_is_refused(facilitated):
    group, client = facilitated

    response = client.get(f"/groups/{group.slug}/ballots", query_string={"page": f"2{NUL}"})

    assert response.status_code == 422
    assert "NUL character" in html(response)


def test_a_nul_in_the_address_is_not_found(facilitated):
    group, client = facilitated

    assert client.get(f"/groups/{group.slug}%00").status_code == 404
    assert client.post(f"/groups/{group.slug}%00/ballots/new").status_code == 404


def test_a_nul_in_json_is_refused(facilitated):
    group, client = facilitated

    response = client.post(
        f"/groups/{group.slug}/ballots/new", json={"title": ["ok", {"deep": f"x{NUL}"}]}
    )

    assert response.status_code == 422
    assert "NUL character" in html(response)
    assert count(Ballot) == 0


def test_a_nul_is_refused_before_signing_in_too(client):
    response = client.post("/sign-in", data={"email": f"rita{NUL}@example.org", "password": "x"})

    assert response.status_code == 422
    assert "NUL character" in html(response)


def test_a_nul_in_an_htmx_request_gets_just_the_message(facilitated):
    group, client = facilitated

    response = client.post(
        f"/groups/{group.slug}/ballots/new",
        data={"title": f"x{NUL}"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    assert "NUL character" in html(response)
    assert "<html" not in html(response)


def test_an_option_longer_than_200_characters_is_refused_with_a_message(facilitated):
    group, client = facilitated
    too_long = "D" * 201

    response = new_ballot(client, group, other_options=f"Damp\n{too_long}")

    assert response.status_code == 422
    assert "Keep each option to 200 characters or fewer" in html(response)
    assert count(Ballot) == 0
    assert count(BallotOption) == 0
    # 200 is fine.
    assert new_ballot(client, group, other_options=f"Damp\n{'D' * 200}").status_code == 303


MEGABYTE = 1024 * 1024


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_megabyte_in_one_field_is_refused_as_too_large_and_nothing_is_kept(
    facilitated, content_type
):
    group, client = facilitated
    data = {
        "title": "W" * MEGABYTE,
        "other_options": "Damp\nYouth centre",
        "method": "approval",
        "voters": "all_members",
        "quorum_percent": "0",
    }

    response = client.post(
        f"/groups/{group.slug}/ballots/new", data=data, content_type=content_type
    )

    assert response.status_code == 413
    assert "too large" in html(response)
    assert count(Ballot) == 0


def test_the_longest_text_box_in_a_script_of_3_byte_letters_is_not_too_large(facilitated):
    group, client = facilitated
    # Minutes take 100,000 characters; each Bengali letter is 9 bytes once form-encoded.
    letters = "\u0985" * 100_000

    response = new_ballot(client, group, title=letters)

    assert response.status_code == 422  # read, and refused by the title's own limit
    assert "Use at most 200 characters" in html(response)


def test_fields_no_form_has_are_ignored(facilitated):
    group, client = facilitated
    other = make_group(name="Hillside Group")

    response = new_ballot(
        client,
        group,
        group_id=str(other.id),
        id="999",
        created_by_id="1",
        is_admin="1",
        status="closed",
    )

    assert response.status_code == 303
    (ballot,) = db.session.scalars(select(Ballot)).all()
    assert (ballot.group_id, ballot.opened_at, ballot.closed_at) == (group.id, None, None)
    assert ballot.id != 999


#: Ids no page links to: words, negatives, fractions, and numbers larger than any
#: id column holds (SQLite cannot even take one past 2**63).
WRONG_IDS = ["abc", "-1", "1.5", "0x1", "99999999999999999999", str(2**63), str(2**31)]


@pytest.mark.parametrize("member_id", WRONG_IDS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_wrong_id_in_the_address_is_not_found(facilitated, member_id, method):
    group, client = facilitated

    response = client.open(
        f"/groups/{group.slug}/members/{member_id}/edit", method=method, data={"role": "officer"}
    )

    assert response.status_code == 404
    assert "could not find that page" in html(response)


@pytest.mark.parametrize("owner_id", WRONG_IDS + [""])
def test_a_wrong_id_in_a_form_is_refused_with_a_message(facilitated, owner_id):
    group, client = facilitated

    response = client.post(
        f"/groups/{group.slug}/actions/new",
        data={"title": "Write to the council", "owner_id": owner_id, "decision_id": "0"},
    )

    assert response.status_code == 422
    assert "govuk-error-message" in html(response)
    assert count(Action) == 0


@pytest.mark.parametrize(
    "body",
    [
        {
            "title": 5,
            "other_options": "Damp\nYouth centre",
            "method": "approval",
            "voters": "all_members",
            "quorum_percent": 0,
        },
        {"title": True, "quorum_percent": 1.5},
        {"title": {"nested": "x"}, "other_options": ["Damp", "Youth centre"]},
        [1, 2],
        "What first?",
        5,
    ],
    ids=["number", "true", "object", "list", "string", "bare number"],
)
def test_json_sent_to_a_form_is_refused_and_nothing_is_kept(facilitated, body):
    # Forms would be filled from JSON, numbers and all, and fail on the first one.
    group, client = facilitated

    response = client.post(f"/groups/{group.slug}/ballots/new", json=body)

    assert response.status_code == 400
    assert "takes a form sent from its page, not JSON" in html(response)
    assert count(Ballot) == 0


@pytest.mark.parametrize("name", ["\n", "\r", 'a"\r\nContent-Type: text/html'])
def test_a_form_part_whose_name_breaks_its_header_is_ignored(facilitated, name):
    # Werkzeug reads such a part as having no name at all, which the NUL check tripped on.
    group, client = facilitated
    data = {
        "title": "What first?",
        "other_options": "Damp\nYouth centre",
        "method": "approval",
        "voters": "all_members",
        "quorum_percent": "0",
        name: "x",
    }

    response = client.post(
        f"/groups/{group.slug}/ballots/new", data=data, content_type="multipart/form-data"
    )

    assert response.status_code == 303
    assert count(Ballot) == 1
