"""Hand-worked examples for app.voting.tally.

Every expected number is worked out by hand in the comment above it, not computed.
"""

from __future__ import annotations

import json

import pytest

from app.voting.tally import InvalidBallot, Rules, count, validate


def invalid(rules: Rules, choices) -> str:
    with pytest.raises(InvalidBallot) as caught:
        validate(rules, choices)
    return str(caught.value)


# --------------------------------------------------------------------------- approval


def test_approval_tie_broken_by_option_order():
    # Options listed on the ballot as 3, 1, 2 (not in id order).
    rules = Rules("approval", (3, 1, 2))
    ballots = [[1, 3], [3], [1, 2]]
    # Approvals: 1 -> ballots 1 and 3 = 2; 3 -> ballots 1 and 2 = 2; 2 -> ballot 3 = 1.
    # 1 and 3 tie on 2. Supporters equal approvals (2 each), so option order decides:
    # 3 is listed before 1, so 3 wins and 1 is second; 2 is last with 1.
    result = count(rules, ballots)
    assert result["counts"] == {"3": 2, "1": 2, "2": 1}
    assert result["winner"] == 3
    assert result["ranking"] == [3, 1, 2]
    assert result["rounds"] == []
    assert result["averages"] == {}
    assert result["tie_break"] == (
        "Options 3 and 1 tied for first place with 2 approvals each;"
        " option 3 wins because it is listed first on the ballot."
    )
    assert "most approvals wins" in result["rule"]


def test_approval_without_a_tie_has_no_tie_break():
    rules = Rules("approval", (1, 2, 3))
    # 1: 3 approvals, 2: 1, 3: 2 -> ranking 1, 3, 2.
    result = count(rules, [[1, 2], [1, 3], [1, 3]])
    assert result["counts"] == {"1": 3, "2": 1, "3": 2}
    assert result["ranking"] == [1, 3, 2]
    assert result["tie_break"] is None


def test_approval_is_normalised_to_a_sorted_list():
    rules = Rules("approval", (1, 2, 3))
    assert validate(rules, [3, 1]) == [1, 3]
    assert validate(rules, (2,)) == [2]


# --------------------------------------------------------------------------- dot voting

DOTS = Rules("dot", (1, 2, 3), dots=5, max_per_option=3)


def test_dot_totals_and_winner():
    ballots = [{1: 3, 2: 2}, {2: 3, 3: 2}, {1: 2, 3: 1}, {3: 3}]
    # 1: 3 + 2 = 5; 2: 2 + 3 = 5; 3: 2 + 1 + 3 = 6. 3 wins, then 1 and 2 tie on 5:
    # supporters 1 -> 2 voters, 2 -> 2 voters, so option order puts 1 before 2.
    result = count(DOTS, ballots)
    assert result["counts"] == {"1": 5, "2": 5, "3": 6}
    assert result["winner"] == 3
    assert result["ranking"] == [3, 1, 2]
    assert result["tie_break"] is None  # the tie is not for first place
    assert "up to 5 dots among the options, at most 3 on any one option" in result["rule"]


def test_dot_tie_broken_by_number_of_supporters():
    ballots = [{1: 3}, {1: 3}, {2: 2, 3: 1}, {2: 2}, {2: 2}]
    # Dots: 1 -> 3 + 3 = 6; 2 -> 2 + 2 + 2 = 6; 3 -> 1.
    # Tie 1 and 2 on 6: voters giving a dot: 1 -> 2, 2 -> 3. So 2 wins despite being
    # listed after 1.
    result = count(DOTS, ballots)
    assert result["counts"] == {"1": 6, "2": 6, "3": 1}
    assert result["winner"] == 2
    assert result["ranking"] == [2, 1, 3]
    assert result["tie_break"] == (
        "Options 1 and 2 tied for first place with 6 dots each; option 2 wins because"
        " more voters gave it at least one dot (3, against 2)."
    )


