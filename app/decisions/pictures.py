"""Pictures of who was told, and when, drawn on the server as SVG.

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
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from flask import has_request_context
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

from app.decisions.figures import Month
from app.decisions.told import STATUSES
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

#: More members than this and the timeline counts them by day instead of one row each.
MEMBER_ROWS = 40
#: The monthly picture shows at most this many months, the latest.
MONTHS_SHOWN = 12

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# Small helpers ---------------------------------------------------------------


def _esc(value) -> str:
    """Text safe inside XML: escaped, and without characters XML 1.0 cannot hold."""
    return str(escape(_NOT_XML.sub("", str(value))))


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _text_width(text: str, size: float) -> float:
    """A generous guess of how wide text is in a sans-serif face."""
    return len(text) * size * 0.58


def _fit(text: str, width: float, size: float) -> str:
    """Shorten text with an ellipsis so that it fits the width."""
    if _text_width(text, size) <= width:
        return text
    keep = max(int(width / (size * 0.58)) - 1, 1)
    return text[:keep].rstrip() + "…"


def _wrap(text: str, width: float, size: float, lines: int = 2) -> list[str]:
    out: list[str] = []
    for word in text.split():
        if out and _text_width(f"{out[-1]} {word}", size) <= width:
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
    if len(out) > lines:
        out = out[: lines - 1] + [" ".join(out[lines - 1 :])]
    return [_fit(line, width, size) for line in out] or [""]


def _text(x, y, content, *, size=14, anchor="start", weight=None, cls=None, halo=False) -> str:
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
    return f"<text {attrs}>{_esc(content)}</text>"


def _locale() -> str:
    if has_request_context():
        from flask_babel import get_locale

        found = get_locale()
        if found is not None and found.language != "en":
            return str(found)
    return "en_GB"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _local(moment: datetime) -> datetime:
    return _aware(moment).astimezone(LONDON)


def _day(moment: datetime | date, pattern: str = "d MMM") -> str:
    """ "3 Mar": a short date, in London time."""
    if isinstance(moment, datetime):
        moment = _local(moment).date()
    return babel_format_date(moment, pattern, locale=_locale())


def _status_label(status: str) -> str:
    return str(TOLD_LABELS.get(status, status))


def _lag_words(lag: timedelta | None, status: str) -> str:
    if lag is None:
        return ""
    if status == "consulted_before" or lag < timedelta(0):
        return _("before it was decided")
    hours = lag.total_seconds() / 3600
    if hours < 1:
        return _("within the hour")
    if hours < 24:
        return ngettext("%(num)d hour after", "%(num)d hours after", int(hours))
    return _("%(days)s days after", days=_num(round(hours / 24, 1)))


def _shape(status: str, x: float, y: float, size: float = 6.5) -> str:
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


def _svg(kind: str, width: float, height: float, id_prefix: str, title: str, desc: str, body):
    prefix = _esc(id_prefix)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lb-chart lb-chart--{kind}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" focusable="false" '
        f'font-family="{FONT}" font-size="14" fill="{INK}">'
        f'<title id="{prefix}-title">{_esc(title)}</title>'
        f'<desc id="{prefix}-desc">{_esc(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _legend(items: list[tuple[str, str]], width: float, top: float, size: int = 13):
    """Legend entries (swatch SVG drawn at 0,0; words) flowed into lines. Returns (svg, bottom)."""
    parts, x, y, line = [], 0.0, top + 10, 22
    for swatch, words in items:
        wide = 22 + _text_width(words, size)
        if x > 0 and x + wide > width:
            x, y = 0.0, y + line
        parts.append(
            f'<g class="lb-chart__key" transform="translate({x + 8:.1f} {y:.1f})">'
            f"{swatch}{_text(14, 4.5, words, size=size)}</g>"
        )
        x += wide + 16
    return "".join(parts), y + 12


# One decision: when each member was told --------------------------------------

# Sizes in SVG units. Narrow on purpose: on a 360px phone the picture is drawn at
# about 0.9 of its size, so 14-unit text stays about 13px high.
WIDTH = 380
NAME_W = 112
NOT_W = 78
PLOT_X0 = NAME_W + 16
PLOT_X1 = WIDTH - NOT_W - 12
NOT_X = WIDTH - NOT_W + 8
MONTHS_WIDTH = 420


@dataclass
class _Bin:
    status: str
    first: date
    last: date
    times: list[datetime] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.times)

    @property
    def mean(self) -> datetime:
        base = self.times[0]
        return base + sum((t - base for t in self.times), timedelta()) / len(self.times)


def timeline_svg(
    decided_at: datetime,
    rows: list,
    window_days: int,
    now: datetime,
    *,
    id_prefix: str = "chart",
) -> Markup:
    """When each member was told about one decision, against the time allowed."""
    decided_at, now = _aware(decided_at), _aware(now)
    due = decided_at + timedelta(days=max(window_days, 0))
    told = sorted((r for r in rows if r.told_at is not None), key=lambda r: _aware(r.told_at))
    waiting = sorted(
        (r for r in rows if r.told_at is None),
        key=lambda r: (r.status != "not_told_overdue", (r.person.name or "").casefold()),
    )
    times = [_aware(r.told_at) for r in told]
    start = min([decided_at, *times])
    end = max([due, *times, *([now] if waiting else [])])
    if end - start < timedelta(days=1):
        end = start + timedelta(days=1)
    span = (end - start).total_seconds()

    def at(moment: datetime) -> float:
        share = (_aware(moment) - start).total_seconds() / span
        return PLOT_X0 + min(max(share, 0.0), 1.0) * (PLOT_X1 - PLOT_X0)

    counts = Counter(r.status for r in rows)
    grouped = len(rows) > MEMBER_ROWS

    # Title and description: the whole story in words.
    title = _("When members were told about this decision")
    said = "; ".join(
        f"{_status_label(s)}: {counts[s]}"
        for s in (*STATUSES, *sorted(set(counts) - set(STATUSES)))
        if counts[s]
    )
    desc = " ".join(
        part
        for part in (
            _("Decided on %(date)s.", date=_day(decided_at, "d MMMM yyyy")),
            ngettext(
                "Members should be told within %(num)d day, by %(date)s.",
                "Members should be told within %(num)d days, by %(date)s.",
                max(window_days, 0),
                date=_day(due, "d MMMM yyyy"),
            ),
            ngettext("Of %(num)d member:", "Of %(num)d members:", len(rows)) + " " + said + "."
            if rows
            else _("There are no members to tell."),
            _("With this many members, the picture counts them day by day.") if grouped else "",
        )
        if part
    )

    body: list[str] = []
    # Legend: every status, the decision line and the time allowed.
    legend_items = [(_shape(s, 0, 0), _status_label(s)) for s in STATUSES]
    legend_items.append(
        (
            f'<line x1="0" y1="-8" x2="0" y2="8" stroke="{INK}" stroke-width="2"/>',
            _("Decided"),
        )
    )
    legend_items.append(
        (
            '<rect x="-7" y="-7" width="14" height="14" class="lb-chart__band" fill="#cce2d8" '
            'stroke="#00703c" stroke-dasharray="3 2"/>',
            ngettext(
                "Time allowed to tell members: %(num)d day",
                "Time allowed to tell members: %(num)d days",
                max(window_days, 0),
            ),
        )
    )
    legend, y = _legend(legend_items, WIDTH, 0)
    body.append(f'<g class="lb-chart__legend">{legend}</g>')

    header = y + 20
    top = header + 10
    lanes = _lanes(told, waiting, at, top) if grouped else _member_rows(told, waiting, at, top)
    lane_svg, bottom = lanes

    # The time allowed (shaded band) and the moment of decision (a line), behind the marks.
    x_decided, x_due = at(decided_at), at(due)
    band = (
        f'<rect class="lb-chart__band" x="{x_decided:.1f}" y="{top - 4:.1f}" '
        f'width="{max(x_due - x_decided, 1):.1f}" height="{bottom - top + 8:.1f}" '
        f'fill="#cce2d8"/>'
        f'<line x1="{x_due:.1f}" y1="{top - 4:.1f}" x2="{x_due:.1f}" y2="{bottom + 4:.1f}" '
        f'stroke="#00703c" stroke-width="1.5" stroke-dasharray="4 3"/>'
        f'<line class="lb-chart__decided" x1="{x_decided:.1f}" y1="{header + 4:.1f}" '
        f'x2="{x_decided:.1f}" y2="{bottom + 10:.1f}" stroke="{INK}" stroke-width="2"/>'
    )
    body.append(band)
    label_x = min(max(x_decided, PLOT_X0 - 10), PLOT_X1)
    body.append(
        _text(label_x, header, _("Decided"), size=13, anchor="middle", weight="bold", halo=True)
    )
    if grouped and waiting:
        body.append(_text(NOT_X - 6, header, _("Not told"), size=13, weight="bold"))
    body.append(lane_svg)

    # Time axis with a few labelled days.
    axis_y = bottom + 10
    body.append(
        f'<line class="lb-chart__axis" x1="{PLOT_X0 - 8}" y1="{axis_y:.1f}" '
        f'x2="{PLOT_X1 + 8}" y2="{axis_y:.1f}" stroke="{GREY}" stroke-width="1.5"/>'
    )
    first_day = _local(start).date()
    last_day = _local(end).date()
    if (last_day - first_day).days <= 62:
        day = first_day + timedelta(days=1)
        while day <= last_day:
            midnight = datetime(day.year, day.month, day.day, tzinfo=LONDON)
            x = at(midnight)
            body.append(
                f'<line x1="{x:.1f}" y1="{axis_y:.1f}" x2="{x:.1f}" y2="{axis_y + 4:.1f}" '
                f'stroke="{GREY}"/>'
            )
            day += timedelta(days=1)
    wanted = [(decided_at, _day(decided_at)), (due, _day(due))]
    if waiting and end == now:
        wanted.append((now, _("Today")))
    elif end != due:
        wanted.append((end, _day(end)))
    if start < decided_at:
        wanted.append((start, _day(start)))
    placed: list[tuple[float, float]] = []
    for moment, words in wanted:
        x = at(moment)
        half = _text_width(words, 13) / 2
        x = min(max(x, half), PLOT_X1 + NOT_W - half)
        if any(x - half < right + 6 and x + half > left - 6 for left, right in placed):
            continue
        placed.append((x - half, x + half))
        body.append(
            f'<line x1="{at(moment):.1f}" y1="{axis_y:.1f}" x2="{at(moment):.1f}" '
            f'y2="{axis_y + 7:.1f}" stroke="{INK}" stroke-width="1.5"/>'
        )
        body.append(_text(x, axis_y + 22, words, size=13, anchor="middle"))

    return _svg("timeline", WIDTH, axis_y + 30, id_prefix, title, desc, body)


def _member_rows(told, waiting, at, top):
    """One row per member: name, then a mark when they were told (or "not told")."""
    parts, step = [], 24
    y = top
    for row in [*told, *waiting]:
        cy = y + step / 2
        name = row.person.name or "?"
        about = f"{name}: {_status_label(row.status)}"
        if row.told_at is not None:
            when = [_day(row.told_at), _lag_words(row.lag, row.status)]
            about += ", " + ", ".join(w for w in when if w)
        parts.append(f'<g class="lb-chart__row lb-chart__row--{_esc(row.status)}">')
        parts.append(f"<title>{_esc(about)}</title>")
        parts.append(_text(0, cy + 5, _fit(name, NAME_W, 14), size=14))
        if row.told_at is not None:
            x = at(row.told_at)
            parts.append(
                f'<line x1="{PLOT_X0 - 8}" y1="{cy:.1f}" x2="{PLOT_X1 + 8}" y2="{cy:.1f}" '
                f'stroke="{FAINT}" stroke-dasharray="2 3"/>'
            )
            parts.append(_shape(row.status, x, cy))
        else:
            parts.append(
                f'<line x1="{PLOT_X0 - 8}" y1="{cy:.1f}" x2="{NOT_X - 12}" y2="{cy:.1f}" '
                f'stroke="{FAINT}" stroke-dasharray="2 3"/>'
            )
            parts.append(_shape(row.status, NOT_X, cy))
            parts.append(_text(NOT_X + 12, cy + 4.5, _("not told"), size=13))
        parts.append("</g>")
        y += step
    return "".join(parts), max(y, top + step)


def _lanes(told, waiting, at, top):
    """Many members: one lane per status, with a count for each day someone was told."""
    parts = []
    y = top
    for status in [*STATUSES, *sorted({r.status for r in told + waiting} - set(STATUSES))]:
        told_here = [r for r in told if r.status == status]
        waiting_here = [r for r in waiting if r.status == status]
        if not told_here and not waiting_here:
            continue
        total = len(told_here) + len(waiting_here)
        label = _wrap(_status_label(status), NAME_W, 13)
        lines = [*label, ngettext("%(num)d member", "%(num)d members", total)]
        height = max(len(lines) * 16 + 10, 40)
        cy = y + height / 2
        parts.append(f'<g class="lb-chart__lane lb-chart__lane--{_esc(status)}">')
        for i, line in enumerate(lines):
            first = cy - (len(lines) - 1) * 8 + 4.5
            weight = "bold" if i < len(label) else None
            parts.append(_text(0, first + i * 16, line, size=13, weight=weight))
        parts.append(
            f'<line x1="{PLOT_X0 - 8}" y1="{cy:.1f}" x2="{WIDTH:.1f}" y2="{cy:.1f}" '
            f'stroke="{FAINT}" stroke-dasharray="2 3"/>'
        )
        for found in _day_bins(status, told_here, at):
            x = at(found.mean)
            when = _day(found.first)
            if found.last != found.first:
                when = f"{when} – {_day(found.last)}"
            count = str(found.count)
            parts.append(
                f'<g class="lb-chart__count"><title>{_esc(when)}: {found.count} '
                f"({_esc(_status_label(status))})</title>{_shape(status, x, cy)}"
            )
            if x + 10 + _text_width(count, 13) > WIDTH:
                parts.append(
                    _text(x - 10, cy + 4.5, count, size=13, anchor="end", weight="bold", halo=True)
                )
            else:
                parts.append(_text(x + 10, cy + 4.5, count, size=13, weight="bold", halo=True))
            parts.append("</g>")
        if waiting_here:
            n = len(waiting_here)
            parts.append(
                f'<g class="lb-chart__count"><title>{_esc(_status_label(status))}: {n}</title>'
                f"{_shape(status, NOT_X, cy)}"
                f"{_text(NOT_X + 12, cy + 4.5, str(n), size=13, weight='bold')}</g>"
            )
        parts.append("</g>")
        y += height
    return "".join(parts), max(y, top + 40)


def _day_bins(status: str, rows, at) -> list[_Bin]:
    """Members told on each London day; days too close to label apart are merged."""
    bins: list[_Bin] = []
    for row in rows:
        moment = _aware(row.told_at)
        day = _local(moment).date()
        if bins and bins[-1].last == day:
            bins[-1].times.append(moment)
        else:
            bins.append(_Bin(status, day, day, [moment]))
    merged: list[_Bin] = []
    for found in bins:
        if merged:
            before = merged[-1]
            room = 12 + _text_width(str(before.count), 13) + 10
            if at(found.mean) - at(before.mean) < room:
                before.last = found.last
                before.times.extend(found.times)
                continue
        merged.append(found)
    return merged


# A group: month by month ------------------------------------------------------

_LABEL = re.compile(r"^(\d{4})-(\d{2})$")


def _month_date(label: str) -> date | None:
    found = _LABEL.match(label)
    if not found or not 1 <= int(found[2]) <= 12:
        return None
    return date(int(found[1]), int(found[2]), 1)


def _fill_gaps(months: list[Month]) -> list[Month]:
    """Months in order, with empty months for those without decisions, so time reads evenly."""
    months = sorted(months, key=lambda m: m.label)
    firsts = [_month_date(m.label) for m in months]
    if any(d is None for d in firsts):
        return months
    by_label = {m.label: m for m in months}
    out, day = [], firsts[0]
    while day <= firsts[-1]:
        label = f"{day.year:04d}-{day.month:02d}"
        out.append(by_label.get(label) or Month(label))
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out


def _month_words(month: Month, pattern: str) -> str:
    day = _month_date(month.label)
    return babel_format_date(day, pattern, locale=_locale()) if day else month.label


def monthly_svg(months: list[Month], *, id_prefix: str = "chart") -> Markup:
    """Three small bar charts, one column per month: notice, median wait, late and missing."""
    if not months:
        return Markup("")
    every = _fill_gaps(months)
    shown = every[-MONTHS_SHOWN:]
    n = len(shown)
    prefix = _esc(id_prefix)
    side = 8
    pitch = min(80.0, (MONTHS_WIDTH - 2 * side) / n)

    def centre(i: int) -> float:
        return side + pitch * (i + 0.5)

    first, last = _month_words(shown[0], "MMM yyyy"), _month_words(shown[-1], "MMM yyyy")
    title = _("Notice and telling, month by month")
    desc = [
        _("One column for each month, from %(first)s to %(last)s.", first=first, last=last)
        if n > 1
        else _("One column, for %(month)s.", month=first),
        _("Top: the share of decisions that had notice in the forward plan."),
        _("Middle: the median number of days until members were told."),
        _(
            "Bottom: how many times members were told late (hatched bars) "
            "and were not told when it was overdue (solid bars)."
        ),
        _("Each value is printed above its bar."),
    ]
    if len(every) > MONTHS_SHOWN:
        desc.append(
            _(
                "Only the last %(shown)d months are shown, of %(total)d.",
                shown=MONTHS_SHOWN,
                total=len(every),
            )
        )

    late_fill, missing_fill = "#b35300", "#d4351c"
    body = [
        "<defs>"
        f'<pattern id="{prefix}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<rect width="3" height="6" fill="{late_fill}"/></pattern>'
        "</defs>"
    ]
    y = 0.0

    def heading(words: str) -> None:
        nonlocal y
        for line in _wrap(words, MONTHS_WIDTH, 15, lines=2):
            y += 20
            body.append(_text(0, y, line, size=15, weight="bold"))

    def baseline(at_y: float) -> None:
        body.append(
            f'<line class="lb-chart__axis" x1="0" y1="{at_y:.1f}" x2="{MONTHS_WIDTH}" '
            f'y2="{at_y:.1f}" stroke="{GREY}" stroke-width="1.5"/>'
        )

    bar = min(pitch * 0.6, 40)

    # (a) Share of decisions with notice in the forward plan: 0 to 100%.
    # Narrow columns: "100%" would touch its neighbours, so the heading carries the "%".
    narrow = pitch < _text_width("100%", 13) + 6
    heading(
        _("Decisions with notice in the forward plan (%)")
        if narrow
        else _("Decisions with notice in the forward plan")
    )
    y += 24
    height = 80
    base = y + height
    for i, month in enumerate(shown):
        x = centre(i) - bar / 2
        share = month.share_prior_notice
        words = "–" if share is None else f"{int(share * 100 + 0.5)}%"
        printed = words.rstrip("%") if narrow else words
        about = (
            _("%(month)s: no decisions", month=_month_words(month, "MMMM yyyy"))
            if share is None
            else _(
                "%(month)s: %(n)d of %(total)d decisions had notice (%(share)s)",
                month=_month_words(month, "MMMM yyyy"),
                n=month.with_prior_notice,
                total=month.decisions,
                share=words,
            )
        )
        filled = height * (share or 0)
        body.append(
            f'<g class="lb-chart__bar"><title>{_esc(about)}</title>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height}" '
            f'fill="#f3f2f1" stroke="{RULE}"/>'
            f'<rect x="{x:.1f}" y="{base - filled:.1f}" width="{bar:.1f}" '
            f'height="{filled:.1f}" fill="#1d70b8"/>'
            f"{_text(centre(i), y - 6, printed, size=13, anchor='middle', weight='bold')}</g>"
        )
    baseline(base)
    y = base + 12

    # (b) Median days until members were told.
    heading(_("Median wait until members were told (days)"))
    y += 24
    height = 64
    base = y + height
    top_lag = max([m.median_lag_days or 0 for m in shown] + [1.0])
    for i, month in enumerate(shown):
        x = centre(i) - bar / 2
        lag = month.median_lag_days
        words = "–" if lag is None else f"{lag:.1f}"
        about = (
            _("%(month)s: nobody told", month=_month_words(month, "MMMM yyyy"))
            if lag is None
            else _(
                "%(month)s: median wait %(days)s days",
                month=_month_words(month, "MMMM yyyy"),
                days=words,
            )
        )
        filled = height * (lag or 0) / top_lag
        body.append(
            f'<g class="lb-chart__bar"><title>{_esc(about)}</title>'
            f'<rect x="{x:.1f}" y="{base - filled:.1f}" width="{bar:.1f}" '
            f'height="{filled:.1f}" fill="#1d70b8"/>'
            f"{_text(centre(i), base - filled - 6, words, size=13, anchor='middle', weight='bold')}"
            "</g>"
        )
    baseline(base)
    y = base + 12

    # (c) Members told late (hatched) and not told, overdue (solid), side by side.
    heading(_("Times members were told late, or not told"))
    key, y = _legend(
        [
            (
                f'<rect x="-7" y="-7" width="14" height="14" fill="url(#{prefix}-hatch)" '
                f'stroke="{late_fill}" stroke-width="1.5"/>',
                _("Told late (hatched)"),
            ),
            (
                f'<rect x="-7" y="-7" width="14" height="14" fill="{missing_fill}"/>',
                _("Not told: overdue (solid)"),
            ),
        ],
        MONTHS_WIDTH,
        y + 2,
    )
    body.append(f'<g class="lb-chart__legend">{key}</g>')
    y += 40
    height = 72
    base = y + height
    top_count = max([max(m.late, m.missing) for m in shown] + [1])
    pair = min(pitch * 0.38, 22)
    for i, month in enumerate(shown):
        about = _(
            "%(month)s: told late %(late)d times, not told %(missing)d times",
            month=_month_words(month, "MMMM yyyy"),
            late=month.late,
            missing=month.missing,
        )
        body.append(f'<g class="lb-chart__bar"><title>{_esc(about)}</title>')
        h_late = height * month.late / top_count
        h_missing = height * month.missing / top_count
        x_late, x_missing = centre(i) - pair - 1, centre(i) + 1
        body.append(
            f'<rect class="lb-chart__late" x="{x_late:.1f}" y="{base - h_late:.1f}" '
            f'width="{pair:.1f}" height="{h_late:.1f}" fill="url(#{prefix}-hatch)" '
            f'stroke="{late_fill}" stroke-width="{1.5 if month.late else 0}"/>'
            f'<rect class="lb-chart__missing" x="{x_missing:.1f}" y="{base - h_missing:.1f}" '
            f'width="{pair:.1f}" height="{h_missing:.1f}" fill="{missing_fill}"/>'
        )
        # Counts above their bars; when the two would touch, the taller bar's goes a line up.
        y_late, y_missing = base - h_late - 6, base - h_missing - 6
        widest = max(_text_width(str(month.late), 13), _text_width(str(month.missing), 13))
        if widest > pair + 1 and abs(y_late - y_missing) < 15:
            if h_late >= h_missing:
                y_late = y_missing - 15
            else:
                y_missing = y_late - 15
        body.append(
            _text(
                x_late + pair / 2, y_late, str(month.late), size=13, anchor="middle", weight="bold"
            )
        )
        body.append(
            _text(
                x_missing + pair / 2,
                y_missing,
                str(month.missing),
                size=13,
                anchor="middle",
                weight="bold",
            )
        )
        body.append("</g>")
    baseline(base)
    y = base

    # Months along the bottom: "Mar 2026"; when columns are narrow, the month with the
    # year below it at the first column and at each January.
    one_line = pitch >= _text_width("Sept 2026", 13) + 6
    for i, month in enumerate(shown):
        if one_line:
            body.append(
                _text(centre(i), y + 20, _month_words(month, "MMM yyyy"), size=13, anchor="middle")
            )
        else:
            body.append(
                _text(centre(i), y + 20, _month_words(month, "MMM"), size=13, anchor="middle")
            )
            if i == 0 or month.label.endswith("-01"):
                body.append(
                    _text(centre(i), y + 36, _month_words(month, "yyyy"), size=13, anchor="middle")
                )
    y += 44 if not one_line else 28

    return _svg("months", MONTHS_WIDTH, y, id_prefix, title, " ".join(desc), body)
