"""The demo's priorities and votes: an open vote, and a closed one of each method."""

from __future__ import annotations

from app.groups import services as groups
from app.voting import services as voting
from app.voting.priorities import propose, set_priority_status, toggle_support


def load_priorities_and_votes(group) -> None:
    """Priorities in several areas; an open vote, and a closed vote of each method with
    its published ballot box, an assisted ballot and a paper tally."""
    people = {u.email: u for _m, u in groups.all_members(group) if u.email}
    facilitator = people["facilitator@example.org"]
    rita, ade = people["resident@example.org"], people["adviser@example.org"]
    officer = people["officer@example.org"]
    voters = groups.everyone_to_tell(group)
    offline = [u for u in voters if not u.email]
    proposals = [
        ("Damp and mould in the Elm Street flats", "living_environment", "shortlisted"),
        ("Reopen the youth centre in the evenings", "social_connectivity", "chosen"),
        ("Slow the traffic on Mill Lane", "living_environment", "shortlisted"),
        ("A market stall for local makers", "local_economy", "proposed"),
        ("Residents on the housing board", "inclusive_governance", "proposed"),
        ("A mural for the underpass", "cultural_coherence", "not_taken_forward"),
    ]
    priorities = []
    for title, domain, status in proposals:
        priority = propose(group, rita, title=title, description="", domain=domain)
        toggle_support(priority, ade)
        reason = (
            "The council has already funded one for next year."
            if status == ("not_taken_forward")
            else ""
        )
        set_priority_status(priority, status, reason)
        priorities.append(priority)
    options = [(p.title, p.id) for p in priorities[:3]]

    def run(method, title, pick, close=True, **extra):
        ballot = voting.create_ballot(
            group, facilitator, title=title, method=method, options=options, **extra
        )
        voting.open_ballot(group, ballot)
        ids = [o.id for o in voting.ballot_options(ballot)]
        for n, person in enumerate(voters):
            if person.email:
                voting.cast(ballot, person, pick(ids, n))
        if offline:
            # Ade, a Resident Adviser, enters Doris's vote from her paper slip; she is told
            # by letter, with its receipt code.
            voting.assist(
                group, ballot, offline[0], pick(ids, 0), ade, note="Paper slip at the group meeting"
            )
        fair = voting.add_paper_tally(
            ballot,
            facilitator,
            "Summer fair stall",
            {ids[0]: 12, ids[1]: 7, ids[2]: 3},
            present=25,
        )
        voting.confirm_paper(group, ballot, fair.id, officer)
        if close:
            voting.close_ballot(group, ballot, by=facilitator)
            voting.certify(group, ballot, officer)
        return ballot

    run("approval", "Which should we look into? (approval)", lambda ids, n: ids[: 1 + n % 2])
    run(
        "dot",
        "Share your dots (dot voting)",
        lambda ids, n: {ids[n % 3]: 3, ids[(n + 1) % 3]: 2},
        dots=5,
        max_per_option=3,
        count_paper=True,
    )
    run(
        "ranked",
        "Our first priority (ranked choice)",
        lambda ids, n: [ids[n % 3], ids[(n + 1) % 3]],
        secret=True,
    )
    run(
        "score",
        "How much does each matter? (score)",
        lambda ids, n: {i: (n + k) % 6 for k, i in enumerate(ids)},
    )
    run(
        "ranked",
        "Which should the summer walkabout look at?",
        lambda ids, n: [ids[(n + 2) % 3]],
        close=False,
        secret=True,
    )
