import click
from flask import current_app
from flask.cli import AppGroup

from app.mail import catching
from app.notices import worker

notices_cli = AppGroup("notices", help="Deliver notices to members.")


@notices_cli.command("work")
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
@click.option("--poll", default=5.0, show_default=True, help="Seconds between checks.")
def work(once, poll):
    """Send queued notice emails through SMTP, retrying with backoff."""
    if once:
        result = worker.work_once()
        click.echo(
            f"Sent {result.sent}, not sent {result.failed}, still queued {worker.queued_emails()}."
        )
        return
    if catching():
        click.echo(
            "No mail server is set: emails are caught for the caught-mail page; Ctrl+C stops."
        )
    else:
        click.echo(f"Sending notices through {current_app.config['MAIL_SERVER']}; Ctrl+C stops.")
    worker.work_forever(poll_seconds=poll)
