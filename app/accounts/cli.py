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


@users_cli.command("two-factor-off")
@click.argument("email")
def two_factor_off(email):
    """Turn off two-step sign-in for someone who lost their phone and recovery codes.

    Check who is asking first (in person, or by calling a number you already have):
    this lets anyone who knows the password sign in. Their sessions end; they set it
    up again from "Your details"."""
    from app.accounts import two_factor

    user = accounts.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the email address {email}.")
    try:
        two_factor.turn_off_for_lost_phone(user)
    except Refused as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Two-step sign-in is off for {user.email}. They can sign in with their password.")
