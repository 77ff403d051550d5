"""The drawing kit for the pictures of who was told, and when, drawn on the server as
SVG (`timeline` for one decision, `months` for a group).

No charting library and no script: the SVG is built as text, every piece of
text from the data is escaped, and the result is returned as Markup for the
templates. The pictures follow the site's rules:

* ``role="img"`` with ``aria-labelledby`` naming a ``<title>`` and a ``<desc>``;
* nothing is told by colour alone: statuses have their own marker shapes, the
  two kinds of bar have different fills (hatched and solid), there is a legend
  in words, and the values are printed;
* no ``style`` attributes (the Content-Security-Policy forbids inline styles):
  presentation attributes and classes only; sizes come from ``.lb-chart`` in
  ``assets/_pictures.scss``;
* text at least 12 units high, in #0b0c0c on white.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from flask import has_request_context
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

from app.labels import TOLD_LABELS

LONDON = ZoneInfo("Europe/London")

INK = "#0b0c0c"
GREY = "#505a5f"
RULE = "#b1b4b6"
FAINT = "#dedfe0"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

#: Marker shape and colour per status. The shape carries the meaning; colour only helps.
MARKS = {
    "consulted_before": ("square", "#1d70b8"),
    "told_on_time": ("circle", "#00703c"),
    "told_late": ("triangle", "#b35300"),
    "told_earlier_version": ("diamond", "#4c2c92"),
    "not_told_overdue": ("cross", "#d4351c"),
    "not_told": ("ring", GREY),
}


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def esc(value) -> str:
    """Text safe inside XML: escaped, and without characters XML 1.0 cannot hold."""
    return str(escape(_NOT_XML.sub("", str(value))))


def num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def text_width(text: str, size: float) -> float:
    """A generous guess of how wide text is in a sans-serif face."""
    return len(text) * size * 0.58


def fit(text: str, width: float, size: float) -> str:
    """Shorten text with an ellipsis so that it fits the width."""
    if text_width(text, size) <= width:
        return text
    keep = max(int(width / (size * 0.58)) - 1, 1)
    return text[:keep].rstrip() + "…"


def wrap(text: str, width: float, size: float, lines: int = 2) -> list[str]:
    out: list[str] = []
    for word in text.split():
        if out and text_width(f"{out[-1]} {word}", size) <= width:
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
    if len(out) > lines:
        out = out[: lines - 1] + [" ".join(out[lines - 1 :])]
    return [fit(line, width, size) for line in out] or [""]


def svg_text(x, y, content, *, size=14, anchor="start", weight=None, cls=None, halo=False) -> str:
    attrs = f'x="{x:.1f}" y="{y:.1f}" font-size="{size}"'
    if halo:  # a white edge, so that text crossing a line stays readable
        attrs += ' stroke="#fff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"'
        cls = f"{cls} lb-chart__halo" if cls else "lb-chart__halo"
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    if cls:
        attrs += f' class="{cls}"'
    return f"<text {attrs}>{esc(content)}</text>"


def picture_locale() -> str:
    if has_request_context():
        from flask_babel import get_locale

        found = get_locale()
        if found is not None and found.language != "en":
            return str(found)
    return "en_GB"


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def in_london(moment: datetime) -> datetime:
    return aware(moment).astimezone(LONDON)


def day_words(moment: datetime | date, pattern: str = "d MMM") -> str:
    """ "3 Mar": a short date, in London time."""
    if isinstance(moment, datetime):
        moment = in_london(moment).date()
    return babel_format_date(moment, pattern, locale=picture_locale())


def status_label(status: str) -> str:
    return str(TOLD_LABELS.get(status, status))


def lag_words(lag: timedelta | None, status: str) -> str:
    if lag is None:
        return ""
    if status == "consulted_before" or lag < timedelta(0):
        return _("before it was decided")
    hours = lag.total_seconds() / 3600
    if hours < 1:
        return _("within the hour")
    if hours < 24:
        return ngettext("%(num)d hour after", "%(num)d hours after", int(hours))
    return _("%(days)s days after", days=num(round(hours / 24, 1)))


def marker(status: str, x: float, y: float, size: float = 6.5) -> str:
    """The status's marker, centred on (x, y)."""
    shape, colour = MARKS.get(status, ("ring", GREY))
    cls = f'class="lb-chart__shape lb-chart__shape--{shape}"'
    if shape == "circle":
        return f'<circle {cls} cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{colour}"/>'
    if shape == "square":
        s = size * 0.9
        return (
            f'<rect {cls} x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" '
            f'height="{2 * s:.1f}" fill="{colour}"/>'
        )
    if shape == "triangle":
        s = size * 1.15
        points = f"{x:.1f},{y - s:.1f} {x + s:.1f},{y + s * 0.8:.1f} {x - s:.1f},{y + s * 0.8:.1f}"
        return f'<polygon {cls} points="{points}" fill="{colour}"/>'
    if shape == "diamond":
        s = size * 1.2
        points = f"{x:.1f},{y - s:.1f} {x + s:.1f},{y:.1f} {x:.1f},{y + s:.1f} {x - s:.1f},{y:.1f}"
        return f'<polygon {cls} points="{points}" fill="{colour}"/>'
    if shape == "cross":
        s = size * 0.8
        return (
            f'<path {cls} d="M{x - s:.1f} {y - s:.1f}L{x + s:.1f} {y + s:.1f}'
            f'M{x + s:.1f} {y - s:.1f}L{x - s:.1f} {y + s:.1f}" stroke="{colour}" '
            f'stroke-width="3" stroke-linecap="round" fill="none"/>'
        )
    return (
        f'<circle {cls} cx="{x:.1f}" cy="{y:.1f}" r="{size - 1:.1f}" fill="#fff" '
        f'stroke="{colour}" stroke-width="2"/>'
    )


def svg_picture(
    kind: str, width: float, height: float, id_prefix: str, title: str, desc: str, body
):
    prefix = esc(id_prefix)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lb-chart lb-chart--{kind}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" focusable="false" '
        f'font-family="{FONT}" font-size="14" fill="{INK}">'
        f'<title id="{prefix}-title">{esc(title)}</title>'
        f'<desc id="{prefix}-desc">{esc(desc)}</desc>' + "".join(body) + "</svg>"
    )


def draw_legend(items: list[tuple[str, str]], width: float, top: float, size: int = 13):
    """Legend entries (swatch SVG drawn at 0,0; words) flowed into lines. Returns (svg, bottom)."""
    parts, x, y, line = [], 0.0, top + 10, 22
    for swatch, words in items:
        wide = 22 + text_width(words, size)
        if x > 0 and x + wide > width:
            x, y = 0.0, y + line
        parts.append(
            f'<g class="lb-chart__key" transform="translate({x + 8:.1f} {y:.1f})">'
            f"{swatch}{svg_text(14, 4.5, words, size=size)}</g>"
        )
        x += wide + 16
    return "".join(parts), y + 12
