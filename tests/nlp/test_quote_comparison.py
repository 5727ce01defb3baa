"""Quote comparison: an article's quotation against the source's, on texts written for it."""

from __future__ import annotations

from annotations.nlp.quotecheck import (
    QuotedText,
    SourceQuotes,
    compare_quote,
    quotations,
    quote_flags,
    words,
)
from annotations.nlp.types import Attribution, Span


def source(text: str, attributions=(), sentences=None) -> SourceQuotes:
    if sentences is None:
        sentences, pos = [], 0
        for part in text.split("\n"):
            sentences.append((pos, pos + len(part)))
            pos += len(part) + 1
    return SourceQuotes.build("s1", text, attributions, sentences)


def quote_of(text: str, speaker: str | None = None) -> QuotedText:
    (q,) = quotations(text)
    return QuotedText(q.start, q.end, q.text, speaker)


def test_identical_up_to_case_and_punctuation_is_consistent():
    article = 'The mayor said: "Our trams will run all night, every Friday!"'
    src = source('"Our trams will run all night — every Friday," the mayor told reporters.')
    c = compare_quote(quote_of(article), [src])
    assert c is not None and c.outcome == "consistent"
    assert quote_flags([c]) == []


def test_an_added_intensifier_is_a_quote_mismatch_with_both_wordings():
    article = 'The coach admitted: "We were very badly prepared for the final."'
    src = source('"We were badly prepared for the final," the coach admitted on Sunday.')
    c = compare_quote(quote_of(article), [src])
    assert c is not None and c.outcome == "differs"
    (flag,) = quote_flags([c])
    assert flag.type == "quote_mismatch"
    assert flag.article_text == "We were very badly prepared for the final."
    assert flag.source_text == "We were badly prepared for the final"


def test_a_figure_changed_inside_the_quotation_marks_is_a_mismatch():
    article = '"We lost 40 percent of the harvest to hail," the grower said.'
    src = source('"We lost 25 percent of the harvest to hail," the grower said.')
    c = compare_quote(quote_of(article), [src])
    assert c is not None and c.outcome == "differs"
    assert "25 percent" in c.source_text


def test_a_fragment_of_a_longer_source_quote_is_consistent():
    article = 'She called the plan "a step nobody in this valley asked for".'
    src = source(
        '"Frankly, it is a step nobody in this valley asked for, and we will fight it," she said.'
    )
    c = compare_quote(quote_of(article), [src])
    assert c is not None and c.outcome == "consistent"


def test_the_same_speakers_quote_is_preferred_over_a_closer_one_by_someone_else():
    text = (
        '"The reservoir is half empty and falling," said the engineer Ada Moss.\n'
        '"The reservoir is half empty," said the farmer Piet Vos.'
    )
    moss_start = text.index("The reservoir")
    attrs = [
        Attribution(
            "s1-a1",
            Span(text.index("Ada Moss"), text.index("Ada Moss") + 8, "Ada Moss"),
            Span(text.index("said the engineer"), text.index("said the engineer") + 4, "said"),
            Span(moss_start, moss_start + 34, text[moss_start : moss_start + 34]),
            True,
        )
    ]
    src = source(text, attrs)
    article = '"The reservoir is almost empty and falling," Moss warned.'
    c = compare_quote(quote_of(article, speaker="Ada Moss"), [src])
    assert c is not None and c.outcome == "differs"
    assert "falling" in c.source_text


def test_an_unquoted_near_verbatim_sentence_counts_and_a_paraphrase_does_not():
    src = source("The board said the canal lock would stay closed until the spring floods end.")
    near = compare_quote(
        quote_of('The board said "the canal lock will stay closed until the spring floods end".'),
        [src],
    )
    assert near is not None and near.outcome == "differs"
    far = compare_quote(quote_of('Critics said "the board has no plan at all".'), [src])
    assert far is None


def test_short_quotes_and_scare_quotes_are_not_compared():
    assert quotations('The so-called "reform" was shelved.') == []


def test_words_fold_typographic_apostrophes_and_case():
    assert words("We’re READY, aren't we?") == ["we're", "ready", "aren't", "we"]


def test_an_ellipsis_in_the_article_quote_skips_words_of_the_source():
    article = 'The critic called the staging "bold, noisy and [...] unforgettable".'
    src = source('"It is bold, noisy and, I admit, quite unforgettable," the critic wrote.')
    c = compare_quote(quote_of(article), [src])
    assert c is not None and c.outcome == "consistent"


def test_words_scattered_over_a_long_source_sentence_are_not_the_quote():
    article = 'Locals call the marsh "the silver lung".'
    src = source(
        "The silver birches on the ridge were felled, and the lung of the valley, as the old "
        "marsh was known, shrank."
    )
    assert compare_quote(quote_of(article), [src]) is None


def test_a_leading_article_added_to_fit_the_sentence_is_not_a_rewording():
    article = 'Visitors praised "the calm of the reading rooms after dark".'
    src = source('Visitors wrote that they loved "calm of the reading rooms after dark".')
    c = compare_quote(quote_of(article), [src])
    assert c is not None and c.outcome == "consistent"
