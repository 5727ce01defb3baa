"""The whole pipeline on ``spacy.blank("en")`` with stub components: no model, fast, and it
pins down the plumbing (offsets, ids, contract shape, retrieval) independent of the parser."""

from __future__ import annotations

import json

import pytest
import spacy

from annotations.nlp.claims import RuleScorer
from annotations.nlp.contract import to_contract
from annotations.nlp.evidence import Bm25Index, Passage, retrieve, span_terms
from annotations.nlp.preannotate import preannotate, preannotate_many
from annotations.nlp.types import (
    CLAIM_KINDS,
    FLAG_TYPES,
    QUANTITY_KINDS,
    SCHEMA,
    SUPPORT_VALUES,
    SourceDoc,
)

ARTICLE = """city logo
The Daily Planet

Bridge opens after long delay

The Harbour Bridge cost $12 million to build, the council said.
Did anyone ask the residents?

Sources"""
SOURCE = """City Hall (3/2/2026): The Harbour Bridge cost $12 million to build.
Residents of Riverside petitioned for a second crossing."""


@pytest.fixture(scope="module")
def blank_nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "FAC", "pattern": "Harbour Bridge"},
            {"label": "GPE", "pattern": "Riverside"},
            {"label": "ORG", "pattern": "City Hall"},
        ]
    )
    nlp.meta["name"] = "blank_test"
    nlp.meta["version"] = "0.0.1"
    return nlp


CITED = (SourceDoc("s1", SOURCE, "City Hall", "2026-02-03"),)


def run(nlp, text=ARTICLE, sources=CITED):
    return preannotate(text, sources, nlp=nlp, scorer=RuleScorer())


def assert_span(obj: dict, text: str) -> None:
    assert 0 <= obj["start"] <= obj["end"] <= len(text)
    if "text" in obj:
        assert text[obj["start"] : obj["end"]] == obj["text"]


def test_contract_spans_are_exact_slices_and_enums_valid(blank_nlp):
    out = to_contract(run(blank_nlp), article_path="article.txt")
    json.dumps(out)  # serialisable as is
    assert out["schema"] == SCHEMA and out["model"] == "en_blank_test 0.0.1"
    assert out["article"] == {"path": "article.txt", "length": len(ARTICLE)}
    for key in ("sentences", "entities", "quantities", "claims"):
        for obj in out[key]:
            assert_span(obj, ARTICLE)
    for q in out["quantities"]:
        assert q["kind"] in QUANTITY_KINDS
    for c in out["claims"]:
        assert 0.0 <= c["score"] <= 1.0
        assert c["support"] in SUPPORT_VALUES
        assert set(c["kinds"]) <= set(CLAIM_KINDS)
        for f in c["flags"]:
            assert f["type"] in FLAG_TYPES
        for e in c["evidence"]:
            assert_span(e, SOURCE)
            assert 0.0 <= e["score"] <= 1.0
    (src,) = out["sources"]
    assert (src["id"], src["name"], src["date"], src["length"]) == (
        "s1",
        "City Hall",
        "2026-02-03",
        len(SOURCE),
    )
    for key in ("sentences", "entities", "quantities"):
        for obj in src[key]:
            assert_span(obj, SOURCE)


def test_furniture_is_never_a_claim(blank_nlp):
    texts = [c.text for c in run(blank_nlp).claims]
    assert not any("logo" in t or "Daily Planet" in t or t == "Sources" for t in texts)


def test_claims_are_numbered_in_text_order(blank_nlp):
    claims = run(blank_nlp).claims
    assert [c.id for c in claims] == [f"c{i}" for i in range(1, len(claims) + 1)]
    assert [c.start for c in claims] == sorted(c.start for c in claims)


def test_figure_claim_outscores_question_and_headline(blank_nlp):
    by_text = {c.text: c for c in run(blank_nlp).claims}
    figure = by_text["The Harbour Bridge cost $12 million to build, the council said."]
    question = by_text["Did anyone ask the residents?"]
    headline = by_text["Bridge opens after long delay"]
    assert figure.score > 0.5 > question.score
    assert headline.score < 0.5
    assert "numeric" in figure.kinds


def test_matching_source_sentence_is_top_evidence(blank_nlp):
    claim = next(c for c in run(blank_nlp).claims if "$12 million" in c.text)
    assert claim.evidence[0].text == "The Harbour Bridge cost $12 million to build."
    assert claim.support in ("supported", "partly_supported")
    assert not any(f.type == "number_mismatch" for f in claim.flags)


def test_without_sources_every_claim_is_not_found(blank_nlp):
    result = run(blank_nlp, sources=())
    assert result.claims
    assert {c.support for c in result.claims} == {"not_found"}
    assert all(c.evidence == () for c in result.claims)
    flagged = {c.id for c in result.claims for f in c.flags if f.type == "not_in_sources"}
    assert flagged == {c.id for c in result.claims if c.score >= 0.5}


def test_timings_cover_every_stage(blank_nlp):
    timings = run(blank_nlp).timings
    for stage in ("parse", "claims", "attributions", "quantities", "evidence", "consistency"):
        assert timings[stage] >= 0.0


def test_batch_gives_one_result_per_item_in_order_across_chunks(blank_nlp, monkeypatch):
    monkeypatch.setattr("annotations.nlp.preannotate.LINES_PER_CHUNK", 2)
    items = [(f"Item {i} cost ${i} million in 2024, officials said.", ()) for i in range(1, 6)]
    results = list(preannotate_many(items, nlp=blank_nlp, batch_size=2, scorer=RuleScorer()))
    assert [r.article_length for r in results] == [len(t) for t, _ in items]
    money = [[q.value for q in r.quantities if q.kind == "money"] for r in results]
    assert money == [[i * 1e6] for i in range(1, 6)]


def test_bm25_prefers_the_passage_sharing_rare_terms(blank_nlp):
    docs = [
        blank_nlp(t)
        for t in (
            "The bridge opened in Riverside.",
            "The bridge cost $12 million.",
            "The bridge is long.",
        )
    ]
    passages = [Passage("s1", 0, len(d.text), d.text, span_terms(d[:])) for d in docs]
    claim = blank_nlp("Riverside got a bridge.")
    (best, *_rest) = retrieve(span_terms(claim[:]), Bm25Index(passages))
    assert best.text == "The bridge opened in Riverside."
    assert 0.0 < best.score <= 1.0
