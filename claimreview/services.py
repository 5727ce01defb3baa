"""Importing ClaimReview markup as claims with verdicts.

Why a service of its own: the lead's services write one thing each (an article, a claim, a
verdict); an imported review needs all of them at once, plus the speaker's type, and must
leave nothing behind when any part is refused. This module composes those services in one
transaction and records one more AuditEvent, ``claimreview.import``, with what came in.

A ClaimReview carries no article text, so the article is a short synthetic one: the claim
with its speaker ("Jane Doe said: …"), and a line naming the review's url. That gives the
claim, attribution and entity real spans, and makes re-importing the same review a
``DuplicateArticle`` (same text, same hash) rather than a second copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from annotations import roles
from annotations.models import AuditVerb, Entity, Rating, RatingScale, Verdict
from annotations.services import (
    ArticleInput,
    ClaimantChoice,
    ServiceError,
    article_import,
    attribution_add,
    claim_add,
    verdict_publish,
    verdict_save,
)
from annotations.services.audit import audit_record, snapshot

from .parser import ParsedReview
from .records import IMPORTED_TITLE_PREFIX

# Verdict words other desks use, mapped onto the position they take on a five-point
# true/false scale (1 = false … 5 = true) or None for "cannot be rated". Only consulted
# when neither the label nor a numeric rating places the review on our scale.
LABEL_SYNONYMS: dict[str, float | None] = {
    "pants on fire": 1,
    "pants on fire!": 1,
    "fake": 1,
    "hoax": 1,
    "incorrect": 1,
    "inaccurate": 1,
    "untrue": 1,
    "wrong": 1,
    "fabricated": 1,
    "misattributed": 2,
    "misleading": 2,
    "mostly inaccurate": 2,
    "partly false": 2,
    "partially false": 2,
    "missing context": 3,
    "half true": 3,
    "half-true": 3,
    "mixture": 3,
    "mixed": 3,
    "partly true": 3,
    "mostly correct": 4,
    "mostly accurate": 4,
    "correct": 5,
    "accurate": 5,
    "unproven": None,
    "unsupported": None,
    "no evidence": None,
    "unverified": None,
    "unverifiable": None,
    "not rated": None,
}
SYNONYM_SCALE = (1.0, 5.0)


class ImportRefused(ServiceError):
    """The review cannot be placed in our data; the message says why."""


@dataclass(frozen=True)
class RatingMatch:
    rating: Rating
    how: str  # "label", "numeric", "synonym": shown to whoever runs the import


def _norm(label: str) -> str:
    return " ".join(label.casefold().replace("\u2019", "'").split()).strip(" .!")


def _nearest(ratings: list[Rating], target: float, low: float, high: float) -> Rating:
    numeric = [(r.value, r) for r in ratings if r.value is not None]
    our_low = min(value for value, _rating in numeric)
    our_high = max(value for value, _rating in numeric)
    position = (target - low) / (high - low)
    wanted = our_low + position * (our_high - our_low)
    return min(numeric, key=lambda pair: (abs(pair[0] - wanted), pair[1].position))[1]


def rating_for_review(review: ParsedReview, *, scale: RatingScale) -> RatingMatch:
    """Place an incoming rating on our scale.

    In order: the same label on our scale (case-insensitive); the numeric rating rescaled
    from its [worstRating, bestRating] onto our range, nearest value; a known synonym of
    the label. Raises :class:`ImportRefused` when none applies, so a review is never
    filed under a guessed verdict.
    """
    ratings = list(scale.ratings.all())
    by_label = {_norm(r.label): r for r in ratings}
    label = _norm(review.rating_label)
    if label in by_label:
        return RatingMatch(by_label[label], "label")
    has_numbers = any(r.value is not None for r in ratings)
    value, best, worst = review.rating_value, review.best_rating, review.worst_rating
    if value is not None and has_numbers:
        low = 1.0 if worst is None else worst  # schema.org's defaults for a missing scale
        high = 5.0 if best is None else best
        if low < high and low <= value <= high:
            return RatingMatch(_nearest(ratings, value, low, high), "numeric")
    if label in LABEL_SYNONYMS:
        position = LABEL_SYNONYMS[label]
        if position is None:
            textual = [r for r in ratings if r.value is None]
            if textual:
                return RatingMatch(textual[0], "synonym")
        elif has_numbers:
            return RatingMatch(_nearest(ratings, position, *SYNONYM_SCALE), "synonym")
    raise ImportRefused(
        f"rating {review.rating_label!r} cannot be placed on the scale {scale.name!r}: "
        "no such label, no usable numeric rating, no known synonym"
    )


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None


def _datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


_SAFE_SPEAKER = re.compile(r"\S")


def claimreview_import(
    *,
    review: ParsedReview,
    actor: User,
    scale: RatingScale | None = None,
    publish: bool = False,
    keep_publication_date: bool = True,
) -> Verdict:
    """Create article, claim, speaker attribution and verdict for one review, or nothing.

    ``publish`` puts the verdict on our public surfaces (for migrating our own archive;
    never for someone else's fact checks). With ``keep_publication_date`` the review's
    ``datePublished`` becomes the verdict's publication date, so feeds stay in order.
    """
    if not roles.is_reviewer(actor):
        raise PermissionDenied("Only reviewers can import verdicts")
    if publish and not roles.is_editor(actor):
        raise PermissionDenied("Only editors can publish imported verdicts")
    claim_text = " ".join(review.claim_reviewed.split())
    if not claim_text:
        raise ImportRefused("claimReviewed is empty")
    scale = scale or RatingScale.objects.filter(is_default=True).first()
    if scale is None:
        raise ImportRefused("there is no default rating scale to map ratings onto")
    match = rating_for_review(review, scale=scale)

    speaker = (
        review.speaker_name
        if review.speaker_name and _SAFE_SPEAKER.search(review.speaker_name)
        else None
    )
    speaker = " ".join(speaker.split()) if speaker else None
    prefix = f"{speaker} said: " if speaker else ""
    source_line = (
        f"Imported from ClaimReview {review.url}"
        if review.url
        else ("Imported from ClaimReview" + (f" {review.identifier}" if review.identifier else ""))
    )
    body = f"{prefix}{claim_text}\n\n{source_line}\n"
    title = review.appearance_headline or f"{IMPORTED_TITLE_PREFIX}{claim_text}"
    rationale = review.rating_explanation or (
        f"Imported from a ClaimReview by {review.author_name or 'another fact-checker'}"
        f"{f' ({review.url})' if review.url else ''}, rated “{review.rating_label}”."
    )
    outlet = review.outlet_name or (
        review.speaker_name if review.speaker_type == "Organization" else ""
    )

    with transaction.atomic():
        article = article_import(
            data=ArticleInput(
                title=title[:500],
                body=body,
                outlet=(outlet or "")[:200],
                url=review.appearance_url or review.first_appearance_url or "",
                published_on=_date(review.appearance_date or review.claim_date),
            ),
            actor=actor,
            queue=False,
        )
        start = len(prefix)
        claim = claim_add(article=article, start=start, end=start + len(claim_text), actor=actor)
        claimant = None
        if speaker:
            cue_start = len(speaker) + 1
            attribution = attribution_add(
                article=article,
                actor=actor,
                speaker=(0, len(speaker)),
                cue=(cue_start, cue_start + len("said")),
                content=(claim.start, claim.end),
                claim=claim,
            )
            if review.speaker_type:
                # The speaker's kind comes from the markup, not from NER: record it as the
                # entity the export reads back.
                Entity.objects.create(
                    article=article,
                    start=0,
                    end=len(speaker),
                    text=speaker[:500],
                    label="PERSON" if review.speaker_type == "Person" else "ORG",
                )
                # The markup names who made the claim: the verdict records them as claimant.
                claimant = ClaimantChoice(attribution.pk, review.speaker_type)
        verdict = verdict_save(
            claim=claim, rating=match.rating, rationale=rationale, actor=actor, claimant=claimant
        )
        if publish:
            verdict = verdict_publish(verdict=verdict, actor=actor)
            published = _datetime(review.date_published) if keep_publication_date else None
            if published is not None:
                Verdict.objects.filter(pk=verdict.pk).update(published_at=published)
                verdict.published_at = published
        audit_record(
            actor=actor,
            verb=AuditVerb.CLAIMREVIEW_IMPORT,
            target=verdict,
            article=article,
            after={
                **snapshot(verdict, ["rating", "is_published", "published_at"]),
                "rating_match": match.how,
                "source_url": review.url,
                "source_author": review.author_name,
                "source_rating": review.rating_label,
                "source_date_published": review.date_published,
            },
        )
    return verdict