def test_dot_tie_with_equal_supporters_falls_to_option_order():
    # 1: 2 + 1 = 3 dots from 2 voters; 2: 1 + 2 = 3 dots from 2 voters.
    # Equal dots and equal supporters, so option order decides: 1 is listed first.
    result = count(DOTS, [{1: 2, 2: 1}, {1: 1, 2: 2}])
    assert result["counts"] == {"1": 3, "2": 3, "3": 0}
    assert result["ranking"] == [1, 2, 3]
    assert result["tie_break"] == (
        "Options 1 and 2 tied for first place with 3 dots each, and the same number of"
        " voters gave it at least one dot (2); option 1 wins because it is listed first"
        " on the ballot."
    )


def test_dot_validation_errors():
    # 3 + 3 = 6 dots, one more than k = 5.
    assert invalid(DOTS, {1: 3, 2: 3}) == "You used 6 dots: you have only 5 to share out."
    assert invalid(DOTS, {1: 4}) == (
        "Option 1 has 4 dots: the most you can put on one option is 3."
    )
    assert invalid(DOTS, {9: 1}) == "Option 9 is not one of the options in this vote."
    assert invalid(DOTS, {1: 0}) == (
        "Option 1 has 0 dots: give each option you choose at least 1 dot, or leave it out."
    )
    assert invalid(DOTS, {1: -1}) == (
        "Option 1 has -1 dots: give each option you choose at least 1 dot, or leave it out."
    )
    assert invalid(DOTS, {1: True}) == "The dots on option 1 must be a whole number, not True."
    assert invalid(DOTS, {True: 1}) == "True is not an option id: option ids are whole numbers."
    assert invalid(DOTS, {1: 1.5}) == "The dots on option 1 must be a whole number, not 1.5."
    assert invalid(DOTS, {}) == "Choose at least one option."
    assert invalid(DOTS, [1, 2]) == "Choices for dot voting must map option ids to numbers of dots."


def test_dot_accepts_json_keys_and_the_exact_limits():
    # 3 + 2 = 5 dots exactly, 3 on one option exactly: allowed. JSON keys become ints.
    assert validate(DOTS, {"2": 2, "1": 3}) == {1: 3, 2: 2}
    assert list(validate(DOTS, {"2": 2, "1": 3})) == [1, 2]


def test_dot_without_a_per_option_limit():
    rules = Rules("dot", (1, 2), dots=5)  # max_per_option 0: no separate limit
    assert validate(rules, {1: 5}) == {1: 5}
    assert invalid(rules, {1: 6}) == "You used 6 dots: you have only 5 to share out."
    assert "at most" not in count(rules, [{1: 5}])["rule"]


# --------------------------------------------------------------------------- score voting


def test_score_totals_and_averages():
    rules = Rules("score", (1, 2, 3))
    ballots = [{1: 5, 2: 3}, {1: 2, 2: 4, 3: 1}, {2: 5, 3: 0}, {}]
    # 4 ballots (an empty score ballot scores nothing but still counts).
    # Totals: 1 -> 5 + 2 = 7; 2 -> 3 + 4 + 5 = 12; 3 -> 1 + 0 = 1.
    # Averages over all 4 ballots: 7/4 = 1.75; 12/4 = 3.0; 1/4 = 0.25.
    result = count(rules, ballots)
    assert result["counts"] == {"1": 7, "2": 12, "3": 1}
    assert result["averages"] == {"1": 1.75, "2": 3.0, "3": 0.25}
    assert result["winner"] == 2
    assert result["ranking"] == [2, 1, 3]
    assert result["tie_break"] is None
    assert "highest total score (the highest average score across all ballots)" in result["rule"]


def test_score_averages_round_half_up_to_two_places():
    rules = Rules("score", (1, 2))
    # 8 ballots; option 1 gets a single 1: 1/8 = 0.125 -> 0.13 (half-up, not 0.12).
    # Option 2 gets 5 on three ballots: 15/8 = 1.875 -> 1.88.
    ballots = [{1: 1}] + [{2: 5}] * 3 + [{}] * 4
    assert count(rules, ballots)["averages"] == {"1": 0.13, "2": 1.88}
    # 3 ballots, total 5: 5/3 = 1.666... -> 1.67.
    assert count(rules, [{1: 2}, {1: 2}, {1: 1}])["averages"] == {"1": 1.67, "2": 0.0}


