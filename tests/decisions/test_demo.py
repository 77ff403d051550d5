"""The demo shows every state of the told record, and its chain verifies."""

from __future__ import annotations

from app.decisions import chain
from app.decisions import services as decisions
from app.decisions.told import informed_for
from app.demo import load_demo
from app.groups import services as groups
from app.notices import services as notices


def test_the_demo_shows_each_state_of_the_told_record(app, ctx, upload_folder):
    with app.app_context():
        load_demo()
    group = groups.get_group("riverside")
    states = decisions.states_for(decisions.all_decisions(group))
    informed = informed_for(group, states)
    by_title = {s.title: (s, {r.person.name: r for r in informed[s.id]}) for s in states}

    # A grapevine report linked to a decision while the people offline are still untold.
    _damp, rows = by_title["Damp survey contractor appointed"]
    assert rows["Rita Resident"].heard_first_via_grapevine_at is not None
    assert rows["Doris Hughes"].status == rows["Tom Kaur"].status == "not_told"

    # A correction some members were told of, and some only of the version before.
    bins, rows = by_title["Bin collections move to Wednesdays"]
    assert bins.version == 2
    assert rows["Doris Hughes"].status == rows["Tom Kaur"].status == "told_earlier_version"
    assert rows["Rita Resident"].status == "told_on_time"

    # A revoked decision, not yet known by everyone to be revoked.
    fees, rows = by_title["Community centre hire fees rise to £25 an hour"]
    assert fees.revoked and fees.version == 2
    assert "told_earlier_version" in {r.status for r in rows.values()}

    # A record made by hand and withdrawn, in the history and no longer counting.
    mill, rows = by_title["Mill Lane speed limit stays at 30 mph"]
    (withdrawn,) = notices.withdrawals("decision", mill.id)
    assert withdrawn.withdrawn_reason and rows["Tom Kaur"].status == "not_told_overdue"

    assert chain.verify(group.id).ok
