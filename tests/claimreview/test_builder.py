"""The pure ClaimReview builder and its streaming writers (no database)."""

from __future__ import annotations

import json
import tracemalloc
from itertools import islice

import pytest

from claimreview.builder import (
    ClaimReviewInputError,
    FactCheckOrg,
    ReviewRecord,
    build_claim_review,
)
from claimreview.validation import validate_claim_review
from claimreview.writers import (
    build_feed,
    dumps,
    iter_claim_reviews,
    iter_feed_chunks,
    iter_jsonl,
)

from .helpers import FULL_RECORD, MINIMAL_RECORD, ORG, record, walk_values

FULL_EXPECTED = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example.org/factchecks/12/",
    "claimReviewed": "A study on X was authored by the Friedrich Naumann Foundation",
    "datePublished": "2026-11-20T09:30:00+00:00",
    "dateModified": "2026-11-21T08:00:00+00:00",
    "identifier": "12",
    "author": {
        "@type": "Organization",
        "name": "Example Fact Desk",
        "url": "https://factcheck.example.org/",
    },
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Misattributed",
        "name": "Misattributed",
        "ratingExplanation": "The study was written by another institute.",
    },
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Jane Doe"},
        "datePublished": "2026-11-18",
        "appearance": {
            "@type": "NewsArticle",
            "url": "https://news.example.com/article-123",
            "headline": "Foundation study sparks row",
            "datePublished": "2026-11-18",
            "publisher": {"@type": "Organization", "name": "Example News Daily"},
        },
        "firstAppearance": {
            "@type": "CreativeWork",
            "url": "https://social.example.net/posts/1",
            "datePublished": "2026-11-17",
        },
    },
}

MINIMAL_EXPECTED = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example.org/factchecks/7/",
    "claimReviewed": "Tap water in the capital contains lithium",
    "author": {
        "@type": "Organization",
        "name": "Example Fact Desk",
        "url": "https://factcheck.example.org/",
    },
    "reviewRating": {"@type": "Rating", "alternateName": "False", "name": "False"},
}


def test_it_builds_every_google_property_from_a_full_record():
    assert build_claim_review(FULL_RECORD, org=ORG) == FULL_EXPECTED


def test_it_builds_only_what_is_known_from_a_minimal_record():
    assert build_claim_review(MINIMAL_RECORD, org=ORG) == MINIMAL_EXPECTED


@pytest.mark.parametrize("rec", [FULL_RECORD, MINIMAL_RECORD], ids=["full", "minimal"])
def test_it_never_emits_null_or_empty_values(rec):
    built = build_claim_review(rec, org=ORG)
    for path, value in walk_values(built):
        assert value is not None, path
        assert value not in ("", [], {}), path
        if isinstance(value, str):
            assert value == value.strip(), path


def test_blank_optional_fields_are_left_out():
    rec = record(
        speaker_name="  ",
        speaker_type=None,
        outlet_name="",
        article_url=" ",
        article_headline="\n",
        article_date=None,
        first_appearance_url=None,
        first_appearance_date=None,
        rating_explanation="",
        rating_value=None,
        best_rating=None,
        worst_rating=None,
        date_published="",
        date_modified=None,
        identifier=None,
    )
    built = build_claim_review(rec, org=ORG)
    assert "itemReviewed" not in built
    assert "datePublished" not in built
    assert built["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Misattributed",
        "name": "Misattributed",
    }
    issues = validate_claim_review(built, site_domain=ORG.domain)
    assert [i for i in issues if i.level == "error"] == []


def test_the_outlet_stands_in_when_the_speaker_is_unknown():
    built = build_claim_review(record(speaker_name=None), org=ORG)
    assert built["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Example News Daily",
    }


def test_a_speaker_of_unknown_kind_is_not_guessed():
    built = build_claim_review(record(speaker_type=None), org=ORG)
    assert built["itemReviewed"]["author"]["name"] == "Example News Daily"


