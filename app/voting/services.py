"""Priorities, and ballots that every member can check and recount."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.accounts.services import people_by_id
from app.dbtypes import utcnow
from app.errors import Conflict, Invalid, NotAllowed, NotFound
from app.extensions import db
from app.groups import services as group_services
from app.groups.models import Group, Membership
from app.links import path_for
from app.notices import services as notices
from app.notices.models import Announcement
from app.pagination import Page, paginate
from app.voting import tally
from app.voting.models import (
    METHODS,
    VOTERS,
    AssistedVote,
    Ballot,
    BallotOption,
    Cast,
    CurrentBallot,
    EligibleVoter,
    PaperTally,
    Priority,
    VoterToken,
)
from app.voting.priorities import get_priority, set_priority_status

RESIDENT_ROLES = ("resident", "resident_adviser")


_OPTION_NUMBERS = re.compile(r"\b([Oo]ptions?) (\d+(?:(?:, | and )\d+)*)")


def readable(text: str | None, labels: dict[int, str]) -> str | None:
    """The counting module names options by id ("options 7 and 9"); people need names."""
    if not text:
        return text

    def names(match: re.Match) -> str:
        def name(number: re.Match) -> str:
            label = labels.get(int(number.group(0)))
            return f"\u201c{label}\u201d" if label else number.group(0)

        return re.sub(r"\d+", name, match.group(2))

    return _OPTION_NUMBERS.sub(names, text)


def create_ballot(
    group: Group,
    creator: User,
    *,
    title: str,
    method: str,
    options: list[tuple[str, int | None]],
    secret: bool = False,
    dots: int = 0,
    max_per_option: int = 0,
    quorum_percent: int = 0,
    voters: str = "all_members",
    count_paper: bool = False,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> Ballot:
    title = (title or "").strip()
    if not title:
        raise Invalid(_("Enter what the vote is about"), "title")
    if method not in METHODS:
        raise Invalid(_("Choose how people vote"), "method")
    if voters not in VOTERS:
        raise Invalid(_("Choose who may vote"), "voters")
    labels = [label.strip() for label, _p in options]
    if len(options) < 2:
        raise Invalid(_("Give at least two options to choose between"), "options")
    if len({label.lower() for label in labels}) != len(labels) or not all(labels):
        raise Invalid(_("Each option needs a different name"), "options")
    longest = BallotOption.__table__.c.label.type.length  # what the column can hold
    if any(len(label) > longest for label in labels):
        raise Invalid(_("Keep each option to %(n)d characters or fewer", n=longest), "options")
    if method == "dot":
        if dots < 1:
            raise Invalid(_("Give each voter at least one dot"), "dots")
        if not 1 <= max_per_option <= dots:
            raise Invalid(
                _("The most dots on one option must be between 1 and the dots each voter has"),
                "max_per_option",
            )
    else:
        dots = max_per_option = 0
    if not 0 <= quorum_percent <= 100:
        raise Invalid(_("The minimum turnout is a percentage from 0 to 100"), "quorum_percent")
    if opens_at and closes_at and closes_at <= opens_at:
        raise Invalid(_("It must close after it opens"), "closes_on")
    if closes_at and closes_at <= utcnow():
        raise Invalid(_("The closing time has already passed"), "closes_on")
    ballot = Ballot(
        group_id=group.id,
        title=title,
        method=method,
        secret=secret,
        dots=dots,
        max_per_option=max_per_option,
        quorum_percent=quorum_percent,
        voters=voters,
        count_paper=count_paper,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by_id=creator.id,
    )
    db.session.add(ballot)
    db.session.flush()
    for position, (label, priority_id) in enumerate(options, start=1):
        db.session.add(
            BallotOption(
                ballot_id=ballot.id, position=position, label=label.strip(), priority_id=priority_id
            )
        )
    db.session.flush()
    return ballot


def get_ballot(group: Group, ballot_id: int) -> Ballot | None:
    return db.session.scalar(
        select(Ballot).where(Ballot.id == ballot_id, Ballot.group_id == group.id)
    )


def ballot_options(ballot: Ballot) -> list[BallotOption]:
    return list(
        db.session.scalars(
            select(BallotOption)
            .where(BallotOption.ballot_id == ballot.id)
            .order_by(BallotOption.position)
        )
    )


def ballots_page(group: Group, page: int, per_page: int) -> Page:
    query = (
        select(Ballot)
        .where(Ballot.group_id == group.id)
        .order_by(Ballot.closed_at.is_not(None), Ballot.created_at.desc(), Ballot.id.desc())
    )
    return paginate(query, page, per_page)


def waiting_for_vote(user: User, limit: int) -> Page:
    """Open votes the person may cast and has not, in groups they are still in: (Ballot,
    Group), the soonest to close first (those with no closing time last). Whether they
    voted comes from their own EligibleVoter row, so a secret ballot tells nothing more."""
    query = (
        select(Ballot, Group)
        .join(EligibleVoter, EligibleVoter.ballot_id == Ballot.id)
        .join(Group, Group.id == Ballot.group_id)
        .join(
            Membership,
            (Membership.group_id == Ballot.group_id) & (Membership.user_id == user.id),
        )
        .where(
            EligibleVoter.user_id == user.id,
            EligibleVoter.voted.is_(False),
            Ballot.opened_at.is_not(None),
            Ballot.closed_at.is_(None),
        )
        .order_by(Ballot.closes_at.is_(None), Ballot.closes_at, Ballot.id)
    )
    return paginate(query, 1, limit, rows=True)


def open_ballots(group: Group, limit: int) -> list[Ballot]:
    return list(
        db.session.scalars(
            select(Ballot)
            .where(
                Ballot.group_id == group.id,
                Ballot.opened_at.is_not(None),
                Ballot.closed_at.is_(None),
            )
            .order_by(Ballot.opened_at.desc())
            .limit(limit)
        )
    )


def ballots_to_run(group: Group, limit: int) -> list[Ballot]:
    """Votes a meeting could open or is running: not yet open, or open now."""
    return list(
        db.session.scalars(
            select(Ballot)
            .where(Ballot.group_id == group.id, Ballot.closed_at.is_(None))
            .order_by(Ballot.opened_at.is_(None), Ballot.created_at.desc(), Ballot.id.desc())
            .limit(limit)
        )
    )


def state(ballot: Ballot) -> str:
    if ballot.closed_at:
        return "closed"
    if ballot.opened_at:
        return "open"
    return "draft"


def rules_for(ballot: Ballot, options: list[BallotOption]) -> tally.Rules:
    return tally.Rules(
        method=ballot.method,
        options=tuple(o.id for o in options),
        dots=ballot.dots,
        max_per_option=ballot.max_per_option,
        quorum_percent=ballot.quorum_percent,
        eligible=ballot.eligible_count,
    )


def _token(ballot: Ballot, user: User, *, make: bool) -> str | None:
    """The voter's random token for this ballot (made on their first cast): what links
    their re-casts. No site secret is involved, so changing one changes nothing."""
    token = db.session.scalar(
        select(VoterToken.token).where(
            VoterToken.ballot_id == ballot.id, VoterToken.user_id == user.id
        )
    )
    if token is not None or not make:
        return token
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(VoterToken)
        .values(ballot_id=ballot.id, user_id=user.id, token=secrets.token_hex(32))
        .on_conflict_do_nothing(index_elements=["ballot_id", "user_id"])
    )
    # Whoever inserted first (this request, or one at the same moment), that token.
    return db.session.scalar(
        select(VoterToken.token).where(
            VoterToken.ballot_id == ballot.id, VoterToken.user_id == user.id
        )
    )


def fingerprint_text(
    ballot_id: int, method: str, options: list[tuple[int, str]], voter_ids: list[int]
) -> str:
    """The exact text a ballot's fingerprint is the SHA-256 of: published, with the
    recipe, on the vote's voters page and in its box."""
    content = {
        "ballot": ballot_id,
        "method": method,
        "options": [[option_id, label] for option_id, label in options],
        "eligible": sorted(voter_ids),
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(ballot: Ballot, options: list[BallotOption], voter_ids: list[int]) -> str:
    text = fingerprint_text(ballot.id, ballot.method, [(o.id, o.label) for o in options], voter_ids)
    return hashlib.sha256(text.encode()).hexdigest()


def open_ballot(group: Group, ballot: Ballot, *, now: datetime | None = None) -> None:
    """Freeze the options and who may vote, fingerprint them, and tell those voters."""
    now = now or utcnow()
    # Only one request can move it from draft to open.
    moved = db.session.execute(
        update(Ballot)
        .where(Ballot.id == ballot.id, Ballot.opened_at.is_(None))
        .values(opened_at=now)
    ).rowcount
    if moved != 1:
        raise Conflict(_("This vote is already open"))
    db.session.refresh(ballot)
    people = group_services.everyone_to_tell(
        group, None if ballot.voters == "all_members" else RESIDENT_ROLES
    )
    if people:
        db.session.execute(
            EligibleVoter.__table__.insert(),
            [{"ballot_id": ballot.id, "user_id": person.id} for person in people],
        )
    options = ballot_options(ballot)
    ballot.eligible_count = len(people)
    ballot.fingerprint = fingerprint(ballot, options, [u.id for u in people])
    notices.announce(
        group_id=group.id,
        subject_kind="ballot",
        subject_id=ballot.id,
        title=lambda: _("Vote now: %(title)s", title=ballot.title),
        body=lambda: _(
            "A vote has opened in %(group)s: %(title)s.", group=group.name, title=ballot.title
        ),
        url=path_for("voting.ballot", slug=group.slug, ballot_id=ballot.id),
        people=people,
        now=now,
    )


def close_ballot(
    group: Group,
    ballot: Ballot,
    *,
    by: User | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> dict:
    """Stop voting and count the current ballots (and confirmed paper tallies if they
    count). Closed by a person before its set time, it needs a reason, shown with the
    result; `by` None is the worker, at its set time."""
    now = now or utcnow()
    if ballot.opened_at is None:
        raise Conflict(_("This vote has not opened yet"))
    reason = (reason or "").strip()
    early = by is not None and ballot.closes_at is not None and now < ballot.closes_at
    if early and not reason:
        raise Invalid(_("This vote is set to close later. Say why it is closing early."), "reason")
    if len(reason) > 1000:
        raise Invalid(_("Keep the reason under 1,000 characters."), "reason")
    moved = db.session.execute(
        update(Ballot)
        .where(Ballot.id == ballot.id, Ballot.closed_at.is_(None))
        .values(
            closed_at=now,
            closed_by_id=by.id if by else None,
            close_reason=reason if early else None,
        )
    ).rowcount
    if moved != 1:
        raise Conflict(_("This vote is already closed"))
    db.session.refresh(ballot)
    result = count_ballot(ballot)
    ballot.result = result
    if ballot.secret:
        _mix(ballot)
    else:
        db.session.execute(delete(VoterToken).where(VoterToken.ballot_id == ballot.id))
    db.session.flush()
    _announce_result(group, ballot, result, now)
    return result


#: Who may confirm a count, enter paper slips or confirm them: anyone of these roles
#: other than the person whose work is being checked.
CHECKERS = ("facilitator", "officer", "resident_adviser")


def certify(group: Group, ballot: Ballot, by: User, now: datetime | None = None) -> None:
    """Someone other than whoever closed the vote confirms its count. From then on the
    box never changes, and the winner can be acted on. Receipt codes that travelled to
    assisted voters in their notices are taken out of the stored text."""
    now = now or utcnow()
    if ballot.closed_at is None:
        raise Conflict(_("A vote's count can be confirmed once it has closed."))
    if ballot.closed_by_id is not None and ballot.closed_by_id == by.id:
        raise NotAllowed(
            _("You closed this vote, so someone else must confirm its count."), "certify"
        )
    moved = db.session.execute(
        update(Ballot)
        .where(Ballot.id == ballot.id, Ballot.certified_at.is_(None))
        .values(certified_by_id=by.id, certified_at=now)
    ).rowcount
    if moved != 1:
        raise Conflict(_("This count has already been confirmed."))
    db.session.refresh(ballot)
    _forget_assisted_receipts(ballot)


def _announce_result(group: Group, ballot: Ballot, result: dict, now: datetime) -> None:
    """Tell everyone who could vote how it came out (nobody, when nobody could)."""
    people = list(
        db.session.scalars(
            select(User)
            .join(EligibleVoter, EligibleVoter.user_id == User.id)
            .where(EligibleVoter.ballot_id == ballot.id)
            .order_by(User.id)
        )
    )
    if not people:
        return
    labels = {o.id: o.label for o in ballot_options(ballot)}
    notices.announce(
        group_id=group.id,
        subject_kind="ballot_result",
        subject_id=ballot.id,
        title=lambda: _("Vote result: %(title)s", title=ballot.title),
        body=lambda: "\n\n".join(
            (
                _(
                    "The vote in %(group)s has closed: %(title)s.",
                    group=group.name,
                    title=ballot.title,
                ),
                *result_in_words(ballot, result, labels),
                _("The full count, and the ballot box to check your receipt code against:"),
            )
        ),
        url=path_for("voting.ballot", slug=group.slug, ballot_id=ballot.id) + "#result",
        people=people,
        now=now,
    )


def top_tie(result: dict) -> list[int]:
    """The options that tied for first place before a tie-break chose the winner, in
    ballot order ([] when nothing tied for first)."""
    if not result.get("tie_break") or result.get("winner") is None:
        return []
    if result["method"] == "ranked":
        # The last count left one option; the count before it shows whether those still
        # in were level, and one had to be eliminated by the tie-break rule.
        rounds = result.get("rounds") or []
        if len(rounds) < 2:
            return []
        before = rounds[-2]["counts"]
        level = len(set(before.values())) == 1 and len(before) > 1
        return [int(o) for o in before] if level else []
    counts = result["counts"]
    best = counts[str(result["winner"])]
    tied = [int(o) for o, n in counts.items() if n == best]
    return tied if len(tied) > 1 else []


def result_in_words(ballot: Ballot, result: dict, labels: dict[int, str]) -> list[str]:
    """A closed vote's result in plain sentences: who won, or that it was a tie (and
    how it was broken), or that nobody voted; and whether the result stands."""
    winner = result.get("winner")
    if winner is None:
        return [_("Nobody voted, so there is no result.")]
    name = labels.get(winner, str(winner))
    tied = top_tie(result)
    if tied:
        said = [
            _(
                "It was a tie between %(options)s. Under the tie-break rule shown with "
                "the result, %(winner)s wins.",
                options=", ".join(f"\u201c{labels.get(o, o)}\u201d" for o in tied),
                winner=f"\u201c{name}\u201d",
            )
        ]
    else:
        said = [_("The winner is %(winner)s.", winner=f"\u201c{name}\u201d")]
    turnout = result.get("turnout") or {}
    voted = _(
        "%(ballots)d of %(eligible)d members who could vote did (%(percent)s%%).",
        ballots=turnout.get("ballots", 0),
        eligible=turnout.get("eligible", 0),
        percent=turnout.get("percent", 0),
    )
    if result.get("quorum_met", True):
        said.append(voted)
    else:
        said.append(
            voted
            + " "
            + _(
                "That is below the %(quorum)d%% needed, so the result does not stand.",
                quorum=ballot.quorum_percent,
            )
        )
    return said


def count_ballot(ballot: Ballot) -> dict:
    options = ballot_options(ballot)
    box = [choices for _receipt, choices in ballot_box(ballot)]
    return tally.count(
        rules_for(ballot, options), box, paper_counts(ballot) if ballot.count_paper else None
    )


def due_to_open(now: datetime) -> list[int]:
    """Votes whose set opening time has come and that are not open yet."""
    return list(
        db.session.scalars(
            select(Ballot.id)
            .where(Ballot.opened_at.is_(None), Ballot.opens_at <= now)
            .order_by(Ballot.opens_at, Ballot.id)
        )
    )


def due_to_close(now: datetime) -> list[int]:
    """Open votes whose set closing time has come."""
    return list(
        db.session.scalars(
            select(Ballot.id)
            .where(
                Ballot.opened_at.is_not(None),
                Ballot.closed_at.is_(None),
                Ballot.closes_at <= now,
            )
            .order_by(Ballot.closes_at, Ballot.id)
        )
    )


def open_on_time(ballot_id: int, now: datetime) -> None:
    """Open a vote at its set time (a job of the worker, never of a page view)."""
    ballot = db.session.get(Ballot, ballot_id)
    open_ballot(db.session.get(Group, ballot.group_id), ballot, now=ballot.opens_at or now)


def close_on_time(ballot_id: int, now: datetime) -> None:
    """Close and count a vote at its set time (a job of the worker)."""
    ballot = db.session.get(Ballot, ballot_id)
    close_ballot(db.session.get(Group, ballot.group_id), ballot, now=ballot.closes_at or now)


def is_eligible(ballot: Ballot, user: User) -> bool:
    return (
        db.session.scalar(
            select(EligibleVoter.id).where(
                EligibleVoter.ballot_id == ballot.id, EligibleVoter.user_id == user.id
            )
        )
        is not None
    )


def new_receipt() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
    code = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{code[:5]}-{code[5:]}"


#: Random ids for a secret ballot's casts, so their order says nothing (PostgreSQL's
#: integer ids are 32-bit).
_RANDOM_IDS = 2**31 - 1


def cast(
    ballot: Ballot,
    voter: User,
    choices,
    *,
    assisted_by: User | None = None,
    assisted_note: str = "",
    now: datetime | None = None,
) -> Cast:
    """Cast (or re-cast) one voter's ballot. The latest cast is the one that counts.

    For a secret ballot the cast keeps no time, no id that follows the order of voting,
    and nothing about who entered it: the record that the person voted is a yes."""
    now = now or utcnow()
    if ballot.opened_at is None or ballot.opened_at > now:
        raise Conflict(_("This vote has not opened yet"))
    if ballot.closed_at is not None:
        raise Conflict(_("This vote has closed"))
    if not is_eligible(ballot, voter):
        raise NotAllowed(_("%(name)s is not on the list of voters for this vote", name=voter.name))
    options = ballot_options(ballot)
    try:
        normalised = tally.validate(rules_for(ballot, options), choices)
    except tally.InvalidBallot as exc:
        labels = {o.id: o.label for o in options}
        raise Invalid(readable(str(exc), labels), "choices") from exc
    key = _token(ballot, voter, make=True)
    named = not ballot.secret
    row = _add_cast(
        ballot,
        voter_key=key,
        voter_id=voter.id if named else None,
        choices=normalised,
        cast_at=now if named else None,
        assisted_by_id=assisted_by.id if assisted_by and named else None,
        assisted_note=((assisted_note or "").strip() or None) if named else None,
    )
    # One current ballot per voter, whatever arrives at the same moment: an upsert. On a
    # named ballot the newest cast (the highest id) counts; a secret ballot's ids are
    # random, so there the one written last counts.
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(CurrentBallot).values(ballot_id=ballot.id, voter_key=key, cast_id=row.id)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["ballot_id", "voter_key"],
            set_={"cast_id": statement.excluded.cast_id},
            where=None if ballot.secret else CurrentBallot.cast_id < statement.excluded.cast_id,
        )
    )
    db.session.execute(
        update(EligibleVoter)
        .where(EligibleVoter.ballot_id == ballot.id, EligibleVoter.user_id == voter.id)
        .values(voted=True, voted_at=now if named else None)
    )
    db.session.flush()
    return row


