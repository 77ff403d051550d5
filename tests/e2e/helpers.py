"""What browser tests do again and again: sign in, and check a page for everyone."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.config import ROOT
from app.demo import DEMO_PASSWORD

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PHONE_WIDTH = 360


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))


def fill_date(page, legend: str, day) -> None:
    """Type a date into a GOV.UK date input (day, month, year boxes under one legend)."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def axe_violations(page) -> list[str]:
    # A click may have started a navigation: check the page it lands on, once loaded.
    page.wait_for_load_state()
    page.locator("main").first.wait_for(state="attached")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.map(v => `${v.id}: ${v.help} -> ` +
                v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(' | '));
        }""",
        AXE_TAGS,
    )
    return results


#: The elements that stick out past the right edge, outermost first.
WIDEST = """() => {
  const edge = document.documentElement.clientWidth + 1;
  const clipped = (e) => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== 'visible' || s.position === 'absolute') return true;
    }
    return false;
  };
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > edge && !clipped(e))
    .slice(0, 5)
    .map(e => `${e.tagName.toLowerCase()}.${e.className} "${(e.textContent || '').trim()
      .slice(0, 40)}" (${Math.round(e.getBoundingClientRect().right)}px)`);
}"""


def check_page(page) -> None:
    """Zero axe-core violations at the current width and at 360 px, with no sideways scroll.

    axe-core is a script, so a page without JavaScript is checked as rendered: the
    same address, opened by the same person in a browser that runs scripts.
    """
    if getattr(page.context, "lb_without_javascript", False):
        return _check_as_rendered(page)
    where = page.url
    found = axe_violations(page)
    assert found == [], f"{where}: {found}"
    size = page.viewport_size
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    try:
        found = axe_violations(page)
        assert found == [], f"{where} at {PHONE_WIDTH}px: {found}"
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        if overflow > PHONE_WIDTH:
            culprits = page.evaluate(WIDEST)
            raise AssertionError(
                f"{where} scrolls sideways at {PHONE_WIDTH}px ({overflow}px): {culprits}"
            )
    finally:
        page.set_viewport_size(size)


def without_javascript(context):
    """Mark a browser context made with java_script_enabled=False, for check_page."""
    context.lb_without_javascript = True
    return context


def _check_as_rendered(page) -> None:
    browser = page.context.browser
    context = browser.new_context(
        storage_state=page.context.storage_state(),
        viewport=page.viewport_size,
        bypass_csp=True,
    )
    try:
        twin = context.new_page()
        twin.goto(page.url)
        check_page(twin)
    finally:
        context.close()


def link_in(body: str) -> str:
    match = re.search(r"https?://\S+", body)
    assert match, body
    return match.group(0)