def test_score_tie_broken_by_voters_scoring_one_or_more():
    rules = Rules("score", (1, 2))
    # Totals 4 and 2 + 2 = 4. Voters scoring >= 1: option 1 -> 1, option 2 -> 2. 2 wins.
    result = count(rules, [{1: 4, 2: 0}, {2: 2, 1: 0}, {2: 2}])
    assert result["counts"] == {"1": 4, "2": 4}
    assert result["ranking"] == [2, 1]
    assert result["tie_break"] == (
        "Options 1 and 2 tied for first place with 4 points each; option 2 wins because"
        " more voters scored it 1 or more (2, against 1)."
    )


def test_score_validation_errors():
    rules = Rules("score", (1, 2))
    assert invalid(rules, {1: 6}) == "The score for option 1 must be from 0 to 5, not 6."
    assert invalid(rules, {2: -1}) == "The score for option 2 must be from 0 to 5, not -1."
    assert invalid(rules, {1: 2.5}) == (
        "The score for option 1 must be a whole number from 0 to 5, not 2.5."
    )
    assert invalid(rules, {1: False}) == (
        "The score for option 1 must be a whole number from 0 to 5, not False."
    )
    assert invalid(rules, {1: "3"}) == (
        "The score for option 1 must be a whole number from 0 to 5, not '3'."
    )
    assert invalid(rules, {3: 1}) == "Option 3 is not one of the options in this vote."
    assert invalid(rules, [1]) == "Choices for score voting must map option ids to scores."
    # 0 and 5 are allowed; an empty score ballot is allowed.
    assert validate(rules, {"2": 5, 1: 0}) == {1: 0, 2: 5}
    assert validate(rules, {}) == {}


# --------------------------------------------------------------------------- ranked choice

A, B, C, D = 1, 2, 3, 4


def test_ranked_three_rounds_where_transfers_beat_the_first_round_leader():
    rules = Rules("ranked", (A, B, C, D))
    ballots = [[A]] * 8 + [[B, C]] * 6 + [[C, B]] * 5 + [[D, C]] * 2
    # 21 ballots; a win needs more than half of the continuing ballots.
    # Round 1: A 8, B 6, C 5, D 2 (8 is not > 21/2). D fewest -> eliminated; its 2 go to C.
    # Round 2: A 8, B 6, C 7 (21 continuing). B fewest -> eliminated; its 6 go to C.
    # Round 3: A 8, C 13; 13 > 21/2 -> C wins, though A led round 1.
    # Ranking: C, then A (never eliminated), then B and D in reverse order of elimination.
    result = count(rules, ballots)
    assert result["counts"] == {"1": 8, "2": 6, "3": 5, "4": 2}
    assert result["rounds"] == [
        {
            "counts": {"1": 8, "2": 6, "3": 5, "4": 2},
            "eliminated": D,
            "transfers": {"1": 0, "2": 0, "3": 2},
            "exhausted": 0,
        },
        {
            "counts": {"1": 8, "2": 6, "3": 7},
            "eliminated": B,
            "transfers": {"1": 0, "3": 6},
            "exhausted": 0,
        },
        {"counts": {"1": 8, "3": 13}, "eliminated": None, "transfers": {}, "exhausted": 0},
    ]
    assert result["winner"] == C
    assert result["ranking"] == [C, A, B, D]
    assert result["tie_break"] is None
    assert result["averages"] == {}
    assert "instant runoff" in result["rule"]


def test_ranked_partial_rankings_exhaust():
    rules = Rules("ranked", (A, B, C))
    ballots = [[A]] * 6 + [[B]] * 2 + [[B, C]] * 2 + [[C, B]] * 3 + [[C]] * 2
    # 15 ballots. Round 1: A 6, B 2 + 2 = 4, C 3 + 2 = 5; none has more than 7.5.
    # B is eliminated: its [B] ballots (2) have no next choice -> exhausted;
    # its [B, C] ballots (2) go to C.
    # Round 2: A 6, C 7, 2 exhausted, so 13 continuing: 7 > 6.5 -> C wins with 7 of 13,
    # which is not a majority of all 15 ballots.
    result = count(rules, ballots)
    assert result["rounds"] == [
        {
            "counts": {"1": 6, "2": 4, "3": 5},
            "eliminated": B,
            "transfers": {"1": 0, "3": 2},
            "exhausted": 0,
        },
        {"counts": {"1": 6, "3": 7}, "eliminated": None, "transfers": {}, "exhausted": 2},
    ]
    assert result["winner"] == C
    assert result["ranking"] == [C, A, B]