def _add_cast(ballot: Ballot, receipt: str | None = None, **values) -> Cast:
    """Store a cast: a secret ballot's under a random id (tried again in the unlikely
    case it or the receipt is taken), a named ballot's under the next id."""
    for _attempt in range(8):
        row = Cast(ballot_id=ballot.id, receipt=receipt or new_receipt(), **values)
        if ballot.secret:
            row.id = secrets.randbelow(_RANDOM_IDS) + 1
        nested = db.session.begin_nested()
        try:
            db.session.add(row)
            db.session.flush()
        except IntegrityError:
            nested.rollback()
            continue
        nested.commit()
        return row
    raise Conflict(_("The vote could not be stored just now. Please try again."))


def _mix(ballot: Ballot) -> None:
    """When a secret ballot closes: drop the tokens, and write the counted casts again
    in a random order under fresh ids and keys, so neither ids, keys nor the order rows
    were written in can link a cast to a voter. Replaced casts go."""
    counted = list(
        db.session.execute(
            select(Cast.receipt, Cast.choices)
            .join(CurrentBallot, CurrentBallot.cast_id == Cast.id)
            .where(CurrentBallot.ballot_id == ballot.id)
        )
    )
    secrets.SystemRandom().shuffle(counted)
    db.session.execute(delete(VoterToken).where(VoterToken.ballot_id == ballot.id))
    db.session.execute(delete(CurrentBallot).where(CurrentBallot.ballot_id == ballot.id))
    db.session.execute(delete(Cast).where(Cast.ballot_id == ballot.id))
    db.session.flush()
    for receipt, choices in counted:
        key = secrets.token_hex(32)
        row = _add_cast(ballot, receipt=receipt, voter_key=key, choices=choices)
        db.session.add(CurrentBallot(ballot_id=ballot.id, voter_key=key, cast_id=row.id))
    db.session.flush()


