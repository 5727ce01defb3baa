"""Page layout: which lines of a scraped article are content, headline or page furniture.

Why lines at all: the parser merges a headline or masthead line that has no final punctuation
into the next sentence, which corrupts sentences, claims and attributions alike. Parsing each
line (paragraph) on its own, with its offset kept, fixes every such merge on the seed texts.

Headlines are kept as content with role "headline": they are what readers see first and can
overstate the body ("up to $9.8B" where the body gives a range), so their entities and
quantities are worth showing; but they restate the body's claims, so the claim scorer damps
them below the check-worthy threshold instead of dropping them. A headline repeated verbatim
later on the page (a common scrape artefact) is furniture, so it is not annotated twice.

Furniture is everything that is page chrome, not the author's text: logo lines, the masthead
outlet and date lines, "World 4 months ago" section/age stamps, bylines, image markdown lines,
a citation header such as "CaliToday (22/9/2025):" at the start of a source, and the trailing
"Sources" heading with everything after it (the article's reference list is not its text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotations.nlp.quantities import parse_date

BODY = "body"
HEADLINE = "headline"
FURNITURE = "furniture"


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    role: str  # BODY, HEADLINE or FURNITURE


_IMAGE_RE = re.compile(r"^!\[")
_AGE_RE = re.compile(
    r"^(?:[A-Z][\w&-]*\s+){0,3}(?:\d+|an?|one)\s+(?:second|minute|hour|day|week|month|year)s?"
    r"\s+ago$",
    re.IGNORECASE,
)
_UPDATED_RE = re.compile(r"^(?:updated|published|posted|last modified)\b.{0,60}$", re.I)
_BYLINE_RE = re.compile(r"^by\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,4}$")
# "Sources" glued to what follows ("SourcesCaliToday …") happens when a scraper drops the
# newline after a heading; a colon or an upper-case letter right after the word tells it apart
# from a sentence that starts "Sources close to the minister said".
_SOURCES_RE = re.compile(
    r"^(?:Sources?|References|Further reading|Related(?: articles)?)(?:\s*:|(?=[A-Z(])|\s*$)"
)
_FINAL_PUNCT = tuple(".!?…:;")
_CLOSERS = "\"”’')]"
_SOURCE_HEADER_RE = re.compile(
    r"^\s*(?P<name>[^\n():]{1,80}?)\s*\((?P<date>[^()\n]{4,40})\)\s*:\s*"
)
_DATE_ONLY_RE = re.compile(r"^[\w ,./-]{4,40}$")


def physical_lines(text: str) -> list[tuple[int, int]]:
    """Non-blank lines as (start, end) with surrounding whitespace trimmed."""
    spans = []
    pos = 0
    for raw in text.split("\n"):
        s, e = pos, pos + len(raw)
        pos = e + 1
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def parse_source_header(text: str) -> tuple[str | None, str | None]:
    """Read a citation header "CaliToday (22/9/2025): …" as (name, ISO date).

    Either part is None when it cannot be read; a header whose parenthesis is not a date is not
    a header (it could be "Reuters (via AP): …", whose name we still take).
    """
    m = _SOURCE_HEADER_RE.match(text)
    if not m:
        return None, None
    name = m.group("name").strip() or None
    if name is not None and len(name.split()) > 8:
        return None, None
    return name, parse_date(m.group("date"))


def source_header_end(text: str) -> int:
    """Length of a leading citation header (0 if none), so it can be treated as furniture."""
    m = _SOURCE_HEADER_RE.match(text)
    if not m or len(m.group("name").split()) > 8 or parse_date(m.group("date")) is None:
        return 0
    return m.end()


def _is_date_line(line: str) -> bool:
    if not _DATE_ONLY_RE.match(line):
        return False
    iso = parse_date(line)
    if iso is None:
        return False
    leftover = re.sub(
        r"[\d,./-]|\b(?:[A-Z][a-z]+day|[A-Z][a-z]{2,8}\.?|st|nd|rd|th|of)\b", "", line
    )
    return not leftover.strip()


def _ends_sentence(line: str) -> bool:
    """Final punctuation, looking through closing quotes: 'Moscow "Holding Pyongyang Hostage"'
    is a heading, 'stating, "… region."' is a sentence."""
    return line.rstrip(_CLOSERS).endswith(_FINAL_PUNCT)


def _is_masthead(line: str) -> bool:
    """Outlet name line: a few capitalised words, no sentence punctuation."""
    words = line.split()
    return (
        1 <= len(words) <= 5
        and not _ends_sentence(line)
        and all(w[0].isupper() or w.lower() in ("the", "of", "and", "&") for w in words)
    )


def classify_lines(text: str) -> list[Line]:
    """Every non-blank line with its role; see the module docstring for the rules."""
    out: list[Line] = []
    spans = physical_lines(text)
    seen_body = False
    seen_texts: set[str] = set()
    for idx, (s, e) in enumerate(spans):
        line = text[s:e]
        if seen_body and _SOURCES_RE.match(line):
            out.append(Line(s, len(text.rstrip()), FURNITURE))
            break
        if idx == 0:
            hdr = source_header_end(line)
            if hdr:
                out.append(Line(s, s + len(line[:hdr].rstrip()), FURNITURE))
                s += hdr
                line = text[s:e]
                if not line:
                    continue
        words = line.split()
        furniture = (
            bool(_IMAGE_RE.match(line))
            or (len(words) <= 6 and "logo" in line.lower().split())
            or bool(_AGE_RE.match(line))
            or bool(_UPDATED_RE.match(line) and not line.endswith("."))
            or bool(_BYLINE_RE.match(line))
            or _is_date_line(line)
            or (not seen_body and _is_masthead(line))
            or line in seen_texts
        )
        if furniture:
            out.append(Line(s, e, FURNITURE))
            continue
        seen_texts.add(line)
        if _ends_sentence(line) and len(words) >= 4:
            out.append(Line(s, e, BODY))
            seen_body = True
        else:
            out.append(Line(s, e, HEADLINE))
    return out


def furniture_spans(text: str) -> list[tuple[int, int]]:
    """Spans of page furniture, in text order."""
    return [(ln.start, ln.end) for ln in classify_lines(text) if ln.role == FURNITURE]


def content_lines(text: str) -> list[tuple[int, int]]:
    """Spans to parse (body and headline lines), furniture excluded, in text order."""
    return [(ln.start, ln.end) for ln in classify_lines(text) if ln.role != FURNITURE]


# spaCy refuses a Doc longer than ``nlp.max_length`` (1,000,000 characters, error E088), and
# the parser's memory grows with the Doc. Texts are parsed in windows of whole lines instead.
# 20,000 characters: big enough that spaCy's per-Doc overhead is nothing, small enough that
# cutting each line out of its window (Span.as_doc copies the window's arrays) stays cheap —
# 100,000-character windows made the parse stage 3.6x slower on a 300,000-character text.
WINDOW_CHARS = 20_000


_SENTENCE_END_RE = re.compile(r"[.!?…][\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Window:
    """A stretch of whole lines parsed as one Doc: ``text[start:end]``, offsets kept."""

    start: int
    end: int
    lines: tuple[Line, ...]


def split_long_lines(text: str, lines: list[Line], max_chars: int = WINDOW_CHARS) -> list[Line]:
    """Lines longer than ``max_chars`` cut into pieces, each ending at the last sentence end
    (final punctuation, a space, a capital) in the second half of the piece, else at its last
    space, else anywhere. Only a paragraph of 20,000 characters or more meets this (a scrape
    that lost its newlines); every other line is returned as is."""
    out: list[Line] = []
    for ln in lines:
        start = ln.start
        while ln.end - start > max_chars:
            limit = start + max_chars
            ends = [m.end() for m in _SENTENCE_END_RE.finditer(text, start + max_chars // 2, limit)]
            cut = ends[-1] if ends else text.rfind(" ", start + 1, limit)
            if cut <= start:
                cut = limit
            end = cut
            while end > start and text[end - 1].isspace():
                end -= 1
            out.append(Line(start, end, ln.role))
            start = cut
            while start < ln.end and text[start].isspace():
                start += 1
        if start < ln.end:
            out.append(Line(start, ln.end, ln.role))
    return out


def windows(lines: list[Line], max_chars: int = WINDOW_CHARS) -> list[Window]:
    """Consecutive lines grouped into windows of at most ``max_chars`` characters (lines
    longer than that must be split first, with ``split_long_lines``)."""
    out: list[Window] = []
    group: list[Line] = []
    for ln in lines:
        if ln.end - ln.start > max_chars:
            raise ValueError(f"line {ln.start}-{ln.end} is longer than {max_chars} characters")
        if group and ln.end - group[0].start > max_chars:
            out.append(Window(group[0].start, group[-1].end, tuple(group)))
            group = []
        group.append(ln)
    if group:
        out.append(Window(group[0].start, group[-1].end, tuple(group)))
    return out
