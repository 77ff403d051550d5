"""Counting votes: approval, dot, ranked choice (instant runoff) and score voting.

Pure Python with no database and no Flask, so that anyone can re-count a published
ballot box with nothing but this file. `validate` checks and normalises one voter's
choices; `count` turns a list of them into a JSON-serialisable result. The rules it
carries out, the shape of ballots and results, the tie-breaks and how paper slips
count, are written out in docs/voting.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from app.errors import Invalid

METHODS = ("approval", "dot", "ranked", "score")
SCORE_MIN = 0
SCORE_MAX = 5


@dataclass(frozen=True)
class Rules:
    method: str  # "approval" | "dot" | "ranked" | "score"
    options: tuple[int, ...]  # option ids, in the ballot's display order
    dots: int = 0  # dot voting: dots per voter (k)
    max_per_option: int = 0  # dot voting: at most m dots on one option (0: no limit)
    quorum_percent: int = 0
    eligible: int = 0  # number of eligible voters (for turnout and quorum)

    def __post_init__(self):
        if self.method not in METHODS:
            raise ValueError(f"Unknown voting method {self.method!r}: use one of {METHODS}.")
        options = tuple(self.options)
        if not all(_is_int(o) for o in options):
            raise ValueError("Option ids must be ints.")
        if len(set(options)) != len(options):
            raise ValueError("Each option may appear only once in the options.")
        object.__setattr__(self, "options", options)
        for name in ("dots", "max_per_option", "quorum_percent", "eligible"):
            value = getattr(self, name)
            if not _is_int(value) or value < 0:
                raise ValueError(f"{name} must be a whole number of 0 or more.")


class InvalidBallot(Invalid):
    """A ballot's choices break the rules. The message says what is wrong, in plain English."""


# --------------------------------------------------------------------------- validation


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _option_id(value, known: frozenset[int], *, key: bool = False) -> int:
    """An option id from a list item or (with key=True) a dict key, which may be decimal text."""
    option = None
    if _is_int(value):
        option = int(value)
    elif key and isinstance(value, str):
        try:
            option = int(value)
        except ValueError:
            pass
        if str(option) != value:  # only the plain spelling: not "03", "+3", " 3" or "1_0"
            option = None
    if option is None:
        raise InvalidBallot(
            f"{_describe(value)} is not an option id: option ids are whole numbers."
        )
    if option not in known:
        raise InvalidBallot(f"Option {option} is not one of the options in this vote.")
    return option


def _id_list(rules: Rules, choices, known, verb: str) -> list[int]:
    if not isinstance(choices, (list, tuple)):
        raise InvalidBallot(
            f"Choices for {_METHOD_NAMES[rules.method]} must be a list of option ids."
        )
    if not choices:
        raise InvalidBallot("Choose at least one option.")
    # Fast path for the usual case; anything unusual takes the slow path for its message.
    if set(map(type, choices)) == {int}:
        unique = set(choices)
        if len(unique) == len(choices) and unique <= known:
            return list(choices)
    seen: set[int] = set()
    result = []
    for item in choices:
        option = _option_id(item, known)
        if option in seen:
            raise InvalidBallot(f"Option {option} is {verb} more than once.")
        seen.add(option)
        result.append(option)
    return result


def _id_map(rules: Rules, choices, known, what: str) -> dict[int, object]:
    if not isinstance(choices, Mapping):
        raise InvalidBallot(
            f"Choices for {_METHOD_NAMES[rules.method]} must map option ids to {what}."
        )
    result: dict[int, object] = {}
    for raw, value in choices.items():
        option = _option_id(raw, known, key=True)
        if option in result:
            raise InvalidBallot(f"Option {option} appears more than once.")
        result[option] = value
    return result


def validate(rules: Rules, choices) -> object:
    """Check one voter's choices against the rules and return them normalised.

    Raises InvalidBallot, whose message says in plain English what is wrong.
    Validating normalised choices again returns them unchanged.
    """
    return _validate(rules, choices, frozenset(rules.options))


