"""Property tests for app.voting.tally (Hypothesis)."""

from __future__ import annotations

import json
import math
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from app.voting.tally import METHODS, InvalidBallot, Rules, count, validate

SETTINGS = settings(deadline=None, max_examples=200)

option_lists = st.lists(st.integers(1, 60), min_size=1, max_size=6, unique=True)


@st.composite
def elections(draw, method: str | None = None, max_ballots: int = 30):
    """(rules, valid ballots) for one method, or any method."""
    method = method or draw(st.sampled_from(METHODS))
    options = draw(option_lists)
    dots = draw(st.integers(1, 6)) if method == "dot" else 0
    cap = draw(st.integers(0, dots)) if method == "dot" else 0
    rules = Rules(
        method,
        tuple(options),
        dots=dots,
        max_per_option=cap,
        quorum_percent=draw(st.integers(0, 100)),
        eligible=draw(st.integers(0, 50)),
    )
    ballot = {
        "approval": st.lists(st.sampled_from(options), min_size=1, unique=True),
        "ranked": st.lists(st.sampled_from(options), min_size=1, unique=True),
        "score": st.dictionaries(st.sampled_from(options), st.integers(0, 5)),
        "dot": dot_ballots(options, dots, cap or dots),
    }[method]
    return rules, draw(st.lists(ballot, max_size=max_ballots))


@st.composite
def dot_ballots(draw, options, dots: int, cap: int):
    chosen = draw(st.lists(st.sampled_from(options), min_size=1, unique=True))
    ballot, left = {}, dots
    for option in chosen:
        if left == 0:
            break
        ballot[option] = draw(st.integers(1, min(cap, left)))
        left -= ballot[option]
    return ballot


def paper_for(rules: Rules):
    return st.dictionaries(st.sampled_from(rules.options), st.integers(0, 5))


# --------------------------------------------------------------------------- totals


@SETTINGS
@given(elections("approval"))
def test_approval_counts_are_the_number_of_approvals(case):
    rules, ballots = case
    result = count(rules, ballots)
    for option in rules.options:
        assert result["counts"][str(option)] == sum(option in b for b in ballots)


@SETTINGS
@given(elections("dot"))
def test_dot_totals_are_the_sums_of_dots(case):
    rules, ballots = case
    result = count(rules, ballots)
    for option in rules.options:
        assert result["counts"][str(option)] == sum(b.get(option, 0) for b in ballots)
    assert sum(result["counts"].values()) <= rules.dots * len(ballots)


@SETTINGS
@given(st.data())
def test_paper_tallies_are_added_to_the_totals(data):
    rules, ballots = data.draw(elections(data.draw(st.sampled_from(["approval", "dot", "score"]))))
    paper = data.draw(paper_for(rules))
    plain = count(rules, ballots)
    with_paper = count(rules, ballots, paper)
    for option in rules.options:
        key = str(option)
        assert with_paper["counts"][key] == plain["counts"][key] + paper.get(option, 0)
    assert with_paper["turnout"] == plain["turnout"]


@SETTINGS
@given(elections(max_ballots=20))
def test_highest_total_wins_and_the_ranking_follows_the_totals(case):
    rules, ballots = case
    result = count(rules, ballots)
    if rules.method == "ranked" or not ballots:
        return
    totals = [result["counts"][str(o)] for o in result["ranking"]]
    assert totals == sorted(totals, reverse=True)
    assert result["counts"][str(result["winner"])] == max(result["counts"].values())


# --------------------------------------------------------------------------- any method


@SETTINGS
@given(st.data())
def test_result_does_not_depend_on_ballot_order(data):
    rules, ballots = data.draw(elections())
    paper = data.draw(paper_for(rules))
    shuffled = data.draw(st.permutations(ballots))
    assert count(rules, shuffled, paper) == count(rules, ballots, paper)


@SETTINGS
@given(elections())
def test_ranking_is_a_permutation_of_the_options(case):
    rules, ballots = case
    result = count(rules, ballots)
    assert sorted(result["ranking"]) == sorted(rules.options)
    assert len(result["ranking"]) == len(rules.options)
    assert result["winner"] == (result["ranking"][0] if ballots else None)
    assert list(result["counts"]) == [str(o) for o in rules.options]
    assert json.loads(json.dumps(result)) == result


@SETTINGS
@given(elections())
def test_turnout_and_quorum(case):
    rules, ballots = case
    result = count(rules, ballots)
    n, eligible = len(ballots), rules.eligible
    assert result["turnout"]["ballots"] == n
    if eligible:
        # Rounded half-up to one decimal place, compared as the decimal it prints as.
        tenths = math.floor(Fraction(1000 * n, eligible) + Fraction(1, 2))
        assert Fraction(str(result["turnout"]["percent"])) == Fraction(tenths, 10)
    else:
        assert result["turnout"]["percent"] == 0.0
    if rules.quorum_percent == 0:
        assert result["quorum_met"] is True
    elif eligible == 0:
        assert result["quorum_met"] is False
    else:
        assert result["quorum_met"] == (Fraction(100 * n, eligible) >= rules.quorum_percent)


