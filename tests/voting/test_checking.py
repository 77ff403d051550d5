"""Checking a vote from the outside: a receipt by option name, the published box with
labels, the list of voters behind the fingerprint, and a recount of the demo's votes
from nothing but box.json."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
import shutil
import subprocess

import pytest

from app.demo import load_demo
from app.extensions import db
from app.groups import services as groups
from app.voting import box as checking
from app.voting import services as voting
from app.voting import tally
from app.voting.models import Ballot
from tests.conftest import client_for
from tests.factories import make_group, make_member, make_user
from tests.uploads.samples import upload_folder  # noqa: F401  (a fixture)
from tests.voting.test_pages import ballot_with_votes

#: SQL statements one view of each page may run, however many people voted.
CHECK_PAGE_BUDGET = 7
VOTERS_PAGE_BUDGET = 9
BOX_BUDGET = 10  # the box, its options, voters, tallies and the people who checked them


def url_of(group, ballot, page=""):
    return f"/groups/{group.slug}/ballots/{ballot.id}{page}"


def receipts(ballot) -> list[str]:
    return [receipt for receipt, _choices in voting.ballot_box(ballot)]


def canonical_on(page: str) -> str:
    found = re.search(r'<pre class="lb-verbatim" id="canonical">(.*?)</pre>', page, re.S)
    assert found, "the page shows the fingerprint's input"
    return html.unescape(found.group(1))


# Receipt codes as people type them ---------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "ABCDE-FGHJK",
        "abcde-fghjk",
        "abcdefghjk",
        " ab cde fgh jk ",
        "ABCDE\u2013FGHJK",
        "abcde fghjk\n",
    ],
)
def test_a_receipt_code_is_read_however_it_is_typed(app, ctx, typed):
    assert checking.normalise_receipt(typed) == "ABCDE-FGHJK"


@pytest.mark.parametrize(
    "typed", ["", "   ", "ABCDE-FGHJ", "ABCDE-FGHJKL", "ABCDE-FGHJ0", "ABCDE-FGHJI", "ABCDÉ-FGHJK"]
)
def test_a_code_that_cannot_be_a_receipt_is_refused_as_bad_input(app, ctx, typed):
    with pytest.raises(checking.Invalid):
        checking.normalise_receipt(typed)


# The check page ------------------------------------------------------------------------


WORDS = {
    "approval": ["Damp"],  # the first voter approved the first option
    "dot": ["Damp: 3 dots", "Youth centre: 2 dots"],
    "ranked": ["1. Damp", "2. Youth centre"],
    "score": ["Damp: 5 out of 5", "Youth centre: 1 out of 5"],
}


@pytest.mark.parametrize("method", ["approval", "dot", "ranked", "score"])
def test_a_member_sees_their_receipt_counted_by_option_name_in_the_methods_shape(app, ctx, method):
    group, facilitator, voters, ballot = ballot_with_votes(method, 3)
    mine = voting.my_current(ballot, voters[0]).receipt
    client = client_for(app, voters[0])
    typed = mine.lower().replace("-", " ")
    response = client.get(url_of(group, ballot, "/check"), query_string={"receipt": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Counted so far, as:" in page and mine in page
    for line in WORDS[method]:
        assert html.escape(line) in page, line
    assert "Traffic" not in page.split('id="finding"')[1].split("</div>")[0]

    voting.close_ballot(group, ballot)
    db.session.commit()
    page = client.get(url_of(group, ballot, "/check"), query_string={"receipt": mine})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Counted, as:" in text and "so far" not in text


def test_the_check_page_without_a_code_shows_the_form(app, ctx):
    group, facilitator, voters, ballot = ballot_with_votes("approval", 3)
    response = client_for(app, voters[1]).get(url_of(group, ballot, "/check"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="receipt"' in page and 'method="get"' in page and "There is a problem" not in page


def test_unknown_foreign_malformed_and_oversized_codes_get_a_clear_4xx_and_the_form(app, ctx):
    group, facilitator, voters, ballot = ballot_with_votes("ranked", 3)
    _g, _f, _v, other = ballot_with_votes("ranked", 3)
    client = client_for(app, voters[0])
    check = url_of(group, ballot, "/check")
    unknown = "ZZZZZ-ZZZZZ" if "ZZZZZ-ZZZZZ" not in receipts(ballot) else "YYYYY-YYYYY"
    cases = [
        (unknown, 404, "No ballot in this vote has the receipt code"),
        (receipts(other)[0], 404, "No ballot in this vote has the receipt code"),
        ("HELLO", 422, "A receipt code is 10 letters and numbers"),
        ("A" * 101, 422, "That is too long for a receipt code"),
        ("", 422, "Enter your receipt code"),
    ]
    for typed, status, message in cases:
        response = client.get(check, query_string={"receipt": typed})
        page = response.get_data(as_text=True)
        assert response.status_code == status, typed
        assert message in page and 'name="receipt"' in page, typed
        assert "govuk-error-summary" in page and "Counted" not in page, typed
    # A code from another vote reads exactly as one never given: nothing says it exists.
    foreign = client.get(check, query_string={"receipt": receipts(other)[0]}).text
    never = client.get(check, query_string={"receipt": unknown}).text

    def same(page, code):
        # The nonce and the time-stamped form token differ between any two pages.
        page = re.sub(r'nonce="[^"]*"', "", page.replace(code, "CODE"))
        token = r"X-CSRFToken&#34;: &#34;[^&]*&#34;|name=\"csrf_token\" value=\"[^\"]*\""
        return re.sub(token, "", page)

    assert same(foreign, receipts(other)[0]) == same(never, unknown)


def test_a_replaced_receipt_says_it_does_not_count(app, ctx):
    group, facilitator, voters, ballot = ballot_with_votes("approval", 3)
    first = voting.my_current(ballot, voters[0]).receipt
    voting.cast(ballot, voters[0], [voting.ballot_options(ballot)[2].id])
    db.session.commit()
    response = client_for(app, voters[0]).get(
        url_of(group, ballot, "/check"), query_string={"receipt": first}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Not counted." in page and "Counted so far" not in page


def test_checking_a_receipt_changes_nothing(app, ctx):
    from tests.test_permission_matrix import _snapshot

    group, facilitator, voters, ballot = ballot_with_votes("score", 3)
    client = client_for(app, voters[0])
    check = url_of(group, ballot, "/check")
    db.session.commit()
    before = _snapshot()
    for typed in (receipts(ballot)[0], "ZZZZZ-ZZZZZ", "nonsense", ""):
        client.get(check, query_string={"receipt": typed})
    client.get(url_of(group, ballot, "/voters"))
    assert _snapshot() == before


def test_a_vote_not_yet_open_has_nothing_to_check(app, ctx):
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    draft = voting.create_ballot(
        group, facilitator, title="Later", method="approval", options=[("A", None), ("B", None)]
    )
    db.session.commit()
    client = client_for(app, facilitator)
    for page in ("/check", "/voters", "/box.json", "/box.csv"):
        assert client.get(url_of(group, draft, page)).status_code == 404, page


# The published box ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "first"),
    [
        ("approval", "Damp"),
        ("dot", "Damp: 3 dots; Youth centre: 2 dots"),
        ("ranked", "1. Damp; 2. Youth centre"),
        ("score", "Damp: 5 out of 5; Youth centre: 1 out of 5"),
    ],
)
def test_the_box_names_each_ballots_choices_by_option(app, ctx, method, first):
    group, facilitator, voters, ballot = ballot_with_votes(method, 3)
    mine = voting.my_current(ballot, voters[0]).receipt
    voting.close_ballot(group, ballot)
    db.session.commit()
    client = client_for(app, voters[1])
    rows = list(csv.DictReader(io.StringIO(client.get(url_of(group, ballot, "/box.csv")).text)))
    assert list(rows[0]) == ["receipt", "choices", "choices_by_label"]
    assert {r["receipt"]: r["choices_by_label"] for r in rows}[mine] == first
    box = client.get(url_of(group, ballot, "/box.json")).get_json()
    entry = next(e for e in box["ballots"] if e["receipt"] == mine)
    assert "; ".join(entry["choices_by_label"]) == first
    assert set(entry) == {"receipt", "choices", "choices_by_label"}
    kept = {"id", "title", "method", "secret", "options", "fingerprint", "paper_counts"}
    assert kept <= set(box["ballot"]) and set(box) == {"ballot", "ballots", "result"}
    assert box["ballot"]["eligible"] == sorted(u.id for u in [facilitator, *voters])


def test_the_fingerprint_can_be_recomputed_from_the_published_box(app, ctx):
    group, facilitator, voters, ballot = ballot_with_votes("dot", 3, secret=True)
    voting.close_ballot(group, ballot)
    db.session.commit()
    about = client_for(app, voters[0]).get(url_of(group, ballot, "/box.json")).get_json()["ballot"]
    assert "sha256sum" in about["fingerprint_recipe"]
    # The recipe, followed from its words alone.
    content = {
        "ballot": about["id"],
        "eligible": sorted(about["eligible"]),
        "method": about["method"],
        "options": [[o["id"], o["label"]] for o in about["options"]],
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == about["fingerprint"]
    assert about["fingerprint"] == db.session.get(Ballot, ballot.id).fingerprint


# Who could vote ---------------------------------------------------------------------------


def awkward_ballot(*, secret: bool):
    """A vote whose option names need care when quoted: an apostrophe, an accent."""
    group = make_group()
    facilitator, _ = make_member(group, "facilitator")
    alice, _ = make_member(group, "resident", name="Alice Able")
    bob, _ = make_member(group, "resident", name="Bob Brook")
    ballot = voting.create_ballot(
        group,
        facilitator,
        title="Which café?",
        method="approval",
        options=[("Children's café", None), ('The "new" hall & garden', None)],
        secret=secret,
    )
    voting.open_ballot(group, ballot)
    db.session.commit()
    return group, facilitator, alice, bob, ballot


def test_members_of_a_named_vote_see_names_and_numbers_and_can_recompute_the_fingerprint(app, ctx):
    group, facilitator, alice, bob, ballot = awkward_ballot(secret=False)
    response = client_for(app, alice).get(url_of(group, ballot, "/voters"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Alice Able" in page and "Bob Brook" in page and f">{bob.id}<" in page
    canonical = canonical_on(page)
    assert hashlib.sha256(canonical.encode()).hexdigest() == ballot.fingerprint
    assert json.loads(canonical)["eligible"] == sorted([facilitator.id, alice.id, bob.id])
    assert "It matches the list above" in page


def test_a_secret_vote_lists_numbers_only_and_tells_you_yours(app, ctx):
    group, facilitator, alice, bob, ballot = awkward_ballot(secret=True)
    page = client_for(app, alice).get(url_of(group, ballot, "/voters")).get_data(as_text=True)
    assert "Alice Able" not in page.split("<main")[1] and "Bob Brook" not in page
    assert f"Your number is {alice.id}." in page
    assert f"<li>{bob.id}</li>" in page
    outsider_of_the_list, _ = make_member(group, "resident")  # joined after it opened
    page = client_for(app, outsider_of_the_list).get(url_of(group, ballot, "/voters")).text
    assert "Your number is" not in page
    assert hashlib.sha256(canonical_on(page).encode()).hexdigest() == ballot.fingerprint


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs sha256sum")
def test_the_command_shown_prints_the_fingerprint_whatever_the_option_names(app, ctx):
    group, facilitator, alice, bob, ballot = awkward_ballot(secret=False)
    page = client_for(app, alice).get(url_of(group, ballot, "/voters")).get_data(as_text=True)
    command = html.unescape(re.search(r'id="command">(.*?)</pre>', page, re.S).group(1))
    printed = subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, check=True, env={"LC_ALL": "C.UTF-8"}
    ).stdout
    assert printed.split()[0] == ballot.fingerprint


def test_a_long_list_of_voters_is_paged_and_the_recipe_still_has_everyone(app, ctx):
    group, facilitator, alice, bob, ballot = awkward_ballot(secret=False)
    app.config["PAGE_SIZE"], size = 2, app.config["PAGE_SIZE"]
    try:
        client = client_for(app, alice)
        first = client.get(url_of(group, ballot, "/voters")).get_data(as_text=True)
        second = client.get(url_of(group, ballot, "/voters?page=2")).get_data(as_text=True)
    finally:
        app.config["PAGE_SIZE"] = size
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert canonical_on(first) == canonical_on(second)
    assert len(json.loads(canonical_on(first))["eligible"]) == 3


# Open data -------------------------------------------------------------------------------


CHECKING = ("/box.json", "/box.csv", "/check", "/voters")


def test_a_published_log_opens_a_closed_votes_box_to_everyone_without_names(app, ctx):
    group, facilitator, alice, bob, ballot = awkward_ballot(secret=False)
    voting.cast(ballot, alice, [voting.ballot_options(ballot)[0].id])
    receipt = voting.my_current(ballot, alice).receipt
    voting.close_ballot(group, ballot)
    group.public_log = True
    db.session.commit()
    for visitor in (app.test_client(), client_for(app, make_user())):
        for page in CHECKING:
            assert visitor.get(url_of(group, ballot, page)).status_code == 200, page
        voters = visitor.get(url_of(group, ballot, "/voters")).get_data(as_text=True)
        assert "Alice Able" not in voters and f"<li>{alice.id}</li>" in voters
        assert "Your number is" not in voters
        assert hashlib.sha256(canonical_on(voters).encode()).hexdigest() == ballot.fingerprint
        check = visitor.get(url_of(group, ballot, "/check"), query_string={"receipt": receipt})
        assert "Children&#39;s café" in check.get_data(as_text=True)
        # The vote's own page stays with members.
        assert visitor.get(url_of(group, ballot)).status_code in (302, 404)


def test_an_open_vote_stays_with_members_even_when_the_log_is_published(app, ctx):
    group, facilitator, alice, bob, ballot = awkward_ballot(secret=False)
    group.public_log = True
    db.session.commit()
    for page in CHECKING[2:]:
        response = app.test_client().get(url_of(group, ballot, page))
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
        assert client_for(app, make_user()).get(url_of(group, ballot, page)).status_code == 404
        assert client_for(app, bob).get(url_of(group, ballot, page)).status_code == 200


def test_a_closed_votes_box_stays_with_members_when_the_log_is_not_published(app, ctx):
    group, facilitator, alice, bob, ballot = awkward_ballot(secret=False)
    voting.close_ballot(group, ballot)
    db.session.commit()
    for page in CHECKING:
        response = app.test_client().get(url_of(group, ballot, page))
        if page in ("/box.json", "/box.csv"):
            # Programs read the box: a plain refusal, and the group stays unseen.
            assert response.status_code == 404 and response.json["error"], page
        else:
            assert response.status_code == 302, page
        assert client_for(app, make_user()).get(url_of(group, ballot, page)).status_code == 404
        assert client_for(app, bob).get(url_of(group, ballot, page)).status_code == 200


def test_a_vote_that_does_not_exist_looks_like_an_open_one_to_visitors(app, ctx):
    group, facilitator, alice, bob, ballot = awkward_ballot(secret=False)
    group.public_log = True
    db.session.commit()
    missing = f"/groups/{group.slug}/ballots/{ballot.id + 1000}/check"
    assert app.test_client().get(missing).status_code == 302
    assert client_for(app, make_user()).get(missing).status_code == 404
    assert client_for(app, bob).get(missing).status_code == 404


# Links from the vote's page -------------------------------------------------------------


def test_the_ballot_page_links_to_the_check_and_the_list_of_voters(app, ctx):
    group, facilitator, voters, ballot = ballot_with_votes("approval", 3)
    client = client_for(app, voters[0])
    check = f'href="{url_of(group, ballot, "/check")}"'
    listed = f'href="{url_of(group, ballot, "/voters")}"'
    page = client.get(url_of(group, ballot)).get_data(as_text=True)
    assert check in page and listed in page  # by the receipt, and by the fingerprint
    voting.close_ballot(group, ballot)
    db.session.commit()
    page = client.get(url_of(group, ballot)).get_data(as_text=True)
    result = page.split('id="result"')[1]
    assert check in result and listed in page


# A recount of the demo from the published box alone ----------------------------------------


@pytest.mark.usefixtures("upload_folder")
def test_every_closed_demo_vote_recounts_from_its_published_box_alone(app, ctx):
    load_demo()
    db.session.commit()
    group = groups.get_group("riverside")
    member = next(u for _m, u in groups.all_members(group) if u.email == "resident@example.org")
    client = client_for(app, member)
    closed = list(
        db.session.scalars(
            db.select(Ballot).where(Ballot.group_id == group.id, Ballot.closed_at.is_not(None))
        )
    )
    assert {b.method for b in closed} == {"approval", "dot", "ranked", "score"}
    for ballot in closed:
        box = client.get(url_of(group, ballot, "/box.json")).get_json()
        about = box["ballot"]
        rules = tally.Rules(
            method=about["method"],
            options=tuple(o["id"] for o in about["options"]),
            dots=about["dots"],
            max_per_option=about["max_per_option"],
            quorum_percent=about["quorum_percent"],
            eligible=about["eligible_count"],
        )
        paper = (
            {int(k): v for k, v in about["paper_counts"].items()}
            if about["paper_counted"]
            else None
        )
        recount = tally.count(rules, [entry["choices"] for entry in box["ballots"]], paper)
        assert json.loads(json.dumps(recount)) == box["result"], about["title"]
        assert len(about["eligible"]) == about["eligible_count"]


# What the pages cost ------------------------------------------------------------------------


def test_the_check_and_voters_pages_keep_their_query_budget_as_voters_grow(
    app, ctx, login, count_queries
):
    counts = {"check": [], "voters": [], "box": []}
    for n_voters in (3, 60):
        group, facilitator, voters, ballot = ballot_with_votes("ranked", n_voters)
        voting.close_ballot(group, ballot)
        db.session.commit()
        client = login(voters[0])
        pages = {
            "check": url_of(group, ballot, f"/check?receipt={receipts(ballot)[0]}"),
            "voters": url_of(group, ballot, "/voters"),
            "box": url_of(group, ballot, "/box.json"),
        }
        for name, url in pages.items():
            client.get(url)
            with count_queries() as q:
                assert client.get(url).status_code == 200, url
            counts[name].append(q.count)
    for name, (few, many) in counts.items():
        assert few == many, (name, counts)
    assert counts["check"][1] <= CHECK_PAGE_BUDGET, counts
    assert counts["voters"][1] <= VOTERS_PAGE_BUDGET, counts
    assert counts["box"][1] <= BOX_BUDGET, counts