def _validate(rules: Rules, choices, known: frozenset[int]) -> object:
    method = rules.method
    if method == "approval":
        return sorted(_id_list(rules, choices, known, "chosen"))
    if method == "ranked":
        return _id_list(rules, choices, known, "ranked")
    if method == "dot":
        given = _id_map(rules, choices, known, "numbers of dots")
        if not given:
            raise InvalidBallot("Choose at least one option.")
        if rules.dots < 1:
            raise InvalidBallot("This vote has no dots to give out.")
        total = 0
        for option, dots in given.items():
            if not _is_int(dots):
                raise InvalidBallot(
                    f"The dots on option {option} must be a whole number, not {_describe(dots)}."
                )
            if dots < 1:
                raise InvalidBallot(
                    f"Option {option} has {dots} dots: give each option you choose at least"
                    " 1 dot, or leave it out."
                )
            if rules.max_per_option and dots > rules.max_per_option:
                raise InvalidBallot(
                    f"Option {option} has {dots} dots: the most you can put on one option is"
                    f" {rules.max_per_option}."
                )
            total += dots
        if total > rules.dots:
            raise InvalidBallot(f"You used {total} dots: you have only {rules.dots} to share out.")
        return {option: int(given[option]) for option in sorted(given)}
    # score
    given = _id_map(rules, choices, known, "scores")
    for option, score in given.items():
        if not _is_int(score):
            raise InvalidBallot(
                f"The score for option {option} must be a whole number from {SCORE_MIN} to"
                f" {SCORE_MAX}, not {_describe(score)}."
            )
        if not SCORE_MIN <= score <= SCORE_MAX:
            raise InvalidBallot(
                f"The score for option {option} must be from {SCORE_MIN} to {SCORE_MAX},"
                f" not {score}."
            )
    return {option: int(given[option]) for option in sorted(given)}


_METHOD_NAMES = {
    "approval": "approval voting",
    "dot": "dot voting",
    "ranked": "ranked choice",
    "score": "score voting",
}


def _paper(rules: Rules, extra_counts) -> dict[int, int]:
    """Paper tallies checked and keyed by int, in option order (zeros included)."""
    totals = dict.fromkeys(rules.options, 0)
    if not extra_counts:
        return totals
    if not isinstance(extra_counts, Mapping):
        raise ValueError("Paper tallies must map option ids to numbers of slips.")
    known = frozenset(rules.options)
    for raw, value in extra_counts.items():
        try:
            option = _option_id(raw, known, key=True)
        except InvalidBallot as exc:
            raise ValueError(f"Paper tally: {exc}") from None
        if not _is_int(value) or value < 0:
            raise ValueError(
                f"Paper tally for option {option}: {_describe(value)} is not a whole number"
                " of 0 or more."
            )
        totals[option] += int(value)
    return totals


# --------------------------------------------------------------------------- results


def _half_up(numerator: int, denominator: int, places: int) -> float:
    """numerator / denominator rounded half-up (not banker's rounding) to `places` decimals."""
    if denominator == 0:
        return 0.0
    scale = 10**places
    units = (2 * numerator * scale + denominator) // (2 * denominator)
    return units / scale


def _turnout(rules: Rules, ballots: int) -> tuple[dict, bool]:
    turnout = {
        "ballots": ballots,
        "eligible": rules.eligible,
        "percent": _half_up(100 * ballots, rules.eligible, 1),
    }
    if rules.quorum_percent == 0:
        met = True
    else:
        # Exact: 100 * ballots / eligible >= quorum, without rounding first.
        met = rules.eligible > 0 and 100 * ballots >= rules.quorum_percent * rules.eligible
    return turnout, met


def _names(options: list[int]) -> str:
    """Name options in a sentence: "option 1", "options 1, 2 and 3"."""
    words = [str(o) for o in options]
    if len(words) == 1:
        return f"option {words[0]}"
    return "options " + ", ".join(words[:-1]) + " and " + words[-1]


_UNITS = {"approval": "approval", "dot": "dot", "score": "point"}
_SUPPORT = {
    "approval": "approved it",
    "dot": "gave it at least one dot",
    "score": "scored it 1 or more",
}
_PAPER_RULE = {
    "approval": " Paper slips from public events are added to the approvals.",
    "dot": " Dots on paper slips from public events are added to the totals; they do not count"
    " towards how many voters supported an option.",
    "score": " Scores on paper slips from public events are added to the totals; they do not"
    " count towards how many voters supported an option, nor towards the averages.",
    "ranked": " Paper slips from public events count as first preferences only: a slip is"
    " exhausted when its option is eliminated.",
}


