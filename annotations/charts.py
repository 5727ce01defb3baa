"""Charts as inline SVG, drawn on the server: no JavaScript, no CDN, nothing for the CSP to
block (no ``style`` attributes; colours come from classes, with ``fill`` as a fallback).

Pure Python, no Django: data in, an SVG string out. Every piece of text that goes in is
escaped here (and stripped of characters XML cannot carry), so a label such as
``<script>`` is drawn as text. Each chart is an ``img`` with a title and a description
for screen readers, and each mark carries a ``<title>`` (the browser's tooltip) saying
its label, series and value; the page puts a table of the same figures beside it.

- ``bar_chart``: horizontal bars, one group per label, one bar per series (verdicts per
  rating, precision and recall per version, acceptance per flag type).
- ``time_chart``: one value per day or week, as columns or a line.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

PALETTE = ("#2f6f9f", "#d9822b", "#3a8f5c", "#8d5ba6", "#b8463f", "#6b7785")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ID = re.compile(r"[^A-Za-z0-9_-]")
FONT = 12


@dataclass(frozen=True)
class Series:
    """One series: a value per label (``None``: no figure, drawn as "n/a"), and an optional
    note per value for its tooltip ("12 of 20 kept")."""

    name: str
    values: Sequence[float | None]
    notes: Sequence[str] = ()

    def note(self, i: int) -> str:
        return self.notes[i] if i < len(self.notes) else ""


def esc(text: object) -> str:
    """Text for an XML text node or attribute value."""
    return html.escape(_NOT_XML.sub("", str(text)), quote=True)


def number(value: float | None) -> str:
    if value is None:
        return "n/a"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def nice_max(value: float) -> float:
    """The axis end: ``value`` rounded up to 1, 2, 2.5, 4 or 5 times a power of ten."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 4, 5, 10):
        if value <= step * power + 1e-12:
            return step * power
    return 10 * power  # pragma: no cover (the loop ends at 10)


def _axis_end(values: Sequence[float]) -> float:
    """``nice_max``, but counts (whole numbers) get at least 4, so each of the four ticks
    is a whole number too."""
    top = nice_max(max(values))
    return max(top, 4.0) if all(float(v).is_integer() for v in values) else top


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    cid = _ID.sub("-", chart_id) or "chart"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{cid}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc">',
        f'<title id="{cid}-title">{esc(title)}</title>',
        f'<desc id="{cid}-desc">{esc(desc)}</desc>',
        f'<text class="chart-title" x="{width / 2:g}" y="18" text-anchor="middle" '
        f'font-size="{FONT + 2}" font-weight="bold">{esc(title)}</text>',
    ]


def _empty(parts: list[str], width: int, height: int, message: str) -> str:
    parts.append(
        f'<text class="chart-empty" x="{width / 2:g}" y="{height / 2:g}" text-anchor="middle" '
        f'font-size="{FONT}">{esc(message)}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _legend_layout(
    series: Sequence[Series], x0: float, right_edge: float
) -> list[tuple[float, int]]:
    """(x, row) of each series' legend entry, wrapping onto a new row at ``right_edge``."""
    placed, x, row = [], x0, 0
    for s in series:
        w = 24 + 7 * len(s.name)
        if x > x0 and x + w > right_edge:
            x, row = x0, row + 1
        placed.append((x, row))
        x += w
    return placed


