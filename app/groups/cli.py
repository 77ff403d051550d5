import click
from flask.cli import AppGroup

from app.accounts import services as accounts
from app.errors import Refused
from app.extensions import db
from app.groups import services as groups
from app.groups.models import ROLES

groups_cli = AppGroup("groups", help="Manage groups and their members.")


@groups_cli.command("create")
@click.option("--slug", required=True, help="Web address, like riverside.")
@click.option("--name", required=True)
@click.option("--neighbourhood", default="")
@click.option("--description", default="")
def create_group(slug, name, neighbourhood, description):
    """Create a group."""
    try:
        group = groups.create_group(
            slug=slug, name=name, neighbourhood=neighbourhood, description=description
        )
    except Refused as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created group {group.slug}.")


@groups_cli.command("add-member")
@click.option("--slug", required=True)
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
def add_member(slug, email, role):
    """Add an existing account to a group with a role."""
    group = groups.get_group(slug)
    if group is None:
        raise click.ClickException(f"No group has the slug {slug!r}.")
    user = accounts.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the email {email!r}. Use 'users create'.")
    try:
        groups.add_member(group, user, role)
    except Refused as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Added {user.email} to {group.slug} as {role}.")
