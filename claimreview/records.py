"""Published verdicts as ClaimReview builder input, streamed from the database.

Why a separate selector: every public surface (the verdict page, the per-claim and
per-article endpoints, the feed and the export command) must agree on *which* verdicts are
public and on how a row becomes a :class:`~claimreview.builder.ReviewRecord`, and a
whole-site export must run in constant memory.

What is public is a verdict's **published revision**, never its working copy: a reviewer's
pending edits stay in the workbench until an editor publishes them. A withdrawn verdict is
not public (its page answers 410 with the withdrawal notice, see ``withdrawn_verdict``).

Streaming reads rows as tuples (``values_list`` over the same joins ``select_related``
would make) with ``.iterator(chunk_size=…)``: instantiating a Verdict, revision, Claim,
Article and Rating per row would cost more than building and serialising the review itself.
The claimant is part of the revision, so a record needs no other query.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, tzinfo
from typing import Any

from django.conf import settings
from django.db.models import Max, Min, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from annotations.models import ClaimantType, CorrectionNotice, Rating, ReviewState, Verdict

from .builder import FactCheckOrg, ReviewRecord, SpeakerKind

# Imported articles carry a synthetic title (claimreview/services.py); it must
# not be published as the headline of the article where the claim appeared.
IMPORTED_TITLE_PREFIX = "[ClaimReview import] "
# schema.org: ratingExplanation is "a short explanation (e.g. one to two sentences)"; a
# longer rationale stays on the verdict page rather than being cut mid-argument.
RATING_EXPLANATION_MAX = 500
CHUNK_SIZE = 2000
SPEAKER_KINDS: dict[str, SpeakerKind] = {
    ClaimantType.PERSON: "Person",
    ClaimantType.ORGANIZATION: "Organization",
}

_ROW = (
    "claim_id",
    "published_at",
    "published_revision__number",
    "published_revision__published_at",
    "published_revision__rationale",
    "published_revision__rating__label",
    "published_revision__rating__value",
    "published_revision__rating__scale_id",
    "claim__text",
    "published_revision__claim_reviewed",
    "published_revision__claimant_name",
    "published_revision__claimant_type",
    "claim__article__title",
    "claim__article__url",
    "claim__article__published_on",
    "claim__article__outlet",
)


def claimreview_org() -> FactCheckOrg:
    """Our organisation and site, from settings (read per call so tests can override)."""
    return FactCheckOrg(
        name=settings.FACTCHECK_ORG_NAME,
        url=settings.FACTCHECK_ORG_URL,
        site_url=getattr(settings, "FACTCHECK_SITE_URL", None) or None,
    )


def public_verdict_path(claim_id: int) -> str:
    return _public_path_template().format(claim_id)


def _public_path_template() -> str:
    # reverse() per row costs as much as the rest of a record; resolve the shape once.
    try:
        path = reverse("claimreview:verdict_public", kwargs={"claim_id": 987654321})
    except NoReverseMatch:
        path = "/factchecks/987654321/"
    return path.replace("987654321", "{}")


def published_verdicts() -> QuerySet[Verdict]:
    """Verdicts the public may see: live (published, not withdrawn), on a claim no reviewer
    rejected since.

    A claim rejected while its verdict is live is inconsistent data (the services refuse
    it); hiding it is the safe side for a public fact check.
    """
    return (
        Verdict.objects.filter(is_published=True, published_revision__isnull=False)
        .exclude(claim__review_state=ReviewState.REJECTED)
        .select_related(
            "claim__article", "published_revision__rating", "published_revision__published_by"
        )
    )


def withdrawn_verdict(claim_id: int) -> Verdict | None:
    """A verdict that was public and was withdrawn: its page explains, with 410 Gone."""
    return (
        Verdict.objects.filter(claim_id=claim_id, is_published=False, withdrawn_at__isnull=False)
        .select_related("claim__article", "published_revision__rating")
        .first()
    )


def corrections_of(verdict: Verdict) -> list[CorrectionNotice]:
    """The verdict's published corrections, newest first ("Updated <date>: <note>")."""
    return list(
        CorrectionNotice.objects.filter(verdict=verdict, kind=CorrectionNotice.Kind.CORRECTION)
        .select_related("revision")
        .order_by("-created_at", "-id")
    )


def withdrawal_of(verdict: Verdict) -> CorrectionNotice | None:
    """The notice of the verdict's latest withdrawal."""
    return (
        CorrectionNotice.objects.filter(verdict=verdict, kind=CorrectionNotice.Kind.WITHDRAWAL)
        .order_by("-created_at", "-id")
        .first()
    )


