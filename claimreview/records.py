"""Published verdicts as ClaimReview builder input, streamed from the database.

Why a separate selector: every public surface (the verdict page, the per-claim and
per-article endpoints, the feed and the export command) must agree on *which* verdicts are
public and on how a row becomes a :class:`~claimreview.builder.ReviewRecord`, and a
whole-site export must run in constant memory.

Streaming reads rows as tuples (``values_list`` over the same joins ``select_related``
would make) with ``.iterator(chunk_size=…)``: instantiating a Verdict, Claim, Article and
Rating per row would cost more than building and serialising the review itself. Speakers
come in one extra pair of queries per chunk, so memory is bounded by ``chunk_size``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import batched
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import Max, Min, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from annotations.models import Attribution, Entity, Rating, ReviewState, Verdict

from .builder import FactCheckOrg, ReviewRecord, SpeakerKind

# Imported articles carry a synthetic title (claimreview/services.py); it must
# not be published as the headline of the article where the claim appeared.
IMPORTED_TITLE_PREFIX = "[ClaimReview import] "
# schema.org: ratingExplanation is "a short explanation (e.g. one to two sentences)"; a
# longer rationale stays on the verdict page rather than being cut mid-argument.
RATING_EXPLANATION_MAX = 500
ENTITY_KINDS: dict[str, SpeakerKind] = {"PERSON": "Person", "ORG": "Organization"}
CHUNK_SIZE = 2000
EDIT_GRACE = timedelta(minutes=1)

_ROW = (
    "claim_id",
    "published_at",
    "updated_at",
    "rationale",
    "rating__label",
    "rating__value",
    "rating__scale_id",
    "claim__text",
    "claim__claim_reviewed",
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
    """Verdicts the public may see: published, on a claim no reviewer rejected since.

    A claim rejected after its verdict went out is inconsistent data; hiding it is the
    safe side for a public fact check.
    """
    return (
        Verdict.objects.filter(is_published=True)
        .exclude(claim__review_state=ReviewState.REJECTED)
        .select_related("claim__article", "rating")
    )


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
    """The export query, oldest publication first so a feed reads as a log."""
    queryset = published_verdicts()
    if since is not None:
        queryset = queryset.filter(published_at__gte=_since_bound(since))
    if article_id is not None:
        queryset = queryset.filter(claim__article_id=article_id)
    if claim_id is not None:
        queryset = queryset.filter(claim_id=claim_id)
    return queryset.order_by("published_at", "id").values_list(*_ROW)


class Speaker(NamedTuple):
    name: str
    kind: SpeakerKind | None


def _id_list(ids: Iterable[int]) -> RawSQL | list[int]:
    """A chunk's ids as ONE bound parameter, for ``field__in=``.

    Binding 2,000 parameters cost Django more than running the query, and inlining them
    gave every chunk a new SQL text, which SQLite's statement cache then kept (memory grew
    with the export). A JSON array (SQLite) or an array (PostgreSQL) is one parameter and
    one reusable statement.
    """
    ids = [int(pk) for pk in ids]
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return ids


def speakers_for(claim_ids: Iterable[int]) -> dict[int, Speaker]:
    """The reviewer-confirmed speaker of each claim and, when the NER found exactly that
    span, whether it is a person or an organisation.

    Two queries per batch of claims. Correlated subqueries per exported row did the same
    in one query but cost more than the rest of the export put together. ``source IS
    NULL`` is tested here rather than in SQL: without table statistics SQLite answers it
    from the source index, i.e. scans every attribution of every article for each batch.
    """
    first: dict[int, tuple[int, int, int, str]] = {}
    # An explicit order_by on our own columns also drops the models' default ordering,
    # which would join article and source.
    attributions = (
        Attribution.objects.filter(
            claim_id__in=_id_list(claim_ids),
            review_state__in=(ReviewState.CONFIRMED, ReviewState.CORRECTED),
        )
        .order_by("claim_id", "cue_start", "id")
        .values_list(
            "claim_id",
            "source_id",
            "article_id",
            "speaker_start",
            "speaker_end",
            "speaker_text",
            "speaker_resolved",
        )
    )
    for claim_id, source_id, article_id, start, end, text, resolved in attributions:
        if claim_id in first or source_id is not None or start is None:
            continue
        name = resolved or text
        if name and not name.isspace():
            first[claim_id] = (article_id, start, end, name.strip())
    if not first:
        return {}
    # Per article, the person/organisation entities; a speaker phrase such as "A Friedrich
    # Naumann Foundation study" names its author through the entity inside it.
    named: dict[int, list[tuple[int, int, str, str]]] = {}
    entities = (
        Entity.objects.filter(
            article_id__in=_id_list({article_id for article_id, *_ in first.values()}),
            label__in=tuple(ENTITY_KINDS),
            source__isnull=True,
        )
        .order_by("article_id", "start", "id")
        .values_list("article_id", "start", "end", "label", "text")
    )
    for article_id, start, end, label, text in entities:
        named.setdefault(article_id, []).append((start, end, label, text))
    return {
        claim_id: _speaker(name, start, end, named.get(article_id, ()))
        for claim_id, (article_id, start, end, name) in first.items()
    }


def _speaker(
    name: str, start: int, end: int, entities: Iterable[tuple[int, int, str, str]]
) -> Speaker:
    """The speaker as the NER saw it: the exact span if tagged, else the longest person or
    organisation inside the phrase, else the phrase untyped."""
    inside = [e for e in entities if start <= e[0] and e[1] <= end]
    exact = next((e for e in inside if (e[0], e[1]) == (start, end)), None)
    if exact is not None:
        return Speaker(name, ENTITY_KINDS[exact[2]])
    if inside:
        best = max(inside, key=lambda e: (e[1] - e[0], -e[0]))
        return Speaker(best[3].strip(), ENTITY_KINDS[best[2]])
    return Speaker(name, None)


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
    speaker: Speaker | None,
    tz: tzinfo | None,
) -> ReviewRecord:
    (
        claim_id,
        published_at,
        updated_at,
        rationale,
        label,
        value,
        scale_id,
        claim_text,
        claim_reviewed,
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
    modified = None
    if updated_at is not None and updated_at - published_at > EDIT_GRACE:
        # publish saves the verdict, so updated_at trails published_at by microseconds;
        # only a later edit is a modification worth announcing.
        modified = updated_at if tz is None else updated_at.astimezone(tz)
    if tz is not None:
        # In the desk's time zone, so a date-only publication date survives a round trip.
        published_at = published_at.astimezone(tz)
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
        speaker_name=speaker.name if speaker else None,
        speaker_type=speaker.kind if speaker else None,
        article_url=article_url or None,
        article_headline=None if title.startswith(IMPORTED_TITLE_PREFIX) else title,
        article_date=article_date,
        outlet_name=outlet or None,
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
    for batch in batched(rows.iterator(chunk_size=chunk_size), chunk_size):
        speakers = speakers_for(row[0] for row in batch)
        for row in batch:
            yield _record(row, path, bounds, speakers.get(row[0]), tz)


def review_record_for_claim(claim_id: int) -> ReviewRecord | None:
    """The one record behind a claim's public page and endpoint, or None if not public."""
    return next(iter_review_records(claim_id=claim_id), None)
