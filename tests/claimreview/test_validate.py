"""The ClaimReview validator against the shared test vectors and Google's rules."""

from __future__ import annotations

import copy
import json

import pytest

from claimreview.builder import build_claim_review
from claimreview.validation import (
    Issue,
    iter_jsonl_records,
    validate_claim_review,
    validate_document,
)
from claimreview.writers import build_feed, iter_jsonl

from .helpers import FULL_RECORD, MINIMAL_RECORD, ORG, VECTORS_DIR, load_vector, vector_files

# What each vector must produce: (error codes, warning codes that must be among the warnings).
EXPECTED = {
    "valid_full.jsonld": (set(), set()),
    "valid_minimal_required_only.jsonld": (set(), {"missing-recommended"}),
    "invalid_type_without_at.jsonld": ({"type-without-at"}, set()),
    "invalid_missing_alternateName.jsonld": ({"missing-required"}, set()),
    "invalid_url_shortener_or_offdomain.jsonld": ({"url-shortener"}, set()),
    "invalid_ratingValue_out_of_range.jsonld": ({"rating-out-of-range"}, set()),
    "warn_claimReviewed_contains_rating_and_over_75_chars.jsonld": (
        set(),
        {"claimReviewed-contains-rating", "claimReviewed-too-long"},
    ),
    "invalid_property_case_Name.jsonld": ({"property-case"}, set()),
    "invalid_context_not_schema_org.jsonld": ({"context-not-schema-org"}, set()),
}
ERROR_PATHS = {
    "invalid_type_without_at.jsonld": "$.author.type",
    "invalid_missing_alternateName.jsonld": "$.reviewRating.alternateName",
    "invalid_url_shortener_or_offdomain.jsonld": "$.url",
    "invalid_ratingValue_out_of_range.jsonld": "$.reviewRating.ratingValue",
    "invalid_property_case_Name.jsonld": "$.author.Name",
    "invalid_context_not_schema_org.jsonld": "$.@context",
}


def codes(issues: list[Issue], level: str) -> set[str]:
    return {i.code for i in issues if i.level == level}