def my_current(ballot: Ballot, user: User) -> Cast | None:
    """The voter's own ballot that counts, shown only to them (while the vote is open)."""
    token = _token(ballot, user, make=False)
    if token is None:
        return None
    return db.session.scalar(
        select(Cast)
        .join(CurrentBallot, CurrentBallot.cast_id == Cast.id)
        .where(CurrentBallot.ballot_id == ballot.id, CurrentBallot.voter_key == token)
    )


def ballot_box(ballot: Ballot) -> list[tuple[str, object]]:
    """(receipt, choices) of every counted ballot, ordered by receipt so order says nothing."""
    rows = db.session.execute(
        select(Cast.receipt, Cast.choices)
        .join(CurrentBallot, CurrentBallot.cast_id == Cast.id)
        .where(CurrentBallot.ballot_id == ballot.id)
        .order_by(Cast.receipt)
    )
    return [(receipt, choices) for receipt, choices in rows]


def named_votes(ballot: Ballot) -> list[tuple[User, Cast]]:
    """Who voted for what, for named ballots only."""
    if ballot.secret:
        return []
    rows = db.session.execute(
        select(User, Cast)
        .join(Cast, Cast.voter_id == User.id)
        .join(CurrentBallot, CurrentBallot.cast_id == Cast.id)
        .where(CurrentBallot.ballot_id == ballot.id)
        .order_by(User.name)
    )
    return [(u, c) for u, c in rows]


