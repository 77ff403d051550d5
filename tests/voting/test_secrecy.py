"""A secret ballot cannot be unmasked from the database: read directly after the vote,
with and without the site's secret, nothing links a voter to a cast. And the site's
secret has nothing to do with votes: changing it mid-vote lets nobody vote twice."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import inspect, select, text

from app.extensions import db
from app.voting import services as voting
from app.voting.models import Cast, CurrentBallot, EligibleVoter, VoterToken
from tests.conftest import count
from tests.factories import make_group, make_member

VOTERS = 12


def secret_vote(app):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    residents = [make_member(group, "resident")[0] for _ in range(VOTERS)]
    ballot = voting.create_ballot(
        group,
        facilitator,
        title="What first?",
        method="ranked",
        options=[("Damp", None), ("Youth centre", None), ("Traffic", None)],
        secret=True,
    )
    voting.open_ballot(group, ballot)
    db.session.commit()
    return group, facilitator, residents, ballot, [o.id for o in voting.ballot_options(ballot)]


def rows(table: str) -> list[dict]:
    return [dict(r._mapping) for r in db.session.execute(text(f"SELECT * FROM {table}"))]


def test_after_a_secret_vote_nothing_stored_links_a_voter_to_a_cast(app, ctx):
    group, facilitator, residents, ballot, options = secret_vote(app)
    receipts_in_voting_order = []
    for n, person in enumerate(residents):
        order = options[n % 3 :] + options[: n % 3]
        receipts_in_voting_order.append(voting.cast(ballot, person, order).receipt)
        db.session.commit()  # one request each
    # The first voter changes their mind: their last cast counts, made last of all.
    changed = voting.cast(ballot, residents[0], list(reversed(options)))
    db.session.commit()
    receipts_in_voting_order = receipts_in_voting_order[1:] + [changed.receipt]
    voting.close_ballot(group, ballot, by=facilitator)
    db.session.commit()
    db.session.expire_all()

    casts = rows("casts")
    eligible = rows("eligible_voters")
    assert len(casts) == VOTERS  # the replaced cast is gone
    # Nothing on a cast names anyone, times it, or says who entered it.
    for cast in casts:
        assert cast["voter_id"] is None and cast["cast_at"] is None
        assert cast["assisted_by_id"] is None and cast["assisted_note"] is None
    # The record of having voted is a yes, with no time.
    assert all(row["voted_at"] is None for row in eligible)
    assert sorted(r["user_id"] for r in eligible if r["voted"]) == sorted(p.id for p in residents)
    # No token is left to join voters to casts.
    assert rows("voter_tokens") == []
    # No value on a cast or a current-ballot row appears anywhere a person is named.
    personal = set()
    for table in ("eligible_voters", "users", "memberships", "notices", "assisted_votes"):
        for row in rows(table):
            personal.update(str(v) for v in row.values() if v is not None)
    for row in casts + rows("current_ballots"):
        assert not {str(row["voter_key"])} & personal
    # With the site's secret: the old keyed hash of each voter matches nothing stored.
    secret = app.config["SECRET_KEY"].encode()
    for person in residents:
        message = f"ballot:{ballot.id}:voter:{person.id}".encode()
        old_key = hmac.new(secret, message, hashlib.sha256).hexdigest()
        assert old_key not in {c["voter_key"] for c in casts}
    # Ordering says nothing: neither the ids nor the order rows come back in follow the
    # order people voted in (twelve voters: a match by chance is 1 in 479 million).
    by_id = [c["receipt"] for c in sorted(casts, key=lambda c: c["id"])]
    as_stored = [c["receipt"] for c in casts]
    assert by_id != receipts_in_voting_order and as_stored != receipts_in_voting_order
    # Yet every receipt still finds its ballot, and the count stands.
    assert sorted(as_stored) == sorted(r for r, _c in voting.ballot_box(ballot))
    assert voting.count_ballot(ballot) == ballot.result


def test_the_database_has_no_column_that_could_hold_a_link(app, ctx):
    """The tables a secret ballot writes to, column by column: none holds a person's id,
    a time of voting, or a value derived from the site's secret."""
    columns = {
        table: {c["name"] for c in inspect(db.engine).get_columns(table)}
        for table in ("casts", "current_ballots", "eligible_voters", "assisted_votes")
    }
    assert columns["casts"] == {
        "id",
        "ballot_id",
        "voter_key",
        "voter_id",  # named ballots only (test above: always empty when secret)
        "choices",
        "receipt",
        "cast_at",  # named ballots only
        "assisted_by_id",  # named ballots only
        "assisted_note",  # named ballots only
    }
    assert columns["current_ballots"] == {"id", "ballot_id", "voter_key", "cast_id"}
    assert columns["eligible_voters"] == {"id", "ballot_id", "user_id", "voted", "voted_at"}
    # Who was helped to vote, by whom and where: no cast, no receipt, no time.
    assert columns["assisted_votes"] == {
        "id",
        "ballot_id",
        "user_id",
        "by_id",
        "note",
        "replaced_own_vote",
    }