def test_ranked_elimination_tie_broken_by_first_round_votes():
    rules = Rules("ranked", (A, B, C, D))
    ballots = [[A]] * 5 + [[B]] * 4 + [[C, B]] * 3 + [[D, C]] * 1
    # 13 ballots. Round 1: A 5, B 4, C 3, D 1. D eliminated; its ballot goes to C.
    # Round 2: A 5, B 4, C 4. B and C tie for fewest on 4. First preferences in round 1:
    # B 4, C 3 -> C has fewer and is eliminated. C's [C, B] ballots (3) go to B; the
    # [D, C] ballot has nothing left -> exhausted.
    # Round 3: A 5, B 7, 1 exhausted, 12 continuing: 7 > 6 -> B wins.
    result = count(rules, ballots)
    assert result["rounds"] == [
        {
            "counts": {"1": 5, "2": 4, "3": 3, "4": 1},
            "eliminated": D,
            "transfers": {"1": 0, "2": 0, "3": 1},
            "exhausted": 0,
        },
        {
            "counts": {"1": 5, "2": 4, "3": 4},
            "eliminated": C,
            "transfers": {"1": 0, "2": 3},
            "exhausted": 0,
        },
        {"counts": {"1": 5, "2": 7}, "eliminated": None, "transfers": {}, "exhausted": 1},
    ]
    assert result["winner"] == B
    assert result["ranking"] == [B, A, C, D]
    assert result["tie_break"] == (
        "In round 2, options 2 and 3 tied for fewest votes with 4 votes each; option 3 was"
        " eliminated because it had the fewest first-preference votes in round 1 (3, against 4)."
    )


def test_ranked_elimination_tie_broken_by_option_order():
    ballots = [[A]] * 3 + [[B, A]] * 2 + [[C, B]] * 2
    # 7 ballots. Round 1: A 3, B 2, C 2; nobody has more than 3.5.
    # B and C tie on 2, and had the same first preferences (they are round 1), so the option
    # listed LAST is eliminated.
    # Listed A, B, C: C is eliminated, its 2 go to B -> round 2: A 3, B 4; 4 > 3.5, B wins.
    result = count(Rules("ranked", (A, B, C)), ballots)
    assert [r["eliminated"] for r in result["rounds"]] == [C, None]
    assert result["rounds"][1]["counts"] == {"1": 3, "2": 4}
    assert result["winner"] == B
    assert result["ranking"] == [B, A, C]
    assert result["tie_break"] == (
        "In round 1, options 2 and 3 tied for fewest votes with 2 votes each, and the same"
        " number of first-preference votes in round 1 (2); option 3 was eliminated because"
        " it is listed last on the ballot."
    )
    # Listed A, C, B: now B is last and is eliminated; its 2 go to A -> A 5 of 7, A wins.
    result = count(Rules("ranked", (A, C, B)), ballots)
    assert [r["eliminated"] for r in result["rounds"]] == [B, None]
    assert result["rounds"][1]["counts"] == {"1": 5, "3": 2}
    assert result["winner"] == A
    assert result["ranking"] == [A, C, B]


def test_ranked_majority_in_round_one():
    rules = Rules("ranked", (A, B, C))
    ballots = [[A, B]] * 4 + [[B]] * 2 + [[C]]
    # 7 ballots; A has 4 > 3.5 at once. One round, nobody eliminated.
    # The others are ordered by their votes in that final round: B 2, C 1.
    result = count(rules, ballots)
    assert result["rounds"] == [
        {"counts": {"1": 4, "2": 2, "3": 1}, "eliminated": None, "transfers": {}, "exhausted": 0}
    ]
    assert result["winner"] == A
    assert result["ranking"] == [A, B, C]
    assert result["counts"] == {"1": 4, "2": 2, "3": 1}


