"""Reviewer decisions as training records (``annotations.nlp.corpus.TrainingArticle``).

What counts as a human label:

- claims: confirmed and corrected machine claims are positives (a corrected one at the
  reviewer's span, with the machine's span kept beside it), reviewer-added claims are
  positives, rejected claims are negatives; a pending machine claim is nobody's decision and
  is left out;
- attributions in the article's own text (not those found in a cited source): confirmed,
  corrected or reviewer-added, with their speaker, cue and content spans.

The machine's undecided candidates of an exported article go along as ``context`` (not
labels): the ranker reads a claim's paragraph companions. An article with no decision is not
exported. Reads only, four queries per call.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from ..models import Article, Attribution, Claim, Origin, ReviewState
from ..nlp.corpus import TrainingArticle, TrainingAttribution, TrainingClaim, TrainingSpan


def _claim_decision(claim: Claim) -> tuple[int, str] | None:
    if claim.review_state == ReviewState.REJECTED:
        return 0, "rejected"
    if claim.origin == Origin.REVIEWER:
        return 1, "added"
    if claim.review_state == ReviewState.CORRECTED:
        return 1, "corrected"
    if claim.review_state == ReviewState.CONFIRMED:
        return 1, "confirmed"
    return None


def _training_claim(claim: Claim) -> TrainingClaim | None:
    decision = _claim_decision(claim)
    if decision is None:
        return None
    label, how = decision
    corrected = how == "corrected" and claim.machine_start is not None
    return TrainingClaim(
        start=claim.start,
        end=claim.end,
        text=claim.text,
        label=label,
        how=how,
        machine_start=claim.machine_start if corrected else None,
        machine_end=claim.machine_end if corrected else None,
    )


def _training_attribution(a: Attribution) -> TrainingAttribution:
    speaker = None
    if a.speaker_start is not None and a.speaker_end is not None:
        speaker = TrainingSpan(a.speaker_start, a.speaker_end, a.speaker_text)
    how = "added" if a.origin == Origin.REVIEWER else str(a.review_state)
    return TrainingAttribution(
        speaker=speaker,
        cue=TrainingSpan(a.cue_start, a.cue_end, a.cue_text),
        content=TrainingSpan(a.content_start, a.content_end, a.content_text),
        kind=a.kind,
        direct=a.direct,
        how=how,
    )


def training_articles(article_ids: Iterable[int] | None = None) -> list[TrainingArticle]:
    """Every article with at least one reviewer decision, as training records, by id."""
    decided_claims = Q(origin=Origin.REVIEWER) | Q(
        review_state__in=(ReviewState.CONFIRMED, ReviewState.CORRECTED, ReviewState.REJECTED)
    )
    kept_attributions = Q(origin=Origin.REVIEWER) | Q(
        review_state__in=(ReviewState.CONFIRMED, ReviewState.CORRECTED)
    )
    claims = Claim.objects.filter(decided_claims).order_by("article_id", "start", "end", "id")
    attributions = Attribution.objects.filter(kept_attributions, source__isnull=True).order_by(
        "article_id", "cue_start", "id"
    )
    if article_ids is not None:
        ids = list(article_ids)
        claims, attributions = (
            claims.filter(article_id__in=ids),
            attributions.filter(article_id__in=ids),
        )
    by_article: dict[int, list[TrainingClaim]] = defaultdict(list)
    for claim in claims:
        record = _training_claim(claim)
        if record is not None:
            by_article[claim.article_id].append(record)
    attrs_by_article: dict[int, list[TrainingAttribution]] = defaultdict(list)
    for a in attributions:
        attrs_by_article[a.article_id].append(_training_attribution(a))
    wanted = set(by_article) | set(attrs_by_article)
    context: dict[int, list[tuple[int, int]]] = defaultdict(list)
    undecided = Claim.objects.filter(
        article_id__in=wanted, origin=Origin.MACHINE, review_state=ReviewState.PENDING
    ).order_by("article_id", "start", "end")
    for article_id, start, end in undecided.values_list("article_id", "start", "end"):
        context[article_id].append((start, end))
    articles = Article.objects.filter(pk__in=wanted).only("id", "title", "body", "content_hash")
    return [
        TrainingArticle(
            id=article.pk,
            key=article.content_hash,
            title=article.title,
            text=article.body,
            claims=tuple(by_article.get(article.pk, ())),
            attributions=tuple(attrs_by_article.get(article.pk, ())),
            context=tuple(context.get(article.pk, ())),
        )
        for article in articles.order_by("pk")
    ]
