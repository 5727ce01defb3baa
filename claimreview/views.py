"""Public, read-only ClaimReview surfaces: the verdict page and the JSON-LD endpoints.

Nothing here needs a session: these are what search engines, fact-check aggregators and
readers see. Every view goes through :mod:`claimreview.records`, so only published
revisions appear. A verdict never published is a plain 404; a withdrawn one answers 410 Gone
with its withdrawal notice (what, when, why) and is gone from the feed and the per-article
markup; every correction and withdrawal is listed, newest first, on ``/corrections/``.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from .builder import ClaimReviewInputError, ReviewRecord, build_claim_review
from .records import (
    claimreview_org,
    corrections_of,
    iter_review_records,
    public_notices,
    published_verdicts,
    withdrawal_of,
    withdrawn_verdict,
)
from .writers import dumps, iter_feed_chunks, json_for_script_tag

logger = logging.getLogger(__name__)

JSONLD = "application/ld+json; charset=utf-8"
PUBLIC_PAGE = "claimreview/verdict_public.html"
WITHDRAWN_PAGE = "claimreview/verdict_withdrawn.html"
CORRECTIONS_PAGE = "claimreview/corrections.html"


def _report_unbuildable(record: ReviewRecord, exc: Exception) -> None:
    # A published verdict whose markup would be wrong (e.g. its label inside the claim
    # wording) is left out and logged for an editor, never served half-right.
    logger.warning("ClaimReview for claim %s not served: %s", record.identifier, exc)


def _gone(claim_id: int) -> HttpResponse | None:
    """410 Gone, saying so, for a verdict that was withdrawn (None if it was not)."""
    verdict = withdrawn_verdict(claim_id)
    if verdict is None:
        return None
    return HttpResponse(
        "This fact check was withdrawn; its page says why.\n",
        status=410,
        content_type="text/plain; charset=utf-8",
    )


def _claim_review_or_404(claim_id: int) -> dict[str, Any]:
    record = next(iter_review_records(claim_id=claim_id), None)
    if record is None:
        raise Http404("No published verdict for this claim")
    try:
        return build_claim_review(record, org=claimreview_org())
    except ClaimReviewInputError as exc:
        _report_unbuildable(record, exc)
        raise Http404("This verdict has no valid ClaimReview markup yet") from None


@require_GET
def claim_claimreview(request: HttpRequest, claim_id: int) -> HttpResponse:
    return _gone(claim_id) or HttpResponse(
        dumps(_claim_review_or_404(claim_id)), content_type=JSONLD
    )


@require_GET
def article_claimreviews(request: HttpRequest, article_id: int) -> HttpResponse:
    """All public reviews of one article as a JSON array, the shape a page embeds."""
    org = claimreview_org()
    reviews = []
    for record in iter_review_records(article_id=article_id):
        try:
            reviews.append(build_claim_review(record, org=org))
        except ClaimReviewInputError as exc:
            _report_unbuildable(record, exc)
    if not reviews:
        raise Http404("No published verdicts for this article")
    return HttpResponse(dumps(reviews), content_type=JSONLD)


def _parse_since(value: str) -> date | datetime:
    # An unencoded "+01:00" offset arrives as " 01:00" after query-string decoding.
    value = value.strip().replace(" ", "+")
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(value) from None


@require_GET
def claimreview_feed(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Every public review as a streamed schema.org DataFeed; ``?since=`` (ISO date or
    date-time) limits it to verdicts published since then."""
    since = None
    if request.GET.get("since"):
        try:
            since = _parse_since(request.GET["since"])
        except ValueError:
            return HttpResponse(
                "since must be an ISO 8601 date (2026-11-20) or date-time",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
    chunks = iter_feed_chunks(
        iter_review_records(since=since),
        org=claimreview_org(),
        feed_url=request.build_absolute_uri(),
        date_modified=timezone.now().replace(microsecond=0),
        on_error=_report_unbuildable,
    )
    return StreamingHttpResponse(chunks, content_type=JSONLD)


@require_GET
def verdict_public(request: HttpRequest, claim_id: int) -> HttpResponse:
    """The reader-facing page for one verdict (its published revision), carrying its
    ClaimReview markup and its corrections; 410 with the notice if it was withdrawn."""
    verdict = published_verdicts().filter(claim_id=claim_id).first()
    if verdict is None:
        return _withdrawn_page(request, claim_id)
    revision = verdict.published_revision
    assert revision is not None  # published_verdicts() only has verdicts with one
    evidence = revision.evidence.select_related("source").order_by("source__position", "start")
    claim_review = None
    record = next(iter_review_records(claim_id=claim_id), None)
    if record is not None:
        try:
            claim_review = build_claim_review(record, org=claimreview_org())
        except ClaimReviewInputError as exc:
            _report_unbuildable(record, exc)  # the page still shows; it just isn't marked up
    context = {
        "verdict": verdict,
        "revision": revision,
        "claim": verdict.claim,
        "article": verdict.claim.article,
        "rating": revision.rating,
        "evidence": evidence,
        "corrections": corrections_of(verdict),
        "claim_review": claim_review,
        "claimant": revision.claimant_name,
        # Escaped for a <script> block by json_for_script_tag: no </script> or <!-- inside.
        "claim_review_json": mark_safe(json_for_script_tag(claim_review))  # noqa: S308
        if claim_review
        else None,
    }
    return render(request, PUBLIC_PAGE, context)


def _withdrawn_page(request: HttpRequest, claim_id: int) -> HttpResponse:
    verdict = withdrawn_verdict(claim_id)
    if verdict is None or verdict.published_revision is None:
        raise Http404("No published verdict for this claim")
    notice = withdrawal_of(verdict)
    context = {
        "verdict": verdict,
        "revision": verdict.published_revision,
        "article": verdict.claim.article,
        "notice": notice,
    }
    return render(request, WITHDRAWN_PAGE, context, status=410)


@require_GET
def corrections(request: HttpRequest) -> HttpResponse:
    """Every correction and withdrawal of a published fact check, newest first."""
    page = Paginator(public_notices(), 50).get_page(request.GET.get("page"))
    return render(request, CORRECTIONS_PAGE, {"page": page})
