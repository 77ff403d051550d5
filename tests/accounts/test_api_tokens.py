"""Members' tokens for scripts: they read open data as their owner, and nothing else.

Written from the side of someone holding a token that is not theirs to use as they
like: a leaked token, a revoked one, one of a person who has left the group.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.accounts import api_tokens
from app.accounts.models import ApiToken, User
from app.dbtypes import utcnow
from app.extensions import db
from app.groups.models import Membership
from app.security.models import SecurityEvent
from tests.conftest import client_for
from tests.decisions.helpers import backdate_members, record
from tests.factories import make_group, make_member, make_user

TOKEN_SHOWN = re.compile(r'value="(lbk_[A-Za-z0-9_-]{32,})"')


@pytest.fixture
def world(ctx):
    """A private group with a decision, its resident, and another private group."""
    group = make_group(name="Riverside Group")
    officer, _ = make_member(group, "officer")
    resident, membership = make_member(group, "resident", name="Rita Resident")
    backdate_members(group)
    record(group, officer, days_ago=3, title="Youth centre opens on Saturdays")
    elsewhere = make_group(name="Hillside Group")
    other_officer, _ = make_member(elsewhere, "officer")
    record(elsewhere, other_officer, days_ago=2, title="Hillside secret plan")
    return group, elsewhere, resident, membership


def make_token_through_the_page(app, user, name="Ward 7 feed") -> str:
    response = client_for(app, user).post("/account/tokens", data={"name": name})
    assert response.status_code == 200
    found = TOKEN_SHOWN.search(response.get_data(as_text=True))
    assert found, "the new token is shown on the page"
    return found.group(1)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def events(kind: str) -> list[SecurityEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind == kind)))


def test_a_token_reads_the_members_groups_decisions_json(app, world):
    group, _elsewhere, resident, _ = world
    token = make_token_through_the_page(app, resident)

    response = app.test_client().get(f"/groups/{group.slug}/decisions.json", headers=bearer(token))

    assert response.status_code == 200
    assert [d["title"] for d in response.json["decisions"]] == ["Youth centre opens on Saturdays"]
    # A script's request never starts a session in a browser's sense.
    assert "Set-Cookie" not in response.headers
    assert events("api_token.created")[0].user_id == resident.id


def test_the_same_script_without_a_token_is_refused(app, world):
    group, *_ = world
    response = app.test_client().get(f"/groups/{group.slug}/decisions.json")
    assert response.status_code == 404 and response.is_json


def test_a_token_does_not_open_another_groups_private_data(app, world):
    _group, elsewhere, resident, _ = world
    token = make_token_through_the_page(app, resident)
    client = app.test_client()

    for path in ("decisions.json", "decisions.csv", "meetings.ics"):
        response = client.get(f"/groups/{elsewhere.slug}/{path}", headers=bearer(token))
        assert response.status_code == 404, path
        assert response.is_json and "secret" not in response.get_data(as_text=True), path


def test_a_revoked_token_stops_working_at_once(app, world):
    group, _elsewhere, resident, _ = world
    token = make_token_through_the_page(app, resident)
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == resident.id))
    client = client_for(app, resident)

    confirm = client.get(f"/account/tokens?revoke={row.id}").get_data(as_text=True)
    assert "Any script using it stops working" in confirm
    response = client.post("/account/tokens/revoke", data={"token_id": str(row.id)})
    assert response.status_code == 303

    response = app.test_client().get(f"/groups/{group.slug}/decisions.json", headers=bearer(token))
    assert response.status_code == 401
    assert response.is_json and response.json["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert [e.details["reason"] for e in events("api_token.refused")] == ["revoked"]
    assert len(events("api_token.revoked")) == 1
    assert "was revoked" in client.get("/account/tokens").get_data(as_text=True)
    assert "Ward 7 feed" not in client.get("/account/tokens").get_data(as_text=True)


def test_nobody_can_revoke_someone_elses_token(app, world):
    group, _elsewhere, resident, _ = world
    token = make_token_through_the_page(app, resident)
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == resident.id))
    intruder = client_for(app, make_user())

    assert "Ward 7 feed" not in intruder.get(f"/account/tokens?revoke={row.id}").get_data(
        as_text=True
    )
    response = intruder.post("/account/tokens/revoke", data={"token_id": str(row.id)})

    assert response.status_code == 404
    ok = app.test_client().get(f"/groups/{group.slug}/decisions.json", headers=bearer(token))
    assert ok.status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        "Bearer lbk_" + "A" * 43,  # well formed, but no such token
        "Bearer lbk_short",
        "Bearer " + "x" * 47,
        "Bearer lbk_" + "A" * 40 + "' OR 1=1 --",
        "Bearer",
        "bearer   ",
    ],
)
def test_an_unknown_or_malformed_token_is_refused_in_json(app, world, header):
    group, *_ = world
    response = app.test_client().get(
        f"/groups/{group.slug}/decisions.json", headers={"Authorization": header}
    )
    assert response.status_code == 401
    assert response.is_json and response.json["error"]
    assert "Set-Cookie" not in response.headers


def test_a_token_cannot_post_a_form(app, world):
    group, _elsewhere, resident, membership = world
    facilitator, _ = make_member(group, "facilitator")
    token = make_token_through_the_page(app, facilitator)
    client = app.test_client()

    attempts = [
        ("/account/tokens", {"name": "made by a stolen token"}),
        (f"/groups/{group.slug}/members/{membership.id}/edit", {"role": "facilitator"}),
        ("/account", {"name": "Renamed", "preferred_channels": ["in_app"], "language": "en"}),
    ]
    for url, data in attempts:
        response = client.post(url, data=data, headers=bearer(token))
        assert response.status_code == 401, url
        assert response.is_json, url
        assert "Set-Cookie" not in response.headers, url
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).role == "resident"
    assert db.session.get(User, facilitator.id).name != "Renamed"
    names = db.session.scalars(select(ApiToken.name).where(ApiToken.user_id == facilitator.id))
    assert list(names) == ["Ward 7 feed"]


def test_a_token_does_not_open_pages(app, world):
    group, _elsewhere, resident, _ = world
    token = make_token_through_the_page(app, resident)
    client = app.test_client()

    for url in (f"/groups/{group.slug}", f"/groups/{group.slug}/decisions", "/account/tokens"):
        response = client.get(url, headers=bearer(token))
        assert response.status_code == 401, url
        assert response.is_json, url
    assert {e.details["reason"] for e in events("api_token.refused")} == {"not_open_data"}


def test_a_token_with_a_browser_session_still_reads_only_as_the_tokens_owner(app, world):
    # Someone signed in elsewhere cannot use their session to widen a stolen token, nor
    # a token to get past the session's own limits: the token alone decides.
    group, elsewhere, resident, _ = world
    token = make_token_through_the_page(app, resident)
    outsider_officer = db.session.scalar(
        select(User).join(Membership).where(Membership.group_id == elsewhere.id)
    )
    client = client_for(app, outsider_officer)

    response = client.get(f"/groups/{elsewhere.slug}/decisions.json", headers=bearer(token))

    assert response.status_code == 404


def test_a_token_of_someone_who_left_sees_only_what_a_non_member_sees(app, world):
    group, _elsewhere, resident, membership = world
    token = make_token_through_the_page(app, resident)
    db.session.delete(db.session.get(Membership, membership.id))
    db.session.commit()

    response = app.test_client().get(f"/groups/{group.slug}/decisions.json", headers=bearer(token))
    assert response.status_code == 404

    group.public_log = True
    db.session.commit()
    response = app.test_client().get(f"/groups/{group.slug}/decisions.json", headers=bearer(token))
    assert response.status_code == 200  # what any visitor may read of a published log


def test_the_token_is_stored_only_as_a_hash(app, world):
    _group, _elsewhere, resident, _ = world
    token = make_token_through_the_page(app, resident)

    dump = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                dump.append(repr(tuple(row)))
    everything = "\n".join(dump)
    secret_part = token[len(api_tokens.PREFIX) :]
    assert secret_part not in everything
    assert secret_part[6:16] not in everything  # nor a slice of it beyond the shown prefix
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == resident.id))
    assert row.token_hash == api_tokens.hash_of(token) and len(row.token_hash) == 64
    assert token.startswith(row.prefix) and len(row.prefix) == 10


def test_the_token_is_shown_once(app, world):
    _group, _elsewhere, resident, _ = world
    token = make_token_through_the_page(app, resident)

    page = client_for(app, resident).get("/account/tokens").get_data(as_text=True)

    assert "Ward 7 feed" in page
    assert token not in page
    assert token[:10] in page  # the prefix, to tell tokens apart


def test_last_used_is_written_at_most_once_an_hour(app, world):
    group, _elsewhere, resident, _ = world
    token = make_token_through_the_page(app, resident)
    url = f"/groups/{group.slug}/decisions.json"
    client = app.test_client()

    def last_used():
        db.session.expire_all()
        return db.session.scalar(select(ApiToken.last_used_at))

    assert last_used() is None
    client.get(url, headers=bearer(token))
    first = last_used()
    assert first is not None
    client.get(url, headers=bearer(token))
    assert last_used() == first
    earlier = utcnow() - timedelta(hours=2)
    db.session.execute(update(ApiToken).values(last_used_at=earlier))
    db.session.commit()
    client.get(url, headers=bearer(token))
    assert last_used() > earlier + timedelta(hours=1)


def test_a_token_needs_a_name(app, world):
    _group, _elsewhere, resident, _ = world
    response = client_for(app, resident).post("/account/tokens", data={"name": "   "})
    assert response.status_code == 422
    assert "lbk_" not in response.get_data(as_text=True).replace("lbk_…", "")
    assert db.session.scalar(select(ApiToken)) is None


def test_revoking_without_saying_which_is_a_clear_422(app, world):
    _group, _elsewhere, resident, _ = world
    response = client_for(app, resident).post("/account/tokens/revoke", data={"token_id": "x"})
    assert response.status_code == 422
    assert "Choose a token to revoke" in response.get_data(as_text=True)
