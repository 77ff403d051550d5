import click
from flask import current_app
from flask.cli import AppGroup

from app.mail import catching
from app.notices import worker

notices_cli = AppGroup("notices", help="Deliver notices to members.")


@notices_cli.command("work")
@click.option("--once", is_flag=True, help="Do what is due now, then stop (for cron).")
@click.option("--poll", default=5.0, show_default=True, help="Seconds between checks.")
def work(once, poll):
    """Run what is due (votes opening and closing, reminders, digests...) and send
    queued emails, retrying with backoff."""
    if once:
        result = worker.work_once()
        done = ", ".join(f"{name}: {n}" for name, n in result.done.items()) or "nothing"
        click.echo(
            f"Done {done}. Sent {result.sent}, not sent {result.failed}, "
            f"still queued {worker.queued_emails()}."
        )
        return
    if catching():
        click.echo(
            "No mail server is set: emails are caught for the caught-mail page; Ctrl+C stops."
        )
    else:
        click.echo(f"Sending notices through {current_app.config['MAIL_SERVER']}; Ctrl+C stops.")
    worker.work_forever(poll_seconds=poll)
