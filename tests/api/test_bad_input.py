"""Bad input answers 400 with the fields named — never 500 — and stores nothing: no article,
no changed record, no audit event."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from annotations.models import Article, Claim
from tests.api.conftest import REVIEWER, World, audit_count

pytestmark = pytest.mark.django_db

ARTICLES = "/api/articles/"
GOOD = {"title": "Roads", "text": "The council spent $4.2 million on roads.\n"}


def _refused(world: World, url: str, body=None, *, raw=None, status: int = 400) -> dict:
    articles, events = Article.objects.count(), audit_count()
    claims = list(Claim.objects.order_by("pk").values_list("pk", "version", "start", "end"))
    response = world.client(REVIEWER).post(url, body, raw=raw)
    assert response.status_code == status, response.content[:500]
    assert Article.objects.count() == articles
    assert audit_count() == events
    assert list(Claim.objects.order_by("pk").values_list("pk", "version", "start", "end")) == claims
    return response.json()


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b'{"title": "x", "text": }',
        b"",
        b"[1, 2",
        b'{"text": NaN}',
        b"\xff\xfe{}",  # not UTF-8
        b'{"title": "R\xe9sum\xe9", "text": "x"}',  # Latin-1 bytes inside a JSON string
        b"[" * 100_000,  # deeper than Python's parser goes
        b'{"title": "Roads", "text": "x", "sources": [' + b"[" * 5000 + b"]" * 5000 + b"]}",
        b'{"title": "Roads", "text": "The council.", "version": 1' + b"0" * 5000 + b"}",
    ],
)
def test_malformed_json_is_400(world, raw):
    body = _refused(world, ARTICLES, raw=raw)
    assert "detail" in body or body  # DRF's parse error, or "This field is required."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": 5, "text": ["a list"]}, "text"),
        ({**GOOD, "sources": "not a list"}, "sources"),
        ({**GOOD, "sources": [{"text": 12}]}, "sources"),
        ({**GOOD, "published_on": "yesterday"}, "published_on"),
        ({**GOOD, "url": "javascript:alert(1)"}, "url"),
        ({**GOOD, "title": "x" * 501}, "title"),
        ({**GOOD, "text": "   \n  "}, "text"),
        ({**GOOD, "text": "Line one\x00line two"}, "text"),
        ({**GOOD, "text": "Lone \ud800 surrogate"}, "text"),
        ({**GOOD, "soruces": []}, "soruces"),
        ({**GOOD, "sources": [{"text": "A source.", "nmae": "typo"}]}, "sources"),
        ({**GOOD, "title": 5}, "title"),
        ({"title": "Roads"}, "text"),
    ],
)
def test_wrong_article_fields_are_named(world, body, field):
    assert field in _refused(world, ARTICLES, body)


def test_a_list_instead_of_an_object_is_400(world):
    assert "non_field_errors" in _refused(world, ARTICLES, [GOOD])


@override_settings(FACTCHECK_MAX_TEXT_BYTES=1000)
def test_a_text_over_the_limit_is_400_naming_the_field(world):
    assert "text" in _refused(world, ARTICLES, {**GOOD, "text": "word " * 300})


@override_settings(FACTCHECK_MAX_BATCH_BYTES=2000)
def test_a_body_over_the_limit_is_413(world):
    _refused(world, ARTICLES, {**GOOD, "text": "word " * 1000}, status=413)


def _claim_url(world: World, action: str) -> str:
    return reverse(f"api:claim-{action}", kwargs={"pk": world.seed.budanov.pk})


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"version": 1, "start": 10, "end": 10**6}, "end"),
        ({"version": 1, "start": -1, "end": 5}, "start"),
        ({"version": 1, "start": 30, "end": 20}, "end"),
        ({"version": 1, "start": 0, "end": 2**40}, "end"),
        ({"version": 1, "start": "ten", "end": 20}, "start"),
        ({"version": 1, "start": 1.5, "end": 20}, "start"),
        ({"version": 1, "start": True, "end": 20}, "start"),
        ({"version": 0, "start": 0, "end": 20}, "version"),
        ({"version": None, "start": 0, "end": 20}, "version"),
        ({"start": 0, "end": 20}, "version"),
        ({"version": 1, "start": 0, "end": 20, "extra": 1}, "extra"),
    ],
)
def test_bad_span_corrections_are_400(world, body, field):
    assert field in _refused(world, _claim_url(world, "correct"), body)


def test_a_span_past_the_text_on_an_added_claim_is_400(world):
    url = reverse("api:article-claims", kwargs={"pk": world.seed.article.pk})
    n = len(world.seed.article.body)
    assert "end" in _refused(world, url, {"start": n - 2, "end": n + 5})
    assert "kinds" in _refused(world, url, {"start": 0, "end": 5, "kinds": ["bogus"]})


def test_bad_attribution_spans_are_400(world):
    url = reverse("api:attribution-correct", kwargs={"pk": world.seed.attribution.pk})
    assert "speaker" in _refused(world, url, {"version": 1, "speaker": {"start": 5}})
    assert "cue" in _refused(world, url, {"version": 1, "cue": None})
    assert "non_field_errors" in _refused(world, url, {"version": 1})


def test_a_verdict_with_bad_fields_is_400(world):
    url = _claim_url(world, "verdict")
    body = _refused(
        world,
        url,
        {
            "rating": 999_999,
            "rationale": "",
            "evidence": ["x"],
            "claimant": {"attribution": 1, "type": "Robot"},
        },
    )
    assert {"rating", "rationale", "evidence", "claimant"} <= body.keys()


def test_a_verdict_citing_another_claims_evidence_is_400(world):
    other = world.seed.aid.evidence.get()
    body = _refused(
        world,
        _claim_url(world, "verdict"),
        {"rating": world.mixed.pk, "rationale": "Because.", "evidence": [other.pk]},
    )
    assert "non_field_errors" in body


def test_ids_in_the_path_that_are_not_numbers_are_404(world):
    client = world.client(REVIEWER)
    assert client.get("/api/claims/abc/").status_code == 404
    assert client.get("/api/claims/99999999999999999999999/").status_code == 404
    assert client.get("/api/claims/999999999999999999/").status_code == 404
