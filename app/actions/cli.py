import click
from flask.cli import AppGroup

from app.actions import services as actions
from app.extensions import db

actions_cli = AppGroup("actions", help="Actions agreed at meetings.")


@actions_cli.command("remind")
def remind():
    """Remind owners of actions due within two days or overdue (at most once a week each).

    Run it daily from cron; it is safe to run more often.
    """
    count = actions.remind_owners()
    db.session.commit()
    click.echo(f"Reminded the owners of {count} action(s).")
