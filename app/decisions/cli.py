import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.decisions import chain
from app.extensions import db
from app.groups.models import Group

decisions_cli = AppGroup("decisions", help="The decision log.")


@decisions_cli.command("verify")
@click.option("--slug", help="Check one group only.")
def verify(slug):
    """Check each group's hash chain; exit 1 naming the first broken entry."""
    query = select(Group).order_by(Group.slug)
    if slug:
        query = query.where(Group.slug == slug)
    found = list(db.session.scalars(query))
    if slug and not found:
        raise click.ClickException(f"No group has the slug {slug!r}.")
    broken = False
    for group in found:
        report = chain.verify(group.id)
        if report.ok:
            click.echo(f"{group.slug}: OK, {report.entries} entries, head {report.head}")
        else:
            broken = True
            where = f"entry {report.broken_seq}" if report.broken_seq else "after the last entry"
            click.echo(
                f"{group.slug}: BROKEN at {where} ({report.broken_what}): {report.problem}",
                err=True,
            )
    sys.exit(1 if broken else 0)
