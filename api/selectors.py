"""Reads for the API: querysets shaped for its serializers, so a page of results costs a
fixed number of queries (counts as subqueries, related rows joined or prefetched).

The article list is the queue's own selector, so the API and the queue filter and count
alike. Nothing here writes.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404
from rest_framework.authtoken.models import Token

from annotations.models import AnnotationRun, Article, Attribution, Claim, Flag, Source, Verdict
from annotations.selectors.double_review import must_stay_blind
from annotations.selectors.queue import queue_articles

BLIND = (
    "You are this article's blind second reviewer: its first review stays hidden until both "
    "reviews are in."
)


def articles(
    *,
    user: User,
    status: str = "",
    outlet: str = "",
    mine: bool = False,
    flagged: bool = False,
    q: str = "",
) -> QuerySet[Article]:
    return queue_articles(
        user=user, status=status, outlet=outlet, mine=mine, flagged=flagged, q=q
    ).order_by("-created_at", "-id")


def article_detail(*, user: User, pk: int) -> Article:
    sources = Source.objects.order_by("position", "id")
    found = (
        queue_articles(user=user)
        .defer(None)  # the list leaves the body out; the detail shows it
        .prefetch_related(Prefetch("sources", queryset=sources))
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such article")
    return found


def article_for(*, user: User, pk: int) -> Article:
    """The article a nested read or write is about; refused to its blind second reviewer."""
    article = Article.objects.only("pk", "body", "assigned_to").filter(pk=pk).first()
    if article is None:
        raise Http404("No such article")
    ensure_not_blind(article, user)
    return article


def ensure_not_blind(article: Article, user: User) -> None:
    """The review page sends a blind second reviewer to their own page; the API refuses."""
    if must_stay_blind(article, user):
        raise PermissionDenied(BLIND)


def claims(*, article_id: int | None = None, review_state: str = "") -> QuerySet[Claim]:
    found = Claim.objects.select_related("updated_by").annotate(verdict_pk=F("verdict__pk"))
    if article_id is not None:
        found = found.filter(article_id=article_id)
    if review_state:
        found = found.filter(review_state=review_state)
    return found.order_by("article_id", "start", "id")


def claim(*, user: User, pk: int) -> Claim:
    found = claims().select_related("article").filter(pk=pk).first()
    if found is None:
        raise Http404("No such claim")
    ensure_not_blind(found.article, user)
    return found


def attributions(*, article_id: int | None = None) -> QuerySet[Attribution]:
    found = Attribution.objects.select_related("updated_by")
    if article_id is not None:
        found = found.filter(article_id=article_id)
    return found.order_by("article_id", "source_id", "cue_start", "id")


def attribution(*, user: User, pk: int) -> Attribution:
    found = attributions().select_related("article").filter(pk=pk).first()
    if found is None:
        raise Http404("No such attribution")
    ensure_not_blind(found.article, user)
    return found


def flags(*, article_id: int | None = None, dismissed: bool | None = None) -> QuerySet[Flag]:
    found = Flag.objects.select_related("claim", "dismissed_by")
    if article_id is not None:
        found = found.filter(claim__article_id=article_id)
    if dismissed is not None:
        found = found.filter(dismissed_at__isnull=not dismissed)
    return found.order_by("claim__start", "claim_id", "id")


def flag(*, user: User, pk: int) -> Flag:
    found = flags().select_related("claim__article").filter(pk=pk).first()
    if found is None:
        raise Http404("No such flag")
    ensure_not_blind(found.claim.article, user)
    return found


def verdicts(*, article_id: int | None = None, state: str = "") -> QuerySet[Verdict]:
    found = Verdict.objects.select_related("rating", "reviewer", "published_revision")
    found = found.prefetch_related("evidence")
    if article_id is not None:
        found = found.filter(claim__article_id=article_id)
    if state:
        found = found.filter(state=state)
    return found.order_by("claim__start", "id")


def verdict(*, user: User, pk: int) -> Verdict:
    found = verdicts().select_related("claim__article").filter(pk=pk).first()
    if found is None:
        raise Http404("No such verdict")
    ensure_not_blind(found.claim.article, user)
    return found


def claim_verdict(*, user: User, claim_id: int) -> Verdict:
    found = verdicts().select_related("claim__article").filter(claim_id=claim_id).first()
    if found is None:
        raise Http404("This claim has no verdict")
    ensure_not_blind(found.claim.article, user)
    return found


def runs(*, article_id: int | None = None, status: str = "") -> QuerySet[AnnotationRun]:
    found = AnnotationRun.objects.all()
    if article_id is not None:
        found = found.filter(article_id=article_id)
    if status:
        found = found.filter(status=status)
    return found.order_by("-created_at", "-id")


def run(*, pk: int) -> AnnotationRun:
    found = runs().filter(pk=pk).first()
    if found is None:
        raise Http404("No such run")
    return found


def token_of(*, user: User) -> Token | None:
    return Token.objects.filter(user=user).first()
