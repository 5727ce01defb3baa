"""The SVG chart helpers: well-formed XML, every text escaped, empty data drawn as a message.
No database, no Django."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from annotations import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def tooltips(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}title")]


def test_bar_chart_is_well_formed_with_a_bar_and_a_tooltip_per_value():
    root = parse(
        charts.bar_chart(
            chart_id="c1",
            title="Verdicts",
            labels=["False", "Mixed"],
            series=[
                charts.Series("Published", [3, 1], ["3 of 4", ""]),
                charts.Series("Draft", [0, 2]),
            ],
        )
    )
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert len(list(root.iter(f"{SVG}rect"))) == 4 + 2  # bars, and the legend's two swatches
    tips = tooltips(root)
    assert "False — Published: 3 (3 of 4)" in tips
    assert "Mixed — Draft: 2" in tips
    assert "Verdicts" in texts(root)


def test_bar_widths_follow_the_values_on_a_fixed_axis():
    root = parse(
        charts.bar_chart(
            chart_id="p",
            title="Precision",
            labels=["1.0", "1.1"],
            series=[charts.Series("Claims", [0.5, 1.0])],
            axis_max=1.0,
            fmt=charts.percent,
        )
    )
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[1] == pytest.approx(2 * widths[0])
    assert "50%" in texts(root) and "100%" in texts(root)


def test_labels_titles_and_notes_are_escaped():
    evil = '<script>alert("x")</script> & co'
    markup = charts.bar_chart(
        chart_id='"><script>',
        title=evil,
        labels=[evil],
        series=[charts.Series(evil, [1], [evil])],
    )
    assert "<script>" not in markup
    root = parse(markup)  # still well-formed
    assert evil in texts(root)  # drawn as text, whole
    assert root.get("id") == "---script-"
    line = charts.time_chart(
        chart_id="t", title=evil, labels=[evil, "b"], values=[1, 2], notes=[evil], kind="line"
    )
    assert "<script>" not in line
    assert any(evil in t for t in tooltips(parse(line)))


def test_characters_xml_cannot_carry_are_dropped():
    root = parse(
        charts.bar_chart(
            chart_id="x", title="a\x00b\x1f", labels=["c\x0bd"], series=[charts.Series("s", [1])]
        )
    )
    assert "ab" in texts(root)


@pytest.mark.parametrize(
    "markup",
    [
        charts.bar_chart(chart_id="e", title="Nothing", labels=[], series=[]),
        charts.bar_chart(
            chart_id="e", title="Nothing", labels=["a"], series=[charts.Series("s", [None])]
        ),
        charts.time_chart(chart_id="e", title="Nothing", labels=[], values=[]),
        charts.time_chart(chart_id="e", title="Nothing", labels=["a"], values=[None]),
        charts.time_chart(chart_id="e", title="Nothing", labels=["a", "b"], values=[0, 0]),
    ],
)
def test_empty_data_is_a_message_not_a_broken_chart(markup):
    root = parse(markup)
    assert "No data yet" in texts(root)
    assert list(root.iter(f"{SVG}rect")) == []


def test_time_chart_columns_one_per_value_and_thinned_labels():
    labels = [f"{d} Dec" for d in range(1, 31)]
    values = [float(d % 4) for d in range(30)]
    root = parse(
        charts.time_chart(
            chart_id="days", title="Per day", labels=labels, values=values, x_label="Day"
        )
    )
    assert len(list(root.iter(f"{SVG}rect"))) == 30
    shown = [t for t in texts(root) if t.endswith("Dec")]
    assert 1 < len(shown) <= 8
    assert "Day" in texts(root)
    assert "3 Dec: 2" in tooltips(root)


def test_line_chart_has_a_dot_per_value_and_a_gap_for_none():
    root = parse(
        charts.time_chart(
            chart_id="w",
            title="Weeks",
            labels=["a", "b", "c"],
            values=[1.0, None, 3.0],
            kind="line",
        )
    )
    assert len(list(root.iter(f"{SVG}circle"))) == 2
    (line,) = root.iter(f"{SVG}polyline")
    assert len(line.get("points", "").split()) == 2


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown chart kind"):
        charts.time_chart(chart_id="x", title="t", labels=["a"], values=[1], kind="pie")


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 1.0), (0.7, 1.0), (3, 4.0), (7, 10.0), (12, 20.0), (240, 250)]
)
def test_the_axis_ends_on_a_round_number(value, expected):
    assert charts.nice_max(value) == expected


def test_a_long_legend_wraps_onto_rows_and_pushes_the_bars_down():
    names = [f"A rather long series name {i}" for i in range(4)]
    root = parse(
        charts.bar_chart(
            chart_id="l",
            title="Legend",
            labels=["x"],
            series=[charts.Series(n, [0.5]) for n in names],
            axis_max=1.0,
        )
    )
    rects = list(root.iter(f"{SVG}rect"))
    swatches, bars = rects[:4], rects[4:]
    rows = {s.get("y") for s in swatches}
    assert len(rows) >= 2
    lowest_swatch = max(float(y) for y in rows)
    assert min(float(b.get("y")) for b in bars) > lowest_swatch + 10
    assert max(float(s.get("x")) + 14 + 7 * len(names[0]) for s in swatches) <= 640


def test_counts_get_whole_number_ticks():
    root = parse(
        charts.bar_chart(
            chart_id="n", title="Counts", labels=["a"], series=[charts.Series("s", [1])]
        )
    )
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "tick"]
    assert ticks == ["0", "1", "2", "3", "4"]