def turnout(ballot: Ballot) -> tuple[int, int]:
    voted = (
        db.session.scalar(
            select(func.count())
            .select_from(EligibleVoter)
            .where(EligibleVoter.ballot_id == ballot.id, EligibleVoter.voted.is_(True))
        )
        or 0
    )
    return voted, ballot.eligible_count


def eligible_people(ballot: Ballot) -> list[tuple[User, bool]]:
    """(person, has voted) for a facilitator entering paper ballots."""
    rows = db.session.execute(
        select(User, EligibleVoter.voted)
        .join(EligibleVoter, EligibleVoter.user_id == User.id)
        .where(EligibleVoter.ballot_id == ballot.id)
        .order_by(User.name)
    )
    return [(u, bool(voted)) for u, voted in rows]


#: Bounds on paper slips: a public event's size, and one number on a slip.
MOST_PRESENT = 100_000


def add_paper_tally(
    ballot: Ballot, by: User, event: str, counts: dict[int, int], present: int | None = None
) -> PaperTally:
    """Slips from a public event, as counted there: they count once someone else
    confirms them. There cannot be more slips than people present (as stated)."""
    if ballot.opened_at is None:
        raise Invalid(_("Paper slips can be added once the vote is open"))
    if ballot.closed_at is not None:
        raise Conflict(_("This vote has closed"))
    event = (event or "").strip()
    if not event:
        raise Invalid(_("Say which event the slips came from"), "event")
    if len(event) > 200:
        raise Invalid(_("Keep the event's name under 200 characters"), "event")
    if present is None or present < 1 or present > MOST_PRESENT:
        raise Invalid(
            _("Say how many people were there to vote on paper (1 to 100,000)."), "present"
        )
    options = ballot_options(ballot)
    valid = {o.id for o in options}
    if any(k not in valid for k in counts) or any(v < 0 for v in counts.values()):
        raise Invalid(_("Enter a number of slips from 0 upwards for each option"), "counts")
    if not any(counts.values()):
        raise Invalid(_("Enter at least one slip"), "counts")
    most_each, most_all = _paper_bounds(ballot, len(options), present)
    if any(v > most_each for v in counts.values()) or sum(counts.values()) > most_all:
        raise Invalid(
            _(
                "That is more than %(present)d people could have put on paper. Check the "
                "count, or the number of people there.",
                present=present,
            ),
            "counts",
        )
    if db.session.scalar(
        select(PaperTally.id).where(PaperTally.ballot_id == ballot.id, PaperTally.event == event)
    ):
        raise Conflict(
            _(
                "Slips from “%(event)s” are already entered. Each event is entered once.",
                event=event,
            ),
            "event",
        )
    row = PaperTally(
        ballot_id=ballot.id,
        event=event,
        present=present,
        counts={str(k): v for k, v in counts.items() if v},
        entered_by_id=by.id,
    )
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(_("Slips from that event were entered a moment ago.")) from exc
    return row


