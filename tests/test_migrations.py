"""The migrations are the schema: they must build exactly what the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db


def test_migrations_produce_exactly_the_models_schema(app, ctx):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_go_down_to_nothing_and_back_up(app, ctx):
    downgrade(revision="base")
    with db.engine.connect() as conn:
        tables = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade()
    with db.engine.connect() as conn:
        tables = set(db.inspect(conn).get_table_names())
    assert {"users", "groups", "memberships", "invitations"} <= tables
