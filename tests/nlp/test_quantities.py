from __future__ import annotations

import math

import pytest

from annotations.nlp.quantities import extract_quantities, interval, parse_date, rounding_halfwidth


def one(text: str):
    qs = extract_quantities(text)
    assert len(qs) == 1, qs
    q = qs[0]
    assert text[q.start : q.end] == q.text
    return q


def test_between_range_shares_scale_and_currency():
    q = one("arms valued at between 5.6 and 9.8 billion USD to support the war")
    assert (q.kind, q.low, q.high, q.unit, q.bound) == ("money", 5.6e9, 9.8e9, "USD", "range")
    assert q.value is None
    assert q.text == "between 5.6 and 9.8 billion USD"


def test_between_two_dollar_amounts_is_a_range():
    q = one("a contract worth between $380 million and $410 million.")
    assert (q.low, q.high, q.unit) == (380e6, 410e6, "USD")


def test_percent_range_with_to():
    q = one("taxes of 25 to 30 percent")
    assert (q.kind, q.low, q.high, q.unit) == ("percent", 25.0, 30.0, "%")


def test_up_to_is_an_upper_bound_with_glued_scale():
    q = one("supplied up to $9.8B in arms")
    assert (q.kind, q.value, q.high, q.bound, q.unit) == ("money", 9.8e9, 9.8e9, "up_to", "USD")
    assert q.text == "up to $9.8B"


@pytest.mark.parametrize(
    ("text", "span", "bound", "approximate"),
    [
        ("about 1.19 billion USD", "about 1.19 billion USD", "about", True),
        ("roughly 15,000 soldiers", "roughly 15,000", "about", True),
        ("no more than $1.2 billion", "no more than $1.2 billion", "at_most", False),
        ("more than 12 years", "more than 12 years", "at_least", False),
    ],
)
def test_hedges_become_bounds_and_stay_in_the_span(text, span, bound, approximate):
    q = one(text)
    assert (q.bound, q.approximate) == (bound, approximate)
    assert q.text == span


def test_a_list_joined_by_and_is_not_a_range():
    qs = extract_quantities("5 soldiers and 3 tanks")
    assert [q.bound for q in qs] == ["exact", "exact"]


def test_a_change_from_one_figure_to_another_gives_two_points_with_the_unit():
    qs = extract_quantities("Inflation rose from 5 to 7 percent.")
    assert [(q.value, q.unit, q.bound) for q in qs] == [(5.0, "%", "exact"), (7.0, "%", "exact")]


def test_count_unit_without_a_parse_is_the_next_word():
    assert one("38,000 people attended").unit == "people"


def test_dates_are_normalised():
    assert one("on Tuesday, January 27, 2026 the").iso_date == "2026-01-27"
    assert one("since 2023, North Korea").iso_date == "2023"
    assert parse_date("22/9/2025") == "2025-09-22"
    assert parse_date("9/22/2025") == "2025-09-22"
    assert parse_date("no date here") is None


def test_model_numbers_and_clock_times_are_not_quantities():
    assert extract_quantities("F-16 jets, the G7 and COVID-19 at 10:30") == []


def test_hyphenated_number_words_are_adjectives():
    assert extract_quantities("that three-way convergence") == []


def test_offsets_are_shifted_by_base():
    q = extract_quantities("cost $5 million", base=100)[0]
    assert (q.start, q.end) == (105, 115)


def test_rounding_halfwidth_reads_the_written_precision():
    assert rounding_halfwidth("1.2", 1e9) == pytest.approx(0.05e9)
    assert rounding_halfwidth("38,000") == 500
    assert rounding_halfwidth("1.19", 1e9) == pytest.approx(0.005e9)


def test_about_and_no_more_than_overlap_but_distinct_counts_do_not():
    about = interval(one("about 1.19 billion USD"))
    at_most = interval(one("no more than $1.2 billion"))
    assert about[0] <= at_most[1] and at_most[0] <= about[1]
    assert at_most[0] == -math.inf
    a, b = interval(one("38,000 people")), interval(one("31,000 people"))
    assert a[0] > b[1]


def test_ordinals_and_compound_numerals_are_not_amounts():
    assert extract_quantities("the 11th and part of the 12th floors") == []
    assert extract_quantities("news service, live 24/7, since 9/11") == []
    assert [q.text for q in extract_quantities("the 2016-17 season")] == ["2016"]