def _paper_bounds(ballot: Ballot, n_options: int, present: int) -> tuple[int, int]:
    """The most one option, and all options together, can get from `present` slips."""
    method = ballot.method
    if method == "ranked":  # first preferences: one per slip
        return present, present
    if method == "approval":  # each slip approves each option at most once
        return present, present * n_options
    if method == "dot":
        each = ballot.max_per_option or ballot.dots
        return present * each, present * ballot.dots
    return present * tally.SCORE_MAX, present * tally.SCORE_MAX * n_options


def paper_tallies(ballot: Ballot) -> list[PaperTally]:
    return list(
        db.session.scalars(
            select(PaperTally)
            .where(PaperTally.ballot_id == ballot.id)
            .order_by(PaperTally.created_at, PaperTally.id)
        )
    )


def confirm_paper(
    group: Group, ballot: Ballot, tally_id: int, by: User, now: datetime | None = None
) -> PaperTally:
    """A second person confirms an event's slips: from then on they count (a vote that
    has closed but whose count is not yet confirmed is counted again)."""
    now = now or utcnow()
    row = db.session.scalar(
        select(PaperTally).where(PaperTally.id == tally_id, PaperTally.ballot_id == ballot.id)
    )
    if row is None:
        raise NotFound(_("There are no such paper slips on this vote."))
    if ballot.certified_at is not None:
        raise Conflict(_("This vote's count is confirmed: nothing can be added to it."))
    if row.entered_by_id == by.id:
        raise NotAllowed(_("You entered these slips, so someone else must confirm them."))
    moved = db.session.execute(
        update(PaperTally)
        .where(PaperTally.id == row.id, PaperTally.confirmed_at.is_(None))
        .values(confirmed_by_id=by.id, confirmed_at=now)
    ).rowcount
    if moved != 1:
        raise Conflict(_("These slips have already been confirmed."))
    db.session.refresh(row)
    if ballot.closed_at is not None:
        ballot.result = count_ballot(ballot)
        db.session.flush()
    return row


