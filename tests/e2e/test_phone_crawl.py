"""Every page, as every kind of visitor, on a 360 px phone, with hostile data.

Each GET route of the permission matrix is asked for by each visitor, in Chromium at
360 x 740 (one browser profile each), in a world whose free text is long unbroken
strings (tests/e2e/crawl_world.py). Every answer must be the one the matrix expects.
Routes the visitor may use are opened as pages; those they may not are asked for by
the same profile without drawing the refusal, and redirects are judged by their first
answer.

With JavaScript on, each HTML page that answers 200 must not scroll sideways and must
have no axe-core violations. Downloads (JSON, CSV, calendars, PDFs, ZIPs) are only
checked to answer. axe-core is the slow part, so it runs once per distinct page rather
than once per (route, visitor): a page whose outline (its markup with every attribute
but values, links and script nonces, and the length of each text rather than its
words) matches a page already checked, for any visitor, is not checked again. Each
visitor's own buttons, forms and messages change the outline, so they are all
checked; what is skipped is the same page shown to someone else. Every page is still
measured for sideways scroll.

With JavaScript off, every page must answer, and every distinct form on every page
(the same action and fields count once per visitor) must send and be answered
without a server error, a refused form token (400) or a wrong method (405), each
visitor in a fresh world of their own so what one sends cannot change another's
pages. Forms that end the visitor's session, take them out of the group or erase
someone are sent last (LAST, with the reasons).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as BrowserError

from tests.e2e.crawl_world import seed
from tests.e2e.helpers import axe_violations, sign_in
from tests.factories import PASSWORD
from tests.test_permission_matrix import MATRIX, OPEN_DATA, TOKEN_ONLY, VISITORS, request_endpoint
from tests.uploads import samples

PHONE = {"width": 360, "height": 740}

#: Rows of the matrix that answer differently on a site like the one under test.
ELSEWHERE = {
    # Caught mail is shown only on a development site without a mail server, and the
    # served app has one.
    "notices.caught_mail": 404,
}

#: Forms sent after every other form of the visitor, in this order, because sending
#: them takes away what other forms act on, ends the visitor's session, takes away
#: their membership or erases someone the other pages are about.
LAST = (
    "notices.make_pack",  # takes the waiting letters out of the pack already made
    "notices.call",  # the only call on the sheet, which "told in person" also answers
    "decisions.withdraw_told",  # the told record the call sheet and the pack come from
    "groups.withdraw_invitation",  # the invitation the joining page is about
    "meetings.agenda_remove",  # the item the agenda item's own page edits
    "meetings.cancel",  # the planned meeting the agenda forms are about
    "groups.remove_member",  # the person whose pages the others open
    "enquiries.team_remove",  # the academic lead, who opens the enquiry's team pages
    "privacy.admin_erase",  # erases that same person
    "groups.leave",  # the visitor leaves the group
    "privacy.erase",  # would erase the visitor
    "accounts.end_other_sessions",
    "accounts.end_session",
    "accounts.sign_out",  # in the header of every page
)

#: What sticks out past the right edge, as CSS selectors, widest first: elements wider
#: than the screen and elements whose text runs past it (a long word does not widen its
#: box), each only where its parent does not stick out too.
CULPRITS = """() => {
  const edge = window.innerWidth + 1;
  const clipped = (e) => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== 'visible' || s.position === 'absolute') return true;
    }
    return false;
  };
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    [...e.classList].map(c => '.' + c).join('');
  const path = (e) => {
    const parts = [];
    for (let p = e; p && p !== document.body && parts.length < 4; p = p.parentElement) {
      parts.unshift(name(p));
    }
    return parts.join(' > ');
  };
  const right = new Map();
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect().right;
    if (r > edge && !clipped(e)) right.set(e, r);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    if (!t.textContent.trim()) continue;
    range.selectNodeContents(t);
    const r = range.getBoundingClientRect().right;
    const e = t.parentElement;
    if (r > edge && !clipped(e)) right.set(e, Math.max(r, right.get(e) || 0));
  }
  const outermost = [...right.keys()].filter(e => !right.has(e.parentElement));
  outermost.sort((a, b) => right.get(b) - right.get(a));
  return outermost.slice(0, 3).map(e => `${path(e)} (${Math.round(right.get(e))}px)`);
}"""

#: The page's markup without its words: tags, their attributes and how long each
#: text is. Two visitors shown pages with the same outline are shown the same page
#: but for names and tokens, and axe-core would find the same on both.
OUTLINE = """() => {
  const out = [];
  const walk = (n) => {
    if (n.nodeType === Node.TEXT_NODE) { out.push(n.textContent.trim().length); return; }
    if (n.nodeType !== Node.ELEMENT_NODE) return;
    const attrs = [...n.attributes]
      .filter(a => !['value', 'href', 'action', 'content', 'hx-headers', 'nonce']
        .includes(a.name))
      .map(a => a.name + '=' + a.value).sort().join(' ');
    out.push('<' + n.tagName + ' ' + attrs);
    n.childNodes.forEach(walk);
    out.push('>');
  };
  walk(document.documentElement);
  return out.join('|');
}"""

NOT_A_PAGE = ("application/json", "text/csv", "text/calendar", "application/pdf", "application/zip")


@dataclass
class Tally:
    visits: int = 0
    axe_pages: int = 0
    forms_sent: int = 0
    problems: list[str] = field(default_factory=list)


def expected_answer(endpoint: str, visitor: str, url: str, slug: str, status: int, location: str):
    """What is wrong with this first answer, by the matrix (None when nothing is)."""
    _method, allowed, _public = MATRIX[endpoint]
    if endpoint in ELSEWHERE and visitor in allowed:
        good = status == ELSEWHERE[endpoint]
    elif visitor in allowed:
        good = (status < 400 or status in (409, 422)) and "next=" not in location
    elif endpoint in TOKEN_ONLY:
        good = status in (401, 403, 404)
    elif endpoint in OPEN_DATA:
        good = status == 404
    elif visitor == "anonymous":
        good = status == 302 and "/sign-in?next=" in location
    elif visitor in ("non_member", "admin") and f"/groups/{slug}" in url:
        good = status == 404  # outsiders must not learn that a private group exists
    else:
        good = status == 403
    return None if good else f"{visitor} GET {url}: answered {status} {location}".rstrip()


def first_answer(response) -> tuple[int, str]:
    """The status and Location of the first answer, before any redirect was followed."""
    request = response.request
    while request.redirected_from is not None:
        request = request.redirected_from
    first = request.response()
    return first.status, first.headers.get("location", "")


def open_page(page, url: str):
    """Open a page the way a visitor would; a download is asked for again, outside
    the page, to see its answer. Returns (status, location, final response or None)."""
    try:
        response = page.goto(url)
    except BrowserError as error:
        if "Download is starting" not in str(error) and "ERR_ABORTED" not in str(error):
            raise
        answer = page.context.request.get(url, max_redirects=0)
        return answer.status, answer.headers.get("location", ""), None
    status, location = first_answer(response)
    return status, location, response


def visit(page, world, visitor: str, endpoint: str, url: str, tally) -> object | None:
    """Ask for the route as the visitor, note a wrong answer, and return the browser's
    answer when it drew a page. Routes the visitor may not use are asked for by the
    same browser profile without drawing the refusal, which is not a page to check."""
    tally.visits += 1
    if visitor in MATRIX[endpoint][1]:
        status, location, response = open_page(page, url)
    else:
        answer = page.context.request.get(url, max_redirects=0)
        status, location, response = answer.status, answer.headers.get("location", ""), None
    wrong = expected_answer(endpoint, visitor, url, world.slug, status, location)
    if wrong:
        tally.problems.append(wrong)
    return response if response is not None and is_page(response) else None


def is_page(response) -> bool:
    kind = (response.headers.get("content-type") or "").split(";")[0].strip()
    return response.status == 200 and kind == "text/html"


def signed_in_context(browser, live_server, world, visitor: str, javascript: bool):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        bypass_csp=True,  # the test's own axe script is injected
        java_script_enabled=javascript,
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    if visitor != "anonymous":
        sign_in(page, world.emails[visitor], PASSWORD)
    return context, page


def test_every_page_fits_a_phone_and_passes_axe_for_every_visitor(browser, live_server):
    world = seed(live_server, "crawl-phone")
    tally, started = Tally(), time.monotonic()
    overflow, axe = [], []
    outlines = set()  # of the pages axe-core has checked
    for visitor in VISITORS:
        context, page = signed_in_context(browser, live_server, world, visitor, javascript=True)
        checked = set()  # where redirects land, checked once per visitor
        try:
            for endpoint, url in world.urls.items():
                response = visit(page, world, visitor, endpoint, url, tally)
                if response is None:
                    continue
                landed = urlsplit(page.url).path
                if landed in checked:
                    continue
                checked.add(landed)
                width = page.evaluate("() => document.documentElement.scrollWidth")
                if width > page.evaluate("() => window.innerWidth"):
                    overflow.append(
                        f"{visitor} {endpoint} {landed} ({width}px): {page.evaluate(CULPRITS)}"
                    )
                outline = hashlib.sha256(page.evaluate(OUTLINE).encode()).hexdigest()
                if outline in outlines:
                    continue
                outlines.add(outline)
                tally.axe_pages += 1
                found = axe_violations(page)
                if found:
                    axe.append(f"{visitor} {endpoint} {landed}: {found}")
        finally:
            context.close()
    took = time.monotonic() - started
    assert tally.axe_pages > len(VISITORS), "too few pages were checked to trust the crawl"
    print(
        f"\nJavaScript on: {tally.visits} route x visitor visits, "
        f"{tally.axe_pages} pages checked with axe, in {took:.0f}s"
    )
    failures = (
        [f"wrong answer: {p}" for p in tally.problems]
        + [f"scrolls sideways: {p}" for p in overflow]
        + [f"axe: {p}" for p in axe]
    )
    assert failures == [], f"{len(failures)} problems:\n" + "\n".join(failures)


@dataclass
class Form:
    page: str  # the endpoint of the page it was found on
    endpoint: str  # the one it sends to
    key: tuple  # what makes it the same form on another page, or in another world


def forms_on(page, app) -> list[tuple[int, str, tuple]]:
    """Each form on the page: its index, the endpoint it sends to and what identifies it
    (read by the browser's own tools, which work when the page's scripts do not)."""
    found = []
    forms = page.locator("form").evaluate_all(
        """fs => fs.map(f => [f.getAttribute('method') || 'get', f.getAttribute('action'),
            [...f.querySelectorAll('[name]')].map(e => e.getAttribute('name'))])"""
    )
    for index, (method, action, names) in enumerate(forms):
        method = method.lower()
        action = urlsplit(action or page.url).path or urlsplit(page.url).path
        try:
            endpoint = request_endpoint(app, action, method.upper())
        except Exception:  # noqa: BLE001 - a form that sends where nothing answers
            endpoint = f"(nothing answers {method.upper()} {action})"
        key = (method, endpoint, tuple(sorted(set(names) - {"csrf_token"})))
        found.append((index, endpoint, key))
    return found


#: Values a person might type, by the kind of box.
TYPED = {
    "email": "someone@example.org",
    "url": "https://example.org/",
    "tel": "01632 960000",
    "number": "1",
    "date": "2030-01-02",
    "time": "18:30",
    "password": "not the right password",
}


def fill_required(form) -> None:
    """Fill what the browser itself refuses to send empty; leave the rest as it is."""
    for box in form.locator("input[required], textarea[required], select[required]").all():
        tag = box.evaluate("e => e.tagName.toLowerCase()")
        kind = (box.get_attribute("type") or "text").lower()
        if tag == "select":
            values = box.locator("option").evaluate_all("os => os.map(o => o.value).filter(v => v)")
            if values:
                box.select_option(values[0])
        elif kind in ("checkbox", "radio"):
            box.check()
        elif kind == "file":
            box.set_input_files(
                {"name": "crawl.pdf", "mimeType": "application/pdf", "buffer": samples.pdf()}
            )
        elif kind != "hidden" and not box.input_value():
            box.fill(TYPED.get(kind, "Crawl"))


class Gone(Exception):
    """The form is no longer on its page: another form sent before it took away what
    it acts on (marking a whole pack posted leaves no letter to mark on its own)."""


def send(page, world, form: Form, app) -> str | None:
    """Send one form as a visitor without JavaScript would: what went wrong, or None."""
    url = world.urls[form.page]
    where = f"{form.endpoint} form on {url}"
    page.goto(url)
    matching = [i for i, _e, key in forms_on(page, app) if key == form.key]
    if not matching:
        raise Gone(where)
    # The same form may be drawn twice (the header's, for wide and for narrow screens):
    # use one a person can see, opening any closed <details> it is folded into first.
    element = button = None
    for index in matching:
        candidate = page.locator("form").nth(index)
        for summary in candidate.locator("xpath=ancestor::details[not(@open)]/summary").all():
            if summary.is_visible():
                summary.click()
        buttons = candidate.locator(
            "button:not([type]), button[type=submit], input[type=submit], input[type=image]"
        )
        if buttons.count() and buttons.first.is_visible():
            element, button = candidate, buttons
            break
    if element is None:
        return f"{where}: has no button a person can see to send it"
    fill_required(element)
    answers, downloads = [], []

    def note(response):
        if response.request.is_navigation_request() and response.frame == page.main_frame:
            answers.append(response)

    def downloaded(download):
        downloads.append(download)

    page.on("response", note)
    page.on("download", downloaded)
    try:
        button.first.click()
        deadline = time.monotonic() + 10
        while not downloads and not any(not 300 <= a.status < 400 for a in answers):
            if time.monotonic() > deadline:
                return f"{where}: sent, but nothing came back"
            page.wait_for_timeout(50)
        page.wait_for_load_state()
    finally:
        page.remove_listener("response", note)
        page.remove_listener("download", downloaded)
    for answer in answers:
        if answer.status >= 500 or answer.status in (400, 405):
            return f"{where}: {answer.request.method} {answer.url} answered {answer.status}"
    return None


@pytest.mark.parametrize("visitor", VISITORS)
def test_every_page_answers_and_every_form_sends_without_javascript(browser, live_server, visitor):
    name = f"crawl-plain-{visitor.replace('_', '-')}"
    world = seed(live_server, name)
    tally, started = Tally(), time.monotonic()
    context, page = signed_in_context(browser, live_server, world, visitor, javascript=False)
    to_send: dict[tuple, Form] = {}
    gone: list[Form] = []
    try:
        for endpoint, url in world.urls.items():
            if visit(page, world, visitor, endpoint, url, tally) is None:
                continue
            for _index, action, key in forms_on(page, live_server.app):
                to_send.setdefault(key, Form(endpoint, action, key))
        assert to_send, f"{visitor} was shown no form at all"
        order = {endpoint: n for n, endpoint in enumerate(LAST)}
        for form in sorted(to_send.values(), key=lambda f: order.get(f.endpoint, -1)):
            try:
                problem = send(page, world, form, live_server.app)
            except Gone:
                gone.append(form)
                continue
            tally.forms_sent += 1
            if problem:
                tally.problems.append(problem)
    finally:
        context.close()
    # Each form another took away is sent again in a world of its own, where it is first.
    for n, form in enumerate(gone):
        again = seed(live_server, f"{name}-{n}")
        context, page = signed_in_context(browser, live_server, again, visitor, javascript=False)
        try:
            tally.forms_sent += 1
            problem = send(page, again, form, live_server.app)
        except Gone as where:
            problem = f"{where}: not on its page even in a fresh world"
        finally:
            context.close()
        if problem:
            tally.problems.append(problem)
    took = time.monotonic() - started
    print(
        f"\nJavaScript off, {visitor}: {tally.visits} routes visited, "
        f"{tally.forms_sent} forms sent ({len(gone)} in a fresh world), in {took:.0f}s"
    )
    assert tally.problems == [], f"{len(tally.problems)} problems:\n" + "\n".join(tally.problems)
