"""Quote comparison: a direct quote in the article against what the source has the speaker say.

A quotation promises verbatim words, so the test is strict: the article's quote must appear in
the source word for word (case and punctuation aside). The counterpart is the source's quote
from the same speaker when the speaker is known, else the closest quoted passage, else — only
when it repeats nearly all of the quote's words — an unquoted source sentence. A fragment of a
longer source quote is fine ("most of the lighting is new" from a longer sentence); an added
intensifier or a changed figure inside the marks is a ``quote_mismatch`` with both wordings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from annotations.nlp.attributions.quotes import Quote, find_quotes
from annotations.nlp.types import Attribution, Comparison, Flag

MIN_QUOTE_WORDS = 3
SAME_SPEAKER_MATCH = 0.5  # share of the quote's words a same-speaker quote must repeat
QUOTED_MATCH = 0.6  # ... a quote by anyone else
UNQUOTED_MATCH = 0.8  # ... an unquoted source sentence
_WORD_RE = re.compile(r"[0-9A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)?|\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class QuotedText:
    """A quotation in a text: its inner span and its speaker's name when known."""

    start: int
    end: int
    text: str
    speaker: str | None = None


def words(text: str) -> list[str]:
    """Lower-case words with typographic apostrophes and accents folded."""
    folded = unicodedata.normalize("NFKC", text).replace("’", "'").lower()
    return _WORD_RE.findall(folded)


def quotations(
    text: str,
    attributions: Sequence[Attribution] = (),
    lo: int = 0,
    hi: int | None = None,
) -> list[QuotedText]:
    """Quotations overlapping [lo, hi) of ``text`` (at least MIN_QUOTE_WORDS words), each with
    the speaker of the direct attribution whose content holds it. Marks are paired over whole
    lines: a claim span often starts inside the quotation, after its opening mark."""
    hi = len(text) if hi is None else hi
    line_lo = text.rfind("\n", 0, lo) + 1
    line_hi = text.find("\n", hi)
    found = []
    for line_start, line in _lines(text, line_lo, len(text) if line_hi < 0 else line_hi):
        for q in find_quotes(line):
            span = _inside(line, q)
            if span is None:
                continue
            s, e = line_start + span[0], line_start + span[1]
            if e <= lo or s >= hi or len(words(text[s:e])) < MIN_QUOTE_WORDS:
                continue
            found.append(QuotedText(s, e, text[s:e], _speaker(s, e, attributions)))
    return found


def _inside(line: str, quote: Quote) -> tuple[int, int] | None:
    """The quoted words without the marks, the surrounding spaces or the sentence's comma."""
    start, end = quote.inner
    while start < end and line[start].isspace():
        start += 1
    while end > start and (line[end - 1].isspace() or line[end - 1] in ",;:"):
        end -= 1
    return (start, end) if end > start else None


def _lines(text: str, lo: int, hi: int) -> list[tuple[int, str]]:
    out, pos = [], lo
    for line in text[lo:hi].split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _speaker(start: int, end: int, attributions: Sequence[Attribution]) -> str | None:
    for a in attributions:
        if a.content.start <= start and end <= a.content.end + 1 and a.speaker is not None:
            return a.speaker_resolved or a.speaker.text
    return None