def paper_counts(ballot: Ballot) -> dict[int, int]:
    """Confirmed paper slips, added up by option."""
    totals: dict[int, int] = {}
    for counts in db.session.scalars(
        select(PaperTally.counts).where(
            PaperTally.ballot_id == ballot.id, PaperTally.confirmed_at.is_not(None)
        )
    ):
        for key, value in counts.items():
            totals[int(key)] = totals.get(int(key), 0) + int(value)
    return totals


# Votes entered for someone ------------------------------------------------------------

#: What receipts look like, to take them out of stored text once they have done their job.
_RECEIPT = re.compile(r"\b[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}\b")


def assist(
    group: Group,
    ballot: Ballot,
    voter: User,
    choices,
    by: User,
    *,
    note: str = "",
    replace: bool = False,
    now: datetime | None = None,
) -> Cast:
    """Enter a vote for a member (at a meeting, from a paper slip, on the phone). If they
    have voted themselves, it replaces their vote only when `replace` confirms it. They
    are told, through their own channels, that a vote was entered for them, by whom and
    where, with its receipt code to check it."""
    now = now or utcnow()
    note = (note or "").strip()
    if len(note) > 200:
        raise Invalid(_("Keep the note under 200 characters"), "note")
    if not is_eligible(ballot, voter):
        raise Invalid(
            _("%(name)s is not on the list of voters for this vote", name=voter.name), "voter"
        )
    had_voted = bool(
        db.session.scalar(
            select(EligibleVoter.voted).where(
                EligibleVoter.ballot_id == ballot.id, EligibleVoter.user_id == voter.id
            )
        )
    )
    if had_voted and not replace:
        raise Conflict(
            _(
                "%(name)s has already voted. A vote entered for them replaces theirs: "
                "confirm that they asked for this, and they will be told.",
                name=voter.name,
            ),
            "replace",
        )
    row = cast(ballot, voter, choices, assisted_by=by, assisted_note=note, now=now)
    helped = AssistedVote(
        ballot_id=ballot.id,
        user_id=voter.id,
        by_id=by.id,
        note=note or None,
        replaced_own_vote=had_voted,
    )
    db.session.add(helped)
    db.session.flush()

    def body() -> str:
        where = _(" (%(note)s)", note=note) if note else ""
        lines = [
            _(
                "%(by)s entered a vote for you%(where)s in: %(title)s.",
                by=by.name,
                where=where,
                title=ballot.title,
            )
        ]
        if had_voted:
            lines.append(_("It replaces the vote you cast yourself."))
        lines.append(
            _(
                "Your receipt code is %(receipt)s. With it you can check, on the vote's page, "
                "that your vote was counted as you asked.",
                receipt=row.receipt,
            )
        )
        lines.append(
            _("If you did not ask for this, tell the group's facilitator or another member.")
        )
        return "\n\n".join(lines)

    notices.announce(
        group_id=group.id,
        subject_kind="assisted_vote",
        subject_id=helped.id,
        title=lambda: _("A vote was entered for you: %(title)s", title=ballot.title),
        body=body,
        url=path_for("voting.ballot_check", slug=group.slug, ballot_id=ballot.id),
        people=[voter],
        now=now,
    )
    return row