def public_notices() -> QuerySet[CorrectionNotice]:
    """Every correction and withdrawal, newest first: the public corrections page."""
    return CorrectionNotice.objects.select_related(
        "revision__rating", "verdict__claim__article"
    ).order_by("-created_at", "-id")


def _since_bound(since: date | datetime) -> datetime:
    if isinstance(since, datetime):
        return since if timezone.is_aware(since) else timezone.make_aware(since)
    # A date means from the start of that day where the desk works; comparing the column
    # (rather than its __date) keeps the (is_published, published_at) index usable.
    return timezone.make_aware(datetime.combine(since, time.min))


def review_rows(
    *,
    since: date | datetime | None = None,
    article_id: int | None = None,
    claim_id: int | None = None,
) -> QuerySet[Verdict, tuple[Any, ...]]:
    """The export query, oldest publication first so a feed reads as a log. ``since``
    keeps verdicts first published, or corrected, since then."""
    queryset = published_verdicts()
    if since is not None:
        bound = _since_bound(since)
        corrected = Q(published_revision__number__gt=1, published_revision__published_at__gte=bound)
        queryset = queryset.filter(Q(published_at__gte=bound) | corrected)
    if article_id is not None:
        queryset = queryset.filter(claim__article_id=article_id)
    if claim_id is not None:
        queryset = queryset.filter(claim_id=claim_id)
    return queryset.order_by("published_at", "id").values_list(*_ROW)


def scale_bounds() -> dict[int, tuple[float, float]]:
    """(worst, best) per rating scale, from the numeric values of its ratings."""
    rows = (
        Rating.objects.filter(value__isnull=False)
        .values("scale_id")
        .annotate(low=Min("value"), high=Max("value"))
    )
    return {row["scale_id"]: (row["low"], row["high"]) for row in rows if row["low"] < row["high"]}


def _record(
    row: tuple[Any, ...],
    path: str,
    bounds: dict[int, tuple[float, float]],
    tz: tzinfo | None,
) -> ReviewRecord:
    (
        claim_id,
        published_at,
        revision,
        revised_at,
        rationale,
        label,
        value,
        scale_id,
        claim_text,
        claim_reviewed,
        claimant_name,
        claimant_type,
        title,
        article_url,
        article_date,
        outlet,
    ) = row
    worst = best = None
    if value is not None and scale_id in bounds:
        worst, best = bounds[scale_id]
    elif value is not None:
        value = None  # a lone number without its scale means nothing to a reader
    explanation = (
        " ".join(rationale.split()) if len(rationale) <= 2 * RATING_EXPLANATION_MAX else ""
    )
    # Revision 1 is the first publication; every later one is a published correction.
    modified = revised_at if revision > 1 else None
    if tz is not None:
        # In the desk's time zone, so a date-only publication date survives a round trip.
        published_at = published_at.astimezone(tz)
        modified = modified.astimezone(tz) if modified is not None else None
    return ReviewRecord(
        claim_text=claim_text,
        claim_reviewed=claim_reviewed or None,
        verdict_label=label,
        public_url=path.format(claim_id),
        date_published=published_at,
        date_modified=modified,
        rating_value=value,
        best_rating=best,
        worst_rating=worst,
        rating_explanation=explanation if len(explanation) <= RATING_EXPLANATION_MAX else None,
        speaker_name=claimant_name or None,
        speaker_type=SPEAKER_KINDS.get(claimant_type),
        article_url=article_url or None,
        article_headline=None if title.startswith(IMPORTED_TITLE_PREFIX) else title,
        article_date=article_date,
        outlet_name=outlet or None,
        # The article is the only appearance we know of, hence the earliest known.
        first_appearance_is_article=True,
        identifier=claim_id,
    )


def iter_review_records(
    *,
    since: date | datetime | None = None,
    article_id: int | None = None,
    claim_id: int | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[ReviewRecord]:
    """Stream builder input for every public verdict matching the filters, in constant
    memory (``chunk_size`` rows at a time)."""
    path = _public_path_template()
    bounds = scale_bounds()
    tz: tzinfo | None = timezone.get_current_timezone()
    if str(tz) == "UTC":
        tz = None  # values come back from the database in UTC already
    rows = review_rows(since=since, article_id=article_id, claim_id=claim_id)
    for row in rows.iterator(chunk_size=chunk_size):
        yield _record(row, path, bounds, tz)


def review_record_for_claim(claim_id: int) -> ReviewRecord | None:
    """The one record behind a claim's public page and endpoint, or None if not public."""
    return next(iter_review_records(claim_id=claim_id), None)