def test_every_vector_in_the_shared_folder_has_an_expectation():
    assert VECTORS_DIR.is_dir(), VECTORS_DIR
    assert {p.name for p in vector_files()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_vector_gives_exactly_its_verdict(name):
    issues = validate_claim_review(load_vector(name))
    errors, warnings = EXPECTED[name]
    assert codes(issues, "error") == errors, issues
    assert warnings <= codes(issues, "warning"), issues
    if name.startswith("invalid_"):
        assert [i.path for i in issues if i.level == "error"] == [ERROR_PATHS[name]]
    if name == "valid_full.jsonld":
        assert issues == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_vectors_keep_their_verdict_on_their_own_site(name):
    # The vectors' pages live on factcheck.example.org; knowing that changes nothing.
    issues = validate_claim_review(load_vector(name), site_domain="factcheck.example.org")
    assert codes(issues, "error") == EXPECTED[name][0]


def test_off_domain_url_is_an_error_when_the_site_is_known():
    doc = load_vector("valid_full.jsonld")
    doc["url"] = "https://other.example.net/checks/1"
    issues = validate_claim_review(doc, site_domain="factcheck.example.org")
    assert codes(issues, "error") == {"url-off-domain"}
    # Without the site we can only compare with the author's own site: a warning.
    assert codes(validate_claim_review(doc), "warning") == {"url-off-author-domain"}
    assert codes(validate_claim_review(doc), "error") == set()


def test_subdomains_of_the_site_are_accepted():
    doc = load_vector("valid_full.jsonld")
    doc["url"] = "https://www.checks.factcheck.example.org/x"
    assert validate_claim_review(doc, site_domain="factcheck.example.org") == []


@pytest.mark.parametrize(
    ("change", "code", "level"),
    [
        (lambda d: d.update(url="/checks/1"), "url-not-absolute", "error"),
        (lambda d: d.pop("claimReviewed"), "missing-required", "error"),
        (lambda d: d.update(claimReviewed=""), "missing-required", "error"),
        (lambda d: d.pop("reviewRating"), "missing-required", "error"),
        (lambda d: d.pop("@type"), "type-missing", "error"),
        (lambda d: d.update({"@type": "Review"}), "wrong-type", "error"),
        (lambda d: d.update({"@type": "claimReview"}), "type-case", "error"),
        (lambda d: d.pop("@context"), "context-missing", "error"),
        (lambda d: d["reviewRating"].update(ratingValue="two"), "rating-not-a-number", "error"),
        (lambda d: d["reviewRating"].update(ratingValue="2"), "rating-number-as-text", "warning"),
        (
            lambda d: d["reviewRating"].update(bestRating=1, worstRating=5),
            "rating-scale-inverted",
            "error",
        ),
        (
            lambda d: d["reviewRating"].update(ratingValue=0),
            "rating-out-of-range",
            "error",
        ),
        (lambda d: d.update(datePublished="20/11/2026"), "date-invalid", "error"),
        (lambda d: d.update(reviewRating=[d["reviewRating"]]), "wrong-value-type", "error"),
        (lambda d: d["author"].update(nmae="typo"), "unknown-term", "warning"),
        (lambda d: d["author"].update(name=None), "empty-value", "warning"),
        (lambda d: d["author"].update({"@type": "Person", "Url": "x"}), "property-case", "error"),
        (lambda d: d["author"].update(id="x"), "keyword-without-at", "error"),
        (
            lambda d: d["itemReviewed"]["appearance"].update(url="news/1"),
            "url-not-absolute",
            "error",
        ),
        (lambda d: d["itemReviewed"].pop("@type"), "node-without-type", "warning"),
        (lambda d: d.update(claimReviewed="x" * 76), "claimReviewed-too-long", "warning"),
        (
            lambda d: d.update(claimReviewed="Misattributed quote about the study"),
            "claimReviewed-contains-rating",
            "warning",
        ),
    ],
)
def test_rules(change, code, level):
    doc = copy.deepcopy(load_vector("valid_full.jsonld"))
    change(doc)
    issues = validate_claim_review(doc)
    assert code in codes(issues, level), issues


def test_75_characters_is_still_short_enough():
    doc = load_vector("valid_full.jsonld")
    doc["claimReviewed"] = "y" * 75
    assert validate_claim_review(doc) == []


def test_rating_without_a_scale_uses_schema_orgs_default_and_only_warns():
    doc = load_vector("valid_full.jsonld")
    del doc["reviewRating"]["bestRating"], doc["reviewRating"]["worstRating"]
    doc["reviewRating"]["ratingValue"] = 7
    issues = validate_claim_review(doc)
    assert codes(issues, "error") == set()
    assert "rating-out-of-default-range" in codes(issues, "warning")


def test_legacy_shapes_are_warnings_not_errors():
    doc = load_vector("valid_full.jsonld")
    doc["@type"] = ["Review", "ClaimReview"]
    doc["itemReviewed"]["@type"] = "CreativeWork"
    doc["@context"] = "http://schema.org"
    issues = validate_claim_review(doc)
    assert codes(issues, "error") == set()
    assert codes(issues, "warning") == {"legacy-type-list", "legacy-itemReviewed-type"}


def test_appearance_may_be_a_plain_url_or_a_list():
    doc = load_vector("valid_full.jsonld")
    doc["itemReviewed"]["appearance"] = [
        "https://news.example.com/a",
        {"@type": "SocialMediaPosting", "url": "https://social.example.net/p/1"},
    ]
    assert validate_claim_review(doc) == []


def test_a_non_object_is_an_error():
    assert codes(validate_claim_review(["x"]), "error") == {"not-an-object"}


# ---- documents


def test_document_single_object():
    [result] = validate_document(load_vector("valid_full.jsonld"))
    assert result.ok and result.location == "$" and result.issues == []


def test_document_list_reports_each_record():
    doc = [load_vector(p.name) for p in vector_files()]
    results = validate_document(doc)
    assert len(results) == len(doc)
    for path, result in zip(vector_files(), results, strict=True):
        assert codes(result.issues, "error") == EXPECTED[path.name][0], path.name
        assert result.ok == (not EXPECTED[path.name][0])


def test_document_data_feed_items_inherit_the_feed_context():
    feed = build_feed([FULL_RECORD, MINIMAL_RECORD], org=ORG)
    results = validate_document(feed, site_domain=ORG.domain)
    assert [r.location for r in results] == [
        "$.dataFeedElement[0].item",
        "$.dataFeedElement[1].item",
    ]
    assert all(r.ok for r in results)


def test_document_data_feed_with_a_foreign_context_fails_every_record():
    feed = build_feed([FULL_RECORD, MINIMAL_RECORD], org=ORG)
    feed["@context"] = "https://example.org/other-context"
    results = validate_document(feed)
    assert [codes(r.issues, "error") for r in results] == [{"context-not-schema-org"}] * 2


def test_document_data_feed_with_bare_reviews_and_item_lists():
    review = build_claim_review(FULL_RECORD, org=ORG, with_context=False)
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [
            review,
            {
                "@type": "DataFeedItem",
                "item": [review, load_vector("invalid_missing_alternateName.jsonld")],
            },
        ],
    }
    results = validate_document(feed)
    assert [r.location for r in results] == [
        "$.dataFeedElement[0]",
        "$.dataFeedElement[1].item[0]",
        "$.dataFeedElement[1].item[1]",
    ]
    assert [r.ok for r in results] == [True, True, False]


