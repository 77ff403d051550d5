"""Hostile input to every form and every page, generated: whatever anyone sends, the
answer is never a 500, and a refusal says why.

Each route of the permission matrix gets a fresh world (tests/test_permission_matrix.py)
and is used by someone allowed to use it, so the input really reaches the form and the
services behind it rather than being turned away at the door. The fields posted are
the ones the route's own form shows (read from the page that carries it), filled with
values a form would send and with values it never would: wrong types, numbers too big
for any column, impossible dates, long lines, bytes that are not UTF-8, markup, paths,
unicode that reorders or combines, fields sent twice, left out, or made up; now and
then JSON of any shape instead of the form. Every page gets the same treatment in its
query string, and every id in an address is tried with ids that are not there.

The examples are generated in the same order on every run (derandomized), so a run
that passes passes again; a failure prints the exact request to reproduce it.
"""

from __future__ import annotations

import io
import os
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import limiter
from tests.conftest import sign_in
from tests.test_permission_matrix import MATRIX, POSTS, _url
from tests.test_permission_matrix import world as matrix_world
from tests.uploads import samples

#: The matrix's world, rebuilt for each route: a group with one person of each role
#: and one of everything.
world = matrix_world

#: Public forms: the matrix lists them by their GET page, and anyone may post them.
PUBLIC_FORMS = {
    "accounts.sign_in",
    "accounts.forgot_password",
    "accounts.reset_password",
    "groups.join",
}
#: Every route that takes a POST.
FORM_ROUTES = sorted(
    {endpoint for endpoint, (method, _a, _p) in MATRIX.items() if method == "POST"}
    | set(POSTS)
    | PUBLIC_FORMS
)
PAGES = sorted(endpoint for endpoint, (method, _a, _p) in MATRIX.items() if method == "GET")

#: Who uses a route, among those allowed: the first of these the matrix lets in.
PREFERRED = (
    "facilitator",
    "officer",
    "resident_adviser",
    "partner",
    "resident",
    "admin",
    "non_member",
)

#: Fields of buttons the world's pages do not show (they need a second agenda item, a
#: decision on the item, a ballot not yet open), as the page would send them.
NOT_SHOWN: dict[str, dict[str, set[str]]] = {
    "meetings.step": {"position": {"1", "2"}},
    "meetings.tell_room": {"decision": {"1"}},
    "meetings.open_ballot": {"ballot": {"1", "2"}},
}

#: Examples per route. Enough to meet each kind of hostile value on each field a few
#: times over the whole file, few enough that the file runs in a few minutes. Set
#: FUZZ_EXAMPLES to search further for a while (e.g. FUZZ_EXAMPLES=500).
FORM_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 40))
PAGE_EXAMPLES = max(FORM_EXAMPLES // 5, 1)

#: Query-string names that some page reads (pagination, filters, search, next).
QUERY_NAMES = (
    "page",
    "show",
    "past",
    "large",
    "forward_plan",
    "status",
    "priority",
    "kind",
    "enquiry",
    "q",
    "to",
    "next",
    "receipt",
    "domain",
    "told_page",
    "members_page",
)

MEGABYTE = 1024 * 1024

#: Values no form of ours sends, but anyone can.
HOSTILE_TEXT = (
    "",
    " ",
    "0",
    "-1",
    "-0",
    "1.5",
    "1e309",
    "NaN",
    "inf",
    "0x10",
    "\u0661\u0662",  # Arabic-Indic digits, which int() reads as 12
    "99999999999999999999",
    "-99999999999999999999",
    str(2**31),
    str(2**63),
    str(-(2**63) - 1),
    "0000-00-00",
    "99999-01-01",
    "2026-02-30",
    "31/12/9999",
    "1970-01-01T00:00:00Z",
    "24:00",
    "25:61",
    "-1:-1",
    "true",
    "on",
    "None",
    "null",
    "[]",
    "{}",
    "%00",
    "%",
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "/etc/passwd",
    "file:///etc/passwd",
    "//evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7 * 7 }}",
    "${7*7}",
    "' OR 1=1 --",
    "\u202eevil\u202c",
    "\u200f\u200e\u200b",
    "e\u0301\u0301\u0301\u0301",
    "\U0001f3f3\ufe0f\u200d\U0001f308\U0001f469\u200d\U0001f469\u200d\U0001f467",
    "\ufeff",
    "\uffff",
    "\U0010ffff",
    "\r",
    "one\rtwo\rthree\r",
    "\r\n\r\n",
    "\n\n\n",
    "\t",
    "x" * 255,
    "x" * 256,
    "x" * 1001,
    "word " * 20_000,
    "y" * 200_000,  # one long line, under the form size limit
    "line\n" * 20_000,
)
#: Bytes that are not UTF-8: a lone surrogate, an overlong slash, stray bytes.
HOSTILE_BYTES = (b"\xff\xfe", b"\xed\xa0\x80", b"\xc0\xaf", b"ok\x80", b"\xe2\x82")
#: Names of fields that no form has, some of which a careless view might trust.
ODD_NAMES = (
    "id",
    "user_id",
    "group_id",
    "member_id",
    "role",
    "is_admin",
    "admin",
    "csrf_token",
    "submit",
    "next",
    "__proto__",
    "a[]",
    "",
    "x" * 300,
    "title\r",
    "\u00e9\U0001f642",
)

dates = st.tuples(st.integers(-10, 100_000), st.integers(-1, 13), st.integers(-1, 32)).map(
    lambda d: f"{d[0]:04d}-{d[1]:02d}-{d[2]:02d}"
)
numbers = st.one_of(st.integers(), st.integers(-(2**80), 2**80)).map(str)
text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40)
hostile = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.sampled_from(HOSTILE_BYTES),
    numbers,
    dates,
    text,
    st.just("z" * MEGABYTE),  # larger than any form may be
    st.just("\x00"),  # refused before any view sees it
)