def test_changing_the_site_secret_mid_vote_lets_nobody_vote_twice(app, ctx, monkeypatch):
    group, facilitator, residents, ballot, options = secret_vote(app)
    voter = residents[0]
    first = voting.cast(ballot, voter, options)
    db.session.commit()
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-completely-different-secret-key")
    second = voting.cast(ballot, voter, list(reversed(options)))
    db.session.commit()

    assert count(CurrentBallot, CurrentBallot.ballot_id == ballot.id) == 1
    assert voting.turnout(ballot) == (1, VOTERS + 1)  # the facilitator may vote too
    assert voting.my_current(ballot, voter).receipt == second.receipt != first.receipt
    voting.close_ballot(group, ballot, by=facilitator)
    db.session.commit()
    assert len(voting.ballot_box(ballot)) == 1


def test_while_a_vote_is_open_each_voter_holds_one_token_and_it_goes_at_close(app, ctx):
    group, facilitator, residents, ballot, options = secret_vote(app)
    for person in residents[:3]:
        voting.cast(ballot, person, options)
    voting.cast(ballot, residents[0], options)
    db.session.commit()
    assert count(VoterToken, VoterToken.ballot_id == ballot.id) == 3
    assert count(Cast, Cast.ballot_id == ballot.id) == 4

    voting.close_ballot(group, ballot, by=facilitator)
    db.session.commit()
    assert count(VoterToken, VoterToken.ballot_id == ballot.id) == 0
    assert count(Cast, Cast.ballot_id == ballot.id) == 3
    assert count(EligibleVoter, EligibleVoter.ballot_id == ballot.id, EligibleVoter.voted) == 3
    assert db.session.scalar(select(Cast.cast_at).where(Cast.ballot_id == ballot.id)) is None


def test_twenty_casts_at_once_in_a_secret_vote_leave_one_that_counts(app, ctx):
    import threading

    from app.accounts.models import User
    from app.voting.models import Ballot

    group, facilitator, residents, ballot, options = secret_vote(app)
    voter_id, ballot_id = residents[0].id, ballot.id
    receipts, errors = [], []

    def cast(n):
        with app.app_context():
            try:
                order = options if n % 2 else list(reversed(options))
                row = voting.cast(
                    db.session.get(Ballot, ballot_id), db.session.get(User, voter_id), order
                )
                receipts.append(row.receipt)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=cast, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert count(VoterToken, VoterToken.ballot_id == ballot_id) == 1  # one token, one voter
    assert count(CurrentBallot, CurrentBallot.ballot_id == ballot_id) == 1
    (counted,) = voting.ballot_box(db.session.get(Ballot, ballot_id))
    assert counted[0] in receipts
    assert voting.turnout(db.session.get(Ballot, ballot_id))[0] == 1
