"""Reads for the article text on the review page: the claims in reading order, the marks
drawn over the text, the claim list's entries and the counts.

The whole text is drawn for the page and after a span changes; a change to one claim's
state redraws only the region it covers (``claim_region``), read from an outline of the
article (ids, offsets and states, no model instances) and the marks that overlap the claim.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils.safestring import SafeString, mark_safe

from .. import markup
from ..markup import (
    Mark,
    Segment,
    build_marks,
    build_segments,
    nav_item,
    render_segments,
    segments_in,
)
from ..models import Article, Attribution, Claim, Flag, Quantity, ReviewState
from .queue import count_subquery

if TYPE_CHECKING:
    from .review import ClaimPanel


# --- the article text -----------------------------------------------------------------------


def claims_for_article(article: Article) -> list[Claim]:
    return list(
        Claim.objects.filter(article=article)
        .annotate(n_open_flags=count_subquery(Flag, "claim", dismissed_at__isnull=True))
        .select_related("verdict__rating")
        .order_by("start", "-end", "id")
    )


# What the text, the claim list and the flag list show of a claim; the panel loads its one
# claim in full. Leaving out the machine's reasons and scores saves decoding a few JSON
# documents per claim on every page.
_LISTED_CLAIM_FIELDS = (
    "id",
    "article_id",
    "start",
    "end",
    "text",
    "comparisons",
    "review_state",
    "support",
    "version",
    "verdict__rating__label",
)


def listed_claims(article_id: int) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(article_id=article_id)
        .select_related("verdict__rating")
        .only(*_LISTED_CLAIM_FIELDS)
        .order_by("start", "-end", "id")
    )


def review_counts(claims: Sequence[Claim] | Sequence[OutlineClaim]) -> list[tuple[str, str, int]]:
    counts: dict[str, int] = {}
    for c in claims:
        counts[c.review_state] = counts.get(c.review_state, 0) + 1
    return [(value, label, counts.get(value, 0)) for value, label in ReviewState.choices]


def article_counts(article_id: int) -> list[tuple[str, str, int]]:
    """The claims per review state, counted by the database (one query)."""
    rows = (
        Claim.objects.filter(article_id=article_id)
        .order_by()
        .values("review_state")
        .annotate(n=Count("id"))
        .values_list("review_state", "n")
    )
    counts = dict(rows)
    return [(value, label, counts.get(value, 0)) for value, label in ReviewState.choices]


def pending_count(counts: Sequence[tuple[str, str, int]]) -> int:
    return next((n for value, _, n in counts if value == ReviewState.PENDING), 0)


_STATE_LABELS: dict[str, str] = {value: str(label) for value, label in ReviewState.choices}


def claim_nav_item(
    claim: Claim, *, review_url: str, claims_url: str, oob: bool = False
) -> SafeString:
    """The claim's entry in the claim list (``n_open_flags`` set by the loader)."""
    verdict = getattr(claim, "verdict", None)
    rating = verdict.rating if verdict is not None else None
    return nav_item(
        claim,
        state_label=_STATE_LABELS.get(claim.review_state, claim.review_state),
        open_flags=getattr(claim, "n_open_flags", 0),
        rating=str(rating) if rating is not None else "",
        review_url=review_url,
        claims_url=claims_url,
        oob=oob,
    )


# The marked-up text of a long article costs more to build than the rest of the page, so
# the last drawing of each article is kept (one cache entry per article) beside a digest of
# everything it was drawn from: the text, every mark with the state and support that colour
# a claim, and the code that draws it. A changed claim, attribution or quantity changes the
# digest, so an old drawing is never shown; it is simply drawn again.
_RENDERER = hashlib.blake2b(Path(markup.__file__).read_bytes(), digest_size=8).hexdigest()
TEXT_CACHE_SECONDS = 600


def _text_digest(article: Article, marks: Sequence[Mark]) -> str:
    digest = hashlib.blake2b(article.body.encode("utf-8", "surrogatepass"), digest_size=16)
    digest.update(_RENDERER.encode())
    digest.update(
        repr(
            [
                (m.start, m.end, m.kind, m.ref)
                + ((m.claim.support, m.claim.review_state) if m.claim is not None else ())
                for m in marks
            ]
        ).encode()
    )
    return digest.hexdigest()


