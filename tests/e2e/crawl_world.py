"""The permission matrix's world, seeded into the served app's database with hostile
free text: every name, title, description, comment and note is one long unbroken
string, so a page that cannot wrap it scrolls sideways on a phone."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from app.extensions import db
from tests.test_permission_matrix import MATRIX, _url, build_world

#: Starts with a Latin letter from outside ASCII and ends with a right-to-left one.
LONG_WORD = "Ł" + "x" * 298 + "ی"
#: A web address with no spaces, as people paste them.
LONG_LINK = ("https://example.org/council/minutes/" + "-".join(["cabinet-decision-2026"] * 20))[
    :300
]
assert len(LONG_WORD) == len(LONG_LINK) == 300

_turn = itertools.count()


def hostile(_text, most: int | None = None) -> str:
    """A long unbroken word or a long link, in turn, as long as the field takes."""
    most = min(most or 300, 300)
    if next(_turn) % 2:
        return LONG_LINK[:most]
    return LONG_WORD[: most - 1] + LONG_WORD[-1]


@dataclass
class World:
    slug: str
    emails: dict[str, str]  # visitor -> email address (the password is the factories')
    urls: dict[str, str]  # GET endpoint -> path to visit


def seed(live_server, slug: str) -> World:
    """A fresh world in its own group, committed where the served app reads it."""
    app = live_server.app
    with app.app_context():
        people, url_args, reset_args = build_world(slug, hostile)
        db.session.commit()
        emails = {visitor: person.email for visitor, person in people.items()}
        urls = {
            endpoint: _url(app, endpoint, url_args, reset_args)
            for endpoint, (method, _allowed, _public) in MATRIX.items()
            if method == "GET"
        }
        db.session.remove()
    return World(slug, emails, urls)
