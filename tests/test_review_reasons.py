"""Why a claim scored as it did and what kind of report an attribution is: stored from the
pipeline's output and shown in the claim panel."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotations import services
from annotations.models import Attribution, AttributionKind, Claim
from annotations.nlp import types as t
from tests import scenarios

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _span(text: str, needle: str) -> t.Span:
    start = text.index(needle)
    return t.Span(start, start + len(needle), needle)


def test_reasons_and_kinds_are_stored_from_the_pipeline_output():
    seed = scenarios.build()
    article = seed.article
    body = article.body
    claim_text = _span(body, seed.soldiers.text)
    speaker = _span(body, "Kyrylo Budanov")
    result = t.PreannotationResult(
        model="fake 0",
        article_length=len(body),
        claims=(
            t.Claim(
                id="c1",
                start=claim_text.start,
                end=claim_text.end,
                text=claim_text.text,
                score=0.8,
                reasons=("a figure", "named actors"),
                reasons_against=("hedged",),
            ),
        ),
        attributions=(
            t.Attribution(
                id="a1",
                speaker=speaker,
                cue=_span(body, "raised concerns"),
                content=claim_text,
                direct=False,
                claim_id="c1",
                kind="intention",
            ),
        ),
    )
    run = services.run_queue(article=article)
    services.preannotation_store(article=article, run=run, result=result)
    stored = Claim.objects.get(article=article, start=claim_text.start, end=claim_text.end)
    assert stored.reasons == ["a figure", "named actors"]
    assert stored.reasons_against == ["hedged"]
    attribution = Attribution.objects.get(article=article, speaker_start=speaker.start)
    assert attribution.kind == AttributionKind.INTENTION


def test_the_claim_panel_shows_the_reasons_and_the_kind_of_report(client, reviewer):
    seed = scenarios.build()
    seed.arms.reasons = ["a figure", "attributed"]
    seed.arms.reasons_against = ["a question"]
    seed.arms.save(update_fields=["reasons", "reasons_against"])
    seed.attribution.kind = AttributionKind.EVIDENCE
    seed.attribution.save(update_fields=["kind"])
    client.force_login(reviewer)
    response = client.get(reverse("annotations:claim_detail", args=[seed.arms.pk]), **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Why this score" in body
    assert "+ a figure" in body and "+ attributed" in body and "− a question" in body
    assert 'class="tag attr-kind kind-evidence"' in body


def test_a_claim_without_reasons_shows_no_empty_reasons_row(client, reviewer):
    seed = scenarios.build()
    client.force_login(reviewer)
    response = client.get(reverse("annotations:claim_detail", args=[seed.aid.pk]), **HX)
    assert "Why this score" not in response.content.decode()
