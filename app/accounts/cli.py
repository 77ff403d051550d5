import click
from flask.cli import AppGroup

from app.accounts import services as accounts
from app.errors import Refused
from app.extensions import db

users_cli = AppGroup("users", help="Manage people's accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", help="If left out, you are asked for one.")
@click.option("--admin", is_flag=True, help="Make this person a site admin.")
def create_user(email, name, password, admin):
    """Create an account that can sign in."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problems = accounts.password_problems(password, user_inputs=(email, name))
    if problems:
        raise click.ClickException(" ".join(problems))
    try:
        user = accounts.create_user(email=email, name=name, password=password, is_admin=admin)
    except Refused as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.email}{' (site admin)' if admin else ''}.")
