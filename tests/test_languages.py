"""Every resident reads Logbook in their language: English, Polish or Urdu.

The pages follow the language chosen at the top of every page (before signing in
too), or the person's own, or the browser's; Urdu pages run right to left. A
person is told of decisions in their own language, whoever recorded them. The
catalogue check fails on a missing or broken translation.
"""

from __future__ import annotations

import re

from babel.messages.catalog import Catalog
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.languages import COOKIE
from app.notices import worker
from app.notices.models import Announcement
from scripts.check_translations import all_problems, catalogue_problems
from tests.conftest import sign_in
from tests.decisions.helpers import record
from tests.factories import PASSWORD, make_group, make_member, make_user


def html_tag(page: str) -> str:
    return page[page.index("<html") : page.index(">", page.index("<html")) + 1]


# The catalogues --------------------------------------------------------------------


def test_every_marked_string_has_a_polish_and_an_urdu_translation():
    assert all_problems() == []


def _catalogues(translation, english="Hello %(name)s", plural=None):
    template = Catalog(locale="en")
    template.add(english if plural is None else (english, plural))
    catalogue = Catalog(locale="pl")
    catalogue.add(english if plural is None else (english, plural), translation)
    return catalogue, template


def test_the_check_finds_a_missing_a_broken_and_a_fuzzy_translation():
    assert catalogue_problems(*_catalogues("Dzień dobry %(name)s"), "pl") == []
    [missing] = catalogue_problems(*_catalogues(""), "pl")
    assert "no translation" in missing
    [renamed] = catalogue_problems(*_catalogues("Dzień dobry %(imie)s"), "pl")
    assert "placeholders" in renamed and "%(imie)s" in renamed
    [dropped] = catalogue_problems(*_catalogues("Dzień dobry"), "pl")
    assert "placeholders" in dropped
    catalogue, template = _catalogues("Dzień dobry %(name)s")
    catalogue.get("Hello %(name)s").flags.add("fuzzy")
    assert "fuzzy" in catalogue_problems(catalogue, template, "pl")[0]
    # Polish needs three plural forms.
    two = _catalogues(("%(num)d dzień", "%(num)d dni"), "%(num)d day", "%(num)d days")
    assert any("3" in problem for problem in catalogue_problems(*two, "pl"))
    del template["Hello %(name)s"]
    assert catalogue_problems(catalogue, template, "pl") == []


# Choosing the language -------------------------------------------------------------


def test_the_browser_language_decides_before_anyone_chooses(app, ctx):
    client = app.test_client()
    polish = client.get("/sign-in", headers={"Accept-Language": "pl,en;q=0.5"}).text
    assert 'lang="pl"' in html_tag(polish) and 'dir="ltr"' in html_tag(polish)
    assert "Zaloguj się" in polish
    urdu = client.get("/sign-in", headers={"Accept-Language": "ur-PK"}).text
    assert 'lang="ur"' in html_tag(urdu) and 'dir="rtl"' in html_tag(urdu)
    english = client.get("/sign-in", headers={"Accept-Language": "fr"}).text
    assert 'lang="en"' in html_tag(english) and "Sign in" in english


def test_choosing_a_language_before_signing_in_is_remembered(app, ctx):
    client = app.test_client()
    page = client.get("/sign-in").text
    assert 'name="language" value="ur"' in page and 'lang="ur"' in page  # offered on every page
    response = client.post("/language", data={"language": "ur", "next": "/sign-in"})
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    cookie = response.headers["Set-Cookie"]
    assert f"{COOKIE}=ur" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    later = client.get("/sign-in", headers={"Accept-Language": "en"}).text
    assert 'dir="rtl"' in html_tag(later)


def test_a_wrong_language_or_a_foreign_return_address_is_refused(app, ctx):
    client = app.test_client()
    refused = client.post("/language", data={"language": "xx", "next": "/sign-in"})
    assert refused.status_code == 422
    assert "Choose one of the languages" in refused.text
    assert COOKIE not in refused.headers.get("Set-Cookie", "")
    for elsewhere in ("https://evil.example/", "//evil.example/x", "evil", "/\\evil.example"):
        response = client.post("/language", data={"language": "pl", "next": elsewhere})
        assert response.headers["Location"] == "/", elsewhere