def test_ranked_exactly_half_is_not_a_majority():
    rules = Rules("ranked", (A, B))
    # 2 against 2: neither has MORE than half. Tie for fewest, same first preferences,
    # so B (listed last) is eliminated; its ballots have no next choice and exhaust.
    # Round 2: only A continues -> A wins as the last option left.
    result = count(rules, [[A], [A], [B], [B]])
    assert result["rounds"] == [
        {"counts": {"1": 2, "2": 2}, "eliminated": B, "transfers": {"1": 0}, "exhausted": 0},
        {"counts": {"1": 2}, "eliminated": None, "transfers": {}, "exhausted": 2},
    ]
    assert result["winner"] == A
    assert result["ranking"] == [A, B]


def test_ranked_options_with_no_votes_go_first_and_their_tie_is_not_reported():
    rules = Rules("ranked", (A, B, C, D))
    # C and D have no first preferences. Round 1 of 3 ballots: A 2, B 1, C 0, D 0;
    # 2 > 1.5, so A wins at once. Ranking: A, B (1 vote), then C and D on 0 votes with
    # equal first preferences -> option order: C before D.
    result = count(rules, [[A], [A, B], [B]])
    assert result["winner"] == A
    assert result["ranking"] == [A, B, C, D]
    # Now a count that needs eliminations: A 2, B 2, C 0, D 0 (4 ballots, need 3).
    # D then C go (0 votes, D is listed last), then A/B tie on 2: B listed last goes,
    # its [B, A] ballot moves to A.
    result = count(rules, [[A], [A], [B], [B, A]])
    assert [r["eliminated"] for r in result["rounds"]] == [D, C, B, None]
    assert result["rounds"][2]["transfers"] == {"1": 1}
    assert result["rounds"][3] == {
        "counts": {"1": 3},
        "eliminated": None,
        "transfers": {},
        "exhausted": 1,
    }
    assert result["ranking"] == [A, B, C, D]
    # Only the tie between options with votes is described.
    assert result["tie_break"] == (
        "In round 3, options 1 and 2 tied for fewest votes with 2 votes each, and the same"
        " number of first-preference votes in round 1 (2); option 2 was eliminated because"
        " it is listed last on the ballot."
    )


def test_ranked_validation_errors():
    rules = Rules("ranked", (A, B, C))
    assert invalid(rules, [A, B, A]) == "Option 1 is ranked more than once."
    assert invalid(rules, [A, 9]) == "Option 9 is not one of the options in this vote."
    assert invalid(rules, []) == "Choose at least one option."
    assert invalid(rules, [A, "2"]) == "'2' is not an option id: option ids are whole numbers."
    assert invalid(rules, [True]) == "True is not an option id: option ids are whole numbers."
    assert invalid(rules, {A: 1}) == "Choices for ranked choice must be a list of option ids."
    assert validate(rules, [C, A]) == [C, A]  # order kept; partial is fine


def test_approval_validation_errors():
    rules = Rules("approval", (A, B))
    assert invalid(rules, []) == "Choose at least one option."
    assert invalid(rules, [A, A]) == "Option 1 is chosen more than once."
    assert invalid(rules, [3]) == "Option 3 is not one of the options in this vote."
    assert invalid(rules, [1.0]) == "1.0 is not an option id: option ids are whole numbers."
    assert invalid(rules, [None]) == "None is not an option id: option ids are whole numbers."
    assert invalid(rules, [[1]]) == "[1] is not an option id: option ids are whole numbers."
    assert invalid(rules, "1") == "Choices for approval voting must be a list of option ids."
    assert invalid(rules, None) == "Choices for approval voting must be a list of option ids."


def test_dict_keys_must_be_plain_ids():
    rules = Rules("score", (1, 2))
    for key in ("03", "+3", " 1", "1.0", "one", "1_0", ""):
        assert invalid(rules, {key: 1}) == (
            f"{key!r} is not an option id: option ids are whole numbers."
        )
    # The same option twice, once as int and once as JSON text.
    assert invalid(rules, {1: 2, "1": 3}) == "Option 1 appears more than once."


