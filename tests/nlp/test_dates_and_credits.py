"""Year-less and relative dates, passages sharing only a topic, credits by description."""

from __future__ import annotations

import pytest

from annotations.nlp.claims import RuleScorer
from annotations.nlp.consistency import (
    Credit,
    DocFacts,
    addresses,
    attribution_flag,
)
from annotations.nlp.preannotate import preannotate
from annotations.nlp.quantities import date_parts, extract_quantities
from annotations.nlp.types import Evidence, SourceDoc
from tests.nlp.aligning import clashes


def facts_for(text: str, ref_date: str | None = None) -> DocFacts:
    return DocFacts(text=text, quantities=extract_quantities(text, ref_date=ref_date))


def evidence_for(text: str, score: float = 0.6) -> Evidence:
    return Evidence("s1", 0, len(text), text, score)


# --- dates ------------------------------------------------------------------------------------


def test_a_day_and_month_is_a_date_not_a_count():
    (q,) = extract_quantities("The ferry line reopened on 4 August, the port said.")
    assert (q.kind, q.text, q.iso_date) == ("date", "4 August", None)
    assert date_parts(q.text, q.iso_date) == (None, 8, 4)


def test_a_year_less_date_takes_the_year_of_the_document_when_it_is_not_later():
    (q,) = extract_quantities("reopened on August 4th", ref_date="2024-09-01")
    assert q.iso_date == "2024-08-04"
    (later,) = extract_quantities("will reopen in November", ref_date="2024-09-01")
    assert later.iso_date is None  # last November or the coming one: unknown


def test_a_bare_month_needs_a_time_word_before_it():
    assert [q.text for q in extract_quantities("Wages were frozen since October.")] == ["October"]
    assert extract_quantities("Prices May rise, and the March was long.") == []


def test_relative_dates_resolve_only_against_a_known_document_date():
    (q,) = extract_quantities("Output fell last year.", ref_date="2025-01-30")
    assert (q.kind, q.text, q.iso_date) == ("date", "last year", "2024")
    (m,) = extract_quantities("It opened earlier this month.", ref_date="2025-01-30")
    assert m.iso_date == "2025-01"
    (u,) = extract_quantities("Output fell last year.")
    assert u.iso_date is None


def test_a_header_date_still_needs_a_year():
    from annotations.nlp.quantities import parse_date

    assert parse_date("4 August") is None


@pytest.mark.model
def test_same_event_on_another_day_of_the_month_is_a_date_mismatch(nlp):
    flags = clashes(
        nlp,
        "The ferry line reopened on 4 August, the port said.",
        "The port said the ferry line reopened on 11 August.",
        "2023-08-20",
    )
    assert [(f.type, f.article_text, f.source_text) for f in flags] == [
        ("date_mismatch", "4 August", "11 August")
    ]


@pytest.mark.model
def test_a_month_is_compared_with_a_month_inferred_from_the_source_date(nlp):
    flags = clashes(
        nlp,
        "Cleaners have not been paid since June, their union said.",
        "The union said cleaners have not been paid since July.",
        "2023-09-02",
    )
    assert [f.type for f in flags] == ["date_mismatch"]


@pytest.mark.model
def test_dates_of_different_events_in_one_passage_are_not_compared(nlp):
    flags = clashes(
        nlp,
        "The ferry line reopened on 4 August.",
        "Tickets for the autumn concert went on sale on 11 August.",
    )
    assert flags == []


@pytest.mark.model
def test_a_month_without_a_day_agrees_with_a_full_date_in_it(nlp):
    flags = clashes(
        nlp, "The ferry line reopened in August.", "The ferry line reopened on 11 August."
    )
    assert flags == []


@pytest.mark.model
def test_a_relative_source_date_agrees_with_the_explicit_year(nlp):
    source = "The plant produced 3 terawatt hours last year."
    ok = clashes(nlp, "The plant produced 3 terawatt hours in 2024.", source, "2025-01-30")
    wrong = clashes(nlp, "The plant produced 3 terawatt hours in 2023.", source, "2025-01-30")
    assert ok == [] and [f.type for f in wrong] == ["date_mismatch"]


# --- does a passage address the claim ----------------------------------------------------------


def test_topic_overlap_without_a_shared_name_or_figure_needs_more_content():
    assert addresses(0.2, False, anchor=True)
    assert not addresses(0.3, False, anchor=False)
    assert addresses(0.45, False, anchor=False)
    assert addresses(0.3, False) and not addresses(0.2, False)  # anchor unknown: the old rule


def test_a_passage_sharing_only_names_does_not_address_the_claim():
    assert not addresses(0.6, False, anchor=True, content=False)
    assert addresses(0.2, True, anchor=True, content=False)  # a shared figure still does


def test_shared_names_are_not_shared_content():
    from collections import Counter

    from annotations.nlp.evidence import shares_content

    claim = Counter({"E:north korea": 1, "north": 1, "korea": 1, "unity": 1, "leader": 1})
    topic = Counter({"E:north korea": 1, "north": 1, "korea": 1, "ally": 1})
    same = Counter({"E:north korea": 1, "north": 1, "unity": 1})
    assert not shares_content(claim, topic)
    assert shares_content(claim, same)


