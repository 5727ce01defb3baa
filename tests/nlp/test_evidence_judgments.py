"""Whole-pipeline claim ↔ source judgments on article/source pairs written for these tests,
and the bad inputs the issue lists: each gives a sensible label, never a crash."""

from __future__ import annotations

import time

import pytest
import spacy

from annotations.nlp.claims import RuleScorer
from annotations.nlp.contract import to_contract
from annotations.nlp.preannotate import analyse_spans, preannotate
from annotations.nlp.types import SUPPORT_VALUES, SourceDoc

ARTICLE = """Valley Courier

Lakeside school expansion approved

The expansion of Lakeside Primary will cost $14 million, the district's finance officer told trustees.
About 620 pupils attend the school, which opened in 1987.
"We are absolutely delighted with the decision," head teacher Mara Quint said.
The district also plans a new bus depot on Quarry Road.
"""  # noqa: E501
SOURCE = """District Bulletin (12/5/2026)
Trustees approved the expansion of Lakeside Primary on Tuesday.
The finance officer said the project is budgeted at $11.5 million.
The school, which opened in 1987, has 618 pupils.
"We are delighted with the decision," head teacher Mara Quint said.
"""

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def result(nlp):
    return preannotate(ARTICLE, [SourceDoc("s1", SOURCE, "District Bulletin")], nlp=nlp)


def claim_with(result, fragment: str):
    return next(c for c in result.claims if fragment in c.text)


def test_a_cost_in_other_words_is_compared_and_contradicts(result):
    claim = claim_with(result, "will cost $14 million")
    assert claim.support == "contradicted"
    (flag,) = [f for f in claim.flags if f.type == "number_mismatch"]
    assert (flag.article_text, flag.source_text) == ("$14 million", "$11.5 million")
    assert "$14 million (article) vs $11.5 million (source): differs" in [
        c.summary for c in claim.comparisons
    ]


def test_agreements_are_recorded_too(result):
    claim = claim_with(result, "About 620 pupils")
    outcomes = {c.article_text: c.outcome for c in claim.comparisons}
    assert outcomes["About 620"] == "consistent"
    assert outcomes["1987"] == "consistent"
    assert not [f for f in claim.flags if f.type in ("number_mismatch", "date_mismatch")]
    assert claim.support in ("supported", "partly_supported")


def test_a_reworded_quote_is_flagged_with_both_wordings(result):
    claim = claim_with(result, "absolutely delighted")
    (flag,) = [f for f in claim.flags if f.type == "quote_mismatch"]
    assert "absolutely" in flag.article_text and "absolutely" not in flag.source_text
    assert claim.support != "supported"


def test_not_found_says_why_the_linked_passages_do_not_count(nlp):
    start = ARTICLE.index("The district also plans")
    end = ARTICLE.index("Quarry Road.") + len("Quarry Road.")
    source = SOURCE + "Schools in the district close for the summer on 20 July.\n"
    (claim,) = analyse_spans(ARTICLE, [SourceDoc("s1", source)], [(start, end)], nlp=nlp)
    assert claim.support == "not_found" and claim.evidence
    (flag,) = [f for f in claim.flags if f.type == "not_in_sources"]
    assert "the closest passage covers only" in flag.message


def test_not_found_without_any_passage_says_so():
    from annotations.nlp.judge import not_in_sources_flag
    from annotations.nlp.types import Claim, Evidence

    claim = Claim("c1", 0, 10, "A new pier.", 1.0)
    assert "shares its content" in not_in_sources_flag(claim, (), has_sources=True).message
    assert "cites no source" in not_in_sources_flag(claim, (), has_sources=False).message
    passage = (Evidence("s1", 0, 5, "Piers.", 0.12),)
    assert "covers only 12%" in not_in_sources_flag(claim, passage, has_sources=True).message


def test_comparisons_and_support_scores_are_in_the_contract(result):
    out = to_contract(result)
    claim = next(c for c in out["claims"] if "will cost" in c["text"])
    assert {"kind", "article_text", "source_text", "outcome", "summary"} <= set(
        claim["comparisons"][0]
    )
    assert set(claim["support_scores"]) <= {"supported", "partly_supported", "not_found"}


def test_a_reviewers_span_gets_the_same_analysis(nlp):
    start = ARTICLE.index("The expansion of Lakeside Primary will cost")
    end = ARTICLE.index("told trustees.") + len("told trustees.")
    (claim,) = analyse_spans(ARTICLE, [SourceDoc("s1", SOURCE)], [(start, end)], nlp=nlp)
    assert (claim.start, claim.end) == (start, end)
    assert claim.support == "contradicted"
    assert [f.type for f in claim.flags] == ["number_mismatch"]


# --- bad input ---------------------------------------------------------------------------------


def labels(result) -> set[str]:
    return {c.support for c in result.claims}


def test_a_source_without_sentences_gives_not_found(nlp):
    for empty in ("", "   \n\n", "—\n***\n"):
        out = preannotate(ARTICLE, [SourceDoc("s1", empty)], nlp=nlp)
        assert labels(out) == {"not_found"}


def test_a_source_identical_to_the_article_supports_it(nlp):
    out = preannotate(ARTICLE, [SourceDoc("s1", ARTICLE)], nlp=nlp)
    claim = claim_with(out, "will cost $14 million")
    assert claim.support == "supported"
    assert not [f for f in claim.flags if f.type != "not_in_sources"]
    assert all(c.outcome == "consistent" for c in claim.comparisons)


def test_a_claim_with_twenty_numbers(nlp):
    figures = ", ".join(f"{n * 3} kilometres of track in region {n}" for n in range(1, 21))
    article = f"The rail agency listed {figures}."
    source = "\n".join(f"Region {n} has {n * 3} kilometres of track." for n in range(1, 21))
    out = preannotate(article, [SourceDoc("s1", source)], nlp=nlp)
    (claim,) = out.claims
    assert claim.support in SUPPORT_VALUES
    assert not [c for c in claim.comparisons if c.outcome == "differs"]


def test_unit_less_numbers_and_non_english_text(nlp):
    article = "Der Index stieg im März auf 112 Punkte. Le chiffre est passé à 97."
    source = "Der Index lag im März bei 97. Les ventes ont augmenté de 4 %."
    out = preannotate(article, [SourceDoc("s1", source)], nlp=nlp)
    assert labels(out) <= set(SUPPORT_VALUES)


def test_a_one_megabyte_source_stays_fast_on_the_plain_stages():
    """The parse is the pipeline's own cost; what is timed here is everything after it, on a
    blank pipeline (a sentencizer), over a 1 MB source full of figures and dates."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    line = "On 3 May 2024 the council spent $4.5 million on 120 new street lamps in Elm Ward.\n"
    source = line * (1_000_000 // len(line))
    article = "The council spent $9 million on 120 new street lamps in Elm Ward in May 2024.\n"
    t0 = time.perf_counter()
    out = preannotate(article, [SourceDoc("s1", source)], nlp=nlp, scorer=RuleScorer())
    assert time.perf_counter() - t0 < 60
    (claim,) = out.claims
    assert claim.support in SUPPORT_VALUES
    post_parse = sum(v for k, v in out.timings.items() if k not in ("parse", "layout"))
    assert post_parse < 0.5 * out.timings["parse"] + 5