def test_a_signed_in_persons_own_language_wins_and_choosing_changes_it(app, ctx):
    group = make_group()
    person, _ = make_member(group, "resident", language="pl")
    db.session.commit()
    client = app.test_client()
    sign_in(client, person)
    page = client.get("/", headers={"Accept-Language": "ur"}).text
    assert 'lang="pl"' in html_tag(page)
    assert client.post("/language", data={"language": "ur", "next": "/"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, person.id).language == "ur"
    assert 'dir="rtl"' in html_tag(client.get("/").text)


def test_signing_in_keeps_the_language_someone_signed_in_with(app, ctx):
    person = make_user(email="jan@example.org")
    assert person.language is None
    db.session.commit()
    client = app.test_client()
    client.post("/language", data={"language": "pl", "next": "/sign-in"})
    client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data={"email": "jan@example.org", "password": PASSWORD},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code in (302, 303)
    db.session.expire_all()
    assert db.session.get(User, person.id).language == "pl"


def test_someone_who_chose_english_stays_english_whatever_the_browser(app, ctx):
    person = make_user(email="amy@example.org")
    person.language = "en"
    db.session.commit()
    client = app.test_client()
    client.post(
        "/sign-in",
        data={"email": "amy@example.org", "password": PASSWORD},
        headers={"Accept-Language": "ur"},
    )
    db.session.expire_all()
    assert db.session.get(User, person.id).language == "en"


# Told in one's own language --------------------------------------------------------


def test_each_member_is_emailed_in_their_own_language(app, ctx, mailbox):
    group = make_group()
    officer, _ = make_member(group, "officer", language="en")
    people = {}
    for language in ("en", "pl", "ur"):
        person, _ = make_member(group, "resident", language=language)
        person.preferred_channels = ["in_app", "email"]
        people[language] = person
    db.session.commit()
    record(group, officer, title="Bins move to Wednesdays")
    assert worker.work_once().sent == 3

    english = mailbox.to(people["en"].email)[0]
    polish = mailbox.to(people["pl"].email)[0]
    urdu = mailbox.to(people["ur"].email)[0]
    assert english["Subject"] == "Decision: Bins move to Wednesdays"
    assert polish["Subject"] == "Decyzja: Bins move to Wednesdays"
    assert urdu["Subject"] != english["Subject"] and "Bins move to Wednesdays" in urdu["Subject"]
    assert "has recorded a decision" in mailbox.body(english)
    assert "has recorded a decision" not in mailbox.body(polish)
    assert "Odcisk rejestru grupy" in mailbox.body(polish)
    # The record keeps the site's words, and each other language once.
    announcement = db.session.scalar(select(Announcement))
    assert announcement.title == "Decision: Bins move to Wednesdays"
    assert sorted(announcement.texts) == ["pl", "ur"]


def test_the_inbox_shows_a_notice_in_the_readers_language(app, ctx):
    group = make_group()
    officer, _ = make_member(group, "officer", language="en")
    reader, _ = make_member(group, "resident", language="pl")
    db.session.commit()
    record(group, officer, title="Bins move to Wednesdays")
    client = app.test_client()
    sign_in(client, reader)
    inbox = client.get("/inbox").text
    assert "Decyzja: Bins move to Wednesdays" in inbox


def test_the_readmes_translation_check_runs_as_written():
    import subprocess

    from app.config import ROOT

    readme = (ROOT / "README.md").read_text()
    assert "./scripts/translations check" in readme and "messages.po" in readme
    done = subprocess.run(
        [str(ROOT / "scripts" / "translations"), "check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no problems" in done.stdout


def test_words_in_every_template_folder_are_found_including_the_shared_macros():
    from scripts.check_translations import extracted_ids

    found = extracted_ids()
    assert {"Group menu", "Overview", "Reply to this comment"} <= found  # templates/_macros
    assert "Choose one of the languages listed at the top of the page." in found  # app/


# The words GOV.UK's form widgets add ------------------------------------------------


def test_date_boxes_and_the_error_prefix_are_in_the_readers_language(app, ctx):
    """The widgets' own words ("Day", "Month", "Year", and "Error:" read out before a
    field's message) follow the page's language like everything else."""
    group = make_group()
    facilitator, _ = make_member(group, "facilitator", language="pl")
    db.session.commit()
    client = app.test_client()
    sign_in(client, facilitator)
    form = client.get(f"/groups/{group.slug}/meetings/new")
    assert form.status_code == 200
    labels = re.findall(r'govuk-date-input__label"[^>]*>\s*([^<]+?)\s*<', form.text)
    assert labels == ["Dzień", "Miesiąc", "Rok"]

    refused = client.post(
        f"/groups/{group.slug}/meetings/new",
        data={"title": "", "kind": "group_meeting", "day": ["31", "2", "2030"]},
    )
    assert refused.status_code == 422
    assert '<span class="govuk-visually-hidden">Błąd:</span>' in refused.text
    assert "Error:" not in refused.text
