"""No English left on a Polish or Urdu page: every word Logbook itself puts on a page
goes through the catalogue. Words hard-coded in Python or in a library's widget (a
chart's title, the date boxes' "Day") slip past the catalogue check, so this test
reads the demo group's pages as a member who reads Polish, then Urdu, and fails on
any piece of text that is exactly an English phrase the catalogue translates.

Notices are left out (the inbox): a notice keeps the words it was written in for
the people told at the time, and the demo's were written before anyone chose.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.accounts.services import get_user_by_email
from app.demo import load_demo
from app.extensions import db
from tests.conftest import sign_in
from tests.privacy.helpers import crawl

TRANSLATIONS = Path(__file__).resolve().parents[1] / "app" / "translations"
#: Attributes whose words a person reads or hears.
READ_ALOUD = ("aria-label", "title", "placeholder", "alt", "data-label")


def english_phrases(language: str) -> set[str]:
    """Every whole English phrase the catalogue gives a different translation for.
    Phrases with placeholders are left out: they never appear on a page as written."""
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as source:
        catalogue = read_po(source)
    phrases = set()
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if english and "%(" not in english and english not in translations:
                phrases.add(" ".join(english.split()))
    return phrases


class Words(HTMLParser):
    """The pieces of text on a page a person reads: text between tags, and the
    attributes a screen reader says."""

    def __init__(self):
        super().__init__()
        self.pieces: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in READ_ALOUD and value:
                self.pieces.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.pieces.append(data)


def english_left(html: str, phrases: set[str]) -> set[str]:
    words = Words()
    words.feed(html)
    found = set()
    for piece in words.pieces:
        piece = " ".join(piece.split())
        for candidate in (piece, piece.rstrip(":").strip()):
            if len(candidate) > 2 and candidate in phrases:
                found.add(candidate)
    return found


def test_the_finder_sees_a_hard_coded_english_phrase():
    phrases = english_phrases("pl")
    assert "Result" in phrases and "Day" in phrases
    page = '<p>Wynik</p><svg><title id="t">Result</title></svg><label>Day</label>'
    assert english_left(page, phrases) == {"Result", "Day"}
    assert english_left("<p>Wynik</p><p>Dzień</p>", phrases) == set()


@pytest.mark.parametrize(
    "email, language, within",
    [
        ("facilitator@example.org", "pl", "/groups/riverside"),
        ("resident@example.org", "ur", "/groups/riverside"),
        ("officer@example.org", "pl", "/groups/riverside"),
        ("admin@example.org", "ur", "/admin"),
    ],
)
def test_the_demo_groups_pages_have_no_english_left(app, ctx, email, language, within):
    with app.app_context():
        load_demo()
    person = get_user_by_email(email)
    person.language = language
    db.session.commit()
    client = app.test_client()
    sign_in(client, person)
    phrases = english_phrases(language)

    pages = crawl(client, "/", within=within, limit=250)
    pages.update(crawl(client, "/", within="/account", limit=30))
    read = {url: html for url, html in pages.items() if html}
    assert len(read) > 10, sorted(pages)
    left = {
        url: sorted(found) for url, html in read.items() if (found := english_left(html, phrases))
    }
    assert left == {}, left