def _forget_assisted_receipts(ballot: Ballot) -> None:
    """Once a count is confirmed, the receipt codes sent to assisted voters are taken out
    of the stored notices, so no stored text links them to their ballot any more."""
    helped = list(
        db.session.scalars(select(AssistedVote.id).where(AssistedVote.ballot_id == ballot.id))
    )
    if not helped:
        return
    for announcement in db.session.scalars(
        select(Announcement).where(
            Announcement.subject_kind == "assisted_vote", Announcement.subject_id.in_(helped)
        )
    ):
        announcement.body = _RECEIPT.sub("•••••-•••••", announcement.body)
        if announcement.texts:
            announcement.texts = {
                language: {**text, "body": _RECEIPT.sub("•••••-•••••", text["body"])}
                for language, text in announcement.texts.items()
            }
    db.session.flush()


def assisted_by_name(ballot: Ballot) -> list[tuple[User, User | None, AssistedVote]]:
    """(member, who entered it, the record) for each vote entered for someone."""
    helper = aliased(User)
    return [
        (member, by, row)
        for row, member, by in db.session.execute(
            select(AssistedVote, User, helper)
            .join(User, User.id == AssistedVote.user_id)
            .outerjoin(helper, helper.id == AssistedVote.by_id)
            .where(AssistedVote.ballot_id == ballot.id)
            .order_by(User.name, AssistedVote.id)
        )
    ]


