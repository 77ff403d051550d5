"""Downloading everything Logbook holds about you."""

from __future__ import annotations

import re

from app.extensions import db
from app.security.models import SecurityEvent
from app.voting.models import Cast
from tests.conftest import count, sign_in
from tests.privacy import world as w
from tests.privacy.helpers import open_zip


def test_the_download_holds_what_is_held_about_me_and_my_files(app, ctx, upload_folder):
    world = w.build()
    client = app.test_client()
    sign_in(client, world.rosa)

    page = client.get("/account/your-data")
    assert page.status_code == 200 and "Download my data" in page.text
    assert count(SecurityEvent, SecurityEvent.kind == "data.exported") == 0

    response = client.post("/account/your-data")

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive, data = open_zip(response)
    assert data["profile"]["email"] == w.EMAIL
    assert data["profile"]["postal_address"].startswith("7 Lock Street")
    assert [m["role"] for m in data["memberships"]] == ["resident"]
    by_hand = data["told_by_hand"]
    assert [(r["channel"], r["note"]) for r in by_hand] == [("in_person", "At the coffee morning")]
    assert any(
        row["decision_number"] == world.decision.number and row["channel"] == "in_app"
        for row in data["told"]
    )
    assert data["letters"][0]["address"].startswith("7 Lock Street")
    assert data["calls"][0]["outcome"] == "no_answer"
    assert [c["body"] for c in data["comments"]] == ["Permits should be free for carers."]
    assert [g["what"] for g in data["grapevine"]] == ["Heard the bus stop moves"]
    [upload] = data["uploads"]
    assert (
        archive.read(upload["in_this_zip"])
        == (upload_folder / world.upload.stored_name[:2] / world.upload.stored_name).read_bytes()
    )
    html = archive.read("index.html").decode()
    assert "Permits should be free for carers." in html and w.NAME in html
    [event] = db.session.query(SecurityEvent).filter_by(kind="data.exported").all()
    assert event.user_id == world.rosa.id


def test_the_download_never_shows_a_secret_ballot_choice(app, ctx, upload_folder):
    world = w.build()
    client = app.test_client()
    sign_in(client, world.rosa)

    archive, data = open_zip(client.post("/account/your-data"))

    [named] = data["named_votes"]
    assert named["ballot"] == "Named: which street first?" and named["choices"] == ["Lock Street"]
    secret = [b for b in data["ballots"] if b["secret"]]
    assert secret == [
        {"group": "millbank", "ballot": "Secret: choose a chair", "secret": True, "voted": True}
    ]
    secret_receipts = {
        c.receipt for c in db.session.query(Cast).filter_by(ballot_id=world.secret.id)
    }
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("latin-1")
    assert "Unmistakable Choice" not in everything
    assert not any(receipt in everything for receipt in secret_receipts)


def test_the_download_holds_nothing_of_other_people(app, ctx, upload_folder):
    world = w.build()
    client = app.test_client()
    sign_in(client, world.rosa)

    archive, _data = open_zip(client.post("/account/your-data"))

    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("latin-1")
    assert "Otto" not in everything
    assert world.other.email not in everything and world.officer.email not in everything


def test_the_readable_copy_needs_nothing_from_the_internet(app, ctx, upload_folder):
    world = w.build()
    client = app.test_client()
    sign_in(client, world.rosa)

    archive, _data = open_zip(client.post("/account/your-data"))

    html = archive.read("index.html").decode()
    assert "<script" not in html and "<link" not in html
    assert re.findall(r"""(?:src|href)=["']?(?:https?:)?//""", html) == []
    assert '<html lang="en">' in html


def test_a_download_needs_a_post_with_the_forms_token(app, ctx, upload_folder):
    world = w.build()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        sign_in(client, world.rosa)
        response = client.post("/account/your-data")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code in (400, 422) and response.mimetype == "text/html"
    assert count(SecurityEvent, SecurityEvent.kind == "data.exported") == 0


def test_a_download_needs_the_password_typed_in_the_last_minutes(app, ctx, upload_folder):
    from tests.accounts.test_reauth import STALE, sent_to_confirm

    world = w.build()
    client = app.test_client()
    # Signed in long ago on a phone someone else has picked up.
    sign_in(client, world.rosa, password_typed_ago=STALE)

    response = client.post("/account/your-data")

    assert sent_to_confirm(response, "/account/your-data")
    assert response.mimetype != "application/zip"
    assert count(SecurityEvent, SecurityEvent.kind == "data.exported") == 0
