"""`flask demo load`: a demo neighbourhood to look around, safe to run again. Each part
of it is built in its own module, through the same services the site uses."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import update

from app.accounts import services as accounts
from app.dbtypes import utcnow
from app.decisions import services as decisions
from app.demo import delivery, gatherings, log, research, votes
from app.enquiries import services as enquiries
from app.extensions import db
from app.groups import services as groups
from app.groups.models import Membership
from app.meetings import planning
from app.notices import desk
from app.permissions import role_in
from app.voting.priorities import priorities_page

demo_cli = AppGroup("demo", help="Demo data for trying Logbook out.")

#: One person per role; the same password for all, printed for the person trying the demo.
DEMO_PASSWORD = "riverside demo walk"
DEMO_PEOPLE = [
    ("admin@example.org", "Sam Admin", None, True),
    ("facilitator@example.org", "Fatima Facilitator", "facilitator", False),
    ("resident@example.org", "Rita Resident", "resident", False),
    ("adviser@example.org", "Ade Adviser", "resident_adviser", False),
    ("officer@example.org", "Owen Officer", "officer", False),
    ("partner@example.org", "Priya Partner", "partner", False),
]
OFFLINE_PEOPLE = [
    ("Doris Hughes", "resident", ["letter"], "12 Mill Lane, Riverside", None),
    ("Tom Kaur", "resident", ["phone", "in_person"], None, "0161 496 0000"),
]


def load_demo() -> list[tuple[str, str]]:
    """Create the demo group and people if missing; return (role, email) logins."""
    group = groups.get_group("riverside")
    if group is None:
        group = groups.create_group(
            slug="riverside",
            name="Riverside Local Oversight Group",
            neighbourhood="Riverside",
            description=(
                "Residents, council officers and local partners working together on what "
                "harms health in Riverside: damp homes, the closed youth centre, and the "
                "traffic on Mill Lane."
            ),
            focus="Damp and cold homes",
        )
    logins = []
    for email, name, role, is_admin in DEMO_PEOPLE:
        user = accounts.get_user_by_email(email)
        if user is None:
            user = accounts.create_user(
                email=email, name=name, password=DEMO_PASSWORD, is_admin=is_admin
            )
        if role:
            if role_in(user, group) is None:
                groups.add_member(group, user, role)
        logins.append((role or "site admin", email))
    existing_names = {u.name for _, u in groups.members(group, 1, 1000).items}
    for name, role, channels, address, phone in OFFLINE_PEOPLE:
        if name not in existing_names:
            groups.add_member_without_email(
                group,
                name=name,
                role=role,
                preferred_channels=channels,
                postal_address=address,
                phone=phone,
            )
    # The demo's people have been in the group for a year, so past decisions count for them.
    db.session.execute(
        update(Membership)
        .where(Membership.group_id == group.id)
        .values(joined_at=utcnow() - timedelta(days=400))
    )
    for email, *_ in DEMO_PEOPLE[1:]:
        user = accounts.get_user_by_email(email)
        user.preferred_channels = ["in_app", "email"]
    db.session.flush()
    if not decisions.all_decisions(group):
        log.load_decision_log(group)
    if not priorities_page(group, 1, 1).total:
        votes.load_priorities_and_votes(group)
    if not enquiries.group_enquiries(group, 1):
        research.load_enquiries(group)
    if not planning.meetings_page(group, 1, 1, past=True).total:
        gatherings.load_meetings(group)
    if not desk.packs_page(group.id, 1, 1).total:
        delivery.load_delivery(group)
    db.session.commit()  # the whole demo in one transaction, like any command
    return logins


@demo_cli.command("load")
def load():
    """Load the Riverside demo group, with one person per role."""
    logins = load_demo()
    click.echo("Riverside demo is ready. Sign in with any of these:")
    for role, email in logins:
        click.echo(f"  {role:<18} {email}")
    click.echo(f"Password for all of them: {DEMO_PASSWORD}")
