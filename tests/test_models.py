"""Database constraints protect spans and scores even when code bypasses the services."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from annotations.models import Attribution, Claim, Rating, RatingScale, Verdict
from annotations.spans import SpanError, validate_span
from tests import factories


def test_validate_span_returns_the_slice():
    assert validate_span("hello world", 6, 11) == "world"


@pytest.mark.parametrize("start,end", [(-1, 3), (3, 3), (5, 2), (0, 12), (None, 2), (True, 3)])
def test_validate_span_refuses_out_of_range_offsets(start, end):
    with pytest.raises(SpanError, match="start|out of range"):
        validate_span("hello world", start, end)


def test_validate_span_refuses_text_that_is_not_the_slice():
    with pytest.raises(SpanError, match="does not match"):
        validate_span("hello world", 0, 5, "world")


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", [(5, 5), (9, 4)])
def test_database_refuses_claim_spans_with_start_not_before_end(article, start, end):
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(article=article, start=start, end=end, text="x")


@pytest.mark.django_db
def test_database_refuses_scores_outside_zero_to_one(article):
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(article=article, start=0, end=3, text="The", score=1.5)


@pytest.mark.django_db
def test_database_refuses_half_a_speaker_span(article):
    with pytest.raises(IntegrityError), transaction.atomic():
        Attribution.objects.create(
            article=article,
            speaker_start=0,
            speaker_end=None,
            cue_start=4,
            cue_end=8,
            cue_text="said",
            content_start=9,
            content_end=12,
            content_text="abc",
        )


@pytest.mark.django_db
def test_claim_clean_checks_the_text_against_the_article(article):
    claim = Claim(article=article, start=0, end=3, text="Nope")
    with pytest.raises(SpanError):
        claim.clean()


@pytest.mark.django_db
def test_default_rating_scale_is_created_by_migration():
    scale = RatingScale.objects.get(is_default=True)
    labels = list(scale.ratings.values_list("label", flat=True))
    assert labels == ["False", "Mostly false", "Mixed", "Mostly true", "True", "Unverifiable"]
    assert scale.bounds() == (1.0, 5.0)
    assert Rating.objects.get(scale=scale, label="Unverifiable").value is None


@pytest.mark.django_db
def test_only_one_default_scale():
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingScale.objects.create(name="Another", is_default=True)


@pytest.mark.django_db
def test_published_verdict_needs_a_publication_date(article):
    claim = factories.claim(article, "The city council")
    rating = Rating.objects.filter(label="True").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.create(claim=claim, rating=rating, rationale="r", is_published=True)