def test_document_graph():
    review = build_claim_review(FULL_RECORD, org=ORG, with_context=False)
    doc = {
        "@context": "https://schema.org",
        "@graph": [{"@type": "WebPage", "name": "A page"}, review],
    }
    [result] = validate_document(doc)
    assert result.location == "$.@graph[1]" and result.ok


def test_document_jsonl_text_with_a_broken_line():
    lines = list(iter_jsonl([FULL_RECORD, MINIMAL_RECORD], org=ORG))
    bad = json.dumps(load_vector("invalid_type_without_at.jsonld"))
    text = lines[0] + "\n{not json\n" + lines[1] + bad + "\n"
    results = validate_document(text)
    assert [r.location for r in results] == ["line 1", "line 3", "line 4", "line 5"]
    assert [sorted(codes(r.issues, "error")) for r in results] == [
        [],
        ["invalid-json"],
        [],
        ["type-without-at"],
    ]


def test_jsonl_records_stream_from_any_line_iterable():
    lines = iter(iter_jsonl([FULL_RECORD] * 3, org=ORG))
    records = iter_jsonl_records(lines)
    first = next(records)
    assert first.location == "line 1" and first.node["@type"] == "ClaimReview"


def test_document_json_text_and_bytes():
    text = json.dumps(load_vector("valid_full.jsonld"))
    assert validate_document(text)[0].ok
    assert validate_document(text.encode())[0].ok


def test_a_document_without_any_claim_review_is_not_a_pass():
    [result] = validate_document({"@context": "https://schema.org", "@graph": []})
    assert codes(result.issues, "error") == {"no-records"}


def test_document_jsonl_as_lines_or_an_open_file(tmp_path):
    lines = list(iter_jsonl([FULL_RECORD, MINIMAL_RECORD], org=ORG))
    assert [r.location for r in validate_document(lines)] == ["line 1", "line 2"]
    path = tmp_path / "reviews.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    with path.open(encoding="utf-8") as fh:
        results = validate_document(fh)
    assert [r.ok for r in results] == [True, True]
