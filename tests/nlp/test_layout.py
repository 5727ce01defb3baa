from __future__ import annotations

from annotations.nlp.layout import (
    BODY,
    FURNITURE,
    HEADLINE,
    classify_lines,
    content_lines,
    furniture_spans,
    parse_source_header,
)

PAGE = """paper logo
The Daily Planet
Tuesday, January 27, 2026

Mayor opens new bridge over the river

World 4 months ago
Mayor opens new bridge over the river

The mayor opened the bridge on Monday, officials said.
![A bridge]https://example.org/bridge.jpg ""
It cost $12 million, according to the city.


SourcesCity Hall (3/2/2026): The bridge cost $12 million."""


def roles(text: str) -> list[tuple[str, str]]:
    return [(ln.role, text[ln.start : ln.end]) for ln in classify_lines(text)]


def test_masthead_logo_date_age_and_images_are_furniture():
    got = roles(PAGE)
    furniture = [t for r, t in got if r == FURNITURE]
    assert "paper logo" in furniture
    assert "The Daily Planet" in furniture
    assert "Tuesday, January 27, 2026" in furniture
    assert "World 4 months ago" in furniture
    assert any(t.startswith("![A bridge]") for t in furniture)


def test_headline_is_content_once_and_its_repeat_is_furniture():
    got = roles(PAGE)
    headline = "Mayor opens new bridge over the river"
    assert [r for r, t in got if t == headline] == [HEADLINE, FURNITURE]


def test_sources_heading_and_everything_after_it_is_furniture():
    start, end = furniture_spans(PAGE)[-1]
    assert PAGE[start:].startswith("SourcesCity Hall")
    assert end == len(PAGE)
    assert all(PAGE[s:e] != "The bridge cost $12 million." for s, e in content_lines(PAGE))


def test_a_sentence_starting_with_sources_is_body():
    text = "The council met on Monday.\nSources close to the mayor said the vote was close."
    assert [r for r, _ in roles(text)] == [BODY, BODY]


def test_body_lines_keep_exact_offsets():
    for s, e in content_lines(PAGE):
        assert PAGE[s:e] == PAGE[s:e].strip()
    bodies = [t for r, t in roles(PAGE) if r == BODY]
    assert bodies == [
        "The mayor opened the bridge on Monday, officials said.",
        "It cost $12 million, according to the city.",
    ]


def test_heading_ending_in_a_quote_is_not_a_sentence():
    text = 'The war goes on.\nMoscow "Holding Pyongyang Hostage"\nShe said, "It is over."'
    assert [r for r, _ in roles(text)] == [BODY, HEADLINE, BODY]


def test_source_header_gives_name_and_iso_date_and_is_furniture():
    text = "CaliToday (22/9/2025): Despite the rhetoric, the deal held."
    assert parse_source_header(text) == ("CaliToday", "2025-09-22")
    ((s, e),) = furniture_spans(text)
    assert text[s:e] == "CaliToday (22/9/2025):"
    assert [text[a:b] for a, b in content_lines(text)] == ["Despite the rhetoric, the deal held."]


def test_text_without_header_has_no_name_or_date():
    assert parse_source_header("Plain text: nothing here.") == (None, None)
