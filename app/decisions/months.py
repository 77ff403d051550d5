"""A group, month by month: notice beforehand, the wait to be told, and how often
members were told late or not at all (SVG)."""

from __future__ import annotations

import re
from datetime import date

from babel.dates import format_date as babel_format_date
from flask_babel import gettext as _
from markupsafe import Markup

from app.decisions.drawing import (
    GREY,
    RULE,
    draw_legend,
    esc,
    picture_locale,
    svg_picture,
    svg_text,
    text_width,
    wrap,
)
from app.decisions.figures import Month

#: The monthly picture shows at most this many months, the latest.
MONTHS_SHOWN = 12


MONTHS_WIDTH = 420


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
    return babel_format_date(day, pattern, locale=picture_locale()) if day else month.label


def monthly_svg(months: list[Month], *, id_prefix: str = "chart") -> Markup:
    """Three small bar charts, one column per month: notice, median wait, late and missing."""
    if not months:
        return Markup("")
    every = _fill_gaps(months)
    shown = every[-MONTHS_SHOWN:]
    n = len(shown)
    prefix = esc(id_prefix)
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
        for line in wrap(words, MONTHS_WIDTH, 15, lines=2):
            y += 20
            body.append(svg_text(0, y, line, size=15, weight="bold"))

    def baseline(at_y: float) -> None:
        body.append(
            f'<line class="lb-chart__axis" x1="0" y1="{at_y:.1f}" x2="{MONTHS_WIDTH}" '
            f'y2="{at_y:.1f}" stroke="{GREY}" stroke-width="1.5"/>'
        )

    bar = min(pitch * 0.6, 40)

    # (a) Share of decisions with notice in the forward plan: 0 to 100%.
    # Narrow columns: "100%" would touch its neighbours, so the heading carries the "%".
    narrow = pitch < text_width("100%", 13) + 6
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
            f'<g class="lb-chart__bar"><title>{esc(about)}</title>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height}" '
            f'fill="#f3f2f1" stroke="{RULE}"/>'
            f'<rect x="{x:.1f}" y="{base - filled:.1f}" width="{bar:.1f}" '
            f'height="{filled:.1f}" fill="#1d70b8"/>'
            f"{svg_text(centre(i), y - 6, printed, size=13, anchor='middle', weight='bold')}</g>"
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
            f'<g class="lb-chart__bar"><title>{esc(about)}</title>'
            f'<rect x="{x:.1f}" y="{base - filled:.1f}" width="{bar:.1f}" '
            f'height="{filled:.1f}" fill="#1d70b8"/>'
            + svg_text(centre(i), base - filled - 6, words, size=13, anchor="middle", weight="bold")
            + "</g>"
        )
    baseline(base)
    y = base + 12

    # (c) Members told late (hatched) and not told, overdue (solid), side by side.
    heading(_("Times members were told late, or not told"))
    key, y = draw_legend(
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
        body.append(f'<g class="lb-chart__bar"><title>{esc(about)}</title>')
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
        widest = max(text_width(str(month.late), 13), text_width(str(month.missing), 13))
        if widest > pair + 1 and abs(y_late - y_missing) < 15:
            if h_late >= h_missing:
                y_late = y_missing - 15
            else:
                y_missing = y_late - 15
        body.append(
            svg_text(
                x_late + pair / 2, y_late, str(month.late), size=13, anchor="middle", weight="bold"
            )
        )
        body.append(
            svg_text(
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
    one_line = pitch >= text_width("Sept 2026", 13) + 6
    for i, month in enumerate(shown):
        if one_line:
            body.append(
                svg_text(
                    centre(i), y + 20, _month_words(month, "MMM yyyy"), size=13, anchor="middle"
                )
            )
        else:
            body.append(
                svg_text(centre(i), y + 20, _month_words(month, "MMM"), size=13, anchor="middle")
            )
            if i == 0 or month.label.endswith("-01"):
                body.append(
                    svg_text(
                        centre(i), y + 36, _month_words(month, "yyyy"), size=13, anchor="middle"
                    )
                )
    y += 44 if not one_line else 28

    return svg_picture("months", MONTHS_WIDTH, y, id_prefix, title, " ".join(desc), body)
