from __future__ import annotations

import pytest

from annotations.nlp.alignment import comparison_flags
from annotations.nlp.consistency import (
    Credit,
    DocFacts,
    attribution_flag,
    names_in,
    same_party,
    support_for,
)
from annotations.nlp.quantities import extract_quantities
from annotations.nlp.quotecheck import SourceQuotes, compare_quote, quotations, quote_flags
from annotations.nlp.types import Entity, Evidence, Flag
from tests.nlp.aligning import clashes, compare


def facts_for(text: str, **kw) -> DocFacts:
    return DocFacts(text=text, quantities=extract_quantities(text), **kw)


def evidence_for(text: str, score: float = 0.6) -> Evidence:
    return Evidence("s1", 0, len(text), text, score)


def check_figures(nlp, claim: str, source: str):
    comparisons = compare(nlp, claim, source)
    unmatched = sum(c.outcome == "no_counterpart" for c in comparisons)
    return comparison_flags(comparisons), unmatched


@pytest.mark.model
def test_about_is_consistent_with_a_slightly_higher_upper_bound(nlp):
    flags, unmatched = check_figures(
        nlp,
        "aid with a maximum reported value of about 1.19 billion USD.",
        "aid estimated to be worth no more than $1.2 billion.",
    )
    assert flags == [] and unmatched == 0


@pytest.mark.model
def test_distinct_counts_of_the_same_thing_are_a_number_mismatch(nlp):
    flags, _ = check_figures(
        nlp, "Police said 38,000 people attended.", "About 31,000 people attended."
    )
    assert [f.type for f in flags] == ["number_mismatch"]
    assert flags[0].article_text == "38,000" and "31,000" in flags[0].source_text


@pytest.mark.model
def test_rounded_figure_is_consistent_with_its_precise_value(nlp):
    flags, _ = check_figures(
        nlp, "The deal was worth $1.2 billion.", "The deal was worth $1.23 billion."
    )
    assert flags == []


@pytest.mark.model
def test_range_against_point_inside_it_is_range_vs_point(nlp):
    flags, _ = check_figures(
        nlp, "arms valued at between 5.6 and 9.8 billion USD", "weapons worth $9.8 billion"
    )
    assert [(f.type, f.article_text, f.source_text) for f in flags] == [
        ("range_vs_point", "between 5.6 and 9.8 billion USD", "$9.8 billion")
    ]


@pytest.mark.model
def test_figures_of_other_units_are_not_compared(nlp):
    flags, unmatched = check_figures(nlp, "It cost $5 million.", "It cost 5 million euros.")
    assert flags == [] and unmatched == 1


@pytest.mark.model
def test_unrelated_money_figures_without_shared_context_are_not_flagged(nlp):
    flags, _ = check_figures(
        nlp,
        "The stadium cost $40 million to build.",
        "Ticket revenue reached $95 million last season.",
    )
    assert flags == []


def test_names_match_on_distinctive_tokens_and_acronyms():
    assert same_party("Frankfurter Allgemeine Zeitung", "FAZ")
    assert same_party("Elena Guseynova", "researcher Guseynova")
    assert not same_party("Friedrich Naumann Foundation", "Hankuk University of Foreign Studies")


def test_claim_credited_to_a_body_the_source_does_not_credit_is_flagged():
    article = [
        Credit(0, 36, "A Friedrich Naumann Foundation study", ("Friedrich Naumann Foundation",))
    ]
    source_credits = [Credit(10, 60, "researcher Elena Guseynova", ("Elena Guseynova",))]
    flag = attribution_flag(article, facts_for("x", name="CaliToday"), source_credits)
    assert flag is not None and flag.type == "attribution_mismatch"
    assert flag.article_text == "A Friedrich Naumann Foundation study"
    assert "Elena Guseynova" in flag.source_text


def test_claim_credited_to_the_source_outlet_itself_is_not_flagged():
    article = [Credit(0, 9, "CaliToday", ("CaliToday",))]
    source_credits = [Credit(10, 60, "researcher Elena Guseynova", ("Elena Guseynova",))]
    assert attribution_flag(article, facts_for("x", name="CaliToday"), source_credits) is None


def test_no_flag_when_the_source_credits_nobody():
    article = [Credit(0, 4, "NATO", ("NATO",))]
    assert attribution_flag(article, facts_for("x"), []) is None


def _quote_flags(claim: str, source: str):
    comparisons = [
        c
        for q in quotations(claim)
        if (c := compare_quote(q, [SourceQuotes.build("s1", source, sentences=[(0, len(source))])]))
    ]
    return quote_flags(comparisons)


def test_changed_quote_wording_is_a_quote_mismatch():
    flags = _quote_flags(
        'She said: "We will never accept this deal."',
        '"We will not accept this deal," she said.',
    )
    assert [f.type for f in flags] == ["quote_mismatch"]


def test_identical_quote_is_not_flagged():
    flags = _quote_flags(
        'She said: "We will never accept this deal."',
        '"We will never accept this deal," she said on Monday.',
    )
    assert flags == []


@pytest.mark.model
def test_same_event_dated_differently_is_a_date_mismatch(nlp):
    flags = clashes(
        nlp, "The summit took place in Prague in 2025.", "The summit took place in Prague in 2024."
    )
    assert [f.type for f in flags] == ["date_mismatch"]


@pytest.mark.model
def test_compatible_dates_are_not_flagged(nlp):
    flags = clashes(
        nlp,
        "The summit took place in Prague in 2025.",
        "The summit opened on 3 June 2025 in Prague.",
    )
    assert flags == []


def test_support_is_not_found_without_sources_or_evidence():
    ev = (evidence_for("x", 0.9),)
    assert (
        support_for(has_sources=False, evidence=ev, flags=[], unmatched_figures=0, addressed=True)
        == "not_found"
    )
    assert (
        support_for(has_sources=True, evidence=(), flags=[], unmatched_figures=0, addressed=False)
        == "not_found"
    )


def test_support_follows_the_flags():
    ev = (evidence_for("x", 0.9),)
    mismatch = [Flag("number_mismatch", "a", "b", "m")]
    range_flag = [Flag("range_vs_point", "a", "b", "m")]
    kw = {"has_sources": True, "evidence": ev, "unmatched_figures": 0, "addressed": True}
    assert support_for(flags=mismatch, **kw) == "contradicted"
    assert support_for(flags=range_flag, **kw) == "partly_supported"
    assert support_for(flags=[], **kw) == "supported"


def test_names_keep_a_final_s_and_lose_only_a_possessive():
    text = "the Hankuk University of Foreign Studies and the FAZ's editors and Reuters'"

    def entity(name: str) -> Entity:
        start = text.index(name)
        return Entity(start, start + len(name), name, "ORG")

    entities = [
        entity("the Hankuk University of Foreign Studies"),
        entity("the FAZ's"),
        entity("Reuters'"),
    ]
    assert names_in(0, len(text), entities) == (
        "Hankuk University of Foreign Studies",
        "FAZ",
        "Reuters",
    )