def test_dot_vote_with_no_dots_configured():
    rules = Rules("dot", (1, 2))  # dots=0
    assert invalid(rules, {1: 1}) == "This vote has no dots to give out."


def test_long_values_are_shortened_in_messages():
    message = invalid(Rules("approval", (1,)), ["x" * 100])
    # repr is 102 characters; the first 37 are kept (the quote and 36 x's), then "...".
    assert message == "'" + "x" * 36 + "... is not an option id: option ids are whole numbers."


# --------------------------------------------------------------------------- paper tallies


def test_paper_tallies_added_to_approval():
    rules = Rules("approval", (1, 2))
    # Online: 1 -> 2 approvals, 2 -> 1. Paper: 2 -> +3. Totals 1: 2, 2: 4 -> 2 wins.
    result = count(rules, [[1], [1, 2]], {2: 3})
    assert result["counts"] == {"1": 2, "2": 4}
    assert result["winner"] == 2
    # Paper slips are not online ballots: turnout counts only the 2 ballots.
    assert result["turnout"]["ballots"] == 2
    assert "Paper slips" in result["rule"]


def test_paper_tallies_added_to_dot_and_score_totals():
    dots = Rules("dot", (1, 2), dots=3)
    # Online dots 1: 3, 2: 1. Paper dots: 2 -> +5 (JSON-style key). Totals 3 and 6.
    result = count(dots, [{1: 3}, {2: 1}], {"2": 5})
    assert result["counts"] == {"1": 3, "2": 6}
    assert result["ranking"] == [2, 1]

    score = Rules("score", (1, 2))
    # Online totals 1: 5, 2: 4 (2 ballots). Paper: 2 -> +3, so totals 5 and 7: 2 wins.
    # Averages use the 2 online ballots only: 5/2 = 2.5, 4/2 = 2.0.
    result = count(score, [{1: 5, 2: 1}, {2: 3}], {2: 3})
    assert result["counts"] == {"1": 5, "2": 7}
    assert result["averages"] == {"1": 2.5, "2": 2.0}
    assert result["winner"] == 2
    assert "average" not in result["rule"].split(".")[0]


def test_paper_tallies_in_ranked_are_first_preferences_that_exhaust():
    rules = Rules("ranked", (A, B, C))
    ballots = [[A]] * 5 + [[B]] * 4 + [[C, B]] * 2
    paper = {C: 1}
    # Paper slip for C = a one-option ballot [C]. 12 ballots in the count.
    # Round 1: A 5, B 4, C 2 + 1 = 3; none > 6. C eliminated: [C, B] x2 -> B,
    # the paper slip has no next choice -> exhausted.
    # Round 2: A 5, B 6, 1 exhausted, 11 continuing: 6 > 5.5 -> B wins.
    result = count(rules, ballots, paper)
    assert result["counts"] == {"1": 5, "2": 4, "3": 3}
    assert result["rounds"] == [
        {
            "counts": {"1": 5, "2": 4, "3": 3},
            "eliminated": C,
            "transfers": {"1": 0, "2": 2},
            "exhausted": 0,
        },
        {"counts": {"1": 5, "2": 6}, "eliminated": None, "transfers": {}, "exhausted": 1},
    ]
    assert result["winner"] == B
    assert result["turnout"]["ballots"] == 11


def test_paper_tallies_only():
    # No online ballots but paper slips: there is something to count.
    result = count(Rules("approval", (1, 2)), [], {2: 1})
    assert result["winner"] == 2
    assert result["turnout"]["ballots"] == 0


def test_bad_paper_tallies():
    rules = Rules("approval", (1, 2))
    with pytest.raises(ValueError, match="Option 9 is not one of the options"):
        count(rules, [], {9: 1})
    with pytest.raises(ValueError, match="-1 is not a whole number of 0 or more"):
        count(rules, [], {1: -1})
    with pytest.raises(ValueError, match="True is not a whole number"):
        count(rules, [], {1: True})


# --------------------------------------------------------------------------- turnout, quorum


