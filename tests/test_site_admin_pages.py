"""The site admin's settings page and security event log."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.dbtypes import utcnow
from app.extensions import db
from app.security import settings as site_settings
from app.security.models import SecurityEvent
from tests.conftest import sign_in
from tests.factories import make_group, make_member, make_user


def html(response) -> str:
    return response.get_data(as_text=True)


def rows(response) -> str:
    """The table of events, without the filter form's hints."""
    page = html(response)
    return page[page.index("<tbody") :] if "<tbody" in page else ""


def settings_data(**changes) -> dict:
    data = {
        "require_two_factor_for_staff": "y",
        "keep_notice_contacts_months": "18",
        "keep_security_events_days": "400",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_site_admin_changes_the_settings_and_the_change_is_logged(client, login):
    admin = make_user(admin=True)
    login(admin)

    page = client.get("/admin/settings")
    assert page.status_code == 200
    assert "asked to set it up the next time they sign in" in html(page)

    response = client.post("/admin/settings", data=settings_data())

    assert response.status_code == 303
    db.session.expire_all()
    now = site_settings.current()
    assert now.require_two_factor_for_staff is True
    assert (now.keep_notice_contacts_months, now.keep_security_events_days) == (18, 400)
    assert now.updated_by_id == admin.id
    (event,) = db.session.scalars(
        db.select(SecurityEvent).where(SecurityEvent.kind == "settings.changed")
    ).all()
    assert event.user_id == admin.id


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("keep_notice_contacts_months", "-1"),
        ("keep_notice_contacts_months", "121"),
        ("keep_security_events_days", "29"),
        ("keep_security_events_days", "3651"),
        ("keep_security_events_days", "a year"),
        ("keep_security_events_days", "99999999999999999999"),
        ("keep_notice_contacts_months", None),
    ],
)
def test_settings_out_of_range_are_refused_plainly_and_nothing_changes(client, login, field, value):
    login(make_user(admin=True))

    response = client.post("/admin/settings", data=settings_data(**{field: value}))

    assert response.status_code == 422
    assert "There is a problem" in html(response)
    db.session.expire_all()
    assert site_settings.current().id is None  # nothing stored


def test_the_settings_need_the_password_typed_lately(app, ctx):
    admin = make_user(admin=True)
    client = app.test_client()
    sign_in(client, admin, password_typed_ago=11 * 60)

    for response in (
        client.get("/admin/settings"),
        client.post("/admin/settings", data=settings_data()),
    ):
        assert response.status_code == 303
        assert response.headers["Location"] == "/account/confirm?next=/admin/settings"
    db.session.expire_all()
    assert site_settings.current().require_two_factor_for_staff is False


def test_a_facilitator_cannot_change_the_sites_settings(client, login):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    login(facilitator)

    assert client.get("/admin/settings").status_code == 403
    assert client.post("/admin/settings", data=settings_data()).status_code == 403
    assert client.get("/admin/security").status_code == 403
    db.session.expire_all()
    assert site_settings.current().id is None


# The event log --------------------------------------------------------------------


def add_events(n: int, kind: str = "sign_in.code_failed", **fields):
    people = [make_user() for _ in range(3)]
    start = utcnow() - timedelta(hours=1)
    for i in range(n):
        db.session.add(
            SecurityEvent(
                at=start + timedelta(seconds=i),
                kind=kind,
                user_id=people[i % 3].id,
                address="192.0.2.1",
                path="POST /sign-in/code",
                status=422,
                details={"n": i},
                **fields,
            )
        )
    db.session.commit()


def test_the_event_log_shows_newest_first_and_finds_an_error_by_its_reference(client, login):
    add_events(3)
    db.session.add(
        SecurityEvent(at=utcnow(), kind="error", status=500, reference="7KQ2M9XW4P", details={})
    )
    db.session.add(SecurityEvent(at=utcnow(), kind="refused.not_allowed", status=403, details={}))
    db.session.commit()
    login(make_user(admin=True))

    page = rows(client.get("/admin/security"))
    assert page.index("refused.not_allowed") < page.index("sign_in.code_failed")

    by_reference = client.get("/admin/security?reference=7kq2m9xw4p")
    assert by_reference.status_code == 200
    assert "7KQ2M9XW4P" in rows(by_reference)
    assert "sign_in.code_failed" not in rows(by_reference)

    by_kind = rows(client.get("/admin/security?kind=refused"))
    assert "refused.not_allowed" in by_kind
    assert "sign_in.code_failed" not in by_kind
    # A prefix matches whole parts only: "sign" is no kind.
    assert "No events match" in html(client.get("/admin/security?kind=sign"))
    assert "No events match" in html(client.get("/admin/security?kind=%25"))


def test_hostile_filters_are_refused_plainly(client, login):
    login(make_user(admin=True))

    assert client.get("/admin/security?reference=" + "A" * 200).status_code == 422
    assert client.get("/admin/security?page=-3&kind=x' OR 1=1").status_code == 200


def test_the_event_log_runs_the_same_queries_for_three_events_as_for_sixty(app, ctx, page_queries):
    admin = make_user(admin=True)
    client = app.test_client()
    sign_in(client, admin)
    add_events(3)
    few = page_queries(client, "/admin/security")
    add_events(57)
    many = page_queries(client, "/admin/security")
    filtered = page_queries(client, "/admin/security?kind=sign_in&page=2")

    assert few == many == filtered
    assert many <= 6