def _same_speaker(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    from annotations.nlp.consistency import same_party

    return same_party(a, b)


def _match(quote: list[str], other: list[str]) -> tuple[float, int, int]:
    """Share of the quote's words found in order in ``other``, and the aligned window."""
    if not quote or not other:
        return 0.0, 0, 0
    sm = SequenceMatcher(None, quote, other, autojunk=False)
    blocks = [b for b in sm.get_matching_blocks() if b.size]
    if not blocks:
        return 0.0, 0, 0
    matched = sum(b.size for b in blocks)
    lo, hi = blocks[0].b, blocks[-1].b + blocks[-1].size
    if hi - lo > 1.5 * len(quote) + 2:
        return 0.0, 0, 0  # the words are there, scattered over a passage: not this quote
    return matched / len(quote), lo, hi


_ELLIPSIS_RE = re.compile(r"\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…")
_EDGE_WORDS = frozenset({"the", "a", "an", "and", "but", "or", "that"})


def fragments(text: str) -> list[list[str]]:
    """The quote's words in the pieces an ellipsis leaves ("mature, tasteful, and [...] sexy"),
    without a leading or trailing article or conjunction the writer added to fit the sentence."""
    parts = [words(p) for p in _ELLIPSIS_RE.split(text)]
    parts = [p for p in parts if p]
    if parts and len(parts[0]) > 1 and parts[0][0] in _EDGE_WORDS:
        parts[0] = parts[0][1:]
    if parts and len(parts[-1]) > 1 and parts[-1][-1] in _EDGE_WORDS:
        parts[-1] = parts[-1][:-1]
    return parts


def _in_order(parts: list[list[str]], other: list[str]) -> tuple[int, int] | None:
    """The word span of ``other`` holding every piece verbatim, in order, else None."""
    pos, first = 0, None
    for part in parts:
        n = len(part)
        at = next((i for i in range(pos, len(other) - n + 1) if other[i : i + n] == part), None)
        if at is None:
            return None
        first = at if first is None else first
        pos = at + n
    return (first, pos) if first is not None else None


@dataclass(frozen=True)
class SourceQuotes:
    """What one source offers for quote comparison."""

    source_id: str
    text: str
    quotes: Sequence[QuotedText]
    sentences: Sequence[tuple[int, int]] = ()
    words: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # character span of each word

    @classmethod
    def build(
        cls,
        source_id: str,
        text: str,
        attributions: Sequence[Attribution] = (),
        sentences: Sequence[tuple[int, int]] = (),
    ) -> SourceQuotes:
        folded = unicodedata.normalize("NFKC", text).replace("’", "'")
        if len(folded) != len(text):
            folded = text.replace("’", "'")  # keep offsets exact
        found = list(_WORD_RE.finditer(folded.lower()))
        return cls(
            source_id,
            text,
            quotations(text, attributions),
            sentences,
            [m.group() for m in found],
            [m.span() for m in found],
        )


def _window_text(text: str, span: tuple[int, int], lo_word: int, hi_word: int) -> str:
    """The source's own wording of words [lo_word, hi_word) of the span's words."""
    s, e = span
    positions = [
        (m.start() + s, m.end() + s)
        for m in _WORD_RE.finditer(unicodedata.normalize("NFKC", text[s:e]).replace("’", "'"))
    ]
    if not positions or lo_word >= len(positions):
        return text[s:e].strip()
    return text[positions[lo_word][0] : positions[max(lo_word, hi_word - 1)][1]]


def _verbatim(quote: QuotedText, sources: Sequence[SourceQuotes]) -> Comparison | None:
    """The source passage repeating the quote word for word (quoted there or not), if any."""
    parts = fragments(quote.text)
    for src in sources:
        found = _in_order(parts, src.words) if parts else None
        if found is not None and found[1] - found[0] <= 3 * sum(len(p) for p in parts) + 10:
            s, e = src.spans[found[0]][0], src.spans[found[1] - 1][1]
            return Comparison(
                "quote", quote.text, src.text[s:e], "consistent", src.source_id, s, e,
                "identical wording",
            )  # fmt: skip
    return None


_Best = tuple[float, SourceQuotes, tuple[int, int], int, int]


def _closest(qw: list[str], quote: QuotedText, sources: Sequence[SourceQuotes]) -> _Best | None:
    """The closest source quotation (the same speaker's need match less), else the closest
    unquoted sentence that repeats nearly all of the quote's words."""
    best: _Best | None = None
    for src in sources:
        for sq in src.quotes:
            share, lo, hi = _match(qw, words(sq.text))
            floor = SAME_SPEAKER_MATCH if _same_speaker(quote.speaker, sq.speaker) else QUOTED_MATCH
            if share >= floor and (best is None or share > best[0]):
                best = (share, src, (sq.start, sq.end), lo, hi)
    if best is not None:
        return best
    for src in sources:
        for s, e in src.sentences:
            share, lo, hi = _match(qw, words(src.text[s:e]))
            if share >= UNQUOTED_MATCH and (best is None or share > best[0]):
                best = (share, src, (s, e), lo, hi)
    return best


def compare_quote(quote: QuotedText, sources: Sequence[SourceQuotes]) -> Comparison | None:
    """The comparison of one article quotation with its source counterpart, if one is found."""
    qw = words(quote.text)
    same = _verbatim(quote, sources)
    if same is not None:
        return same
    best = _closest(qw, quote, sources)
    if best is None:
        return None
    share, src, span, lo, hi = best
    wording = _window_text(src.text, span, lo, hi)
    return Comparison(
        "quote", quote.text, wording, "differs", src.source_id, span[0], span[1],
        f"{round(100 * share)}% of the quoted words match",
    )  # fmt: skip


def quote_flags(comparisons: Sequence[Comparison]) -> list[Flag]:
    return [
        Flag(
            "quote_mismatch",
            c.article_text,
            c.source_text,
            "the quote's wording differs from the source's",
        )
        for c in comparisons
        if c.kind == "quote" and c.outcome == "differs"
    ]
