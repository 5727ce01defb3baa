"""The editors' dashboard: the desk's figures as server-drawn SVG charts, each with a table
of the same figures beside it. Editors only; the figures come cached from the selector."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from .. import charts, roles
from ..selectors import dashboard as read
from ..selectors.machine_quality import ATTRIBUTION, CLAIM
from .access import reviewer_required
from .htmx import AuthenticatedHttpRequest

TEMPLATE = "annotations/dashboard.html"


def _date(raw: str, name: str) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"“{raw}” is not a date for “{name}”: use YYYY-MM-DD.") from None


def date_range(params: dict[str, str]) -> tuple[date, date]:
    """The range asked for (``from``/``to``), the last 30 days by default; a bad one raises
    ``ValueError`` saying what is wrong."""
    default_from, default_to = read.default_range()
    date_to = _date(params.get("to", ""), "to") or default_to
    date_from = _date(params.get("from", ""), "from") or date_to - (default_to - default_from)
    if date_from > date_to:
        raise ValueError("The range ends before it starts.")
    if (date_to - date_from).days + 1 > read.MAX_DAYS:
        raise ValueError(f"Choose at most {read.MAX_DAYS} days.")
    return date_from, date_to


def _svg(markup: str) -> SafeString:
    # charts.py escapes every piece of text it draws
    return mark_safe(markup)  # noqa: S308


def _hours(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value / 24:.1f} days" if value >= 48 else f"{value:.1f} h"


def build_charts(d: read.Dashboard) -> dict[str, SafeString]:
    quality = d.quality
    spans = [(CLAIM, "Claims"), (ATTRIBUTION, "Attributions")]
    versions = [v for v in quality.versions if any(quality.row(k, v) for k, _ in spans)]
    quality_series = []
    for kind, name in spans:
        rows = [quality.row(kind, v) for v in versions]
        quality_series += [
            charts.Series(
                f"{name}: precision",
                [r.precision if r else None for r in rows],
                [f"{r.hits:g} of {r.proposed}" if r else "" for r in rows],
            ),
            charts.Series(
                f"{name}: recall",
                [r.recall if r else None for r in rows],
                [f"{r.hits:g} of {r.relevant}" if r else "" for r in rows],
            ),
        ]
    flags = quality.flags_by_type()
    days = d.reviews_per_day
    short_day = "%-d %b" if (d.date_to - d.date_from).days < 300 else "%b %Y"
    a = d.agreement
    return {
        "reviews": _svg(
            charts.time_chart(
                chart_id="chart-reviews",
                title="Review actions per day",
                labels=[x.day.strftime(short_day) for x in days],
                values=[x.n for x in days],
                x_label="Day",
                y_label="Actions",
                empty="No review actions in this range",
            )
        ),
        "verdicts": _svg(
            charts.bar_chart(
                chart_id="chart-verdicts",
                title="Verdicts by rating",
                labels=[v.rating for v in d.verdicts],
                series=[
                    charts.Series("Published", [v.published for v in d.verdicts]),
                    charts.Series("Not published", [v.unpublished for v in d.verdicts]),
                    charts.Series("Withdrawn", [v.withdrawn for v in d.verdicts]),
                ],
                axis_label="Verdicts",
                empty="No verdicts yet",
            )
        ),
        "quality": _svg(
            charts.bar_chart(
                chart_id="chart-quality",
                title="Machine precision and recall by pipeline version",
                labels=[v.label for v in versions],
                series=quality_series,
                axis_label="Share (a corrected span counts half)",
                axis_max=1.0,
                fmt=charts.percent,
                empty="No reviewer decisions yet",
            )
        ),
        "flags": _svg(
            charts.bar_chart(
                chart_id="chart-flags",
                title="Flags accepted, per type",
                labels=[r.label.removeprefix("Flag: ") for r in flags],
                series=[
                    charts.Series(
                        "Accepted",
                        [r.precision for r in flags],
                        [f"{r.true_positives} of {r.proposed}" for r in flags],
                    )
                ],
                axis_label="Share of decided flags kept (not dismissed)",
                axis_max=1.0,
                fmt=charts.percent,
                empty="No flag decided yet",
            )
        ),
        "publication": _svg(
            charts.time_chart(
                chart_id="chart-publication",
                title="Median time from import to publication, per week",
                labels=[w.start.strftime("%-d %b") for w in d.publish_weeks],
                values=[w.median_hours for w in d.publish_weeks],
                notes=[f"{w.n} article{'s' if w.n != 1 else ''}" for w in d.publish_weeks],
                kind="line",
                x_label="Week starting",
                y_label="Hours",
                fmt=lambda v: "n/a" if v is None else f"{v:.1f} h",
                empty="No article published in this range",
            )
        ),
        "agreement": _svg(
            charts.bar_chart(
                chart_id="chart-agreement",
                title="Agreement between blind reviews",
                labels=[
                    "Kept or rejected: agreement",
                    "Kept or rejected: kappa",
                    "Spans: mean overlap",
                    "Ratings: weighted kappa",
                ],
                series=[
                    charts.Series(
                        "Figure",
                        [
                            a.accept.observed,
                            a.accept.kappa,
                            a.spans.mean_jaccard,
                            a.ratings.kappa,
                        ],
                        [
                            f"{a.accept.agree} of {a.accept.n} claims",
                            f"{a.accept.n} claims",
                            f"{a.spans.n} claims both kept",
                            f"{a.ratings.n} claims both rated",
                        ],
                    )
                ],
                axis_max=1.0,
                fmt=lambda v: "n/a" if v is None else f"{v:.2f}",
                empty="No article double-reviewed in this range",
            )
        ),
    }


@reviewer_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not roles.is_editor(request.user):
        raise PermissionDenied("The dashboard is for editors.")
    raw = {k: request.GET.get(k, "") for k in ("from", "to")}
    try:
        date_from, date_to = date_range(raw)
    except ValueError as exc:
        context: dict[str, object] = {
            "error": str(exc),
            "raw_from": raw["from"],
            "raw_to": raw["to"],
            "d": None,
        }
        return render(request, TEMPLATE, context, status=400)
    d = read.dashboard(date_from=date_from, date_to=date_to)
    context = {
        "d": d,
        "charts": build_charts(d),
        "raw_from": date_from.isoformat(),
        "raw_to": date_to.isoformat(),
        "publish_median": _hours(d.publish_median_hours),
        "week_rows": [(w, _hours(w.median_hours)) for w in d.publish_weeks],
    }
    return render(request, TEMPLATE, context)