def test_an_organisation_can_be_the_speaker():
    built = build_claim_review(
        record(speaker_name="Ministry of Health", speaker_type="Organization"), org=ORG
    )
    assert built["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Ministry of Health",
    }


def test_claim_reviewed_override_wins_and_is_one_line():
    built = build_claim_review(record(claim_reviewed="  Study  was\nby the\tFoundation "), org=ORG)
    assert built["claimReviewed"] == "Study was by the Foundation"


@pytest.mark.parametrize(
    "text",
    [
        "FALSE: Tap water contains lithium",
        "False - Tap water contains lithium",
        "[False] Tap water contains lithium",
        "(false) Tap water contains lithium",
        "false \u2014 Tap water contains lithium",
    ],
)
def test_a_verdict_prefix_copied_from_a_headline_is_removed(text):
    built = build_claim_review(record(claim_text=text, verdict_label="False"), org=ORG)
    assert built["claimReviewed"] == "Tap water contains lithium"


def test_a_label_that_is_only_part_of_a_word_is_fine():
    built = build_claim_review(
        record(claim_text="Falsehoods spread faster than corrections", verdict_label="False"),
        org=ORG,
    )
    assert built["claimReviewed"] == "Falsehoods spread faster than corrections"


def test_it_refuses_a_claim_reviewed_that_contains_the_verdict():
    with pytest.raises(ClaimReviewInputError) as info:
        build_claim_review(
            record(claim_text="The minister's figures are false, says MP", verdict_label="False"),
            org=ORG,
        )
    assert info.value.field == "claim_reviewed"


@pytest.mark.parametrize(
    "public_url",
    ["https://bit.ly/abc", "https://evil.example.com/verdicts/1/", "//evil.example/x"],
)
def test_it_refuses_a_url_off_the_site(public_url):
    with pytest.raises(ClaimReviewInputError) as info:
        build_claim_review(record(public_url=public_url), org=ORG)
    assert info.value.field == "public_url"


def test_relative_urls_resolve_on_the_site_and_subdomains_are_allowed():
    org = FactCheckOrg(
        name="Desk", url="https://example.org/", site_url="https://checks.example.org/fc/"
    )
    assert build_claim_review(record(public_url="/v/1/"), org=org)["url"] == (
        "https://checks.example.org/v/1/"
    )
    assert build_claim_review(record(public_url="v/1/"), org=org)["url"] == (
        "https://checks.example.org/fc/v/1/"
    )
    sub = "https://www.checks.example.org/v/2/"
    assert build_claim_review(record(public_url=sub), org=org)["url"] == sub


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rating_value": 7}, "rating_value"),
        ({"rating_value": 0}, "rating_value"),
        ({"best_rating": 1, "worst_rating": 5}, "best_rating"),
        ({"rating_value": float("nan")}, "rating_value"),
        ({"rating_value": True}, "rating_value"),
        ({"verdict_label": " "}, "verdict_label"),
        ({"claim_text": "", "claim_reviewed": None}, "claim_text"),
        ({"article_url": "news.example.com/a"}, "article_url"),
        ({"article_date": "18/11/2026"}, "article_date"),
        ({"speaker_type": "Politician"}, "speaker_type"),
    ],
)
def test_it_refuses_records_that_would_be_wrong_markup(changes, field):
    with pytest.raises(ClaimReviewInputError) as info:
        build_claim_review(record(**changes), org=ORG)
    assert info.value.field == field


def test_integral_float_ratings_become_integers():
    built = build_claim_review(record(rating_value=2.0, best_rating=5.0, worst_rating=1.0), org=ORG)
    rating = built["reviewRating"]
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (2, 5, 1)
    assert type(rating["ratingValue"]) is int
    assert build_claim_review(record(rating_value=2.5), org=ORG)["reviewRating"]["ratingValue"] == (
        2.5
    )


