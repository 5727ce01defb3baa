"""Quantity-aware alignment: each figure and date of a claim against the whole source.

Mechanics on ``spacy.blank("en")`` (no lemmas, so the texts repeat their words); paraphrase
("will cost" / "is budgeted at") on the real model at the end.
"""

from __future__ import annotations

import time

import pytest
import spacy

from annotations.nlp.alignment import (
    SourceFigures,
    TextKeys,
    align_claim,
    comparison_flags,
    figures_agree,
)
from annotations.nlp.quantities import extract_quantities


@pytest.fixture(scope="module")
def blank():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def compare(nlp, claim: str, source: str, ref_date: str | None = None):
    """Comparisons of every figure/date of ``claim`` with ``source`` (IDF 1 everywhere)."""
    source_doc = nlp(source)
    figures = SourceFigures.build(
        "s1",
        source,
        TextKeys.from_docs([(source_doc, 0)]),
        extract_quantities(source, ref_date=ref_date),
    )
    claim_keys = TextKeys.from_docs([(nlp(claim), 0)])
    return align_claim(
        extract_quantities(claim), claim_keys, (0, len(claim)), [figures], lambda key: 1.0
    )


def outcomes(comparisons):
    return [(c.article_text, c.source_text, c.outcome) for c in comparisons]


def test_a_rounded_figure_agrees_with_the_precise_one(blank):
    (c,) = compare(
        blank,
        "The harbour ferry carried 1.2 million passengers in 2023.",
        "Officials said the harbour ferry carried 1,183,400 passengers that season.",
    )[:1]
    assert (c.article_text, c.source_text, c.outcome) == ("1.2 million", "1,183,400", "consistent")
    assert "rounding" in c.note


def test_about_more_than_and_no_more_than_widen_the_figure(blank):
    source = (
        "The clinic survey reached 512 nurses in the northern district. "
        "Some 3,400 volunteers cleaned the riverbank for the festival. "
        "The stadium roof repair will cost €38.5 million."
    )
    got = outcomes(
        compare(
            blank,
            "The clinic survey reached about 480 nurses in the northern district, "
            "more than 3,000 volunteers cleaned the riverbank for the festival, and the stadium "
            "roof repair will cost no more than €40 million.",
            source,
        )
    )
    assert got == [
        ("about 480", "512", "consistent"),
        ("more than 3,000", "Some 3,400", "consistent"),
        ("no more than €40 million", "€38.5 million", "consistent"),
    ]


def test_a_lower_bound_above_the_source_figure_differs(blank):
    comparisons = compare(
        blank,
        "More than 3,000 volunteers cleaned the riverbank for the festival.",
        "About 2,100 volunteers cleaned the riverbank for the festival on Sunday.",
    )
    assert outcomes(comparisons) == [("More than 3,000", "About 2,100", "differs")]
    (flag,) = comparison_flags(comparisons)
    assert flag.type == "number_mismatch"
    assert (flag.article_text, flag.source_text) == ("More than 3,000", "About 2,100")


def test_scale_words_and_unit_conversions_agree(blank):
    got = compare(
        blank,
        "The tunnel contract was worth $2.4bn and building took three weeks longer "
        "than the 5 km bypass.",
        "The tunnel contract was worth 2,400 million dollars. Building took 21 days longer than "
        "planned. The bypass runs 5,000 metres.",
    )
    by_text = {c.article_text: c for c in got}
    assert by_text["$2.4bn"].outcome == "consistent"
    assert by_text["three weeks"].outcome == "consistent"
    assert by_text["three weeks"].note.startswith("unit converted")


def test_other_currencies_are_not_compared(blank):
    (c,) = compare(
        blank,
        "The ministry paid €5 million for the vaccines.",
        "The ministry paid $7 million for the vaccines.",
    )
    assert c.outcome == "no_counterpart" and c.source_text == ""


def test_range_against_a_single_figure_and_the_reverse(blank):
    (range_first,) = compare(
        blank,
        "Turnout at the referendum was between 40 and 55 percent.",
        "Turnout at the referendum was 48 percent.",
    )
    assert range_first.outcome == "range_vs_point"
    (flag,) = comparison_flags([range_first])
    assert flag.type == "range_vs_point"
    assert flag.message == "article gives a range, the source one figure"
    (point_first,) = compare(
        blank,
        "Turnout at the referendum was 48 percent.",
        "Turnout at the referendum was between 40 and 55 percent.",
    )
    assert point_first.outcome == "range_vs_point"
    assert comparison_flags([point_first])[0].message.startswith("article gives one figure")


