"""The issue's "done when": a demo resident downloads their data, then is erased; the
log still verifies and their name is nowhere, in the database or the group's pages."""

from __future__ import annotations

from app.accounts.services import get_user_by_email
from app.demo import load_demo
from app.extensions import db
from app.security.models import SecurityEvent
from tests.conftest import sign_in
from tests.privacy.helpers import crawl, mentions_in_database, open_zip


def test_a_demo_resident_exports_then_is_erased_and_the_log_still_verifies(app, ctx, upload_folder):
    with app.app_context():
        load_demo()
    rita = get_user_by_email("resident@example.org")
    rita_id, old_name, old_email = rita.id, rita.name, rita.email
    client = app.test_client()
    sign_in(client, rita)

    response = client.post("/account/your-data")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive, data = open_zip(response)
    assert data["profile"]["name"] == old_name
    told = [row for row in data["told"] if row["about"] == "decision" and row["reached_you_at"]]
    assert told and all(row["channel"] and row["decision_number"] for row in told)
    assert data["named_votes"], "her votes in named ballots"
    assert data["comments"] and data["uploads"]
    for upload in data["uploads"]:
        assert archive.getinfo(upload["in_this_zip"]).file_size == upload["size_bytes"]
    assert "<h1>" in archive.read("index.html").decode()

    # No secret ballot's choice, and no receipt of one, is in the export.
    secret = {row["ballot"] for row in data["ballots"] if row["secret"]}
    assert secret, "the demo has secret ballots she voted in"
    assert not secret & {row["ballot"] for row in data["named_votes"]}

    # Before: her name is in the database and on the group's pages (so the checks below
    # can find it when it is there).
    facilitator = app.test_client()
    sign_in(facilitator, get_user_by_email("facilitator@example.org"))
    before = crawl(facilitator, "/groups/riverside", within="/groups/riverside")
    assert any(old_name in html for html in before.values())
    assert mentions_in_database(old_name, old_email)

    response = client.post(
        "/account/your-data/erase",
        data={"email": old_email, "password": "riverside demo walk"},
    )
    assert response.status_code == 303

    result = app.test_cli_runner().invoke(args=["decisions", "verify"])
    assert result.exit_code == 0, result.output
    assert "riverside: OK" in result.output

    db.session.expire_all()
    assert mentions_in_database(old_name, old_email) == []
    [erased] = db.session.query(SecurityEvent).filter_by(kind="person.erased").all()
    assert erased.user_id == rita_id

    # The pages the group's facilitator can reach name her nowhere.
    pages = crawl(facilitator, "/groups/riverside", within="/groups/riverside")
    assert len(pages) > 30
    named = [url for url, html in pages.items() if old_name in html or old_email in html]
    assert named == []
    assert any(f"Former member {rita_id}" in html for html in pages.values())

    # And she cannot come back.
    assert client.get("/account").status_code == 302
    again = app.test_client()
    response = again.post("/sign-in", data={"email": old_email, "password": "riverside demo walk"})
    assert response.status_code == 422
