"""Texts longer than spaCy's ``max_length`` are parsed in windows of whole lines, with every
offset still pointing into the original text, and with the same result as one long parse."""

from __future__ import annotations

import dataclasses

import pytest
import spacy

from annotations.nlp import layout
from annotations.nlp.claims import RuleScorer
from annotations.nlp.preannotate import preannotate
from annotations.nlp.types import SourceDoc


def _paragraph(i: int) -> str:
    return (
        f"The council of district {i} spent ${i}.5 million on roads in 2025, the mayor said. "
        f"According to the audit office, spending rose by {i % 50 + 1} percent."
    )


def _long_text(n: int) -> str:
    body = "\n\n".join(_paragraph(i) for i in range(1, n + 1))
    # one paragraph that lost its newlines, far longer than a window
    run_on = " ".join(_paragraph(1000 + i) for i in range(30))
    return "Road spending under scrutiny\n\n" + body + "\n\n" + run_on + "\n"


@pytest.fixture
def blank_nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "ORG", "pattern": "audit office"}])
    nlp.meta.update(name="blank_long", version="0.0.1")
    return nlp


def test_split_long_lines_cuts_at_sentence_ends_and_keeps_offsets():
    text = " ".join(_paragraph(i) for i in range(40))
    lines = [layout.Line(0, len(text), layout.BODY)]
    pieces = layout.split_long_lines(text, lines, max_chars=1000)
    assert len(pieces) > 1
    assert all(p.end - p.start <= 1000 and p.role == layout.BODY for p in pieces)
    assert all(text[p.end - 1] in ".%" for p in pieces), "each piece ends a sentence"
    assert all(text[p.start].isupper() for p in pieces), "and the next starts one"
    # nothing but the single spaces between the pieces is left out
    assert " ".join(text[p.start : p.end] for p in pieces) == text


def test_split_long_lines_without_sentence_ends_cuts_at_spaces_then_anywhere():
    words = "alpha " * 500
    text = words + "x" * 3000
    pieces = layout.split_long_lines(text, [layout.Line(0, len(text), layout.BODY)], 1000)
    assert all(0 < p.end - p.start <= 1000 for p in pieces)
    assert pieces[0].end <= len(words) and text[pieces[0].end - 1] == "a"
    assert sum(p.end - p.start for p in pieces if text[p.start] == "x") == 3000


def test_windows_hold_whole_lines_in_order_and_refuse_a_line_too_long():
    lines = [layout.Line(i * 100, i * 100 + 90, layout.BODY) for i in range(50)]
    wins = layout.windows(lines, max_chars=1000)
    assert [ln for w in wins for ln in w.lines] == lines
    assert all(w.end - w.start <= 1000 for w in wins) and len(wins) == 5
    assert all((w.start, w.end) == (w.lines[0].start, w.lines[-1].end) for w in wins)
    with pytest.raises(ValueError, match="longer than"):
        layout.windows([layout.Line(0, 2000, layout.BODY)], max_chars=1000)


def test_a_text_past_max_length_gives_the_result_of_one_long_parse(blank_nlp, monkeypatch):
    text = _long_text(120)
    sources = (SourceDoc("s1", "Audit Office (1/3/2026): " + _paragraph(7), "Audit Office"),)

    monkeypatch.setattr(layout, "WINDOW_CHARS", 10_000_000)  # one window: the reference
    whole = preannotate(text, sources, nlp=blank_nlp, scorer=RuleScorer())
    monkeypatch.setattr(layout, "WINDOW_CHARS", 20_000)
    blank_nlp.max_length = 2_000  # spaCy would refuse the text with E088
    windowed = preannotate(text, sources, nlp=blank_nlp, scorer=RuleScorer())

    assert len(text) > 10 * blank_nlp.max_length
    assert windowed.article_length == len(text)
    for field in ("entities", "quantities", "attributions", "claims"):
        got = getattr(windowed, field)
        want = getattr(whole, field)
        if field != "claims":
            assert got == want, field
    # claims: the run-on paragraph is now cut at its sentence ends, which the sentencizer
    # split there anyway, so the claims are the same spans with the same flags
    strip = [dataclasses.replace(c, score=0.0) for c in windowed.claims]
    assert strip == [dataclasses.replace(c, score=0.0) for c in whole.claims]
    for claim in windowed.claims:
        assert text[claim.start : claim.end] == claim.text
    assert max(c.start for c in windowed.claims) > len(text) - 2_000