def test_the_counterpart_is_chosen_by_its_words_not_by_the_nearest_sentence(blank):
    source = (
        "The orchard cooperative sold 120 tonnes of apples to the cider press this autumn. "
        "Its members also planted 3,000 pear trees along the canal. "
        "The cooperative employs 45 seasonal pickers."
    )
    got = outcomes(
        compare(blank, "Members of the orchard cooperative planted 4,500 pear trees.", source)
    )
    assert got == [("4,500", "3,000", "differs")]


def test_a_figure_about_something_else_is_no_counterpart_not_a_clash(blank):
    (c,) = compare(
        blank,
        "The museum welcomed 80,000 visitors in its first month.",
        "The city planted 12,000 trees along its boulevards in spring.",
    )
    assert c.outcome == "no_counterpart"
    assert comparison_flags([c]) == []


def test_dates_of_the_same_event_are_compared_and_agreements_kept(blank):
    got = outcomes(
        compare(
            blank,
            "The footbridge over the Lune reopened on 14 March 2024 after repairs.",
            "The footbridge over the Lune reopened on 21 March 2024 after repairs, "
            "the council said on 2 April 2024.",
        )
    )
    assert got == [("14 March 2024", "21 March 2024", "differs")]
    agree = outcomes(
        compare(
            blank,
            "The footbridge over the Lune reopened in March 2024 after repairs.",
            "The footbridge over the Lune reopened on 21 March 2024 after repairs.",
        )
    )
    assert agree == [("March 2024", "21 March 2024", "consistent")]


def test_unit_less_numbers_compare_only_with_unit_less_ones(blank):
    (c,) = compare(
        blank,
        "The air quality index in Varna stood at 112 on Monday.",
        "The air quality index in Varna stood at 97 on Monday, up from 60.",
    )
    assert (c.source_text, c.outcome) in (("97", "differs"), ("60", "differs"))


def test_a_claim_with_twenty_numbers_is_compared_quickly(blank):
    figures = ", ".join(f"{n * 7} buses in district {n}" for n in range(1, 21))
    claim = f"The depot counted {figures}."
    source = " ".join(f"District {n} had {n * 7} buses." for n in range(1, 21))
    t0 = time.perf_counter()
    got = compare(blank, claim, source)
    assert time.perf_counter() - t0 < 2.0
    assert len(got) >= 20
    assert not [c for c in got if c.outcome == "differs"]


def test_figures_agree_explains_why():
    (a,) = extract_quantities("about 1.19 billion USD")
    (b,) = extract_quantities("no more than $1.2 billion")
    assert figures_agree(a, b) == (True, "within the stated bound")
    (c,) = extract_quantities("38,000 euros")
    (d,) = extract_quantities("31,000 euros")
    assert figures_agree(c, d)[0] is False


@pytest.mark.model
def test_a_paraphrased_cost_is_found_outside_the_retrieved_sentence(nlp):
    source = (
        "The regional transport board met in Castlebridge on Thursday.\n"
        "Members discussed parking charges and the timetable for the winter months.\n"
        "Replacing the old swing bridge over the Avon is budgeted at $1.9 billion, "
        "according to the board's capital plan.\n"
        "Parking charges in the centre will rise by $2 an hour."
    )
    claim = "The new swing bridge over the Avon will cost $2.4 billion to build."
    figures = SourceFigures.build(
        "s1",
        source,
        TextKeys.from_docs([(nlp(source), 0)]),
        extract_quantities(source),
    )
    comparisons = align_claim(
        extract_quantities(claim),
        TextKeys.from_docs([(nlp(claim), 0)]),
        (0, len(claim)),
        [figures],
        lambda key: 1.0,
    )
    assert outcomes(comparisons) == [("$2.4 billion", "$1.9 billion", "differs")]
    assert comparisons[0].summary == "$2.4 billion (article) vs $1.9 billion (source): differs"
