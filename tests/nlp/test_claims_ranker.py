"""Claims scored by the ranker through the whole pipeline, on sentences written for these tests:
what ranks high and low, the reasons a reviewer sees, scores that compare across articles."""

from __future__ import annotations

import pytest

from annotations.nlp.contract import to_contract
from annotations.nlp.preannotate import preannotate
from annotations.nlp.types import Claim

pytestmark = pytest.mark.model


def claims(nlp, text: str) -> list[Claim]:
    return list(preannotate(text, [], nlp=nlp).claims)


def claim_for(nlp, text: str, start: str) -> Claim:
    return next(c for c in claims(nlp, text) if c.text.startswith(start))


ARTICLE = (
    "Unemployment in the Vale region fell to 4.1 percent in March, the lowest rate since "
    "2008, according to the regional statistics office.\n"
    "What does this mean for families?\n"
    "I think we should all be proud of this town.\n"
    "Thank you all for coming tonight.\n"
    "The council may perhaps look at the bus timetable again.\n"
)


def test_a_figure_with_a_named_source_outranks_questions_opinion_and_small_talk(nlp):
    found = {c.text.split()[0]: c.score for c in claims(nlp, ARTICLE)}
    assert all(0.0 <= s <= 1.0 for s in found.values())
    figure = found["Unemployment"]
    assert figure >= 0.5  # over the UI's check-worthy line
    for other in ("What", "I", "Thank", "The"):
        assert found[other] < figure, other
    assert found["Thank"] < 0.5 and found["What"] < 0.5


def test_reasons_name_the_figure_the_comparison_and_the_source(nlp):
    c = claim_for(nlp, ARTICLE, "Unemployment")
    assert "a figure" in c.reasons
    assert {"a comparison", "a superlative", "attributed", "a date"} & set(c.reasons)
    assert len(c.reasons) <= 3


def test_reasons_against_name_the_hedge_and_the_question(nlp):
    hedged = claim_for(nlp, ARTICLE, "The council may perhaps")
    assert {"hedged", "a prediction"} & set(hedged.reasons_against)
    question = claim_for(nlp, ARTICLE, "What does")
    assert "a question" in question.reasons_against


def test_an_attributed_claim_says_so(nlp):
    c = claim_for(
        nlp,
        "The health minister said that 3,000 nurses had left the service since 2022.\n",
        "The health minister",
    )
    assert "attributed" in c.reasons or "a figure" in c.reasons


def test_the_same_paragraph_scores_the_same_in_any_article(nlp):
    paragraph = "Exports rose by 12 percent last year, the trade ministry said."
    one = claim_for(nlp, f"Ports expect a busy summer.\n{paragraph}\n", "Exports")
    two = claim_for(nlp, f"{paragraph}\nFarm prices were flat.\nNothing else changed.\n", "Exports")
    assert one.score == two.score and one.reasons == two.reasons


def test_an_unpunctuated_headline_is_scored_down_but_a_sentence_on_its_own_line_is_not(nlp):
    headline = "Unemployment falls to 4.1 percent in Vale region"
    body = "Unemployment fell to 4.1 percent in the Vale region in March, officials said."
    text = f"{headline}\n{body}\n"
    head, first = claims(nlp, text)[:2]
    assert head.score < first.score


def test_a_dateline_is_not_a_claim(nlp):
    text = "MADRID (Reuters) - Spain's jobless rate fell to 11 percent in the third quarter.\n"
    assert all(not c.text.startswith("MADRID") for c in claims(nlp, text))


def test_the_contract_carries_reasons_and_attribution_kinds(nlp):
    text = "The agency's figures show that exports fell 8 percent in May.\n"
    out = to_contract(preannotate(text, [], nlp=nlp))
    claim = out["claims"][0]
    assert isinstance(claim["reasons"], list) and isinstance(claim["reasons_against"], list)
    (attribution,) = out["attributions"]
    assert attribution["kind"] == "evidence"
    assert attribution["content_parts"] == [] and attribution["speaker_antecedent"] is None
