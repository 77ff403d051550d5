"""Tokens for scripts, made and revoked in a browser without JavaScript and used by a
script; and a facilitator's member page, which offers a person's details only where
the group keeps them. Every page visited is checked with axe-core, also at 360 px."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from playwright.sync_api import expect

from tests.e2e.helpers import check_page, sign_in


def fetch(base: str, path: str, token: str) -> tuple[int, dict, dict]:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response), dict(response.headers)
    except urllib.error.HTTPError as refused:
        return refused.code, json.load(refused), dict(refused.headers)


def test_a_member_makes_a_token_a_script_uses_it_and_revoking_stops_it(new_page, live_server):
    page = new_page(javascript=False)
    sign_in(page, "resident@example.org")
    page.get_by_role("link", name="Your details").click()
    page.get_by_role("link", name="Manage your tokens").click()
    expect(page.get_by_role("heading", name="Tokens for scripts")).to_be_visible()
    expect(page.get_by_text("You have no tokens.")).to_be_visible()
    check_page(page)

    page.get_by_role("button", name="Make a token").click()
    expect(page.get_by_role("link", name="Give the token a name")).to_be_visible()
    check_page(page)
    page.get_by_label("Name for the token").fill("Ward dashboard")
    page.get_by_role("button", name="Make a token").click()
    token = page.get_by_label("The token", exact=True).input_value()
    assert token.startswith("lbk_") and len(token) >= 36
    expect(page.get_by_text("Copy it now: it is shown this once.")).to_be_visible()
    check_page(page)

    status, body, headers = fetch(live_server.url, "/groups/riverside/decisions.json", token)
    assert status == 200 and body["decisions"]
    assert "Set-Cookie" not in headers

    page.goto("/account/tokens")
    assert token not in page.content()
    expect(page.get_by_role("cell", name="Ward dashboard", exact=True)).to_be_visible()
    page.get_by_role("link", name="Revoke Ward dashboard").click()
    expect(page.get_by_text("Any script using it stops working at once.")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Yes, revoke it").click()
    expect(page.get_by_text("was revoked")).to_be_visible()
    expect(page.get_by_text("You have no tokens.")).to_be_visible()

    status, body, _headers = fetch(live_server.url, "/groups/riverside/decisions.json", token)
    assert status == 401 and body["error"]


def test_a_facilitator_changes_only_the_role_of_someone_who_keeps_their_own_details(page):
    sign_in(page, "facilitator@example.org")
    page.goto("/groups/riverside/members")
    page.get_by_role("link", name="Rita Resident").click()
    page.get_by_role("button", name="Change role").click()
    expect(page.get_by_role("heading", name="Change Rita Resident's role")).to_be_visible()
    expect(page.get_by_text("keeps their own name and contact details")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_count(0)
    check_page(page)

    page.goto("/groups/riverside/members")
    page.get_by_role("link", name="Doris Hughes").click()
    page.get_by_role("button", name="Change details").click()
    expect(page.get_by_role("heading", name="Change Doris Hughes's details")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Doris Hughes")
    check_page(page)
