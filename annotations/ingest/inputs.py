"""Text plus whatever metadata the caller has → the services' ``ArticleInput``/``SourceInput``.

What the caller leaves blank is read from the text's own headers (masthead and headline for an
article, the citation header for a source), the same way for ``import_article``, the JSONL
batch and ``load_demo``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from annotations.services import ArticleInput, SourceInput

from .headers import parse_article_header, parse_source_header


def source_input(
    text: str, *, name: str = "", published_on: date | None = None, url: str = ""
) -> SourceInput:
    """A source; a header like ``CaliToday (22/9/2025):`` fills a missing name and date."""
    if not name or published_on is None:
        header = parse_source_header(text)
        name = name or header.name
        published_on = published_on or header.published_on
    return SourceInput(text=text, name=name, published_on=published_on, url=url)


def article_input(
    text: str,
    *,
    sources: Iterable[SourceInput] = (),
    title: str = "",
    outlet: str = "",
    url: str = "",
    published_on: date | None = None,
) -> ArticleInput:
    """Fill what the caller left blank from the article's own masthead and headline."""
    header = parse_article_header(text)
    return ArticleInput(
        title=title or header.title or "Untitled article",
        body=text,
        outlet=outlet or header.outlet,
        url=url,
        published_on=published_on or header.published_on,
        sources=tuple(sources),
    )