# --------------------------------------------------------------------------- ranked choice


@SETTINGS
@given(st.data())
def test_instant_runoff_winner_has_a_majority_or_is_the_last_left(data):
    rules, ballots = data.draw(elections("ranked"))
    paper = data.draw(paper_for(rules))
    result = count(rules, ballots, paper)
    if not ballots and not any(paper.values()):
        assert result["winner"] is None and result["rounds"] == []
        return
    total = len(ballots) + sum(paper.values())
    final = result["rounds"][-1]
    assert final["eliminated"] is None
    winner_votes = final["counts"][str(result["winner"])]
    assert 2 * winner_votes > sum(final["counts"].values()) or list(final["counts"]) == [
        str(result["winner"])
    ]
    # No earlier round had a majority, and nothing is lost between rounds.
    for number, this in enumerate(result["rounds"]):
        assert sum(this["counts"].values()) + this["exhausted"] == total
        if this is final:
            break
        assert 2 * max(this["counts"].values()) <= sum(this["counts"].values())
        assert len(this["counts"]) > 1
        eliminated = this["eliminated"]
        assert this["counts"][str(eliminated)] == min(this["counts"].values())
        moved = sum(this["transfers"].values())
        after = result["rounds"][number + 1]
        assert moved + after["exhausted"] - this["exhausted"] == this["counts"][str(eliminated)]
        for key, votes in after["counts"].items():
            assert votes == this["counts"][key] + this["transfers"][key]
    # Ranking: winner, the rest still in, then the eliminated in reverse order.
    eliminated = [r["eliminated"] for r in result["rounds"][:-1]]
    still_in = len(final["counts"])
    assert result["ranking"][0] == result["winner"]
    assert sorted(map(str, result["ranking"][:still_in])) == sorted(final["counts"])
    assert result["ranking"][still_in:] == eliminated[::-1]


@SETTINGS
@given(st.data())
def test_ranked_paper_slips_count_as_one_option_ballots(data):
    rules, ballots = data.draw(elections("ranked"))
    paper = data.draw(paper_for(rules))
    slips = [[option] for option, n in paper.items() for _ in range(n)]
    with_paper = count(rules, ballots, paper)
    as_ballots = count(rules, ballots + slips)
    for key in ("winner", "ranking", "counts", "rounds", "tie_break"):
        assert with_paper[key] == as_ballots[key]


@SETTINGS
@given(st.data())
def test_validate_rejects_duplicates_in_ranked(data):
    options = data.draw(option_lists)
    rules = Rules("ranked", tuple(options))
    ranking = data.draw(st.lists(st.sampled_from(options), min_size=1, unique=True))
    repeated = data.draw(st.sampled_from(ranking))
    spot = data.draw(st.integers(0, len(ranking)))
    bad = ranking[:spot] + [repeated] + ranking[spot:]
    try:
        validate(rules, bad)
    except InvalidBallot as exc:
        assert str(exc) == f"Option {repeated} is ranked more than once."
    else:
        raise AssertionError(f"accepted a duplicate: {bad}")


# --------------------------------------------------------------------------- validate vs count

ids = st.one_of(
    st.integers(-2, 12),
    st.booleans(),
    st.integers(-2, 12).map(str),
    st.sampled_from(["03", "+1", " 1", "1.0", "", "x"]),
    st.floats(allow_nan=False, min_value=-2, max_value=12),
    st.none(),
)
values = st.one_of(st.integers(-2, 8), st.booleans(), st.floats(-1, 6), st.text(max_size=2))
anything = st.one_of(
    st.lists(ids, max_size=5),
    st.dictionaries(ids.filter(lambda v: v is not None), values, max_size=5),
    st.none(),
    st.text(max_size=3),
    st.integers(),
)


@SETTINGS
@given(st.data())
def test_every_ballot_validate_accepts_can_be_counted(data):
    method = data.draw(st.sampled_from(METHODS))
    options = tuple(data.draw(st.lists(st.integers(0, 10), min_size=1, max_size=6, unique=True)))
    dots = data.draw(st.integers(0, 8))
    rules = Rules(method, options, dots=dots, max_per_option=data.draw(st.integers(0, 4)))
    choices = data.draw(anything)
    try:
        normalised = validate(rules, choices)
    except InvalidBallot as exc:
        assert str(exc).endswith(".")  # a sentence, whatever was wrong
        return
    assert validate(rules, normalised) == normalised
    from_json = json.loads(json.dumps(normalised))
    assert validate(rules, from_json) == normalised
    result = count(rules, [normalised, choices, from_json])
    json.dumps(result)
    assert result["winner"] in options
    assert result["turnout"]["ballots"] == 3
