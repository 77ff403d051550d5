"""The command line: creating people and groups, and loading the demo."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.groups.models import Group, Membership

GOOD_PASSWORD = "kettle orbit lantern meadow"


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args, **kwargs):
        return runner.invoke(args=list(args), **kwargs)

    return run


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def user_row(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge_all()
        return user


def role_of(app, slug, email):
    with app.app_context():
        return db.session.scalar(
            select(Membership.role)
            .join(Group, Group.id == Membership.group_id)
            .join(User, User.id == Membership.user_id)
            .where(Group.slug == slug, User.email == email)
        )


def can_sign_in(app, email, password) -> bool:
    response = app.test_client().post("/sign-in", data={"email": email, "password": password})
    return response.status_code == 303


# users create ----------------------------------------------------------------


def test_users_create_makes_an_account_that_can_sign_in(app, cli):
    result = cli(
        "users",
        "create",
        "--email",
        "Rita@Example.org",
        "--name",
        "Rita",
        "--password",
        GOOD_PASSWORD,
    )

    assert result.exit_code == 0, result.output
    assert "Created rita@example.org." in result.output
    user = user_row(app, "rita@example.org")
    assert user.name == "Rita"
    assert user.is_admin is False
    assert can_sign_in(app, "rita@example.org", GOOD_PASSWORD)


def test_users_create_admin_flag_makes_a_site_admin(app, cli):
    result = cli(
        "users",
        "create",
        "--email",
        "sam@example.org",
        "--name",
        "Sam",
        "--password",
        GOOD_PASSWORD,
        "--admin",
    )

    assert result.exit_code == 0, result.output
    assert "(site admin)" in result.output
    assert user_row(app, "sam@example.org").is_admin is True


def test_users_create_asks_for_the_password_when_not_given(app, cli):
    result = cli(
        "users",
        "create",
        "--email",
        "rita@example.org",
        "--name",
        "Rita",
        input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n",
    )

    assert result.exit_code == 0, result.output
    assert GOOD_PASSWORD not in result.output
    assert can_sign_in(app, "rita@example.org", GOOD_PASSWORD)


def test_users_create_refuses_a_duplicate_email(app, cli):
    first = cli(
        "users",
        "create",
        "--email",
        "rita@example.org",
        "--name",
        "Rita",
        "--password",
        GOOD_PASSWORD,
    )
    assert first.exit_code == 0, first.output

    second = cli(
        "users",
        "create",
        "--email",
        "RITA@example.org",
        "--name",
        "Other Rita",
        "--password",
        "another entirely different passphrase",
    )

    assert second.exit_code != 0
    assert "already has an account with that email address" in second.output
    assert count(app, User, User.email == "rita@example.org") == 1
    assert user_row(app, "rita@example.org").name == "Rita"
    assert can_sign_in(app, "rita@example.org", GOOD_PASSWORD)


@pytest.mark.parametrize(
    ("password", "message"),
    [("password1234", "too easy to guess"), ("short", "at least 12 characters")],
)
def test_users_create_refuses_a_weak_password(app, cli, password, message):
    result = cli(
        "users", "create", "--email", "rita@example.org", "--name", "Rita", "--password", password
    )

    assert result.exit_code != 0
    assert message in result.output
    assert count(app, User) == 0


def test_users_create_refuses_a_password_made_of_the_persons_email(app, cli):
    result = cli(
        "users",
        "create",
        "--email",
        "ritaresident@example.org",
        "--name",
        "Rita Resident",
        "--password",
        "ritaresident@example.org",
    )

    assert result.exit_code != 0
    assert "too easy to guess" in result.output
    assert count(app, User) == 0


# groups create ---------------------------------------------------------------


def test_groups_create_makes_a_group(app, cli):
    result = cli(
        "groups",
        "create",
        "--slug",
        "canal-side",
        "--name",
        "Canal Side Group",
        "--neighbourhood",
        "Canal Side",
    )

    assert result.exit_code == 0, result.output
    assert "Created group canal-side." in result.output
    with app.app_context():
        group = db.session.scalar(select(Group).where(Group.slug == "canal-side"))
        assert group.name == "Canal Side Group"
        assert group.neighbourhood == "Canal Side"


@pytest.mark.parametrize("slug", ["Bad Slug!", "-x", "under_score"])
def test_groups_create_refuses_a_bad_slug(app, cli, slug):
    result = cli("groups", "create", "--slug", slug, "--name", "Somewhere")

    assert result.exit_code != 0
    assert "lower-case letters, numbers and hyphens" in result.output
    assert count(app, Group) == 0


def test_groups_create_refuses_a_slug_in_use(app, cli):
    assert cli("groups", "create", "--slug", "canal-side", "--name", "First").exit_code == 0

    result = cli("groups", "create", "--slug", "canal-side", "--name", "Second")

    assert result.exit_code != 0
    assert "already uses that web address" in result.output
    assert count(app, Group) == 1


# groups add-member -----------------------------------------------------------


@pytest.fixture
def group_and_person(cli):
    assert cli("groups", "create", "--slug", "canal-side", "--name", "Canal Side").exit_code == 0
    created = cli(
        "users",
        "create",
        "--email",
        "rita@example.org",
        "--name",
        "Rita",
        "--password",
        GOOD_PASSWORD,
    )
    assert created.exit_code == 0, created.output


def test_groups_add_member_adds_an_account_with_a_role(app, cli, group_and_person):
    result = cli(
        "groups",
        "add-member",
        "--slug",
        "canal-side",
        "--email",
        "Rita@Example.org",
        "--role",
        "facilitator",
    )

    assert result.exit_code == 0, result.output
    assert "Added rita@example.org to canal-side as facilitator." in result.output
    assert role_of(app, "canal-side", "rita@example.org") == "facilitator"


def test_groups_add_member_refuses_an_unknown_group(app, cli, group_and_person):
    result = cli(
        "groups",
        "add-member",
        "--slug",
        "nowhere",
        "--email",
        "rita@example.org",
        "--role",
        "resident",
    )

    assert result.exit_code != 0
    assert "No group has the slug 'nowhere'" in result.output
    assert count(app, Membership) == 0


def test_groups_add_member_refuses_an_unknown_email(app, cli, group_and_person):
    result = cli(
        "groups",
        "add-member",
        "--slug",
        "canal-side",
        "--email",
        "nobody@example.org",
        "--role",
        "resident",
    )

    assert result.exit_code != 0
    assert "No account has the email 'nobody@example.org'" in result.output
    assert "users create" in result.output
    assert count(app, Membership) == 0


def test_groups_add_member_refuses_an_unknown_role(app, cli, group_and_person):
    result = cli(
        "groups",
        "add-member",
        "--slug",
        "canal-side",
        "--email",
        "rita@example.org",
        "--role",
        "mayor",
    )

    assert result.exit_code != 0
    assert "mayor" in result.output
    assert count(app, Membership) == 0


def test_groups_add_member_refuses_someone_already_in_the_group(app, cli, group_and_person):
    args = ("groups", "add-member", "--slug", "canal-side", "--email", "rita@example.org")
    assert cli(*args, "--role", "resident").exit_code == 0

    result = cli(*args, "--role", "facilitator")

    assert result.exit_code != 0
    assert "already a member of this group" in result.output
    assert count(app, Membership) == 1
    assert role_of(app, "canal-side", "rita@example.org") == "resident"


# demo load -------------------------------------------------------------------


def _totals(app):
    return (count(app, User), count(app, Group), count(app, Membership))


def test_demo_load_creates_one_person_per_role_who_can_sign_in(app, cli):
    result = cli("demo", "load")

    assert result.exit_code == 0, result.output
    assert "Riverside demo is ready" in result.output
    assert DEMO_PASSWORD in result.output
    assert _totals(app) == (8, 1, 7)  # 6 with email (one a site admin) + 2 without email
    for role, email in [
        ("facilitator", "facilitator@example.org"),
        ("resident", "resident@example.org"),
        ("resident_adviser", "adviser@example.org"),
        ("officer", "officer@example.org"),
        ("partner", "partner@example.org"),
    ]:
        assert email in result.output
        assert role_of(app, "riverside", email) == role
    assert user_row(app, "admin@example.org").is_admin is True
    assert can_sign_in(app, "resident@example.org", DEMO_PASSWORD)


def test_demo_load_twice_changes_nothing(app, cli):
    assert cli("demo", "load").exit_code == 0
    once = _totals(app)

    result = cli("demo", "load")

    assert result.exit_code == 0, result.output
    assert _totals(app) == once
    assert count(app, User, User.email.is_(None)) == 2


def test_two_step_sign_in_can_be_turned_off_from_the_server_for_a_lost_phone(app, cli):
    from app.accounts import two_factor
    from tests.accounts.test_two_factor import code_at

    with app.app_context():
        from tests.factories import make_user

        user = make_user(email="lost.phone@example.org")
        secret = two_factor.new_secret()
        two_factor.confirm_set_up(user, secret, code_at(secret))
        db.session.commit()
        old_session = user.get_id()

    result = cli("users", "two-factor-off", "Lost.Phone@example.org")

    assert result.exit_code == 0, result.output
    row = user_row(app, "lost.phone@example.org")
    assert not row.two_factor_on
    assert row.get_id() != old_session  # every session of theirs ended
    assert cli("users", "two-factor-off", "lost.phone@example.org").exit_code == 1
    assert "No account" in cli("users", "two-factor-off", "nobody@example.org").output
