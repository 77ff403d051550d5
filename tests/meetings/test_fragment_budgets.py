"""Each htmx answer in meetings builds only the part of the page it swaps, from that
part's own context builder (views/live.py, views/page.py), never the whole page's.

An htmx answer is measured against the same click from a plain form (a browser
without JavaScript): refused, the plain form gets the whole page back with the
reason; done, it gets a redirect (having run the same writes) and then the page.
The htmx answer may never cost more than that, and the part it builds costs a fixed
number of statements, the same with 3 or 30 of everything (members, agenda items,
decisions and actions recorded, past meetings): all of a refused answer (nothing is
written), or what a done answer runs beyond the plain form's post.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.extensions import db
from app.groups import services as groups
from app.meetings import attendance
from app.voting import services as voting
from tests.decisions.helpers import record
from tests.meetings.test_query_budgets import build

HX = {"HX-Request": "true"}

#: The most statements the part each answer builds may cost (measured, a little room).
BUDGETS = {
    "step": 12,  # the agenda and the item being taken, with all it holds: most of the page
    "step refused": 19,  # + the reason, after the rollback has the group and meeting read again
    "tell the room": 12,
    "check in": 3,  # who is here, and the counts
    "check in refused": 10,
    "guests": 3,
    "notes": 1,  # the item's notes, loaded already
    "notes conflict": 8,
    "capture decision": 10,  # a new form, the captures list, the action form's decisions
    "capture decision refused": 7,
    "capture action": 8,
    "capture action refused": 10,
    "open a vote": 2,
    "open a vote refused": 7,
    "rsvp": 3,  # the viewer's answer, and the counts
    "rsvp refused": 7,
}


@dataclass
class Request:
    """The same click twice, on things alike: once from htmx, once from a plain form."""

    htmx: tuple[str, dict]
    plain: tuple[str, dict]
    page: str = "live"  # the page it is part of: "live" or "meeting"
    status: int = 200


def alike(url: str, htmx: dict, plain: dict, page: str = "live") -> Request:
    return Request((url, htmx), (url, plain), page)


def same(url: str, data: dict, status: int, page: str = "live") -> Request:
    return Request((url, data), (url, data), page, status)


def requests(built) -> dict[str, Request]:
    """One request of each kind that answers htmx with a part of a page."""
    group, meeting, facilitator = built.group, built.meeting, built.facilitator
    base = f"/groups/{group.slug}/meetings/{meeting.id}"
    member_of = {u.id: m.id for m, u in groups.all_members(group)}
    absent = [member_of[person.id] for person in built.people[-2:]]  # not checked in
    elsewhere = [record(group, facilitator, title=f"Taken elsewhere {n}").id for n in (1, 2)]
    votes = [
        voting.create_ballot(
            group,
            facilitator,
            title=f"Vote {n}",
            method="approval",
            options=[("A", None), ("B", None)],
        ).id
        for n in (1, 2)
    ]
    attendance.rsvp(meeting, facilitator, "coming")  # so that both answers below change it
    db.session.commit()
    # The first two items' notes were saved once when the scene was built (version 1).
    notes = [f"{base}/agenda/{row.item.id}/notes" for row in built.rows[:2]]

    def decision(key, title="Small grant pays for a damp advice session"):
        return {
            "decision-capture_key": key,
            "decision-title": title,
            "decision-summary": "The rest of the grant pays for a drop-in session.",
            "decision-decided_by_kind": "council_cabinet",
            "decision-decided_by_name": "",
            "decision-forward_plan_id": "0",
            "decision-short_notice_reason": "",
        }

    def action(key, title="Book the hall"):
        return {
            "action-capture_key": key,
            "action-title": title,
            "action-owner_id": str(built.people[0].id),
            "action-owner_name": "",
            "action-decision_id": "0",
        }

    def checking_in(member):
        return {"member": member, "state": "present"}

    def saying(text, version):
        return {"notes-notes": text, "notes-version": version}

    key = meeting.id
    return {
        "step": alike(f"{base}/step", {"position": "1"}, {"position": "2"}),
        "step refused": same(f"{base}/step", {"position": "999"}, 422),
        "tell the room": alike(
            f"{base}/tell", {"decision": elsewhere[0]}, {"decision": elsewhere[1]}
        ),
        "check in": alike(f"{base}/attendance", checking_in(absent[0]), checking_in(absent[1])),
        "check in refused": same(f"{base}/attendance", checking_in(0), 422),
        "guests": alike(f"{base}/guests", {"guests": "4"}, {"guests": "5"}),
        "notes": Request((notes[0], saying("More", 1)), (notes[1], saying("More", 1))),
        "notes conflict": Request(
            (notes[0], saying("Late", 0)), (notes[1], saying("Late", 0)), status=409
        ),
        "capture decision": alike(
            f"{base}/decisions", decision(f"d1-{key}"), decision(f"d2-{key}")
        ),
        "capture decision refused": same(f"{base}/decisions", decision("d3", title=""), 422),
        "capture action": alike(f"{base}/actions", action(f"a1-{key}"), action(f"a2-{key}")),
        "capture action refused": same(f"{base}/actions", action("a3", title=""), 422),
        "open a vote": alike(f"{base}/ballots", {"ballot": votes[0]}, {"ballot": votes[1]}),
        "open a vote refused": same(f"{base}/ballots", {"ballot": "0"}, 422),
        "rsvp": alike(f"{base}/rsvp", {"answer": "apologies"}, {"answer": "coming"}, "meeting"),
        "rsvp refused": same(f"{base}/rsvp", {"answer": "maybe"}, 422, "meeting"),
    }


def _measure(client, count_queries, url, data, headers=None):
    with count_queries() as q:
        response = client.post(url, data=data, headers=headers or {})
    return response, q.count


def test_every_htmx_answer_costs_no_more_than_its_page_from_3_to_30_of_everything(
    app, ctx, login, page_queries, count_queries
):
    parts, totals = {}, {}
    for size in (3, 30):
        built = build(size)
        client = login(built.facilitator)
        pages = {
            "live": page_queries(client, built.urls["live"]),
            "meeting": page_queries(client, built.urls["meeting"]),
        }
        parts[size], totals[size] = {}, {}
        for name, request in requests(built).items():
            answer, htmx = _measure(client, count_queries, *request.htmx, HX)
            assert answer.status_code == request.status, (name, answer.status_code)
            assert "<html" not in answer.get_data(as_text=True), f"{name}: not a fragment"
            plain_answer, plain = _measure(client, count_queries, *request.plain)
            refused = request.status >= 400
            assert plain_answer.status_code == (request.status if refused else 303), name
            without_javascript = plain if refused else plain + pages[request.page]
            assert htmx <= without_javascript, (
                f"{name}: {htmx} statements, more than the same click without JavaScript "
                f"({without_javascript})"
            )
            parts[size][name] = htmx if refused else htmx - plain
            totals[size][name] = htmx
            # The part an answer builds never costs more than the whole page it is part of.
            assert parts[size][name] <= pages[request.page], (
                f"{name}: its part costs {parts[size][name]} statements, more than the "
                f"{request.page} page ({pages[request.page]})"
            )
    for name, budget in BUDGETS.items():
        small, large = parts[3][name], parts[30][name]
        assert small == large, f"{name}: {small} statements with 3 of everything, {large} with 30"
        assert large <= budget, f"{name}: {large} statements, over its budget of {budget}"
        # Writes for many people (told in the room, voters) go in one statement each.
        assert totals[3][name] == totals[30][name], (
            f"{name}: {totals[3][name]} then {totals[30][name]}"
        )
