"""Quotation marks: pairing them on the surface and reading the speech between them.

The parser does not pair quotes, and direct speech decides two things the parse cannot: whether
content is verbatim (``direct``) and where a report's content really ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

_OPEN_CLOSE = {"\u201c": "\u201d", "\u2018": "\u2019"}
# Every character that may open or close a quote, for scans that stop at one.
QUOTE_CHARS = frozenset("\"\u201c\u201d\u2018\u2019'")


@dataclass(frozen=True)
class Quote:
    """A paired quotation, as character offsets of its marks in the line."""

    open: int  # index of the opening mark
    close: int  # index of the closing mark

    @property
    def inner(self) -> tuple[int, int]:
        return self.open + 1, self.close

    def contains(self, pos: int) -> bool:
        return self.open < pos < self.close


def find_quotes(text: str) -> list[Quote]:
    """Pair double quotes, straight or curly, left to right. Single curly quotes count only when
    a line has no double quotes (British style), since ’ is mostly an apostrophe."""
    quotes: list[Quote] = []
    has_double = '"' in text or "\u201c" in text
    if not has_double and "\u2018" not in text:
        return quotes
    opener: int | None = None
    opener_char = ""
    for i, ch in enumerate(text):
        if opener is None:
            if ch == '"' or ch == "\u201c" or not has_double and ch == "\u2018":
                opener, opener_char = i, ch
        else:
            closing = '"' if opener_char == '"' else _OPEN_CLOSE[opener_char]
            if ch == closing or (opener_char == "\u201c" and ch == '"'):
                if opener_char == "\u2018" and i + 1 < len(text) and text[i + 1].isalpha():
                    continue  # an apostrophe inside the quote ("Germany’s")
                quotes.append(Quote(opener, i))
                opener = None
    return quotes


def quote_at(quotes: Sequence[Quote], pos: int) -> Quote | None:
    """The quote whose inside holds character ``pos``."""
    for q in quotes:
        if q.contains(pos):
            return q
    return None


def quote_content(text: str, quote: Quote) -> tuple[int, int] | None:
    """The content span of direct speech: the quotation with its marks and whatever punctuation
    stands inside them (news style puts the sentence's comma there), None when it is empty."""
    start, end = quote.inner
    if not text[start:end].strip(" ,.;:"):
        return None
    return quote.open, quote.close + 1


def mostly_quoted(span: tuple[int, int], quotes: Sequence[Quote]) -> Quote | None:
    """The quote holding most of ``span`` (a clausal complement parsed inside direct speech)."""
    length = span[1] - span[0]
    for q in quotes:
        overlap = min(span[1], q.close) - max(span[0], q.open + 1)
        if length > 0 and overlap / length >= 0.6:
            return q
    return None
