"""Reads for the queue: the article list with its counts, the status tabs and the filters.

Counts and the latest run come from subqueries and a sliced prefetch, never from a query per
row, so a page of 50 articles costs the same round trips as a page of 5.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, IntegerField, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .. import roles
from ..models import AnnotationRun, Article, Claim, Flag, ReviewState, Verdict
from .double_review import double_review_stage

RUNNING = (AnnotationRun.Status.QUEUED, AnnotationRun.Status.RUNNING)


def count_subquery(model: type[Model], fk: str, **filters: Any) -> Coalesce:
    """``COUNT(*)`` of ``model`` rows pointing at the outer row through ``fk``, 0 if none."""
    query = (
        model._default_manager.filter(**{fk: OuterRef("pk")}, **filters)
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(query, output_field=IntegerField()), 0)


def queue_articles(
    *,
    user: User,
    status: str = "",
    outlet: str = "",
    mine: bool = False,
    flagged: bool = False,
    q: str = "",
) -> QuerySet[Article]:
    articles = queue_base(user=user, outlet=outlet, mine=mine, flagged=flagged, q=q)
    if status:
        articles = articles.filter(status=status)
    return articles.select_related("assigned_to").prefetch_related(
        Prefetch(
            "runs",
            queryset=AnnotationRun.objects.order_by("-created_at", "-id")[:1],
            to_attr="latest_runs",
        )
    )


def queue_base(
    *, user: User, outlet: str = "", mine: bool = False, flagged: bool = False, q: str = ""
) -> QuerySet[Article]:
    """Every filter except status, so the status tabs can count what the others leave."""
    articles = Article.objects.annotate(
        n_claims=count_subquery(Claim, "article"),
        n_pending=count_subquery(Claim, "article", review_state=ReviewState.PENDING),
        n_open_flags=count_subquery(Flag, "claim__article", dismissed_at__isnull=True),
        # Publication apart from review progress: "3 of 16 published · 13 pending".
        n_published=count_subquery(Verdict, "claim__article", is_published=True),
        n_awaiting=count_subquery(Verdict, "claim__article", state=Verdict.State.SUBMITTED),
        dr_stage=double_review_stage(),  # the double review's badge ("awaiting adjudication")
    ).defer("body")
    if outlet:
        articles = articles.filter(outlet=outlet)
    if mine:
        articles = articles.filter(assigned_to=user)
    if flagged:
        articles = articles.filter(n_open_flags__gt=0)
    if q:
        articles = articles.filter(Q(title__icontains=q) | Q(outlet__icontains=q))
    return articles


def status_counts(articles: QuerySet[Article]) -> list[tuple[str, str, int]]:
    """(value, label, count) for every status, zero counts included, plus "all" first."""
    counts: dict[str, int] = dict(
        articles.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    rows = [("", "All", sum(counts.values()))]
    rows += [(value, label, counts.get(value, 0)) for value, label in Article.Status.choices]
    return rows


def outlets() -> list[str]:
    return list(
        Article.objects.exclude(outlet="")
        .order_by("outlet")
        .values_list("outlet", flat=True)
        .distinct()
    )


def progress_article_or_404(pk: int) -> Article:
    """Only what the progress bar shows: it is polled every second or two per running row."""
    return get_object_or_404(Article.objects.only("pk", "status", "title"), pk=pk)


def latest_run(article: Article) -> AnnotationRun | None:
    return article.runs.order_by("-created_at", "-id").first()


def run_is_stuck(run: AnnotationRun, *, now: datetime | None = None) -> bool:
    """Past the bounds the sweeper works by: running with no sign of life for
    ``FACTCHECK_RUN_STALE_AFTER``, or queued and not taken for ``FACTCHECK_RUN_RESEND_AFTER``."""
    now = now or timezone.now()
    if run.status == AnnotationRun.Status.RUNNING:
        alive = run.heartbeat_at or run.started_at or run.created_at
        return alive < now - timedelta(seconds=settings.FACTCHECK_RUN_STALE_AFTER)
    if run.status == AnnotationRun.Status.QUEUED:
        sent = run.queued_at or run.created_at
        return sent < now - timedelta(seconds=settings.FACTCHECK_RUN_RESEND_AFTER)
    return False


def run_retryable(run: AnnotationRun | None) -> bool:
    """An editor may start it again: it failed, or it is stuck."""
    if run is None:
        return False
    return run.status == AnnotationRun.Status.FAILED or run_is_stuck(run)


# The pipeline's stages as a person says them ("failed while parsing the text").
STAGE_NAMES = {
    "loading model": "loading the language model",
    "analysing": "starting the analysis",
    "layout": "reading the layout",
    "parse": "parsing the text",
    "quantities": "finding figures and dates",
    "attributions": "finding who said what",
    "claims": "scoring the claims",
    "evidence": "matching claims with the sources",
    "consistency": "checking against the sources",
    "storing": "saving the results",
    "waiting to retry": "waiting to retry",
    "waiting for the job queue": "waiting for the job queue",
    "waiting for a worker": "waiting for a worker",
}


def stage_name(stage: str) -> str:
    return STAGE_NAMES.get(stage, stage or "starting")


def queue_row(*, article_id: int, user: User) -> Article:
    return queue_articles(user=user).get(pk=article_id)


def assignable_users() -> QuerySet[User]:
    return (
        User.objects.filter(
            Q(groups__name__in=(roles.REVIEWER, roles.EDITOR)) | Q(is_superuser=True),
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


def assignee_or_404(pk: int) -> User:
    """Only someone who may review can be given an article."""
    return get_object_or_404(assignable_users(), pk=pk)