def remind(group: Group, ballot: Ballot, now: datetime | None = None) -> int:
    """Tell eligible members who have not voted yet. Says nothing of how anyone voted."""
    if state(ballot) != "open":
        raise Invalid(_("Reminders can only go out while the vote is open"))
    waiting = list(
        db.session.scalars(
            select(User)
            .join(EligibleVoter, EligibleVoter.user_id == User.id)
            .where(EligibleVoter.ballot_id == ballot.id, EligibleVoter.voted.is_(False))
        )
    )
    if waiting:
        notices.announce(
            group_id=group.id,
            subject_kind="ballot",
            subject_id=ballot.id,
            title=lambda: _("Reminder: vote on %(title)s", title=ballot.title),
            body=lambda: _("You have not voted yet on: %(title)s.", title=ballot.title),
            url=path_for("voting.ballot", slug=group.slug, ballot_id=ballot.id),
            people=waiting,
            now=now,
        )
        db.session.flush()
    return len(waiting)


def choose_winner(group: Group, ballot: Ballot, by: User | None = None) -> Priority | None:
    """Mark the winning option's priority as chosen, once the count is confirmed; its
    proposer and backers are told (unless it was chosen already)."""
    if ballot.certified_at is None:
        raise Conflict(
            _("Someone other than whoever closed the vote must confirm the count first.")
        )
    if not ballot.result or ballot.result.get("winner") is None:
        raise Invalid(_("There is no result to act on"))
    option = db.session.get(BallotOption, ballot.result["winner"])
    if option is None or option.priority_id is None:
        raise Invalid(_("The winning option is not one of the group's priorities"))
    priority = get_priority(group, option.priority_id)
    if priority is None:
        raise Invalid(_("The winning option is not one of the group's priorities"))
    set_priority_status(
        priority,
        "chosen",
        by=by,
        why=_("The group chose it in the vote \u201c%(title)s\u201d.", title=ballot.title),
    )
    return priority


@notices.current_title("ballot")
def ballot_titles(ballot_ids: list[int]) -> dict[int, str]:
    """An inbox must not say "Vote now" about a vote that has closed. One query."""
    return {
        ballot_id: _("Vote closed: %(title)s", title=title)
        for ballot_id, title in db.session.execute(
            select(Ballot.id, Ballot.title).where(
                Ballot.id.in_(ballot_ids), Ballot.closed_at.is_not(None)
            )
        )
    }


def _iso(value):
    return value.isoformat().replace("+00:00", "Z") if value else None


def _name(people: dict, user_id: int | None) -> str | None:
    person = people.get(user_id) if user_id else None
    return person.name if person else None


def box_document(ballot: Ballot, *, named: bool = True) -> dict:
    """The published ballot box: enough for anyone to check a receipt and recount.
    Who closed, counted and certified it is named only when `named` (for members):
    to anyone else those are null, and the times alone say it was done."""
    options = ballot_options(ballot)
    paper = paper_counts(ballot)
    tallies = paper_tallies(ballot)
    people = (
        people_by_id(
            [ballot.closed_by_id, ballot.certified_by_id]
            + [t.entered_by_id for t in tallies]
            + [t.confirmed_by_id for t in tallies]
        )
        if named
        else {}
    )
    return {
        "ballot": {
            "id": ballot.id,
            "title": ballot.title,
            "method": ballot.method,
            "secret": ballot.secret,
            "options": [{"id": o.id, "label": o.label} for o in options],
            "dots": ballot.dots,
            "max_per_option": ballot.max_per_option,
            "quorum_percent": ballot.quorum_percent,
            "eligible_count": ballot.eligible_count,
            "fingerprint": ballot.fingerprint,
            "opened_at": _iso(ballot.opened_at),
            "closed_at": _iso(ballot.closed_at),
            "paper_counts": {str(k): v for k, v in sorted(paper.items())},
            "paper_counted": ballot.count_paper,
            "paper_tallies": [
                {
                    "event": t.event,
                    "present": t.present,
                    "counts": t.counts,
                    "entered_by": _name(people, t.entered_by_id),
                    "confirmed_by": _name(people, t.confirmed_by_id),
                    "confirmed_at": _iso(t.confirmed_at),
                }
                for t in tallies
            ],
            "key_scheme": ballot.key_scheme,
            "closed_by": _name(people, ballot.closed_by_id),
            "close_reason": ballot.close_reason,
            "certified_by": _name(people, ballot.certified_by_id),
            "certified_at": _iso(ballot.certified_at),
        },
        "ballots": [{"receipt": r, "choices": c} for r, c in ballot_box(ballot)],
        "result": ballot.result,
    }