def test_turnout_and_quorum():
    ballots = [[1]] * 5
    # 5 of 12 = 41.666...% -> 41.7.
    result = count(Rules("approval", (1, 2), quorum_percent=40, eligible=12), ballots)
    assert result["turnout"] == {"ballots": 5, "eligible": 12, "percent": 41.7}
    assert result["quorum_met"] is True
    assert (
        count(Rules("approval", (1,), quorum_percent=50, eligible=12), [[1]] * 5)["quorum_met"]
        is False
    )
    # Exactly at the quorum counts: 6 of 12 = 50%.
    assert (
        count(Rules("approval", (1,), quorum_percent=50, eligible=12), [[1]] * 6)["quorum_met"]
        is True
    )


def test_turnout_percent_rounds_half_up():
    # 1 of 16 = 6.25% -> 6.3 (round() would give 6.2).
    result = count(Rules("approval", (1,), eligible=16), [[1]])
    assert result["turnout"]["percent"] == 6.3


def test_quorum_is_compared_exactly_not_on_the_rounded_percent():
    # 1000 of 2001 = 49.975...% shows as 50.0 but is below a 50% quorum.
    result = count(Rules("approval", (1,), quorum_percent=50, eligible=2001), [[1]] * 1000)
    assert result["turnout"]["percent"] == 50.0
    assert result["quorum_met"] is False


def test_quorum_zero_is_always_met_and_no_eligible_voters_gives_zero_percent():
    result = count(Rules("approval", (1,)), [])
    assert result["turnout"] == {"ballots": 0, "eligible": 0, "percent": 0.0}
    assert result["quorum_met"] is True
    assert count(Rules("approval", (1,), quorum_percent=10), [[1]])["quorum_met"] is False


@pytest.mark.parametrize("method", ["approval", "dot", "ranked", "score"])
def test_no_ballots(method):
    rules = Rules(method, (3, 1, 2), dots=3, quorum_percent=25, eligible=8)
    result = count(rules, [])
    assert result["winner"] is None
    assert result["counts"] == {"3": 0, "1": 0, "2": 0}
    assert result["ranking"] == [3, 1, 2]
    assert result["rounds"] == []
    assert result["tie_break"] is None
    assert result["quorum_met"] is False
    assert result["turnout"] == {"ballots": 0, "eligible": 8, "percent": 0.0}
    assert result["averages"] == ({"3": 0.0, "1": 0.0, "2": 0.0} if method == "score" else {})
    json.dumps(result)


# --------------------------------------------------------------------------- count() input


def test_count_accepts_choices_read_back_from_json():
    rules = Rules("dot", (1, 2), dots=4)
    box = json.loads(json.dumps([validate(rules, {1: 3}), validate(rules, {2: 2, 1: 1})]))
    assert box == [{"1": 3}, {"1": 1, "2": 2}]
    # 1: 3 + 1 = 4; 2: 2.
    assert count(rules, box)["counts"] == {"1": 4, "2": 2}


def test_count_refuses_a_bad_ballot_and_says_which():
    rules = Rules("ranked", (1, 2))
    with pytest.raises(InvalidBallot) as caught:
        count(rules, [[1], [2, 9]])
    assert str(caught.value) == "Ballot 2: Option 9 is not one of the options in this vote."


def test_result_is_json_serialisable_and_does_not_depend_on_ballot_order():
    rules = Rules("ranked", (A, B, C, D))
    ballots = [[A]] * 8 + [[B, C]] * 6 + [[C, B]] * 5 + [[D, C]] * 2
    result = count(rules, ballots)
    assert json.loads(json.dumps(result)) == result
    assert count(rules, list(reversed(ballots))) == result


def test_bad_rules():
    with pytest.raises(ValueError, match="Unknown voting method"):
        Rules("plurality", (1,))
    with pytest.raises(ValueError, match="only once"):
        Rules("approval", (1, 1))
    with pytest.raises(ValueError, match="ints"):
        Rules("approval", (True,))
    with pytest.raises(ValueError, match="eligible"):
        Rules("approval", (1,), eligible=-1)
    assert Rules("approval", [1, 2]).options == (1, 2)  # a list is turned into a tuple