def _rule(rules: Rules, paper: bool) -> str:
    method = rules.method
    order = "then by the order the options are listed on the ballot (the earlier ranks higher)."
    if method == "approval":
        text = (
            "Approval voting: each voter approves as many options as they like, and the option"
            " with the most approvals wins. A tie is broken by the order the options are listed"
            " on the ballot: the earlier option ranks higher."
        )
    elif method == "dot":
        limit = (
            f", at most {rules.max_per_option} on any one option" if rules.max_per_option else ""
        )
        text = (
            f"Dot voting: each voter shares up to {_plural(rules.dots, 'dot')} among the options"
            f"{limit}, and the option with the most dots wins. A tie is broken first by how many"
            f" voters gave the option at least one dot (more ranks higher), {order}"
        )
    elif method == "score":
        average = "" if paper else " (the highest average score across all ballots)"
        text = (
            f"Score voting: each voter scores any of the options from {SCORE_MIN} to {SCORE_MAX}"
            " (an option left unscored counts as 0), and the option with the highest total"
            f" score{average} wins. A tie is broken first by how many voters scored the option"
            f" 1 or more (more ranks higher), {order}"
        )
    else:
        text = (
            "Ranked choice (instant runoff): each ballot counts for its highest-ranked option"
            " still in the count. An option with more than half of these votes wins; otherwise"
            " the option with the fewest votes is eliminated and its ballots move to their next"
            " choice, and ballots with no choices left are set aside as exhausted. The last"
            " option left wins. A tie for fewest votes is broken by first-preference votes in"
            " round 1 (the fewer is eliminated), then by the order the options are listed on the"
            " ballot (the one listed last is eliminated)."
        )
    return text + (_PAPER_RULE[method] if paper else "")


def _empty_result(rules: Rules, n_ballots: int, paper: bool) -> dict:
    turnout, quorum_met = _turnout(rules, n_ballots)
    return {
        "method": rules.method,
        "winner": None,
        "ranking": list(rules.options),
        "counts": {str(o): 0 for o in rules.options},
        "rounds": [],
        "tie_break": None,
        "turnout": turnout,
        "quorum_met": quorum_met,
        "averages": ({str(o): 0.0 for o in rules.options} if rules.method == "score" else {}),
        "rule": _rule(rules, paper),
    }


def count(rules: Rules, ballots: list, extra_counts: dict[int, int] | None = None) -> dict:
    """Count ballots (choices as returned by `validate`) plus optional paper tallies.

    Every ballot is validated again, so choices read back from JSON (with string dict
    keys) count the same as the originals; a ballot that breaks the rules raises
    InvalidBallot naming its position in the list. Bad paper tallies raise ValueError.
    """
    known = frozenset(rules.options)
    checked = []
    for position, choices in enumerate(ballots, start=1):
        try:
            checked.append(_validate(rules, choices, known))
        except InvalidBallot as exc:
            raise InvalidBallot(f"Ballot {position}: {exc}") from None
    paper = _paper(rules, extra_counts)
    has_paper = any(paper.values())
    if not rules.options or (not checked and not has_paper):
        return _empty_result(rules, len(checked), has_paper)
    if rules.method == "ranked":
        result = _instant_runoff(rules, checked, paper)
    else:
        result = _highest_total(rules, checked, paper)
    turnout, quorum_met = _turnout(rules, len(checked))
    return {
        "method": rules.method,
        "winner": result["ranking"][0],
        "ranking": result["ranking"],
        "counts": result["counts"],
        "rounds": result.get("rounds", []),
        "tie_break": result["tie_break"],
        "turnout": turnout,
        "quorum_met": quorum_met,
        "averages": result.get("averages", {}),
        "rule": _rule(rules, has_paper),
    }


def _highest_total(rules: Rules, ballots: list, paper: dict[int, int]) -> dict:
    method = rules.method
    totals = dict.fromkeys(rules.options, 0)
    support = dict.fromkeys(rules.options, 0)
    if method == "approval":
        for choices in ballots:
            for option in choices:
                totals[option] += 1
        support = dict(totals)
        for option, slips in paper.items():
            support[option] += slips
    else:
        minimum = 1  # a dot, or a score of 1 or more, counts as support
        for choices in ballots:
            for option, value in choices.items():
                totals[option] += value
                if value >= minimum:
                    support[option] += 1
    online = dict(totals)
    for option, extra in paper.items():
        totals[option] += extra
    position = {o: i for i, o in enumerate(rules.options)}
    ranking = sorted(rules.options, key=lambda o: (-totals[o], -support[o], position[o]))

    tie_break = None
    top = [o for o in rules.options if totals[o] == totals[ranking[0]]]  # in option order
    if len(top) > 1:
        unit = _plural(totals[top[0]], _UNITS[method])
        winner = ranking[0]
        said = f"{_names(top).capitalize()} tied for first place with {unit} each"
        best_support = [o for o in top if support[o] == support[winner]]
        if len(best_support) == 1:
            others = ", ".join(str(support[o]) for o in top if o != winner)
            tie_break = (
                f"{said}; option {winner} wins because more voters {_SUPPORT[method]}"
                f" ({support[winner]}, against {others})."
            )
        elif len(best_support) == len(top) and method == "approval":
            tie_break = f"{said}; option {winner} wins because it is listed first on the ballot."
        elif len(best_support) == len(top):
            tie_break = (
                f"{said}, and the same number of voters {_SUPPORT[method]}"
                f" ({support[winner]}); option {winner} wins because it is listed first on the"
                " ballot."
            )
        else:
            tie_break = (
                f"{said}; of those, {_names(best_support)} had the most voters who"
                f" {_SUPPORT[method]} ({support[winner]}), and option {winner} wins because it"
                " is listed first on the ballot."
            )
    result = {
        "ranking": ranking,
        "counts": {str(o): totals[o] for o in rules.options},
        "tie_break": tie_break,
    }
    if method == "score":
        n = len(ballots)
        result["averages"] = {str(o): _half_up(online[o], n, 2) for o in rules.options}
    return result


