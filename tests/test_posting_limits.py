"""A script signed in as one member cannot flood a group: comments, grapevine reports
and uploads are limited per person (generously), answered with the plain 429 page;
everyone else carries on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.comments.models import Comment
from app.dbtypes import utcnow
from app.decisions.upcoming import publish_forward_plan
from app.enquiries.models import Evidence
from app.extensions import db
from app.voting import priorities
from tests.accounts.test_sign_in import app_config, html
from tests.conftest import client_for, count
from tests.enquiries.helpers import make_enquiry
from tests.factories import make_group, make_member
from tests.uploads import samples
from tests.uploads.samples import upload_folder  # noqa: F401  (a fixture)


@pytest.fixture
def place(app, ctx):
    group = make_group()
    rita, _ = make_member(group, "resident", name="Rita Resident")
    sam, _ = make_member(group, "resident", name="Sam Resident")
    officer, _ = make_member(group, "officer")
    priority = priorities.propose(
        group, rita, title="Damp", description="", domain="living_environment"
    )
    entry = publish_forward_plan(
        group,
        officer,
        title="Bin collections",
        summary="S",
        decision_by_kind="council_cabinet",
        decision_by_name="",
        expected_at=utcnow() + timedelta(days=5),
    )
    db.session.commit()
    return group, rita, sam, priority, entry


def test_comments_past_the_limit_get_the_too_many_page_and_are_not_kept(app, place):
    group, rita, sam, priority, entry = place
    spammer = client_for(app, rita)
    on_priority = f"/groups/{group.slug}/priorities/{priority.id}"
    on_plan = f"/groups/{group.slug}/forward-plan/{entry.id}"
    with app_config(app, COMMENT_LIMIT_PER_PERSON="3 per minute"):
        for n in range(2):
            assert spammer.post(on_priority, data={"body": f"Buy now {n}"}).status_code == 303
        # The forward plan shares the same budget: moving pages does not reset it.
        assert spammer.post(on_plan, data={"body": "Buy now 2"}).status_code == 303

        flooded = spammer.post(on_plan, data={"body": "Buy now 3"})

        assert flooded.status_code == 429
        assert "Too many attempts" in html(flooded)
        assert count(Comment) == 3
        # Reading is not limited, and another member still comments.
        assert spammer.get(on_priority).status_code == 200
        neighbour = client_for(app, sam)
        assert neighbour.post(on_priority, data={"body": "Is it fixed?"}).status_code == 303
        assert count(Comment) == 4


def test_grapevine_reports_past_the_limit_are_refused(app, place):
    group, rita, sam, _priority, _entry = place
    spammer = client_for(app, rita)
    url = f"/groups/{group.slug}/grapevine"
    with app_config(app, GRAPEVINE_LIMIT_PER_PERSON="2 per minute"):
        for n in range(2):
            response = spammer.post(url, data={"what": f"Heard thing {n}"})
            assert response.status_code == 303

        flooded = spammer.post(url, data={"what": "Heard thing 3"})

        assert flooded.status_code == 429
        assert "Too many attempts" in html(flooded)
        assert client_for(app, sam).post(url, data={"what": "Heard too"}).status_code == 303


def test_uploads_past_the_limit_are_refused_and_no_file_is_kept(app, place, upload_folder):  # noqa: F811
    group, rita, _sam, _priority, _entry = place
    adviser, _ = make_member(group, "resident_adviser")
    enquiry = make_enquiry(group, adviser)
    db.session.commit()
    uploader = client_for(app, adviser)
    url = f"/groups/{group.slug}/enquiries/{enquiry.id}/evidence/new"

    def send(n):
        return uploader.post(
            url,
            data={
                "kind": "grey_literature",
                "title": f"Report {n}",
                "summary": "A survey.",
                "file": (samples.BytesIO(samples.pdf()), f"report-{n}.pdf"),
            },
            content_type="multipart/form-data",
        )

    with app_config(app, UPLOAD_LIMIT_PER_PERSON="2 per minute"):
        assert [send(n).status_code for n in range(2)] == [303, 303]
        files_before = len(samples.stored_files(upload_folder))

        flooded = send(3)

    assert flooded.status_code == 429
    assert count(Evidence) == 2
    assert len(samples.stored_files(upload_folder)) == files_before