@dataclass
class ArticleText:
    article: Article
    claims: list[Claim]
    marks: list[Mark]

    @cached_property
    def segments(self) -> list[Segment]:
        return build_segments(self.article.body, self.marks)

    @property
    def claim_order(self) -> str:
        return " ".join(str(c.pk) for c in self.claims)

    @cached_property
    def html(self) -> SafeString:
        key = f"review-text:{self.article.pk}"
        digest = _text_digest(self.article, self.marks)
        kept = cache.get(key)
        if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == digest:
            drawn = kept[1]
        else:
            drawn = str(render_segments(self.segments))
            cache.set(key, (digest, drawn), TEXT_CACHE_SECONDS)
        return mark_safe(drawn)  # noqa: S308 - drawn by render_segments, which escapes

    def claim(self, claim_id: int) -> Claim:
        return next(c for c in self.claims if c.pk == claim_id)

    def nav(self, *, review_url: str, claims_url: str) -> SafeString:
        """The whole claim list's entries."""
        return mark_safe(  # noqa: S308 - each entry escapes its own values
            "".join(
                claim_nav_item(c, review_url=review_url, claims_url=claims_url) for c in self.claims
            )
        )


def _article_marks_queries(article_id: int) -> tuple[QuerySet[Attribution], QuerySet[Quantity]]:
    """The article's own attributions (not a source's, none a reviewer rejected) and
    quantities, with only what a mark needs."""
    # by id: the models' default ordering would join the article table only to sort, and
    # the segments do not depend on the order (the text cache key does, so keep one)
    attributions = (
        Attribution.objects.filter(article_id=article_id, source__isnull=True)
        .exclude(review_state=ReviewState.REJECTED)
        .only(*_MARK_ATTRIBUTION_FIELDS)
        .order_by("pk")
    )
    quantities = (
        Quantity.objects.filter(article_id=article_id, source__isnull=True)
        .only("pk", "start", "end")
        .order_by("pk")
    )
    return attributions, quantities


_MARK_ATTRIBUTION_FIELDS = (
    "pk",
    "speaker_start",
    "speaker_end",
    "cue_start",
    "cue_end",
    "content_start",
    "content_end",
)


def count_open_flags(claims: Sequence[Claim], flags: Iterable[Flag]) -> None:
    n: dict[int, int] = {}
    for f in flags:
        if f.dismissed_at is None:
            n[f.claim_id] = n.get(f.claim_id, 0) + 1
    for c in claims:
        c.n_open_flags = n.get(c.pk, 0)  # type: ignore[attr-defined]


def article_text(
    article: Article,
    claims: list[Claim] | None = None,
    *,
    attributions: Iterable[Attribution] | None = None,
) -> ArticleText:
    """The marked-up article body: claims, and the article's own attributions (not a
    source's, none a reviewer rejected) and quantities. ``attributions`` may be the
    article's attributions loaded already (any source, any state: filtered here)."""
    if claims is None:
        claims = list(listed_claims(article.pk))
        flags = Flag.objects.filter(claim__article_id=article.pk).only("claim_id", "dismissed_at")
        count_open_flags(claims, flags)
    own_attributions, quantities = _article_marks_queries(article.pk)
    if attributions is not None:
        own_attributions = [  # type: ignore[assignment]
            a
            for a in attributions
            if a.source_id is None and a.review_state != ReviewState.REJECTED
        ]
    marks = build_marks(claims, own_attributions, quantities)
    return ArticleText(article, claims, marks)


@dataclass(frozen=True, slots=True)
class OutlineClaim:
    """A claim as the markup and the counts see it: where it is and what colours it."""

    pk: int
    start: int
    end: int
    support: str
    review_state: str


def claim_outline(article_id: int) -> list[OutlineClaim]:
    """Every claim of the article in reading order, without model instances (one query):
    the panel's numbering, the counts and the marks around one claim all come from it."""
    rows = (
        Claim.objects.filter(article_id=article_id)
        .order_by("start", "-end", "id")
        .values_list("pk", "start", "end", "support", "review_state")
    )
    return [OutlineClaim(*row) for row in rows]


@dataclass
class ClaimRegion:
    """What a change to one claim's state or verdict redraws: the text segments it covers
    and its entry in the claim list."""

    claim: Claim
    segments: list[Segment]


def claim_region(*, panel: ClaimPanel) -> ClaimRegion:
    """What a change to the panel's claim redraws, from the panel's outline of the article
    and only the attributions and quantities that overlap the claim (two queries): the
    segments inside its span depend on nothing else, so a 300-claim article costs what a
    3-claim one does."""
    claim = panel.claim
    start, end = claim.start, claim.end
    claims = [c for c in panel.outline if c.start < end and c.end > start]
    attributions, quantities = _article_marks_queries(claim.article_id)
    attributions = attributions.filter(
        Q(cue_start__lt=end, cue_end__gt=start)
        | Q(content_start__lt=end, content_end__gt=start)
        | Q(speaker_start__lt=end, speaker_end__gt=start)
    )
    quantities = quantities.filter(start__lt=end, end__gt=start)
    segments = build_segments(claim.article.body, build_marks(claims, attributions, quantities))
    claim.n_open_flags = panel.open_flags  # type: ignore[attr-defined]
    return ClaimRegion(claim=claim, segments=segments_in(segments, start, end))
