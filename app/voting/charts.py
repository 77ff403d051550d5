"""The result of a vote as an SVG bar chart: every bar carries its label and number,
so it reads without colour; the same numbers are in the table beside it."""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

WIDTH = 400
ROW = 34


def result_svg(result: dict, options_by_id: dict) -> Markup:
    counts = result.get("counts") or {}
    if not counts:
        return Markup("")
    ranking = [i for i in result.get("ranking", []) if str(i) in counts]
    top = max(max(counts.values()), 1)
    height = ROW * len(ranking) + 10
    winner = result.get("winner")
    label_of = {i: options_by_id[i].label if i in options_by_id else str(i) for i in ranking}
    summary = "; ".join(f"{label_of[i]}: {counts[str(i)]}" for i in ranking)
    parts = [
        f'<svg class="lb-chart lb-chart--result" role="img" aria-labelledby="result-title '
        f'result-desc" viewBox="0 0 {WIDTH} {height}" width="100%" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="result-title">{escape(_("Result"))}</title>',
        f'<desc id="result-desc">{escape(summary)}</desc>',
    ]
    for row, option_id in enumerate(ranking):
        y = row * ROW + 4
        value = counts[str(option_id)]
        bar = int((WIDTH - 60) * value / top)
        is_winner = option_id == winner
        weight = ' font-weight="700"' if is_winner else ""
        suffix = " " + _("(winner)") if is_winner else ""
        parts.append(
            f'<text x="0" y="{y + 11}" font-size="13" fill="#0b0c0c"{weight}>'
            f"{escape(label_of[option_id][:50])}{suffix}</text>"
        )
        parts.append(
            f'<rect x="0" y="{y + 15}" width="{max(bar, 2)}" height="12" '
            f'fill="{"#00703c" if is_winner else "#505a5f"}"/>'
        )
        parts.append(
            f'<text x="{max(bar, 2) + 6}" y="{y + 26}" font-size="13" fill="#0b0c0c">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
