"""Times and dates as residents type them, read in one place.

Times: "18:30", "18.30", "6.30pm", "6:30 pm", "6pm", "6 PM", "noon", "midnight".
Dates, day first as in the UK: "12/12/2026", "12-12-2026", "12.12.2026",
"12 12 2026", "12 Dec 2026", "12 December 2026", and "2026-12-12". A month's name
may also be written in the reader's language ("12 grudnia 2026", "12 دسمبر 2026").

Anything else is refused rather than guessed: "25:00", "6.75pm", "13pm", a bare "6"
(morning or evening?), 31/02/2026, or a year given in two figures.
"""

from __future__ import annotations

import re
from datetime import date, time
from functools import lru_cache

from babel.dates import get_month_names
from flask_babel import get_locale

_TWENTY_FOUR = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_TWELVE = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)$")
_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMBERS = re.compile(r"^(\d{1,2})\s*([/.\-\s])\s*(\d{1,2})\s*\2\s*(\d{4})$")
_NAMED = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


@lru_cache(maxsize=8)
def _months_in(language: str) -> dict[str, int]:
    """English month names, and the language's own, full and short, as they stand
    alone and as they are written in a date (Polish: "grudzień", "12 grudnia")."""
    names = dict(_MONTHS)
    if language != "en":
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, language).items():
                    names.setdefault(name.lower().rstrip("."), number)
    return names


def _readers_language() -> str:
    locale = get_locale()  # None outside a request
    return locale.language if locale else "en"


def parse_time(text: str) -> time:
    """The time of day in `text`; ValueError when it is not one of the clear forms."""
    typed = " ".join(str(text).split()).lower()
    if typed in _WORDS:
        return _WORDS[typed]
    if match := _TWENTY_FOUR.match(typed):
        hour, minute = int(match[1]), int(match[2])
        if hour > 23 or minute > 59:
            raise ValueError(typed)
        return time(hour, minute)
    if match := _TWELVE.match(typed):
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise ValueError(typed)
        hour = hour % 12 + (12 if match[3].startswith("p") else 0)
        return time(hour, minute)
    raise ValueError(typed)


def parse_date(text: str) -> date:
    """The day in `text`, day first; ValueError when it is not a real date in a clear form."""
    typed = " ".join(str(text).split()).lower()
    if match := _ISO.match(typed):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _NUMBERS.match(typed):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif match := _NAMED.match(typed):
        months = _months_in(_readers_language())
        if match[2] not in months:
            raise ValueError(typed)
        day, month, year = int(match[1]), months[match[2]], int(match[3])
    else:
        raise ValueError(typed)
    if year < 1000:
        raise ValueError(typed)
    return date(year, month, day)  # ValueError for 31/02/2026 and the like
