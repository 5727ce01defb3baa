"""The JSONL batch format, parsed once for the ``import_batch`` command and the web upload.

One article a line::

    {"title", "text", "outlet", "url", "date", "sources": [{"name", "text", "date", "url"}]}

- "title" and "text" are required, and so is each source's "text"; "url" must be a URL and
  "date" a date.
- A field not in that list is refused, naming the line and the field: a typo such as "soruces"
  would otherwise import the article without its sources and nobody would notice.
- A blank "outlet" or "date" is read from the article's masthead, a source's blank "name" or
  "date" from its citation header (``ingest.inputs``), as for a single article.
- Every line is checked before anything is written, and every problem of every bad line is
  reported; any bad line rejects the whole batch. Two lines with the same text are refused here
  rather than by the database, so the message can name both lines.

Both interfaces show ``BatchError.messages`` as they are, so a line gets the same decision and
the same words from either.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from annotations.services import ArticleInput, SourceInput
from annotations.services.articles import content_hash

from .headers import parse_date
from .inputs import article_input, source_input
from .text import TextInputError, check_text

ARTICLE_FIELDS = ("title", "text", "outlet", "url", "date", "sources")
SOURCE_FIELDS = ("name", "text", "date", "url")
FORMAT = '{"title", "text", "outlet", "url", "date", "sources": [{"name", "text", "date", "url"}]}'
NO_ARTICLES = "The file has no articles (one JSON object per line)."

# JSON strings cannot hold a raw CR or LF, so these are the only line ends; str.splitlines()
# would also split inside a string at U+2028, U+0085 and friends, which JSON allows unescaped.
_LINE_END = re.compile(r"\r\n|\r|\n")
_url = URLValidator()


class BatchError(ValueError):
    """Bad lines in a batch; nothing was imported.

    ``errors`` lists ``(line_number, message)``; ``messages`` is what the user sees, a summary
    then one ``Line N: …`` entry per bad line.
    """

    def __init__(self, errors: list[tuple[int, str]], *, summary: str = ""):
        self.errors = errors
        self.messages = [summary or f"Nothing was imported: {len(errors)} bad line(s)."]
        self.messages += [f"Line {number}: {message}" for number, message in errors]
        super().__init__(" ".join(self.messages))


class LineError(ValueError):
    """One line is bad; the message lists every problem it has, separated by "; "."""


def _shown(name: str) -> str:
    """A field name fit for a message, even one holding a lone surrogate (unprintable)."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8")


class _Reader:
    """Reads one JSON object's fields, collecting every problem instead of stopping at the
    first, so one round trip tells the user everything that is wrong with a line."""

    def __init__(self, obj: dict[str, Any], where: str, problems: list[str]):
        self.obj = obj
        self.at = f"{where}: " if where else ""
        self.problems = problems

    def refuse(self, message: str) -> None:
        self.problems.append(self.at + message)

    def unknown(self, allowed: tuple[str, ...]) -> None:
        unknown = sorted(set(self.obj) - set(allowed))
        if unknown:
            names = ", ".join(f"“{_shown(k)}”" for k in unknown)
            self.refuse(f"unknown field(s) {names} (known: {', '.join(allowed)})")

    def string(self, key: str, *, required: bool = False) -> str:
        value = self.obj.get(key)
        if value is None or value == "":
            if required:
                self.refuse(f"“{key}” is missing or empty")
            return ""
        if not isinstance(value, str):
            self.refuse(f"“{key}” must be a string, got {type(value).__name__}")
            return ""
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            # JSON can escape half a surrogate pair ("\ud800"); such a string cannot be stored.
            self.refuse(f"“{key}” contains invalid characters (lone surrogates)")
            return ""
        return value

    def text(self, max_bytes: int) -> str:
        text = self.string("text", required=True)
        if not text:
            return ""
        try:
            return check_text(text, label=f"{self.at}“text”", max_bytes=max_bytes)
        except TextInputError as exc:
            self.problems.append(str(exc))
            return ""

    def date(self) -> date | None:
        raw = self.string("date")
        if not raw:
            return None
        parsed = parse_date(raw)
        if parsed is None:
            self.refuse(f"“date” {raw!r} is not a date (use YYYY-MM-DD)")
        return parsed

    def url(self) -> str:
        raw = self.string("url")
        if raw:
            try:
                _url(raw)
            except ValidationError:
                self.refuse(f"“url” {raw[:80]!r} is not a valid URL")
                return ""
        return raw


def _sources(value: object, problems: list[str], max_bytes: int) -> list[SourceInput]:
    if not value:  # absent, null or empty: an article may cite nothing
        return []
    if not isinstance(value, list):
        problems.append("“sources” must be a list")
        return []
    sources = []
    for number, item in enumerate(value, start=1):
        where = f"source {number}"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object")
            continue
        read = _Reader(item, where, problems)
        read.unknown(SOURCE_FIELDS)
        text = read.text(max_bytes)
        name, published_on, url = read.string("name"), read.date(), read.url()
        if text:
            sources.append(source_input(text, name=name, published_on=published_on, url=url))
    return sources


def parse_line(raw: str, *, max_bytes: int) -> ArticleInput:
    """One JSONL line → ``ArticleInput``, or ``LineError`` naming every problem of the line."""
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LineError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise LineError(f"must be a JSON object, got {type(obj).__name__}")
    problems: list[str] = []
    read = _Reader(obj, "", problems)
    read.unknown(ARTICLE_FIELDS)
    title = read.string("title", required=True)
    body = read.text(max_bytes)
    outlet, url, published_on = read.string("outlet"), read.url(), read.date()
    sources = _sources(obj.get("sources"), problems, max_bytes)
    if problems:
        raise LineError("; ".join(problems))
    return article_input(
        body, title=title, outlet=outlet, url=url, published_on=published_on, sources=sources
    )


def parse_batch(content: str, *, max_bytes: int | None = None) -> list[tuple[int, ArticleInput]]:
    """Parse every line before anything is imported; any bad line rejects the whole batch.

    Returns ``(line_number, input)`` pairs so the service's refusals (a text already in the
    database) can still name their line. Blank lines are skipped but keep the numbering.
    ``max_bytes`` limits each text (default ``FACTCHECK_MAX_TEXT_BYTES``); the caller has
    already limited the file as a whole.
    """
    limit = settings.FACTCHECK_MAX_TEXT_BYTES if max_bytes is None else max_bytes
    items: list[tuple[int, ArticleInput]] = []
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(_LINE_END.split(content), start=1):
        if not raw.strip():
            continue
        try:
            item = parse_line(raw, max_bytes=limit)
        except LineError as exc:
            errors.append((number, str(exc)))
            continue
        digest = content_hash(item.body)
        if digest in seen:
            errors.append((number, f"same article text as line {seen[digest]}"))
            continue
        seen[digest] = number
        items.append((number, item))
    if errors:
        raise BatchError(errors)
    if not items:
        raise BatchError([], summary=NO_ARTICLES)
    return items