def _instant_runoff(rules: Rules, ballots: list, paper: dict[int, int]) -> dict:
    options = rules.options
    position = {o: i for i, o in enumerate(options)}
    # Identical rankings are counted together: {ranking tuple: number of ballots}.
    groups: Counter[tuple[int, ...]] = Counter(tuple(choices) for choices in ballots)
    for option, slips in paper.items():
        if slips:
            groups[(option,)] += slips

    votes = dict.fromkeys(options, 0)
    # Each option's pile: [ranking, weight, index of the choice it currently counts for].
    piles: dict[int, list[list]] = {o: [] for o in options}
    for ranking, weight in groups.items():
        piles[ranking[0]].append([ranking, weight, 0])
        votes[ranking[0]] += weight
    first = dict(votes)

    def strength(option: int) -> tuple[int, int, int]:
        """Bigger is better: votes now, first preferences, earlier in option order."""
        return (votes[option], first[option], -position[option])

    continuing = set(options)
    exhausted = 0
    rounds: list[dict] = []
    eliminated_order: list[int] = []
    ties: list[str] = []
    winner = None
    while True:
        in_order = [o for o in options if o in continuing]
        counts = {str(o): votes[o] for o in in_order}
        active = sum(votes[o] for o in in_order)
        leader = max(in_order, key=strength)
        if len(in_order) == 1 or 2 * votes[leader] > active:
            winner = leader
            rounds.append(
                {"counts": counts, "eliminated": None, "transfers": {}, "exhausted": exhausted}
            )
            break
        fewest = min(votes[o] for o in in_order)
        tied = [o for o in in_order if votes[o] == fewest]
        loser = min(tied, key=strength)
        if len(tied) > 1 and fewest > 0:
            ties.append(_elimination_tie(len(rounds) + 1, tied, loser, fewest, first))
        continuing.discard(loser)
        eliminated_order.append(loser)
        transfers = {o: 0 for o in options if o in continuing}
        newly_exhausted = 0
        for entry in piles.pop(loser):
            ranking, weight, at = entry
            at += 1
            while at < len(ranking) and ranking[at] not in continuing:
                at += 1
            if at == len(ranking):
                newly_exhausted += weight
                continue
            entry[2] = at
            target = ranking[at]
            piles[target].append(entry)
            votes[target] += weight
            transfers[target] += weight
        votes[loser] = 0
        rounds.append(
            {
                "counts": counts,
                "eliminated": loser,
                "transfers": {str(o): n for o, n in transfers.items()},
                "exhausted": exhausted,
            }
        )
        exhausted += newly_exhausted

    others = sorted((o for o in continuing if o != winner), key=strength, reverse=True)
    return {
        "ranking": [winner, *others, *reversed(eliminated_order)],
        "counts": {str(o): first[o] for o in options},
        "rounds": rounds,
        "tie_break": " ".join(ties) or None,
    }


def _elimination_tie(
    round_number: int, tied: list[int], loser: int, fewest: int, first: dict[int, int]
) -> str:
    said = (
        f"In round {round_number}, {_names(tied)} tied for fewest votes with"
        f" {_plural(fewest, 'vote')} each"
    )
    least_first = min(first[o] for o in tied)
    lowest = [o for o in tied if first[o] == least_first]
    if len(lowest) == 1:
        others = ", ".join(str(first[o]) for o in tied if o != loser)
        return (
            f"{said}; option {loser} was eliminated because it had the fewest first-preference"
            f" votes in round 1 ({least_first}, against {others})."
        )
    if len(lowest) == len(tied):
        return (
            f"{said}, and the same number of first-preference votes in round 1"
            f" ({least_first}); option {loser} was eliminated because it is listed last on the"
            " ballot."
        )
    return (
        f"{said}; of those, {_names(lowest)} had the fewest first-preference votes in round 1"
        f" ({least_first}), and option {loser} was eliminated because it is listed last on the"
        " ballot."
    )
