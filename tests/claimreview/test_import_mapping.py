"""Reading incoming ClaimReviews and placing their ratings on our scale."""

from __future__ import annotations

import pytest

from annotations.models import RatingScale
from claimreview.builder import build_claim_review
from claimreview.parser import ParsedReview, parse_claim_review
from claimreview.services import ImportRefused, rating_for_review

from .helpers import FULL_RECORD, ORG, load_vector

# ---- parsing (no database)


def test_parse_reads_back_what_the_builder_wrote():
    parsed = parse_claim_review(build_claim_review(FULL_RECORD, org=ORG))
    assert parsed == ParsedReview(
        claim_reviewed=FULL_RECORD.claim_text,
        rating_label="Misattributed",
        rating_value=2.0,
        best_rating=5.0,
        worst_rating=1.0,
        rating_explanation=FULL_RECORD.rating_explanation,
        url="https://factcheck.example.org/factchecks/12/",
        date_published="2026-11-20T09:30:00+00:00",
        author_name="Example Fact Desk",
        author_url="https://factcheck.example.org/",
        speaker_name="Jane Doe",
        speaker_type="Person",
        claim_date="2026-11-18",
        appearance_url="https://news.example.com/article-123",
        appearance_headline="Foundation study sparks row",
        appearance_date="2026-11-18",
        outlet_name="Example News Daily",
        first_appearance_url="https://social.example.net/posts/1",
        first_appearance_date="2026-11-17",
        identifier="12",
    )


def test_parse_tolerates_lists_plain_urls_text_numbers_and_subtypes():
    doc = load_vector("valid_full.jsonld")
    doc["author"] = [doc["author"]]
    doc["reviewRating"].update(ratingValue="2", bestRating="5", worstRating="1")
    doc["itemReviewed"]["author"] = {"@type": "NewsMediaOrganization", "name": "Daily"}
    doc["itemReviewed"]["appearance"] = ["https://a.example/1", "https://a.example/2"]
    parsed = parse_claim_review(doc)
    assert parsed.author_name == "Example Fact Desk"
    assert (parsed.rating_value, parsed.best_rating, parsed.worst_rating) == (2.0, 5.0, 1.0)
    assert (parsed.speaker_name, parsed.speaker_type) == ("Daily", "Organization")
    assert parsed.appearance_url == "https://a.example/1"


def test_parse_legacy_creative_work_item():
    doc = load_vector("valid_full.jsonld")
    doc["itemReviewed"] = {
        "@type": "CreativeWork",
        "url": "https://news.example.com/old",
        "name": "Old headline",
        "author": {"@type": "Person", "name": "Someone"},
    }
    parsed = parse_claim_review(doc)
    assert parsed.appearance_url == "https://news.example.com/old"
    assert parsed.appearance_headline == "Old headline"
    assert parsed.speaker_type == "Person"


def test_parse_a_speaker_of_unknown_type_keeps_the_name_only():
    doc = load_vector("valid_full.jsonld")
    doc["itemReviewed"]["author"] = {"@type": "Thing", "name": "Somebody"}
    parsed = parse_claim_review(doc)
    assert (parsed.speaker_name, parsed.speaker_type) == ("Somebody", None)


# ---- rating mapping (default scale from the migration: False 1 … True 5, Unverifiable)


def review(label: str, value=None, best=None, worst=None) -> ParsedReview:
    return ParsedReview(
        claim_reviewed="x",
        rating_label=label,
        rating_value=value,
        best_rating=best,
        worst_rating=worst,
    )


@pytest.fixture
def scale(db) -> RatingScale:
    return RatingScale.objects.get(is_default=True)


@pytest.mark.parametrize(
    ("incoming", "label", "how"),
    [
        (review("mostly TRUE"), "Mostly true", "label"),
        (review("Misattributed", 2, 5, 1), "Mostly false", "numeric"),
        (review("Four stars", 8, 10, 0), "Mostly true", "numeric"),
        (review("Worst", 0, 10, 0), "False", "numeric"),
        (review("Best", 10, 10, 0), "True", "numeric"),
        (review("Middling", 3), "Mixed", "numeric"),  # schema.org's default 1..5
        (review("Pants on Fire!"), "False", "synonym"),
        (review("Half-True"), "Mixed", "synonym"),
        (review("Misleading"), "Mostly false", "synonym"),
        (review("Unproven"), "Unverifiable", "synonym"),
        (review("Misleading", 12, 5, 1), "Mostly false", "synonym"),  # out of its own range
    ],
)
def test_ratings_land_on_our_scale(scale, incoming, label, how):
    match = rating_for_review(incoming, scale=scale)
    assert (match.rating.label, match.how) == (label, how)


@pytest.mark.parametrize(
    "incoming", [review("Spicy"), review("Spicy", 9, 5, 1), review("Spicy", 2, 1, 5)]
)
def test_unplaceable_ratings_are_refused(scale, incoming):
    with pytest.raises(ImportRefused):
        rating_for_review(incoming, scale=scale)
