"""The built markup read the way consumers read it: JSON Schema and offline JSON-LD expansion."""

from __future__ import annotations

import json
import socket
from collections import Counter

import pytest
from jsonschema import Draft202012Validator
from pyld.jsonld import JsonLdError

from claimreview.builder import build_claim_review
from claimreview.validation import CONTEXT_PATH, SCHEMA_PATH, TERMS_PATH
from claimreview.writers import build_feed

from .helpers import FULL_RECORD, MINIMAL_RECORD, ORG, load_vector, record
from .jsonld_expand import expand_offline, expanded_terms, unknown_terms

SCHEMA_ORG = ("https://schema.org/", "http://schema.org/")

RECORDS = {
    "full": FULL_RECORD,
    "minimal": MINIMAL_RECORD,
    "org-speaker": record(speaker_name="Ministry of Health", speaker_type="Organization"),
    "no-speaker": record(speaker_name=None, first_appearance_url=None),
    "fractional": record(rating_value=2.5, best_rating=None, worst_rating=None),
}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Expansion must never fetch the schema.org context."""

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture(scope="module")
def schema_validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def compact_terms(doc) -> list[str]:
    """Every property key and type name in a compact document (context excluded)."""
    found: list[str] = []

    def visit(node):
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    continue
                if key == "@type":
                    found.extend(value if isinstance(value, list) else [value])
                else:
                    found.append(key)
                    visit(value)

    visit(doc)
    return found


def local_names(iris: list[str]) -> list[str]:
    names = []
    for iri in iris:
        assert iri.startswith(SCHEMA_ORG), f"{iri} is not a schema.org IRI"
        names.append(iri.split("schema.org/", 1)[1])
    return names


# ---- JSON Schema


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_every_built_record_matches_the_json_schema(schema_validator, name):
    built = build_claim_review(RECORDS[name], org=ORG)
    errors = [e.message for e in schema_validator.iter_errors(built)]
    assert errors == []


@pytest.mark.parametrize("name", ["valid_full.jsonld", "valid_minimal_required_only.jsonld"])
def test_valid_vectors_match_the_json_schema(schema_validator, name):
    assert list(schema_validator.iter_errors(load_vector(name))) == []


@pytest.mark.parametrize(
    "name",
    [
        "invalid_missing_alternateName.jsonld",
        "invalid_context_not_schema_org.jsonld",
        "invalid_type_without_at.jsonld",
    ],
)
def test_the_json_schema_rejects_what_it_can_express(schema_validator, name):
    assert list(schema_validator.iter_errors(load_vector(name))) != []


# ---- offline expansion


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_every_term_expands_into_schema_org_and_none_is_dropped(name):
    built = build_claim_review(RECORDS[name], org=ORG)
    expanded = expand_offline(built)
    assert len(expanded) == 1
    assert Counter(local_names(expanded_terms(expanded))) == Counter(compact_terms(built))
    assert unknown_terms(built) == []


def test_the_feed_expands_into_schema_org_too():
    feed = build_feed([FULL_RECORD, MINIMAL_RECORD], org=ORG)
    expanded = expand_offline(feed)
    assert Counter(local_names(expanded_terms(expanded))) == Counter(compact_terms(feed))
    assert unknown_terms(feed) == []


def test_expanded_values_survive():
    [node] = expand_offline(build_claim_review(FULL_RECORD, org=ORG))
    assert node["@type"] == ["http://schema.org/ClaimReview"]
    assert node["http://schema.org/url"] == [
        {"@id": "https://factcheck.example.org/factchecks/12/"}
    ]
    rating = node["http://schema.org/reviewRating"][0]
    assert rating["http://schema.org/ratingValue"] == [{"@value": 2}]
    assert rating["http://schema.org/alternateName"] == [{"@value": "Misattributed"}]


def test_misspelt_keys_expand_silently_but_are_caught_as_unknown_terms():
    doc = load_vector("invalid_property_case_Name.jsonld")
    # pyld maps "Name" into schema.org through @vocab: expansion alone would not notice.
    assert "http://schema.org/Name" in expanded_terms(expand_offline(doc))
    assert unknown_terms(doc) == ["Name"]
    doc["author"]["ratingz"] = 3
    doc["@type"] = ["ClaimReview", "FactCheckThing"]
    assert unknown_terms(doc) == ["FactCheckThing", "Name", "ratingz"]


def test_a_foreign_context_is_refused_rather_than_fetched():
    with pytest.raises(JsonLdError):
        expand_offline(load_vector("invalid_context_not_schema_org.jsonld"))


@pytest.mark.parametrize(
    "context",
    ["https://schema.org", "http://schema.org/", "https://schema.org/docs/jsonldcontext.jsonld"],
)
def test_every_spelling_of_the_schema_org_context_loads_offline(context):
    doc = dict(load_vector("valid_full.jsonld"), **{"@context": context})
    assert unknown_terms(doc) == []


def test_stored_files_cover_the_claimreview_types():
    terms = json.loads(TERMS_PATH.read_text(encoding="utf-8"))
    context = json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))["@context"]
    wanted_types = {
        "ClaimReview",
        "Rating",
        "Claim",
        "CreativeWork",
        "NewsArticle",
        "Organization",
        "Person",
        "DataFeed",
        "DataFeedItem",
    }
    assert wanted_types <= set(terms["types"])
    assert {
        "claimReviewed",
        "reviewRating",
        "alternateName",
        "appearance",
        "firstAppearance",
        "dataFeedElement",
        "item",
    } <= set(terms["properties"])
    assert context["@vocab"] in SCHEMA_ORG
    assert all(name in context for name in wanted_types)