#: What a program might post instead of a form: JSON of any shape.
json_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), numbers.map(int), st.floats(), text, st.sampled_from(HOSTILE_TEXT)
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)),
    max_leaves=6,
)


def json_bodies(fields: dict[str, set[str]]):
    names = st.one_of(st.sampled_from(sorted(fields)), text) if fields else text
    return st.one_of(st.dictionaries(names, json_values, max_size=6), json_values)


class Forms(HTMLParser):
    """The forms on a page: where each posts to, and its fields with the values the
    page offers (a text box's value, a select's options, a tick box's value)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (a.get("method") or "get").lower(),
                    "action": a.get("action") or "",
                    "multipart": "multipart" in (a.get("enctype") or ""),
                    "fields": {},
                    "boxes": {},
                    "files": set(),
                }
            )
            return
        if not self.forms or not a.get("name"):
            if tag == "option" and self.forms and self._select and a.get("value") is not None:
                self.forms[-1]["fields"][self._select].add(a["value"])
            return
        fields = self.forms[-1]["fields"]
        name = a["name"]
        if tag == "input" and a.get("type") == "file":
            self.forms[-1]["files"].add(name)
            return
        if tag in ("input", "textarea", "select", "button"):
            fields.setdefault(name, set())
            if a.get("type") not in ("checkbox", "radio", "submit", "hidden"):
                # A date is three boxes of one name: a form sends all three.
                boxes = self.forms[-1]["boxes"]
                boxes[name] = boxes.get(name, 0) + 1
            if a.get("value"):
                fields[name].add(a["value"])
        if tag == "select":
            self._select = name

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_on(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def role_for(endpoint: str) -> str:
    if endpoint in PUBLIC_FORMS:
        return "anonymous"
    allowed = POSTS.get(endpoint) or MATRIX[endpoint][1]
    return next((role for role in PREFERRED if role in allowed), "anonymous")


def client_as(app, people, role):
    client = app.test_client()
    if role != "anonymous":
        sign_in(client, people[role])
    return client


def form_for(app, client, endpoint, url, url_args, reset_args) -> dict:
    """The fields of the form(s) that post to `url`: on its own page when it has one,
    else on the pages of its domain that carry a button for it."""
    path = urlsplit(url).path
    found = {"fields": {}, "boxes": {}, "files": set(), "multipart": False}
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    places = [url] if "GET" in rule.methods else []
    if not places:
        domain = endpoint.split(".")[0] + "."
        places = [
            _url(app, page, url_args, reset_args)
            for page in PAGES
            if page.startswith(domain) and not page.endswith(("_pdf", "_file", "_json", "_csv"))
        ]
    for place in places:
        response = client.get(place)
        if response.mimetype != "text/html":
            continue
        for form in forms_on(response.get_data(as_text=True)):
            action = urlsplit(form["action"]).path or urlsplit(place).path
            if form["method"] != "post" or action != path:
                continue
            for name, values in form["fields"].items():
                found["fields"].setdefault(name, set()).update(values)
            found["files"] |= form["files"]
            for name, boxes in form["boxes"].items():
                found["boxes"][name] = max(boxes, found["boxes"].get(name, 0))
            found["multipart"] |= form["multipart"]
    for name, values in NOT_SHOWN.get(endpoint, {}).items():
        found["fields"].setdefault(name, set()).update(values)
    return found


#: Words in a field's name that say what a person would type there.
NUMBER_NAMES = ("days", "minutes", "dots", "quorum", "present", "count-", "guests", "version")


def plausible(name: str, boxes: int):
    """What a person would type in a box the page offers no value for."""
    if boxes == 3:  # day, month, year
        return st.tuples(
            st.integers(1, 28).map(str),
            st.integers(1, 12).map(str),
            st.sampled_from(("2025", "2027")),  # some dates must be past, some to come
        ).map(list)
    lowered = name.lower()
    if "time" in lowered:
        value = st.sampled_from(("18:30", "9.15"))
    elif "email" in lowered:
        value = st.integers(1, 10**6).map(lambda n: f"person{n}@example.org")
    elif "link" in lowered or "url" in lowered:
        value = st.just("https://example.org/paper")
    elif "phone" in lowered:
        value = st.just("01632 960001")
    elif "password" in lowered or "confirm" in lowered:
        value = st.just("correct horse battery staple")
    elif any(word in lowered for word in NUMBER_NAMES):
        value = st.integers(0, 30).map(str)
    elif lowered == "slug":
        value = st.integers(1, 10**6).map(lambda n: f"group-{n}")
    else:
        value = st.sampled_from(("Damp in the flats", "Bins", "A few words."))
    return value.map(lambda v: [v])


def offered_or_plausible(name: str, offered: list[str], boxes: int):
    if offered and boxes != 3:
        return st.lists(st.sampled_from(offered), min_size=1, max_size=2, unique=True)
    return plausible(name, boxes)


def hostile_values(name: str, offered: list[str], boxes: int):
    """The values sent for one field, none of them what a form would send: hostile
    ones, as many as the form has boxes or some other number, or none at all."""
    one = st.one_of(st.sampled_from(offered), hostile) if offered else hostile
    return st.one_of(
        st.lists(hostile, min_size=max(boxes, 1), max_size=max(boxes, 1)),
        st.lists(one, min_size=0, max_size=4),
    )


@st.composite
def submissions(draw, fields: dict[str, set[str]], files: set[str], boxes: dict[str, int]):
    """Name-value pairs as a browser (or anyone else) might send them: either all of
    them hostile, or all as a person would fill them in but one, so that the input
    gets past the first check and into the services behind it."""
    names = sorted(fields)
    all_hostile = draw(st.booleans()) or not names
    target = None if all_hostile else draw(st.sampled_from(names))
    pairs: list[tuple[str, str | bytes]] = []
    for name in names:
        offered = sorted(fields[name])
        count = boxes.get(name, 0)
        if all_hostile or name == target:
            values = draw(hostile_values(name, offered, count))
        else:
            values = draw(offered_or_plausible(name, offered, count))
        pairs += [(name, value) for value in values]
    for _ in range(draw(st.integers(0, 2))):
        pairs.append((draw(st.one_of(st.sampled_from(ODD_NAMES), text)), draw(hostile)))
    uploads = {}
    for name in sorted(files):
        if draw(st.booleans()):
            content = draw(
                st.one_of(
                    st.binary(max_size=64),
                    st.sampled_from((samples.pdf(), samples.png(), samples.docx_with_macros())),
                    st.sampled_from((samples.exe(), samples.html(), samples.svg())),
                )
            )
            filename = draw(
                st.one_of(
                    st.sampled_from(
                        ("a.pdf", "../../etc/passwd", "..\\x.pdf", "", ".pdf", "x" * 300 + ".pdf")
                    ),
                    text.map(lambda t: t + ".pdf"),
                )
            )
            uploads[name] = (content, filename)
    return pairs, uploads


def as_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def urlencoded(pairs) -> bytes:
    return "&".join(
        f"{quote(as_bytes(n), safe='')}={quote(as_bytes(v), safe='')}" for n, v in pairs
    ).encode("ascii")


def multipart(pairs, uploads) -> dict:
    data: dict[str, list] = {}
    for name, value in pairs:
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        data.setdefault(name, []).append(value)
    for name, (content, filename) in uploads.items():
        data.setdefault(name, []).append((io.BytesIO(content), filename))
    return data


def check_answer(response, where: str) -> None:
    assert response.status_code < 500, where
    if response.status_code < 400:
        return
    if response.is_json:
        assert response.json.get("error"), where
        return
    page = response.get_data(as_text=True)
    says_why = "govuk-error-summary" in page or "govuk-error-message" in page
    says_why = says_why or 'class="govuk-heading-l"' in page  # an error page, with its title
    assert says_why, f"{where}: {response.status_code} with no message"


def fuzz_settings(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


def test_every_route_that_takes_a_form_is_fuzzed(app):
    takes_post = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    assert takes_post == set(FORM_ROUTES)


@pytest.mark.parametrize("endpoint", FORM_ROUTES)
def test_no_form_input_makes_a_route_fail(app, world, endpoint):
    people, url_args, reset_args = world
    url = _url(app, endpoint, url_args, reset_args)
    role = role_for(endpoint)
    form = form_for(app, client_as(app, people, role), endpoint, url, url_args, reset_args)

    @fuzz_settings(FORM_EXAMPLES)
    @given(
        submission=submissions(form["fields"], form["files"], form["boxes"]),
        htmx=st.booleans(),
        # Now and then, JSON instead of the form.
        as_json=st.one_of(st.none(), st.none(), st.none(), json_bodies(form["fields"])),
    )
    def post(submission, htmx, as_json):
        pairs, uploads = submission
        limiter.reset()
        client = client_as(app, people, role)
        headers = {"HX-Request": "true"} if htmx else {}
        if as_json is not None:
            response = client.post(url, json=as_json, headers=headers)
            check_answer(response, f"{role} POST {url} JSON {as_json!r:.2000}")
            return
        if form["multipart"] or uploads:
            response = client.post(
                url,
                data=multipart(pairs, uploads),
                headers=headers,
                content_type="multipart/form-data",
            )
        else:
            response = client.post(
                url,
                data=urlencoded(pairs),
                headers=headers,
                content_type="application/x-www-form-urlencoded",
            )
        check_answer(response, f"{role} POST {url} {pairs!r:.2000}")

    post()


@pytest.mark.parametrize("endpoint", PAGES)
def test_no_query_string_makes_a_page_fail(app, world, endpoint):
    people, url_args, reset_args = world
    url = _url(app, endpoint, url_args, reset_args)
    role = role_for(endpoint)
    client = client_as(app, people, role)
    names = set(QUERY_NAMES)
    page = client.get(url)
    if page.mimetype == "text/html":
        for form in forms_on(page.get_data(as_text=True)):
            if form["method"] == "get":
                names |= set(form["fields"])
    pairs_of = submissions({name: set() for name in names}, set(), {})

    @fuzz_settings(PAGE_EXAMPLES)
    @given(submission=pairs_of)
    def get(submission):
        pairs, _uploads = submission
        pairs = [(n, v) for n, v in pairs if len(as_bytes(v)) < 4096]  # an address is short
        query = urlencoded(pairs).decode("ascii")
        response = client.get(f"{url}{'&' if '?' in url else '?'}{query}")
        check_answer(response, f"{role} GET {url}?{query:.2000}")

    get()


#: Ids no page links to: none, the largest a column holds, and past it.
STRANGER_IDS = (0, 2**31 - 1, 2**31, 10**20)


def test_an_id_that_is_not_there_never_fails_a_route(app, world):
    people, url_args, reset_args = world
    for endpoint in sorted(set(MATRIX) | set(POSTS)):
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        url = _url(app, endpoint, url_args, reset_args)
        role = role_for(endpoint)
        client = client_as(app, people, role)
        parts = url.split("/")
        for name in (name for name in rule.arguments if name.endswith("_id")):
            # The id's own place in the address (ids of other things may be equal).
            position = rule.rule.split("/").index(f"<int:{name}>")
            for stranger in STRANGER_IDS:
                wrong = "/".join(parts[:position] + [str(stranger)] + parts[position + 1 :])
                for method in sorted({"GET", "POST"} & rule.methods):
                    response = client.open(wrong, method=method)
                    where = f"{role} {method} {wrong}"
                    check_answer(response, where)
                    if method == "GET":
                        assert response.status_code == 404, where
                    # A post about nothing may be refused, or answered as done already
                    # (withdrawing an invitation that is not there leaves nothing to do).
