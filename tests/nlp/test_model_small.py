"""Small texts on the real model: claim scoring, clause splitting, figure and quote checks."""

from __future__ import annotations

import pytest

from annotations.nlp.claims import RuleScorer
from annotations.nlp.preannotate import preannotate
from annotations.nlp.quantities import extract_quantities
from annotations.nlp.types import SourceDoc

pytestmark = pytest.mark.model


def run(nlp, article: str, source: str | None = None):
    sources = [SourceDoc("s1", source, "Wire")] if source else []
    return preannotate(article, sources, nlp=nlp, scorer=RuleScorer())


def test_figures_and_actors_score_above_questions_and_opinions(nlp):
    text = (
        "The ministry said unemployment fell to 4.2 percent in March, the lowest since 2008.\n"
        "Why would anyone believe that?\n"
        "I think this is a wonderful day for all of us."
    )
    scores = {c.text: c.score for c in run(nlp, text).claims}
    fact = scores[
        "The ministry said unemployment fell to 4.2 percent in March, the lowest since 2008."
    ]
    assert fact >= 0.5
    assert scores["Why would anyone believe that?"] < 0.5
    assert scores["I think this is a wonderful day for all of us."] < 0.5


def test_claim_kinds_follow_the_parse(nlp):
    text = (
        "Prices rose 5 percent because the harvest failed, officials said.\n"
        "The company will double its output by 2030."
    )
    claims = run(nlp, text).claims
    assert {"numeric", "causal", "attributed"} <= set(claims[0].kinds)
    assert "prediction" in claims[1].kinds and "comparison" in claims[1].kinds


def test_long_sentence_splits_into_independent_clauses(nlp):
    text = (
        "The regional government says it spent 40 million euros on new school buildings "
        "across the northern districts over the last three years, while the opposition "
        "party has argued that most of the money went to a handful of well-connected "
        "construction firms in the capital."
    )
    claims = run(nlp, text).claims
    assert len(claims) == 2
    assert claims[0].text.endswith("over the last three years")
    assert claims[1].text.startswith("the opposition party")
    assert all(text[c.start : c.end] == c.text for c in claims)


def test_distinct_counts_are_a_number_mismatch_and_contradict(nlp):
    result = run(
        nlp,
        "Organisers said 38,000 people attended the rally in Leeds on Saturday.",
        "Police estimated that 31,000 people attended the rally in Leeds on Saturday.",
    )
    (claim,) = result.claims
    assert [f.type for f in claim.flags] == ["number_mismatch"]
    assert claim.support == "contradicted"


def test_matching_figures_support_the_claim(nlp):
    result = run(
        nlp,
        "Organisers said 38,000 people attended the rally in Leeds on Saturday.",
        "Organisers said that about 38,000 people attended the rally in Leeds on Saturday.",
    )
    (claim,) = result.claims
    assert claim.flags == ()
    assert claim.support == "supported"


def test_reworded_direct_quote_is_flagged(nlp):
    result = run(
        nlp,
        'The minister told reporters: "We will never sign this agreement with them."',
        'The minister said: "We will not sign this agreement with them yet."',
    )
    (claim,) = result.claims
    assert "quote_mismatch" in [f.type for f in claim.flags]


def test_count_unit_comes_from_the_parse(nlp):
    doc = nlp("the deployment of roughly 15,000 North Korean soldiers")
    (q,) = extract_quantities(doc.text, doc=doc)
    assert (q.value, q.unit, q.bound) == (15000.0, "soldier", "about")
