"""The seed article against its cited source, on the real model: what the pipeline must find."""

from __future__ import annotations

import pytest

from annotations.nlp.claims import RuleScorer
from annotations.nlp.contract import to_contract
from annotations.nlp.layout import parse_source_header
from annotations.nlp.preannotate import CHECKWORTHY_THRESHOLD, preannotate
from annotations.nlp.types import CLAIM_KINDS, FLAG_TYPES, QUANTITY_KINDS, SUPPORT_VALUES, SourceDoc

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def result(nlp, seed_pair):
    article, source = seed_pair
    name, date = parse_source_header(source)
    return preannotate(article, [SourceDoc("s1", source, name, date)], nlp=nlp)


def claim_with(result, fragment: str):
    found = [c for c in result.claims if fragment in c.text]
    assert found, f"no claim contains {fragment!r}"
    return found[0]


def flag_types(claim) -> list[str]:
    return [f.type for f in claim.flags]


def test_range_in_article_vs_single_figure_in_source(result):
    claim = claim_with(result, "between 5.6 and 9.8 billion USD")
    flags = [f for f in claim.flags if f.type == "range_vs_point"]
    assert flags and flags[0].article_text == "between 5.6 and 9.8 billion USD"
    assert flags[0].source_text == "$9.8 billion"
    assert claim.support in ("partly_supported", "contradicted")


def test_study_credited_to_a_foundation_the_source_does_not_name(result):
    claim = claim_with(result, "A Friedrich Naumann Foundation study")
    flags = [f for f in claim.flags if f.type == "attribution_mismatch"]
    assert flags
    assert "Friedrich Naumann Foundation" in flags[0].article_text
    assert "Guseynova" in flags[0].source_text
    assert "Frankfurter Allgemeine Zeitung" in flags[0].message


def test_about_figure_agrees_with_no_more_than_bound(result):
    claim = claim_with(result, "about 1.19 billion USD")
    assert "number_mismatch" not in flag_types(claim)
    assert any("no more than $1.2 billion" in e.text for e in claim.evidence)


@pytest.mark.parametrize(
    "fragment",
    ["roughly 15,000 North Korean soldiers", "Kyrylo Budanov", "Mark Rutte stated"],
)
def test_claims_the_source_does_not_address_are_not_found(result, fragment):
    claim = claim_with(result, fragment)
    assert claim.support == "not_found"
    assert claim.evidence == () or claim.evidence[0].score < 0.3
    checkworthy = claim.score >= CHECKWORTHY_THRESHOLD
    assert ("not_in_sources" in flag_types(claim)) == checkworthy


def test_figure_claim_the_source_lacks_is_check_worthy_and_flagged(result):
    claim = claim_with(result, "roughly 15,000 North Korean soldiers")
    assert claim.score >= CHECKWORTHY_THRESHOLD
    assert "not_in_sources" in flag_types(claim)


def test_source_header_gives_the_source_name_and_date(result):
    (src,) = result.sources
    assert (src.name, src.date) == ("CaliToday", "2025-09-22")


def test_furniture_and_source_list_are_not_annotated(result, seed_pair):
    article, _ = seed_pair
    sources_at = article.rindex("Sources")
    for c in result.claims:
        assert "logo" not in c.text and "months ago" not in c.text and "![" not in c.text
        assert c.end <= sources_at
    assert all(q.end <= sources_at for q in result.quantities)


def test_headlines_score_below_body_claims(result):
    headline = result.claims[0]
    assert headline.text.startswith("Study finds North Korea")
    assert headline.score < 0.5


def test_range_quantity_is_money_despite_the_cardinal_label(result):
    q = next(q for q in result.quantities if q.text == "between 5.6 and 9.8 billion USD")
    assert (q.kind, q.low, q.high, q.unit) == ("money", 5.6e9, 9.8e9, "USD")
    ent = next(e for e in result.entities if e.text == "between 5.6 and 9.8 billion USD")
    assert ent.label == "MONEY"


def test_attributions_are_renumbered_and_linked_to_claims(result):
    ids = [a.id for a in result.attributions]
    assert ids == [f"a{i}" for i in range(1, len(ids) + 1)]
    claims = {c.id: c for c in result.claims}
    study = next(a for a in result.attributions if a.cue.text == "concludes")
    assert "Friedrich Naumann Foundation" in study.speaker.text
    linked = claims[study.claim_id]
    assert linked.start <= study.content.start < linked.end


def assert_exact_slices(objs, text: str) -> None:
    for obj in objs:
        assert text[obj["start"] : obj["end"]] == obj["text"]


def assert_valid_claim(claim, source: str) -> None:
    assert 0 <= claim["score"] <= 1 and claim["support"] in SUPPORT_VALUES
    assert set(claim["kinds"]) <= set(CLAIM_KINDS)
    assert len(claim["evidence"]) <= 3
    assert all(f["type"] in FLAG_TYPES for f in claim["flags"])
    assert_exact_slices(claim["evidence"], source)
    assert all(0 <= e["score"] <= 1 for e in claim["evidence"])


def test_contract_invariants_on_the_seed_output(result, seed_pair):
    article, source = seed_pair
    out = to_contract(result)

    for key in ("entities", "quantities", "claims"):
        assert_exact_slices(out[key], article)
    for s in out["sentences"]:
        assert 0 <= s["start"] < s["end"] <= len(article)
    for a in out["attributions"]:
        spans = [a[part] for part in ("speaker", "cue", "content") if a[part] is not None]
        assert_exact_slices(spans, article)
    for q in out["quantities"]:
        assert q["kind"] in QUANTITY_KINDS
    for c in out["claims"]:
        assert_valid_claim(c, source)
    for s in out["sources"]:
        assert_exact_slices(s["entities"], source)
        assert_exact_slices(s["quantities"], source)


def test_rule_scorer_is_pluggable(nlp, seed_pair):
    class Constant(RuleScorer):
        name = "constant"

        def score_many(self, candidates):
            return [0.25] * len(candidates)

    article, _ = seed_pair
    result = preannotate(article, (), nlp=nlp, scorer=Constant())
    assert {c.score for c in result.claims} == {0.25}
