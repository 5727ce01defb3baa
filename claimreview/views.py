"""Public, read-only ClaimReview surfaces: the verdict page and the JSON-LD endpoints.

Nothing here needs a session: these are what search engines, fact-check aggregators and
readers see. Every view goes through :mod:`claimreview.records`, so only
published verdicts appear, and an unpublished one is a plain 404 everywhere at once.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from .builder import ClaimReviewInputError, ReviewRecord, build_claim_review
from .records import claimreview_org, iter_review_records, published_verdicts
from .writers import dumps, iter_feed_chunks, json_for_script_tag

logger = logging.getLogger(__name__)

JSONLD = "application/ld+json; charset=utf-8"
PUBLIC_PAGE = "claimreview/verdict_public.html"


def _report_unbuildable(record: ReviewRecord, exc: Exception) -> None:
    # A published verdict whose markup would be wrong (e.g. its label inside the claim
    # wording) is left out and logged for an editor, never served half-right.
    logger.warning("ClaimReview for claim %s not served: %s", record.identifier, exc)


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
    return HttpResponse(dumps(_claim_review_or_404(claim_id)), content_type=JSONLD)


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
    """The reader-facing page for one verdict, carrying its ClaimReview markup."""
    verdict = get_object_or_404(published_verdicts(), claim_id=claim_id)
    evidence = verdict.evidence.select_related("source").order_by("source__position", "start")
    claim_review = None
    record = next(iter_review_records(claim_id=claim_id), None)
    if record is not None:
        try:
            claim_review = build_claim_review(record, org=claimreview_org())
        except ClaimReviewInputError as exc:
            _report_unbuildable(record, exc)  # the page still shows; it just isn't marked up
    context = {
        "verdict": verdict,
        "claim": verdict.claim,
        "article": verdict.claim.article,
        "rating": verdict.rating,
        "evidence": evidence,
        "claim_review": claim_review,
        "speaker": record.speaker_name if record else None,
        # Escaped for a <script> block by json_for_script_tag: no </script> or <!-- inside.
        "claim_review_json": mark_safe(json_for_script_tag(claim_review))  # noqa: S308
        if claim_review
        else None,
    }
    return render(request, PUBLIC_PAGE, context)
