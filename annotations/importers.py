"""Turning files and JSONL lines into validated ``ArticleInput`` records.

Shared by the import commands and the upload forms so a bad line gets the same message from
both, and so nothing is written until the whole input has been checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from django.conf import settings

from .ingest import parse_article_header, parse_date
from .services import ArticleInput, SourceInput
from .textio import TextInputError, check_text


class BatchError(ValueError):
    """One or more lines of a batch are bad; ``errors`` lists ``(line_number, message)``."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        lines = "; ".join(f"line {n}: {msg}" for n, msg in errors[:20])
        more = f" (and {len(errors) - 20} more)" if len(errors) > 20 else ""
        super().__init__(f"Batch rejected, nothing imported. {lines}{more}")


def _date(value, label: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError(f"{label} must be a date string")
    parsed = parse_date(value)
    if parsed is None:
        raise ValueError(f"{label} {value!r} is not a date (use YYYY-MM-DD)")
    return parsed


def source_input(
    text: str, *, name: str = "", published_on: date | None = None, url: str = ""
) -> SourceInput:
    """A source; a header like ``CaliToday (22/9/2025):`` fills a missing name and date."""
    if not name or published_on is None:
        from .nlp.layout import parse_source_header

        header_name, header_date = parse_source_header(text)
        name = name or header_name or ""
        if published_on is None and header_date:
            published_on = date.fromisoformat(header_date)
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


def _line_to_input(raw: str) -> ArticleInput:
    limit = settings.FACTCHECK_MAX_TEXT_BYTES
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"malformed JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise ValueError("each line must be a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise ValueError('"text" is missing or not a string')
    check_text(text, label='"text"', max_bytes=limit)
    raw_sources = obj.get("sources", [])
    if not isinstance(raw_sources, list):
        raise ValueError('"sources" must be a list')
    sources = []
    for i, src in enumerate(raw_sources, 1):
        if not isinstance(src, dict) or not isinstance(src.get("text"), str):
            raise ValueError(f'source {i} needs a "text" string')
        check_text(src["text"], label=f"source {i} text", max_bytes=limit)
        sources.append(
            source_input(
                src["text"],
                name=str(src.get("name") or ""),
                published_on=_date(src.get("date"), f"source {i} date"),
                url=str(src.get("url") or ""),
            )
        )
    for key in ("title", "outlet", "url"):
        if key in obj and not isinstance(obj[key], str):
            raise ValueError(f'"{key}" must be a string')
    return article_input(
        text,
        sources=sources,
        title=obj.get("title", ""),
        outlet=obj.get("outlet", ""),
        url=obj.get("url", ""),
        published_on=_date(obj.get("date"), "date"),
    )


def parse_batch(lines: Iterable[str]) -> list[tuple[int, ArticleInput]]:
    """Parse every line before anything is imported; any bad line rejects the whole batch.

    Returns ``(line_number, input)`` pairs so later errors can still name their line.
    """
    inputs, errors = [], []
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            inputs.append((number, _line_to_input(raw)))
        except (ValueError, TextInputError) as exc:
            errors.append((number, str(exc)))
    if errors:
        raise BatchError(errors)
    if not inputs:
        raise BatchError([(0, "the batch has no articles")])
    return inputs
