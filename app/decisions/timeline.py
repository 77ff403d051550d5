"""One decision: when each member was told, against the time allowed (SVG)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from app.decisions.drawing import (
    FAINT,
    GREY,
    INK,
    LONDON,
    aware,
    day_words,
    draw_legend,
    esc,
    fit,
    in_london,
    lag_words,
    marker,
    status_label,
    svg_picture,
    svg_text,
    text_width,
    wrap,
)
from app.decisions.told import STATUSES

#: More members than this and the timeline counts them by day instead of one row each.
MEMBER_ROWS = 40


# Sizes in SVG units. Narrow on purpose: on a 360px phone the picture is drawn at
# about 0.9 of its size, so 14-unit text stays about 13px high.
WIDTH = 380


NAME_W = 112


NOT_W = 78


PLOT_X0 = NAME_W + 16


PLOT_X1 = WIDTH - NOT_W - 12


NOT_X = WIDTH - NOT_W + 8


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
    decided_at, now = aware(decided_at), aware(now)
    due = decided_at + timedelta(days=max(window_days, 0))
    told = sorted((r for r in rows if r.told_at is not None), key=lambda r: aware(r.told_at))
    waiting = sorted(
        (r for r in rows if r.told_at is None),
        key=lambda r: (r.status != "not_told_overdue", (r.person.name or "").casefold()),
    )
    times = [aware(r.told_at) for r in told]
    start = min([decided_at, *times])
    end = max([due, *times, *([now] if waiting else [])])
    if end - start < timedelta(days=1):
        end = start + timedelta(days=1)
    span = (end - start).total_seconds()

    def at(moment: datetime) -> float:
        share = (aware(moment) - start).total_seconds() / span
        return PLOT_X0 + min(max(share, 0.0), 1.0) * (PLOT_X1 - PLOT_X0)

    counts = Counter(r.status for r in rows)
    grouped = len(rows) > MEMBER_ROWS

    # Title and description: the whole story in words.
    title = _("When members were told about this decision")
    said = "; ".join(
        f"{status_label(s)}: {counts[s]}"
        for s in (*STATUSES, *sorted(set(counts) - set(STATUSES)))
        if counts[s]
    )
    desc = " ".join(
        part
        for part in (
            _("Decided on %(date)s.", date=day_words(decided_at, "d MMMM yyyy")),
            ngettext(
                "Members should be told within %(num)d day, by %(date)s.",
                "Members should be told within %(num)d days, by %(date)s.",
                max(window_days, 0),
                date=day_words(due, "d MMMM yyyy"),
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
    legend_items = [(marker(s, 0, 0), status_label(s)) for s in STATUSES]
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
    legend, y = draw_legend(legend_items, WIDTH, 0)
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
        svg_text(label_x, header, _("Decided"), size=13, anchor="middle", weight="bold", halo=True)
    )
    if grouped and waiting:
        body.append(svg_text(NOT_X - 6, header, _("Not told"), size=13, weight="bold"))
    body.append(lane_svg)

    # Time axis with a few labelled days.
    axis_y = bottom + 10
    body.append(
        f'<line class="lb-chart__axis" x1="{PLOT_X0 - 8}" y1="{axis_y:.1f}" '
        f'x2="{PLOT_X1 + 8}" y2="{axis_y:.1f}" stroke="{GREY}" stroke-width="1.5"/>'
    )
    first_day = in_london(start).date()
    last_day = in_london(end).date()
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
    wanted = [(decided_at, day_words(decided_at)), (due, day_words(due))]
    if waiting and end == now:
        wanted.append((now, _("Today")))
    elif end != due:
        wanted.append((end, day_words(end)))
    if start < decided_at:
        wanted.append((start, day_words(start)))
    placed: list[tuple[float, float]] = []
    for moment, words in wanted:
        x = at(moment)
        half = text_width(words, 13) / 2
        x = min(max(x, half), PLOT_X1 + NOT_W - half)
        if any(x - half < right + 6 and x + half > left - 6 for left, right in placed):
            continue
        placed.append((x - half, x + half))
        body.append(
            f'<line x1="{at(moment):.1f}" y1="{axis_y:.1f}" x2="{at(moment):.1f}" '
            f'y2="{axis_y + 7:.1f}" stroke="{INK}" stroke-width="1.5"/>'
        )
        body.append(svg_text(x, axis_y + 22, words, size=13, anchor="middle"))

    return svg_picture("timeline", WIDTH, axis_y + 30, id_prefix, title, desc, body)


def _member_rows(told, waiting, at, top):
    """One row per member: name, then a mark when they were told (or "not told")."""
    parts, step = [], 24
    y = top
    for row in [*told, *waiting]:
        cy = y + step / 2
        name = row.person.name or "?"
        about = f"{name}: {status_label(row.status)}"
        if row.told_at is not None:
            when = [day_words(row.told_at), lag_words(row.lag, row.status)]
            about += ", " + ", ".join(w for w in when if w)
        parts.append(f'<g class="lb-chart__row lb-chart__row--{esc(row.status)}">')
        parts.append(f"<title>{esc(about)}</title>")
        parts.append(svg_text(0, cy + 5, fit(name, NAME_W, 14), size=14))
        if row.told_at is not None:
            x = at(row.told_at)
            parts.append(
                f'<line x1="{PLOT_X0 - 8}" y1="{cy:.1f}" x2="{PLOT_X1 + 8}" y2="{cy:.1f}" '
                f'stroke="{FAINT}" stroke-dasharray="2 3"/>'
            )
            parts.append(marker(row.status, x, cy))
        else:
            parts.append(
                f'<line x1="{PLOT_X0 - 8}" y1="{cy:.1f}" x2="{NOT_X - 12}" y2="{cy:.1f}" '
                f'stroke="{FAINT}" stroke-dasharray="2 3"/>'
            )
            parts.append(marker(row.status, NOT_X, cy))
            parts.append(svg_text(NOT_X + 12, cy + 4.5, _("not told"), size=13))
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
        label = wrap(status_label(status), NAME_W, 13)
        lines = [*label, ngettext("%(num)d member", "%(num)d members", total)]
        height = max(len(lines) * 16 + 10, 40)
        cy = y + height / 2
        parts.append(f'<g class="lb-chart__lane lb-chart__lane--{esc(status)}">')
        for i, line in enumerate(lines):
            first = cy - (len(lines) - 1) * 8 + 4.5
            weight = "bold" if i < len(label) else None
            parts.append(svg_text(0, first + i * 16, line, size=13, weight=weight))
        parts.append(
            f'<line x1="{PLOT_X0 - 8}" y1="{cy:.1f}" x2="{WIDTH:.1f}" y2="{cy:.1f}" '
            f'stroke="{FAINT}" stroke-dasharray="2 3"/>'
        )
        for found in _day_bins(status, told_here, at):
            x = at(found.mean)
            when = day_words(found.first)
            if found.last != found.first:
                when = f"{when} – {day_words(found.last)}"
            count = str(found.count)
            parts.append(
                f'<g class="lb-chart__count"><title>{esc(when)}: {found.count} '
                f"({esc(status_label(status))})</title>{marker(status, x, cy)}"
            )
            if x + 10 + text_width(count, 13) > WIDTH:
                parts.append(
                    svg_text(
                        x - 10, cy + 4.5, count, size=13, anchor="end", weight="bold", halo=True
                    )
                )
            else:
                parts.append(svg_text(x + 10, cy + 4.5, count, size=13, weight="bold", halo=True))
            parts.append("</g>")
        if waiting_here:
            n = len(waiting_here)
            parts.append(
                f'<g class="lb-chart__count"><title>{esc(status_label(status))}: {n}</title>'
                f"{marker(status, NOT_X, cy)}"
                f"{svg_text(NOT_X + 12, cy + 4.5, str(n), size=13, weight='bold')}</g>"
            )
        parts.append("</g>")
        y += height
    return "".join(parts), max(y, top + 40)


def _day_bins(status: str, rows, at) -> list[_Bin]:
    """Members told on each London day; days too close to label apart are merged."""
    bins: list[_Bin] = []
    for row in rows:
        moment = aware(row.told_at)
        day = in_london(moment).date()
        if bins and bins[-1].last == day:
            bins[-1].times.append(moment)
        else:
            bins.append(_Bin(status, day, day, [moment]))
    merged: list[_Bin] = []
    for found in bins:
        if merged:
            before = merged[-1]
            room = 12 + text_width(str(before.count), 13) + 10
            if at(found.mean) - at(before.mean) < room:
                before.last = found.last
                before.times.extend(found.times)
                continue
        merged.append(found)
    return merged
