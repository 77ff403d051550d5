"""The enquiry and evidence pages run a fixed number of SQL statements, however much
evidence, however long the journal and however big the team grow."""

from __future__ import annotations

from datetime import timedelta

from app.dbtypes import local_today, utcnow
from app.decisions import services as decisions
from app.enquiries import evidence
from app.enquiries import services as enquiries
from tests.enquiries.helpers import make_enquiry, story, website
from tests.factories import make_group, make_member
from tests.uploads import samples

#: The most statements each page may run (measured: 6, 15, 7, 8, 8 and 10; with a little room).
BUDGETS = {
    "index": 8,
    "show": 17,
    "evidence": 9,
    "evidence_item": 10,
    "team": 10,
    "link_decision": 12,
}


def build(size: int):
    """A group with `size` enquiries, team members, pieces of evidence, journal entries,
    outputs and linked decisions (and one upload for every tenth piece of evidence)."""
    group = make_group()
    adviser, _ = make_member(group, "resident_adviser")
    officer, _ = make_member(group, "officer")
    reader, _ = make_member(group, "resident")
    enquiry = make_enquiry(group, adviser)
    for n in range(size):
        person, _ = make_member(group, "resident")
        enquiries.add_to_team(enquiry, person, "peer_researcher", adviser)
        if n % 10 == 0:
            evidence.add_evidence(
                enquiry,
                person,
                kind="survey_data",
                title=f"Survey {n}",
                summary="Answers",
                file=samples.file(f"survey-{n}.csv", samples.csv_text()),
            )
        website(enquiry, person, title=f"Page {n}")
        story(enquiry, person, consent=n % 2 == 0, title=f"Story {n}")
        enquiries.add_journal_entry(
            enquiry, person, happened_on=local_today() - timedelta(days=n), body=f"Step {n}"
        )
        enquiries.add_output(enquiry, person, kind="report", title=f"Report {n}")
        decision = decisions.record_decision(
            group,
            officer,
            title=f"Decision {n}",
            summary="S",
            decided_at=utcnow() - timedelta(days=n),
            decided_by_kind="council_cabinet",
        )
        enquiries.link_decision(enquiry, decision, adviser)
        if n < size // 5:
            make_enquiry(group, adviser, question=f"Question {n}")
    shared_story = evidence.evidence_page(group, reader, 1, 1, words="Story 0").items[0]
    return group, enquiry, adviser, reader, shared_story.evidence


def test_enquiry_and_evidence_pages_keep_their_query_budget_from_5_to_200_items(
    app, ctx, login, page_queries, upload_folder
):
    measured = {}
    for size in (5, 200):
        group, enquiry, adviser, reader, item = build(size)
        base = f"/groups/{group.slug}"
        urls = {
            "index": f"{base}/enquiries",
            "show": f"{base}/enquiries/{enquiry.id}",
            "evidence": f"{base}/evidence?kind=lived_experience&q=Story",
            "evidence_item": f"{base}/evidence/{item.id}",
            "team": f"{base}/enquiries/{enquiry.id}/team",
            "link_decision": f"{base}/enquiries/{enquiry.id}/decisions",
        }
        readers = {"team": adviser, "link_decision": adviser}
        measured[size] = {
            page: page_queries(login(readers.get(page, reader)), url) for page, url in urls.items()
        }
    for page, budget in BUDGETS.items():
        small, large = measured[5][page], measured[200][page]
        assert small == large, f"{page}: {small} queries with 5 items, {large} with 200"
        assert large <= budget, f"{page}: {large} queries, over its budget of {budget}"
