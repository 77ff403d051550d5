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


def test_the_told_record_migration_carries_existing_notices_into_the_chain(app, ctx):
    """Data made before the told record existed keeps its meaning: after going down to
    the previous schema and up again, versions are numbered and every notice that had
    reached someone is in the chain, which verifies."""
    from datetime import timedelta

    from sqlalchemy import select

    from app.chain.models import LogEntry
    from app.dbtypes import utcnow
    from app.decisions import chain
    from app.decisions import services as decisions
    from app.decisions.told import record_told
    from app.notices.models import Notice
    from tests.decisions.helpers import backdate_members, record
    from tests.factories import make_group, make_member

    group = make_group()
    officer, _ = make_member(group, "officer")
    tom, _ = make_member(group, "resident")
    backdate_members(group)
    decision = record(group, officer, days_ago=5)
    record_told(
        group, decision, officer, people=[tom], channel="phone", told_at=utcnow() - timedelta(1)
    )
    decisions.amend(
        group, decision, officer, kind="correction", changes={"title": "New"}, reason="x"
    )
    before = {(n.id, n.version, n.reached_at) for n in db.session.scalars(select(Notice))}
    group_id = group.id
    db.session.commit()
    db.session.remove()

    downgrade(revision="fcc6d3e7edc3")
    upgrade()

    after = {(n.id, n.version, n.reached_at) for n in db.session.scalars(select(Notice))}
    assert after == before
    reached = set(db.session.scalars(select(Notice.id).where(Notice.reached_at.is_not(None))))
    chained = set(db.session.scalars(select(LogEntry.notice_id).where(LogEntry.kind == "told")))
    assert reached and chained == reached
    assert chain.verify(group_id).ok


def test_comments_move_into_one_table_and_back_unchanged(app, ctx):
    from datetime import timedelta

    from sqlalchemy import select, text

    from app.comments import services as comments
    from app.comments.models import Comment
    from app.dbtypes import utcnow
    from app.decisions.upcoming import comment_on_plan, publish_forward_plan
    from app.voting import priorities
    from tests.factories import make_group, make_member

    group = make_group()
    officer, _ = make_member(group, "officer")
    entry = publish_forward_plan(
        group,
        officer,
        title="Car park",
        summary="Closing at night?",
        decision_by_kind="council_cabinet",
        decision_by_name="",
        expected_at=utcnow() + timedelta(days=10),
    )
    priority = priorities.propose(
        group, officer, title="Damp", description="", domain="living_environment"
    )
    comment_on_plan(entry, officer, "Not at night, please.")
    comments.add(group.id, "priority", priority.id, officer, "Yes to this.")

    def stored():
        return sorted(
            (c.group_id, c.subject_kind, c.subject_id, c.author_id, c.body, c.created_at)
            for c in db.session.scalars(select(Comment))
        )

    before, entry_id, priority_id = stored(), entry.id, priority.id
    db.session.commit()
    db.session.remove()

    downgrade(revision="de8ff9db7b03")
    try:
        with db.engine.connect() as conn:
            old_plan = conn.execute(text("SELECT entry_id, body FROM forward_plan_comments")).all()
            old_priority = conn.execute(text("SELECT priority_id, body FROM priority_comments"))
            old_priority = old_priority.all()
    finally:
        upgrade()
    assert [tuple(r) for r in old_plan] == [(entry_id, "Not at night, please.")]
    assert [tuple(r) for r in old_priority] == [(priority_id, "Yes to this.")]
    assert stored() == before


def test_votes_already_open_keep_each_voters_link_and_closed_secret_ones_lose_it(app, ctx):
    """Before tokens, a voter's casts were linked by a keyed hash under SECRET_KEY. After
    the upgrade an open vote's voters keep their link (their old hash becomes their
    token), so nobody votes twice; a closed secret vote keeps no link and no times."""
    import hashlib
    import hmac

    from sqlalchemy import select, text

    from app.voting import services as voting
    from app.voting.models import Ballot, CurrentBallot, VoterToken
    from tests.factories import make_group, make_member

    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    rita, _ = make_member(group, "resident")

    def secret_vote(title):
        ballot = voting.create_ballot(
            group,
            facilitator,
            title=title,
            method="approval",
            options=[("A", None), ("B", None)],
            secret=True,
        )
        voting.open_ballot(group, ballot)
        voting.cast(ballot, rita, [voting.ballot_options(ballot)[0].id])
        return ballot

    still_open, closed = secret_vote("Open"), secret_vote("Closed")
    ids = {"open": still_open.id, "closed": closed.id}
    rita_id = rita.id
    db.session.commit()
    db.session.remove()

    def old_key(ballot_id):
        secret = app.config["SECRET_KEY"].encode()
        return hmac.new(
            secret, f"ballot:{ballot_id}:voter:{rita_id}".encode(), hashlib.sha256
        ).hexdigest()

    downgrade(revision="99f7fc32afd7")
    try:
        with db.engine.begin() as conn:  # as the data stood under the old scheme
            for ballot_id in ids.values():
                key = old_key(ballot_id)
                conn.execute(
                    text(
                        "UPDATE casts SET voter_key = :k, cast_at = CURRENT_TIMESTAMP "
                        "WHERE ballot_id = :b"
                    ),
                    {"k": key, "b": ballot_id},
                )
                conn.execute(
                    text("UPDATE current_ballots SET voter_key = :k WHERE ballot_id = :b"),
                    {"k": key, "b": ballot_id},
                )
                conn.execute(
                    text(
                        "UPDATE eligible_voters SET voted_at = CURRENT_TIMESTAMP "
                        "WHERE ballot_id = :b AND user_id = :u"
                    ),
                    {"b": ballot_id, "u": rita_id},
                )
            conn.execute(
                text("UPDATE ballots SET closed_at = CURRENT_TIMESTAMP WHERE id = :b"),
                {"b": ids["closed"]},
            )
    finally:
        upgrade()

    tokens = dict(db.session.execute(select(VoterToken.ballot_id, VoterToken.token)).all())
    assert tokens == {ids["open"]: old_key(ids["open"])}
    still_open = db.session.get(Ballot, ids["open"])
    rita = db.session.get(type(rita), rita_id)
    voting.cast(still_open, rita, [voting.ballot_options(still_open)[1].id])
    db.session.commit()
    assert voting.turnout(still_open)[0] == 1
    assert (
        db.session.scalar(
            select(db.func.count())
            .select_from(CurrentBallot)
            .where(CurrentBallot.ballot_id == ids["open"])
        )
        == 1
    )
    with db.engine.connect() as conn:
        closed_keys = {
            r[0]
            for r in conn.execute(
                text("SELECT voter_key FROM casts WHERE ballot_id = :b"), {"b": ids["closed"]}
            )
        }
        times = conn.execute(text("SELECT cast_at FROM casts")).scalars().all()
        voted = conn.execute(
            text("SELECT voted, voted_at FROM eligible_voters WHERE user_id = :u"), {"u": rita.id}
        ).all()
    assert old_key(ids["closed"]) not in closed_keys
    assert all(t is None for t in times)
    assert all(bool(v) and at is None for v, at in voted)