def test_feed_nests_reviews_without_their_own_context():
    feed = build_feed(
        [FULL_RECORD, MINIMAL_RECORD],
        org=ORG,
        feed_url="https://factcheck.example.org/claimreview/feed.jsonld",
    )
    assert feed["@context"] == "https://schema.org"
    assert feed["@type"] == "DataFeed"
    assert feed["url"] == "https://factcheck.example.org/claimreview/feed.jsonld"
    items = feed["dataFeedElement"]
    assert [item["@type"] for item in items] == ["DataFeedItem", "DataFeedItem"]
    expected_first = {k: v for k, v in FULL_EXPECTED.items() if k != "@context"}
    assert items[0]["item"] == expected_first
    assert items[0]["dateModified"] == "2026-11-21T08:00:00+00:00"
    assert "dateModified" not in items[1]  # neither modified nor published date known
    assert "@context" not in items[1]["item"]


def test_streamed_feed_is_exactly_the_in_memory_feed():
    records = [FULL_RECORD, MINIMAL_RECORD] * 7
    streamed = "".join(iter_feed_chunks(records, org=ORG, batch_size=3, name="All checks"))
    assert streamed == dumps(build_feed(records, org=ORG, name="All checks"))
    assert json.loads(streamed)["name"] == "All checks"


def test_an_empty_feed_is_valid_json():
    assert json.loads("".join(iter_feed_chunks([], org=ORG)))["dataFeedElement"] == []


def test_jsonl_has_one_complete_review_per_line():
    lines = list(iter_jsonl([FULL_RECORD, MINIMAL_RECORD], org=ORG))
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
    assert [json.loads(line) for line in lines] == [FULL_EXPECTED, MINIMAL_EXPECTED]


def _endless_records():
    n = 0
    while True:
        n += 1
        yield record(identifier=n, public_url=f"/factchecks/{n}/")


def test_writers_pull_records_lazily():
    # An endless source would hang or exhaust memory if anything materialised it.
    chunks = iter_feed_chunks(_endless_records(), org=ORG, batch_size=10)
    head, first_batch = next(chunks), next(chunks)
    assert head.endswith('"dataFeedElement":[')
    assert first_batch.count('"DataFeedItem"') == 10
    assert len(list(islice(iter_jsonl(_endless_records(), org=ORG), 25))) == 25


def test_streaming_memory_stays_flat():
    def peak_for(n: int) -> int:
        tracemalloc.start()
        for _chunk in iter_feed_chunks(islice(_endless_records(), n), org=ORG):
            pass
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    small, large = peak_for(500), peak_for(5000)
    assert large < small * 1.5 + 64_000


def test_invalid_records_are_reported_and_skipped_when_asked():
    bad = record(rating_value=9, identifier=99)
    rejected: list[tuple[ReviewRecord, Exception]] = []
    lines = list(
        iter_jsonl(
            [FULL_RECORD, bad, MINIMAL_RECORD],
            org=ORG,
            on_error=lambda rec, exc: rejected.append((rec, exc)),
        )
    )
    assert len(lines) == 2
    assert [rec.identifier for rec, _ in rejected] == [99]
    assert isinstance(rejected[0][1], ClaimReviewInputError)


def test_invalid_records_stop_the_stream_without_an_error_handler():
    with pytest.raises(ClaimReviewInputError):
        list(iter_jsonl([FULL_RECORD, record(rating_value=9)], org=ORG))


def test_a_validator_can_veto_records():
    def validator(review):
        return validate_claim_review(review, site_domain="elsewhere.example")

    rejected = []
    out = list(
        iter_claim_reviews(
            [FULL_RECORD],
            org=ORG,
            validator=validator,
            on_error=lambda rec, exc: rejected.append(exc),
        )
    )
    assert out == []
    assert [i.code for i in rejected[0].issues] == ["url-off-domain"]


@pytest.mark.parametrize("rec", [FULL_RECORD, MINIMAL_RECORD], ids=["full", "minimal"])
def test_built_reviews_pass_our_validator(rec):
    issues = validate_claim_review(build_claim_review(rec, org=ORG), site_domain=ORG.domain)
    assert [i for i in issues if i.level == "error"] == []
    if rec is FULL_RECORD:
        assert issues == []
