"""The SVG pictures: valid, accessible, escaped, and true to their numbers. No database."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from markupsafe import Markup

from app.decisions.drawing import MARKS
from app.decisions.figures import Month
from app.decisions.months import monthly_svg
from app.decisions.timeline import timeline_svg
from app.decisions.told import STATUSES
from app.labels import TOLD_LABELS

SVG = "{http://www.w3.org/2000/svg}"
DECIDED = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)

SHAPE_TAGS = {
    "square": "rect",
    "circle": "circle",
    "triangle": "polygon",
    "diamond": "polygon",
    "cross": "path",
    "ring": "circle",
}


def row(name: str, status: str, told_after: timedelta | None, decided: datetime = DECIDED):
    told_at = decided + told_after if told_after is not None else None
    return SimpleNamespace(
        person=SimpleNamespace(name=name),
        status=status,
        told_at=told_at,
        lag=told_after,
    )


def some_rows():
    return [
        row("Ann Archer", "consulted_before", timedelta(days=-5)),
        row("Bob Baker", "told_on_time", timedelta(hours=2)),
        row("Cat Carter", "told_on_time", timedelta(days=1)),
        row("Dan Dyer", "told_late", timedelta(days=9)),
        row("Eve Evans", "not_told_overdue", None),
        row("Fay Fisher", "not_told", None),
    ]


def parse(markup) -> ET.Element:
    assert isinstance(markup, Markup)
    return ET.fromstring(str(markup))


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def assert_accessible(root: ET.Element, prefix: str) -> None:
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("focusable") == "false"
    assert root.get("width") == "100%"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert "lb-chart" in root.get("class", "").split()
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text
    assert desc is not None and desc.text
    assert title.get("id") == f"{prefix}-title"
    assert desc.get("id") == f"{prefix}-desc"
    assert root.get("aria-labelledby").split() == [f"{prefix}-title", f"{prefix}-desc"]
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)), "ids are unique"
    assert all(i.startswith(prefix) for i in ids)
    for el in root.iter():
        assert el.get("style") is None, f"inline style on <{el.tag}>"
        assert el.tag not in (f"{SVG}script", f"{SVG}foreignObject", f"{SVG}style")
        if el.get("font-size"):
            assert float(el.get("font-size")) >= 12
        if el.tag == f"{SVG}text" and el.get("fill"):
            assert el.get("fill") == "#0b0c0c"
    assert root.get("fill") == "#0b0c0c"


def marks_for(root: ET.Element, status: str) -> list[ET.Element]:
    shape = MARKS[status][0]
    return [
        el
        for el in root.iter()
        if f"lb-chart__shape--{shape}" in el.get("class", "")
        and el.tag == f"{SVG}{SHAPE_TAGS[shape]}"
    ]


# Timeline of one decision -----------------------------------------------------


def test_timeline_is_valid_accessible_svg():
    root = parse(timeline_svg(DECIDED, some_rows(), 7, NOW, id_prefix="told"))
    assert_accessible(root, "told")
    desc = root.find(f"{SVG}desc").text
    assert "3 March 2026" in desc
    assert "7 days" in desc
    assert "Of 6 members" in desc


def test_default_id_prefix():
    root = parse(timeline_svg(DECIDED, some_rows(), 7, NOW))
    assert_accessible(root, "chart")


def test_each_status_has_its_own_shape_and_words_in_the_legend():
    root = parse(timeline_svg(DECIDED, some_rows(), 7, NOW))
    words = texts(root)
    shapes = {MARKS[s][0] for s in STATUSES}
    assert len(shapes) == len(STATUSES), "no two statuses share a shape"
    legend = root.find(f".//{SVG}g[@class='lb-chart__legend']")
    legend_words = texts(legend)
    for status in STATUSES:
        assert str(TOLD_LABELS[status]) in legend_words
        # One in the legend, one per member with that status.
        expected = 1 + sum(1 for r in some_rows() if r.status == status)
        assert len(marks_for(root, status)) == expected, status
    assert "Decided" in words
    assert any("Time allowed to tell members: 7 days" == w for w in words)


def test_member_rows_name_people_and_list_the_not_told_at_the_right():
    root = parse(timeline_svg(DECIDED, some_rows(), 7, NOW))
    words = texts(root)
    for r in some_rows():
        assert r.person.name in words
    assert words.count("not told") == 2
    rows = [g for g in root.iter(f"{SVG}g") if "lb-chart__row" in g.get("class", "")]
    assert len(rows) == 6
    # The not told come last, at the right edge.
    width = float(root.get("viewBox").split()[2])
    for g in rows[-2:]:
        label = [t for t in g.iter(f"{SVG}text") if t.text == "not told"][0]
        assert float(label.get("x")) > width * 0.7
    # Each row says in words what happened, for hovering.
    late = [g for g in rows if "told_late" in g.get("class")][0]
    assert late.find(f"{SVG}title").text == "Dan Dyer: Told late, 12 Mar, 9 days after"


def test_axis_shows_dates_in_london_time():
    # 23:30 UTC on 29 March 2026 is 00:30 on 30 March in London (summer time).
    decided = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)
    rows = [row("Ann", "told_on_time", timedelta(hours=1), decided)]
    root = parse(timeline_svg(decided, rows, 7, decided + timedelta(days=2)))
    words = texts(root)
    assert "30 Mar" in words
    assert "6 Apr" in words


def test_names_are_escaped():
    evil = "<script>alert(1)</script>"
    rows = [row(evil, "told_on_time", timedelta(hours=3)), row("Tom & Jerry", "not_told", None)]
    markup = timeline_svg(DECIDED, rows, 7, NOW)
    assert "<script>" not in str(markup)
    assert "&lt;script&gt;" in str(markup)
    root = parse(markup)
    assert not list(root.iter(f"{SVG}script"))
    assert not list(root.iter("script"))
    words = texts(root)
    assert any(w.startswith("<script>") for w in words), "shown as text, shortened to fit"
    assert "Tom & Jerry" in words


def test_control_characters_in_names_do_not_break_the_xml():
    rows = [row("Bell\x07 Ringer", "told_on_time", timedelta(hours=3))]
    parse(timeline_svg(DECIDED, rows, 7, NOW))


def test_id_prefix_is_escaped():
    root = parse(timeline_svg(DECIDED, some_rows(), 7, NOW, id_prefix='a"b'))
    assert root.find(f"{SVG}title").get("id") == 'a"b-title'


def test_many_members_are_counted_by_day():
    rows = []
    for i in range(500):
        if i < 300:
            rows.append(row(f"Member {i}", "told_on_time", timedelta(hours=1 + i % 5)))
        elif i < 400:
            rows.append(row(f"Member {i}", "told_late", timedelta(days=10, hours=i % 3)))
        elif i < 480:
            rows.append(row(f"Member {i}", "not_told_overdue", None))
        else:
            rows.append(row(f"Member {i}", "consulted_before", timedelta(days=-2)))
    markup = timeline_svg(DECIDED, rows, 7, NOW, id_prefix="many")
    assert len(str(markup).encode()) < 200_000
    root = parse(markup)
    assert_accessible(root, "many")
    words = texts(root)
    assert "Member 7" not in words
    for count in ("300", "100", "80", "20"):
        assert count in words
    assert "300 members" in words
    assert "Not told" in words
    assert "day by day" in root.find(f"{SVG}desc").text
    lanes = [g for g in root.iter(f"{SVG}g") if "lb-chart__lane " in g.get("class", "") + " "]
    assert len(lanes) == 4


def test_forty_members_still_get_a_row_each_and_forty_one_do_not():
    forty = [row(f"M{i}", "told_on_time", timedelta(hours=i)) for i in range(40)]
    assert "M39" in texts(parse(timeline_svg(DECIDED, forty, 7, NOW)))
    more = forty + [row("M40", "told_on_time", timedelta(hours=40))]
    assert "M39" not in texts(parse(timeline_svg(DECIDED, more, 7, NOW)))


def test_many_days_apart_are_merged_so_counts_do_not_overlap():
    rows = [row(f"M{i}", "told_late", timedelta(days=8 + i)) for i in range(400)]
    root = parse(timeline_svg(DECIDED, rows, 7, DECIDED + timedelta(days=420)))
    counts = [g for g in root.iter(f"{SVG}g") if g.get("class") == "lb-chart__count"]
    assert 1 < len(counts) < 40
    total = sum(int(t.text) for g in counts for t in g.iter(f"{SVG}text"))
    assert total == 400


def test_empty_and_odd_timelines_still_draw():
    parse(timeline_svg(DECIDED, [], 7, NOW))
    parse(timeline_svg(DECIDED, some_rows(), 0, DECIDED))
    naive = DECIDED.replace(tzinfo=None)
    parse(timeline_svg(naive, [row("A", "told_on_time", timedelta(hours=1))], 7, naive))


# Month by month ---------------------------------------------------------------


def month(label: str, decisions=4, prior=2, lags=(3.0, 4.0), late=1, missing=0) -> Month:
    return Month(label, decisions, prior, list(lags), late, missing)


def test_no_months_draws_nothing():
    assert monthly_svg([]) == Markup("")


def test_one_month_prints_its_values():
    markup = monthly_svg([month("2026-03", late=5, missing=2)], id_prefix="months")
    root = parse(markup)
    assert_accessible(root, "months")
    words = texts(root)
    assert "50%" in words  # 2 of 4 decisions had notice
    assert "3.5" in words  # median of 3 and 4 days
    assert "5" in words and "2" in words
    assert "Mar 2026" in words
    assert "Median wait until members were told (days)" in words
    bars = [
        g.find(f"{SVG}title").text
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "lb-chart__bar"
    ]
    assert "March 2026: median wait 3.5 days" in bars
    assert "March 2026: 2 of 4 decisions had notice (50%)" in bars


def test_late_and_missing_bars_differ_by_pattern_not_colour_alone():
    root = parse(monthly_svg([month("2026-03", late=5, missing=2)], id_prefix="m"))
    patterns = list(root.iter(f"{SVG}pattern"))
    assert [p.get("id") for p in patterns] == ["m-hatch"]
    late = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "lb-chart__late"]
    missing = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "lb-chart__missing"]
    assert late[0].get("fill") == "url(#m-hatch)"
    assert not missing[0].get("fill").startswith("url(")
    words = texts(root)
    assert "Told late (hatched)" in words
    assert "Not told: overdue (solid)" in words


def test_months_without_a_median_or_share_print_a_dash():
    root = parse(monthly_svg([Month("2026-01"), month("2026-02", lags=())]))
    words = texts(root)
    assert words.count("–") == 3  # January: no share, no median; February: no median


def test_gaps_between_months_are_filled():
    root = parse(monthly_svg([month("2026-01"), month("2026-04")]))
    words = texts(root)
    for name in ("Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"):
        assert name in words


@pytest.mark.parametrize("count", [12, 13, 36])
def test_only_the_last_twelve_months_are_shown(count):
    months = [month(f"{2023 + i // 12}-{i % 12 + 1:02d}", prior=i % 5) for i in range(count)]
    root = parse(monthly_svg(months, id_prefix="months"))
    assert_accessible(root, "months")
    bars = [g for g in root.iter(f"{SVG}g") if g.get("class") == "lb-chart__bar"]
    assert len(bars) == 12 * 3
    desc = root.find(f"{SVG}desc").text
    last = months[-1].label
    assert last in (m.label for m in months[-12:])
    if count > 12:
        assert f"Only the last 12 months are shown, of {count}." in desc
        assert "Jan 2023" not in desc
    else:
        assert "Only the last" not in desc
    year = str(2023 + (count - 1) // 12)
    assert year in texts(root)


def test_thirty_six_months_print_the_right_shares():
    months = [
        month(f"{2023 + i // 12}-{i % 12 + 1:02d}", decisions=4, prior=i % 5) for i in range(36)
    ]
    root = parse(monthly_svg(months))
    words = texts(root)
    # Twelve narrow columns: the heading carries the "%" and the values are bare numbers.
    assert "Decisions with notice in the forward plan (%)" in words
    start = words.index("Decisions with notice in the forward plan (%)") + 1
    assert words[start : start + 12] == [str(m.with_prior_notice * 100 // 4) for m in months[-12:]]
    # Years are shown under the first column and under each January.
    assert words.count("2025") == 1 and words.count("2024") == 0


def test_big_counts_side_by_side_do_not_collide():
    root = parse(
        monthly_svg([month(f"2026-{i:02d}", late=1234, missing=1230) for i in range(1, 13)])
    )
    for g in (g for g in root.iter(f"{SVG}g") if g.get("class") == "lb-chart__bar"):
        ys = [float(t.get("y")) for t in g.iter(f"{SVG}text")]
        if len(ys) == 2:
            assert abs(ys[0] - ys[1]) >= 15