def _legend(
    parts: list[str], series: Sequence[Series], layout: list[tuple[float, int]], y0: float
) -> None:
    for j, (s, (x, row)) in enumerate(zip(series, layout, strict=True)):
        colour = PALETTE[j % len(PALETTE)]
        y = y0 + 16 * row
        parts.append(
            f'<rect class="mark s{j}" x="{_f(x)}" y="{_f(y - 9)}" width="10" height="10" '
            f'fill="{colour}"/><text x="{_f(x + 14)}" y="{_f(y)}" font-size="{FONT}">'
            f"{esc(s.name)}</text>"
        )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    axis_label: str = "",
    axis_max: float | None = None,
    fmt: Callable[[float | None], str] = number,
    empty: str = "No data yet",
    width: int = 640,
) -> str:
    """Horizontal grouped bars: a group per label, a bar per series, the axis at the
    bottom from 0 to ``axis_max`` (default: the largest value, rounded up)."""
    bar_h, gap, left, right = 14, 12, 190, 70
    layout = _legend_layout(series, left, width - 10) if len(series) > 1 else []
    top = 34 + (18 + 16 * layout[-1][1] if layout else 0)
    group_h = bar_h * max(1, len(series)) + gap
    height = top + group_h * max(1, len(labels)) + 44
    desc = f"Horizontal bar chart of {', '.join(s.name for s in series)} for each of " + (
        f"{len(labels)} categories." if labels else "no categories."
    )
    parts = _open(chart_id, title, desc, width, height)
    values = [v for s in series for v in s.values if v is not None]
    if not labels or not values:
        return _empty(parts, width, height, empty)
    if layout:
        _legend(parts, series, layout, 42)
    top_value = axis_max if axis_max is not None else _axis_end(values)
    plot_w = width - left - right
    bottom = top + group_h * len(labels)
    for k in range(5):
        x = left + plot_w * k / 4
        parts.append(
            f'<line class="grid" x1="{_f(x)}" y1="{top - 4}" x2="{_f(x)}" y2="{bottom}" '
            f'stroke="#ddd"/><text class="tick" x="{_f(x)}" y="{bottom + 14}" '
            f'text-anchor="middle" font-size="{FONT - 1}">{esc(fmt(top_value * k / 4))}</text>'
        )
    if axis_label:
        parts.append(
            f'<text class="axis-label" x="{_f(left + plot_w / 2)}" y="{bottom + 32}" '
            f'text-anchor="middle" font-size="{FONT}">{esc(axis_label)}</text>'
        )
    for i, label in enumerate(labels):
        y0 = top + group_h * i
        parts.append(
            f'<text class="label" x="{left - 6}" y="{_f(y0 + group_h / 2 + 4)}" '
            f'text-anchor="end" font-size="{FONT}"><title>{esc(label)}</title>'
            f"{esc(_short(label, 28))}</text>"
        )
        for j, s in enumerate(series):
            value = s.values[i] if i < len(s.values) else None
            y = y0 + bar_h * j
            tip = f"{label} — {s.name}: {fmt(value)}" + (f" ({s.note(i)})" if s.note(i) else "")
            w = 0.0 if value is None else plot_w * max(0.0, min(value / top_value, 1.0))
            # beside several bars, a row of zeros is noise: the tooltip and table still say 0
            quiet = value == 0 and len(series) > 1
            parts.append(
                f'<g class="mark s{j}"><title>{esc(tip)}</title>'
                f'<rect x="{left}" y="{_f(y)}" width="{_f(w)}" height="{bar_h - 2}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"/>'
                + (
                    ""
                    if quiet
                    else f'<text class="value" x="{_f(left + w + 4)}" y="{_f(y + bar_h - 4)}" '
                    f'font-size="{FONT - 1}">{esc(fmt(value))}</text>'
                )
                + "</g>"
            )
    parts.append(
        f'<line class="axis" x1="{left}" y1="{top - 4}" x2="{left}" y2="{bottom}" stroke="#555"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def time_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    notes: Sequence[str] = (),
    kind: str = "column",
    x_label: str = "",
    y_label: str = "",
    fmt: Callable[[float | None], str] = number,
    empty: str = "No data yet",
    width: int = 640,
    height: int = 260,
    max_ticks: int = 8,
) -> str:
    """One value per period (day or week) as columns (``kind="column"``) or a line with a
    dot per period (``kind="line"``); a ``None`` value is a gap, and a series of nothing but
    gaps and zeros is drawn as the ``empty`` message. X labels are thinned to at
    most ``max_ticks``."""
    if kind not in ("column", "line"):
        raise ValueError(f"unknown chart kind {kind!r}")
    left, right, top, bottom_margin = 56, 16, 34, 48
    n = len(labels)
    desc = (
        f"{'Column' if kind == 'column' else 'Line'} chart of {y_label or 'values'} over "
        f"{n} periods" + (f", from {labels[0]} to {labels[-1]}." if n else ".")
    )
    parts = _open(chart_id, title, desc, width, height)
    present = [v for v in values if v is not None]
    if not n or not any(present):  # nothing but zeros and gaps says no more than a sentence
        return _empty(parts, width, height, empty)
    top_value = _axis_end(present)
    plot_w, plot_h = width - left - right, height - top - bottom_margin
    bottom = top + plot_h
    for k in range(5):
        y = bottom - plot_h * k / 4
        parts.append(
            f'<line class="grid" x1="{left}" y1="{_f(y)}" x2="{width - right}" y2="{_f(y)}" '
            f'stroke="#ddd"/><text class="tick" x="{left - 4}" y="{_f(y + 4)}" '
            f'text-anchor="end" font-size="{FONT - 1}">{esc(fmt(top_value * k / 4))}</text>'
        )
    step = plot_w / n
    every = max(1, math.ceil(n / max_ticks))
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(
                f'<text class="tick" x="{_f(left + step * (i + 0.5))}" y="{bottom + 14}" '
                f'text-anchor="middle" font-size="{FONT - 1}">{esc(label)}</text>'
            )
    if x_label:
        parts.append(
            f'<text class="axis-label" x="{_f(left + plot_w / 2)}" y="{bottom + 34}" '
            f'text-anchor="middle" font-size="{FONT}">{esc(x_label)}</text>'
        )
    if y_label:
        parts.append(
            f'<text class="axis-label" x="12" y="{_f(top + plot_h / 2)}" text-anchor="middle" '
            f'font-size="{FONT}" transform="rotate(-90 12 {_f(top + plot_h / 2)})">'
            f"{esc(y_label)}</text>"
        )
    points: list[tuple[float, float]] = []
    for i, (label, value) in enumerate(zip(labels, values, strict=False)):
        note = notes[i] if i < len(notes) else ""
        tip = f"{label}: {fmt(value)}" + (f" ({note})" if note else "")
        if value is None:
            continue
        h = plot_h * max(0.0, min(value / top_value, 1.0))
        cx = left + step * (i + 0.5)
        if kind == "column":
            w = max(1.0, step * 0.8)
            parts.append(
                f'<rect class="mark s0" x="{_f(cx - w / 2)}" y="{_f(bottom - h)}" '
                f'width="{_f(w)}" height="{_f(h)}" fill="{PALETTE[0]}"><title>{esc(tip)}</title>'
                "</rect>"
            )
        else:
            points.append((cx, bottom - h))
            parts.append(
                f'<circle class="mark s0" cx="{_f(cx)}" cy="{_f(bottom - h)}" r="3.5" '
                f'fill="{PALETTE[0]}"><title>{esc(tip)}</title></circle>'
            )
    if kind == "line" and len(points) > 1:
        path = " ".join(f"{_f(x)},{_f(y)}" for x, y in points)
        parts.insert(
            len(parts) - len(points),
            f'<polyline class="line s0" points="{path}" fill="none" stroke="{PALETTE[0]}" '
            'stroke-width="2"/>',
        )
    parts.append(
        f'<line class="axis" x1="{left}" y1="{bottom}" x2="{width - right}" y2="{bottom}" '
        'stroke="#555"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts)
