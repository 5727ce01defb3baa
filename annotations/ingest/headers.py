"""Reading what a text tells about itself: an article's masthead (outlet, date), headline and
trailing list of sources, and a source's citation header ("CaliToday (22/9/2025): …").

Every ingest path (the add form, ``import_article``, the JSONL batch, ``load_demo`` and the
``preannotate`` command) reads headers through here, so the same text gets the same metadata.
Pure Python (no Django) so that it can be tested on strings. Nothing here changes the text:
the article is stored exactly as given and these are only metadata suggestions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from annotations.nlp import layout

_DATE_FORMATS = (
    "%A, %B %d, %Y",
    "%B %d, %Y",
    "%A, %d %B %Y",
    "%d %B %Y",
    "%A %d %B %Y",
    "%b %d, %Y",
    "%d %b %Y",
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d.%m.%Y",
)
_SOURCES_HEADING = re.compile(r"^\s*(sources|references|sources cited)\s*:?\s*$", re.IGNORECASE)
_LOGO = re.compile(r"\blogo\b", re.IGNORECASE)


def parse_date(value: str) -> date | None:
    """Parse the date formats newsrooms put in mastheads and source headers."""
    value = value.strip().rstrip(".")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class ArticleHeader:
    title: str
    outlet: str
    published_on: date | None
    body_end: int  # where the trailing "Sources" section starts, or len(text)
    cited: tuple[str, ...] = ()  # lines listed under the "Sources" heading


def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        out.append((pos, line.rstrip("\r\n")))
        pos += len(line)
    return out


def parse_article_header(text: str) -> ArticleHeader:
    """Outlet and date from a masthead in the first lines, the headline after it (or the first
    line), and where a trailing "Sources" section starts."""
    lines = _lines(text)
    nonempty = [(pos, line.strip()) for pos, line in lines if line.strip()]
    outlet, published, title_index = "", None, 0
    for i, (_, line) in enumerate(nonempty[:6]):
        parsed = parse_date(line)
        if parsed:
            published = parsed
            title_index = i + 1
            previous = [ln for _, ln in nonempty[:i] if not _LOGO.search(ln)]
            if previous and len(previous[-1]) <= 80 and not previous[-1].endswith((".", "!", "?")):
                outlet = previous[-1]
            break
    title = nonempty[title_index][1] if title_index < len(nonempty) else ""
    if not title and nonempty:
        title = nonempty[0][1]

    body_end = len(text)
    cited: tuple[str, ...] = ()
    for index in range(len(lines) - 1, -1, -1):
        pos, line = lines[index]
        if _SOURCES_HEADING.match(line):
            body_end = pos
            cited = tuple(ln.strip() for _, ln in lines[index + 1 :] if ln.strip())
            break
    return ArticleHeader(
        title=title[:500],
        outlet=outlet[:200],
        published_on=published,
        body_end=body_end,
        cited=cited,
    )


@dataclass(frozen=True)
class SourceHeader:
    """A source's citation header; ``name`` is "" and ``iso_date`` None when not found."""

    name: str
    iso_date: str | None  # as the NLP layer reads it: yyyy-mm-dd, or only yyyy-mm / yyyy

    @property
    def published_on(self) -> date | None:
        """The date for the database, which only takes a full day: "Sept 2025" gives None."""
        if self.iso_date is None or len(self.iso_date) != 10:
            return None
        try:
            return date.fromisoformat(self.iso_date)
        except ValueError:
            return None


def parse_source_header(text: str) -> SourceHeader:
    """Read "CaliToday (22/9/2025): …" as name and date.

    The pattern itself lives in the NLP layout, which also needs it to treat the header as page
    furniture; reading it through here keeps one recogniser for stored metadata and analysis.
    """
    name, iso_date = layout.parse_source_header(text)
    return SourceHeader(name=(name or "").strip(), iso_date=iso_date)