# --- credits by description ---------------------------------------------------------------------


def _facts(text: str) -> DocFacts:
    return DocFacts(text=text)


def test_a_named_body_against_a_different_described_body_is_a_mismatch():
    source = "Fish catches have halved, according to a report by the coastal fisheries agency."
    flag = attribution_flag(
        [Credit(0, 22, "Campaign group Bluewave", ("Bluewave",))],
        _facts(source),
        [Credit(42, 80, "a report by the coastal fisheries agency", ())],
    )
    assert flag is not None and flag.type == "attribution_mismatch"
    assert flag.source_text == "a report by the coastal fisheries agency"


def test_a_named_person_the_source_mentions_is_not_a_mismatch_with_a_role():
    source = "Treasurer Olu Adeyemi spoke first. The treasurer said the deficit would grow."
    flag = attribution_flag(
        [Credit(0, 7, "Adeyemi", ("Adeyemi",))],
        _facts(source),
        [Credit(35, 48, "The treasurer", ())],
    )
    assert flag is None


def test_two_different_described_parties_are_a_mismatch():
    source = "Outside inspectors believe the pumps are 5 percent cheaper to run."
    flag = attribution_flag(
        [Credit(0, 17, "Factory technicians", ())],
        _facts(source),
        [Credit(0, 17, "Outside inspectors", ())],
    )
    assert flag is not None and flag.type == "attribution_mismatch"


@pytest.mark.parametrize(
    ("article", "source"),
    [
        ("the council's annual report", "The council"),
        ("its operator", "The operator of the plant"),
        ("Officials", "Outside inspectors"),
        ("Factory technicians", "they"),
    ],
)
def test_descriptions_that_share_a_word_or_are_vague_are_not_flagged(article, source):
    flag = attribution_flag(
        [Credit(0, len(article), article, ())],
        _facts(source),
        [Credit(0, len(source), source, ())],
    )
    assert flag is None


def test_a_description_against_a_named_source_credit_is_not_flagged():
    flag = attribution_flag(
        [Credit(0, 11, "the company", ())],
        _facts("Harrow Motors said"),
        [Credit(0, 12, "Harrow Motors", ("Harrow Motors",))],
    )
    assert flag is None


def test_a_described_party_with_another_figure_is_a_different_claim():
    flag = attribution_flag(
        [Credit(0, 10, "Organisers", ())],
        _facts("Police estimated 31,000."),
        [Credit(0, 6, "Police", ())],
        same_fact=False,
    )
    assert flag is None


# --- through the pipeline, on the real model ------------------------------------------------


@pytest.mark.model
def test_day_month_dates_of_the_same_event_give_a_date_mismatch(nlp):
    article = "The Selby footbridge was reopened to walkers on 3 May, the council said.\n"
    source = "The council said the Selby footbridge reopened to walkers on 10 May.\n"
    result = preannotate(
        article, [SourceDoc("s1", source, "Local", "2024-05-20")], nlp=nlp, scorer=RuleScorer()
    )
    (claim,) = result.claims
    assert [f.type for f in claim.flags] == ["date_mismatch"]
    assert claim.support == "contradicted"
    for q in result.quantities + result.sources[0].quantities:
        assert q.kind == "date"
    assert result.sources[0].quantities[0].iso_date == "2024-05-10"


@pytest.mark.model
def test_a_report_credited_to_another_body_is_an_attribution_mismatch(nlp):
    article = (
        "Campaign group Bluewave warned that fish catches in the Tamsin estuary have halved "
        "since 2019.\n"
    )
    source = (
        "Fish catches in the Tamsin estuary have halved since 2019, according to a report by "
        "the coastal fisheries agency.\n"
    )
    result = preannotate(
        article, [SourceDoc("s1", source, "Coast News")], nlp=nlp, scorer=RuleScorer()
    )
    (claim,) = result.claims
    assert "attribution_mismatch" in [f.type for f in claim.flags]


def test_a_name_most_passages_repeat_is_the_topic_not_an_anchor():
    from collections import Counter

    from annotations.nlp.evidence import Bm25Index, Passage, shares_anchor

    def passage(i: int, *terms: str) -> Passage:
        return Passage("s1", i, i + 1, "x", Counter(terms))

    everywhere = [passage(i, "E:ruritania", f"w{i}") for i in range(9)]
    index = Bm25Index([*everywhere, passage(9, "E:ruritania", "E:zenda", "castle")])
    claim = Counter({"E:ruritania": 1, "E:zenda": 1, "castle": 1})
    assert not shares_anchor(claim, everywhere[0].terms, index)
    assert shares_anchor(claim, index.passages[-1].terms, index)
    assert shares_anchor(claim, everywhere[0].terms)  # without the index: any shared name


def test_the_same_day_written_two_ways_is_a_shared_retrieval_term():
    from annotations.nlp.evidence import number_terms

    a = number_terms(extract_quantities("released on 12 November 2018"))
    b = number_terms(extract_quantities("on DVD on November 12th."))
    assert "D:11-12" in set(a) & set(b)
    assert "D:2018" in a
