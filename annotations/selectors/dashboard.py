"""The editors' dashboard: the desk's figures, read with grouped queries and cached.

Each figure is one aggregate query (or, for the medians, one query returning a pair of
timestamps per published article); the whole page is cached under a key that holds the date
range and the id of the latest audit event. Every change to the domain writes an audit event
(services/audit.py), so any change makes a new key and the next visit recomputes; the short
timeout only bounds how long an unused key lingers.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, CharField, Count, DateField, Func, Max, Min, Q, Value, When
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from ..models import Article, AuditEvent, AuditVerb, PassDecision, Rating, ReviewPass, Verdict
from . import double_review
from .machine_quality import MachineQuality, machine_quality

CACHE_SECONDS = 120
CACHE_PREFIX = "dashboard:v1"
DEFAULT_DAYS = 30
MAX_DAYS = 366

# What a reviewer or editor does to the annotations and verdicts: a "review action".
REVIEW_VERBS = (
    AuditVerb.CLAIM_CONFIRM,
    AuditVerb.CLAIM_REJECT,
    AuditVerb.CLAIM_REOPEN,
    AuditVerb.CLAIM_CORRECT,
    AuditVerb.CLAIM_STATEMENT,
    AuditVerb.CLAIM_ADD,
    AuditVerb.ATTRIBUTION_CONFIRM,
    AuditVerb.ATTRIBUTION_REJECT,
    AuditVerb.ATTRIBUTION_CORRECT,
    AuditVerb.ATTRIBUTION_ADD,
    AuditVerb.FLAG_DISMISS,
    AuditVerb.VERDICT_CREATE,
    AuditVerb.VERDICT_UPDATE,
    AuditVerb.VERDICT_SUBMIT,
    AuditVerb.VERDICT_PUBLISH,
    AuditVerb.VERDICT_CORRECT,
    AuditVerb.VERDICT_WITHDRAW,
    AuditVerb.REVIEW_PASS_SUBMIT,
    AuditVerb.ADJUDICATION_DECIDE,
)
# The events that can make an article "published" (services/articles.py).
PUBLISH_VERBS = (AuditVerb.ARTICLE_PUBLISHED, AuditVerb.ARTICLE_REVIEWED)


@dataclass(frozen=True)
class DayCount:
    day: date
    n: int


@dataclass(frozen=True)
class VerdictCount:
    rating: str
    published: int  # live on the public site
    unpublished: int  # drafts and those awaiting an editor, never published
    withdrawn: int

    @property
    def total(self) -> int:
        return self.published + self.unpublished + self.withdrawn


@dataclass(frozen=True)
class PeriodMedian:
    start: date  # the Monday of the week
    median_hours: float
    n: int  # articles first published that week


@dataclass(frozen=True)
class Dashboard:
    date_from: date
    date_to: date
    stamp: int  # the latest audit event id when computed
    computed_at: datetime
    reviews_per_day: list[DayCount]
    verdicts: list[VerdictCount]
    quality: MachineQuality
    publish_weeks: list[PeriodMedian]
    publish_median_hours: float | None
    publish_n: int
    agreement: double_review.Figures

    @property
    def reviews_total(self) -> int:
        return sum(d.n for d in self.reviews_per_day)


def default_range(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def _bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(date_from, time.min, tz), datetime.combine(date_to, time.max, tz)


def _day(field: str) -> Func:
    """The local date of a timestamp, computed by the database. SQLite has no time zones:
    Django's ``TruncDate`` calls back into Python once per row there (a third of a second
    at 50k events), while its own ``date()`` is instant and right when the time zone is
    UTC, as stored (the default); elsewhere ``TruncDate`` is native and right everywhere."""
    if connection.vendor == "sqlite" and timezone.get_current_timezone_name() == "UTC":
        return Cast(field, DateField())
    return TruncDate(field)


def reviews_per_day(date_from: date, date_to: date) -> list[DayCount]:
    """Audited review actions per day, every day of the range (0 where none)."""
    start, end = _bounds(date_from, date_to)
    rows = (
        AuditEvent.objects.filter(created_at__range=(start, end), verb__in=REVIEW_VERBS)
        .annotate(day=_day("created_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_day = {_as_date(day): n for day, n in rows}
    days = (date_to - date_from).days + 1
    return [DayCount(d, by_day.get(d, 0)) for d in (date_from + timedelta(i) for i in range(days))]


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def verdict_distribution() -> list[VerdictCount]:
    """Every verdict by rating (the scales' order) and where it stands with the public."""
    state = Case(
        When(is_published=True, then=Value("published")),
        When(withdrawn_at__isnull=False, then=Value("withdrawn")),
        default=Value("unpublished"),
        output_field=CharField(),
    )
    rows = (
        Verdict.objects.annotate(public=state).values("rating_id", "public").annotate(n=Count("pk"))
    )
    counts: dict[int, dict[str, int]] = {}
    for r in rows.order_by():
        counts.setdefault(r["rating_id"], {})[r["public"]] = r["n"]
    ratings = Rating.objects.filter(Q(scale__is_default=True) | Q(pk__in=list(counts)))
    ordered = ratings.order_by("-scale__is_default", "scale__name", "position", "pk")
    return [
        VerdictCount(
            r.label,
            counts.get(r.pk, {}).get("published", 0),
            counts.get(r.pk, {}).get("unpublished", 0),
            counts.get(r.pk, {}).get("withdrawn", 0),
        )
        for r in ordered.only("label")
    ]


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def publication_times(
    date_from: date, date_to: date
) -> tuple[list[PeriodMedian], float | None, int]:
    """Hours from import to an article's first publication, for articles first published
    in the range: the median per week (weeks starting on Monday) and over the range."""
    start, end = _bounds(date_from, date_to)
    firsts = (
        AuditEvent.objects.filter(
            target_type="article", verb__in=PUBLISH_VERBS, after__status=Article.Status.PUBLISHED
        )
        .values("article_id")
        .annotate(first=Min("created_at"), imported=Min("article__created_at"))
        .filter(first__range=(start, end), imported__isnull=False)
        .order_by()
        .values_list("first", "imported")
    )
    tz = timezone.get_current_timezone()
    per_week: dict[date, list[float]] = {}
    hours = []
    for first, imported in firsts:
        h = max(0.0, (first - imported).total_seconds() / 3600)
        hours.append(h)
        per_week.setdefault(_monday(timezone.localtime(first, tz).date()), []).append(h)
    weeks = [
        PeriodMedian(week, statistics.median(values), len(values))
        for week, values in sorted(per_week.items())
    ]
    return weeks, (statistics.median(hours) if hours else None), len(hours)


def desk_agreement(date_from: date, date_to: date) -> double_review.Figures:
    """The desk's agreement figures, as ``double_review.desk_agreement`` gives them (the
    same articles, pairs and arithmetic: ``figures_from``), read as plain values rather than
    decisions with their claims and ratings joined in: the page needs no more."""
    start, end = _bounds(date_from, date_to)
    seconds = ReviewPass.objects.filter(
        number=2, status=ReviewPass.Status.SUBMITTED, submitted_at__range=(start, end)
    )
    rows = PassDecision.objects.filter(
        review_pass__article__in=seconds.values("article_id"),
        review_pass__status=ReviewPass.Status.SUBMITTED,
    ).values_list(
        "review_pass__article_id",
        "claim_id",
        "review_pass__number",
        "accepted",
        "start",
        "end",
        "rating_id",
    )
    by_claim: dict[tuple[int, int], dict[int, PassDecision]] = {}
    for article_id, claim_id, number, accepted, s, e, rating_id in rows.order_by():
        by_claim.setdefault((article_id, claim_id), {})[number] = PassDecision(
            accepted=accepted, start=s, end=e, rating_id=rating_id
        )
    pairs = [(d[1], d[2]) for d in by_claim.values() if 1 in d and 2 in d]
    articles = len({article_id for (article_id, _), d in by_claim.items() if 1 in d and 2 in d})
    return double_review.figures_from(pairs, double_review.scale_ratings(), articles=articles)


def audit_stamp() -> int:
    """The latest audit event's id: any change to the domain moves it."""
    return AuditEvent.objects.aggregate(m=Max("pk"))["m"] or 0


def cache_key(date_from: date, date_to: date, stamp: int) -> str:
    return f"{CACHE_PREFIX}:{date_from.isoformat()}:{date_to.isoformat()}:{stamp}"


def compute(date_from: date, date_to: date, stamp: int) -> Dashboard:
    weeks, median, n = publication_times(date_from, date_to)
    return Dashboard(
        date_from=date_from,
        date_to=date_to,
        stamp=stamp,
        computed_at=timezone.now(),
        reviews_per_day=reviews_per_day(date_from, date_to),
        verdicts=verdict_distribution(),
        quality=machine_quality(),
        publish_weeks=weeks,
        publish_median_hours=median,
        publish_n=n,
        agreement=desk_agreement(date_from, date_to),
    )


def dashboard(*, date_from: date, date_to: date) -> Dashboard:
    """The figures for the range, from the cache while nothing has changed."""
    stamp = audit_stamp()
    key = cache_key(date_from, date_to, stamp)
    found = cache.get(key)
    if isinstance(found, Dashboard):
        return found
    result = compute(date_from, date_to, stamp)
    cache.set(key, result, CACHE_SECONDS)
    return result
