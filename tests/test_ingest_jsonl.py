"""One JSONL batch rule for both ways in: every row of the table goes through the
``import_batch`` command and through the web batch upload, and both must take the same decision
with the same words (and, when they accept, store the same articles)."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from annotations.models import Article
from tests import factories

pytestmark = pytest.mark.django_db

LIMIT = 300  # FACTCHECK_MAX_TEXT_BYTES for the table, so "too large" fits in a row
EXISTING = "An article that is already in the database."


def line(**fields: Any) -> str:
    """A JSONL line; ``...`` leaves a field out."""
    data = {"title": "A title", "text": "Some article text.", **fields}
    return json.dumps({k: v for k, v in data.items() if v is not ...})


@dataclass(frozen=True)
class Case:
    id: str
    lines: list[str]
    refusal: str | None = None  # None: accepted; else a message both must contain
    titles: tuple[str, ...] = ()  # when accepted: the articles stored, by title


OK = line(title="Fine", text="Fine text.")
SOURCE = {"name": "Wire", "text": "Source text.", "date": "2025-09-22", "url": "https://w.example"}

CASES = [
    # accepted
    Case(
        "every field",
        [
            line(
                title="Full",
                text="Full text.",
                outlet="Gazette",
                url="https://example.org/a",
                date="2026-01-27",
                sources=[SOURCE],
            )
        ],
        titles=("Full",),
    ),
    Case("title and text only", [OK], titles=("Fine",)),
    Case("blank lines are skipped", ["", OK, "   "], titles=("Fine",)),
    Case("CR LF line ends", [OK + "\r", line(title="Two", text="Two.")], titles=("Fine", "Two")),
    Case("sources null", [line(title="N", sources=None)], titles=("N",)),
    Case(
        "an escaped surrogate pair", ['{"title": "E", "text": "ok \\ud83d\\ude00"}'], titles=("E",)
    ),
    Case(
        "a raw U+2028 inside a string is not a line end",
        [json.dumps({"title": "Sep", "text": "one\u2028two"}, ensure_ascii=False)],
        titles=("Sep",),
    ),
    Case("another date format", [line(title="D", date="27 January 2026")], titles=("D",)),
    # refused: the line
    Case("invalid JSON", [OK, '{"title": "broken", '], "Line 2: not valid JSON"),
    Case("not an object", ["[1, 2]"], "Line 1: must be a JSON object, got list"),
    Case("a JSON string", ['"just text"'], "Line 1: must be a JSON object, got str"),
    # refused: fields
    Case(
        "unknown field",
        [line(soruces=[SOURCE])],
        "Line 1: unknown field(s) “soruces” (known: title, text, outlet, url, date, sources)",
    ),
    Case(
        "unknown field in a source",
        [line(sources=[{**SOURCE, "nmae": "x"}])],
        "Line 1: source 1: unknown field(s) “nmae” (known: name, text, date, url)",
    ),
    Case("missing title", [line(title=...)], "Line 1: “title” is missing or empty"),
    Case("title not a string", [line(title=["T"])], "Line 1: “title” must be a string, got list"),
    Case("missing text", [line(text=...)], "Line 1: “text” is missing or empty"),
    Case("empty text", [line(text="")], "Line 1: “text” is missing or empty"),
    Case("blank text", [line(text=" \n ")], "Line 1: “text” is empty"),
    Case("NUL in text", [line(text="a\u0000b")], "Line 1: “text” contains NUL characters"),
    Case(
        "text too large",
        [line(text="x" * (LIMIT + 1))],
        f"Line 1: “text” is larger than the limit of {LIMIT} bytes",
    ),
    Case(
        "lone surrogate in text",
        ['{"title": "T", "text": "half \\ud800 a pair"}'],
        "Line 1: “text” contains invalid characters (lone surrogates)",
    ),
    Case(
        "lone surrogate in title",
        ['{"title": "\\udc00", "text": "Text."}'],
        "Line 1: “title” contains invalid characters (lone surrogates)",
    ),
    Case(
        "lone surrogate in a field name",
        ['{"title": "T", "text": "Text.", "\\ud800": 1}'],
        "Line 1: unknown field(s) “\\ud800”",
    ),
    Case("bad date", [line(date="27th of Jan")], "Line 1: “date” '27th of Jan' is not a date"),
    Case("date not a string", [line(date=20260127)], "Line 1: “date” must be a string, got int"),
    Case("bad URL", [line(url="not a url")], "Line 1: “url” 'not a url' is not a valid URL"),
    Case("sources not a list", [line(sources={"text": "x"})], "Line 1: “sources” must be a list"),
    Case("source not an object", [line(sources=["text"])], "Line 1: source 1: must be an object"),
    Case(
        "source without text",
        [line(sources=[{"name": "Wire"}])],
        "Line 1: source 1: “text” is missing or empty",
    ),
    Case(
        "source with a bad date",
        [line(sources=[{**SOURCE, "date": "soon"}])],
        "Line 1: source 1: “date” 'soon' is not a date",
    ),
    Case(
        "source with a bad URL",
        [line(sources=[{**SOURCE, "url": "ftp//x"}])],
        "Line 1: source 1: “url” 'ftp//x' is not a valid URL",
    ),
    Case(
        "every problem of a line at once",
        [line(title=..., text="", url="nope", colour="red")],
        "Line 1: unknown field(s) “colour” (known: title, text, outlet, url, date, sources); "
        "“title” is missing or empty; “text” is missing or empty; “url” 'nope' is not a valid URL",
    ),
    # refused: the batch
    Case(
        "one bad line rejects the good ones",
        [OK, line(title=...), line(title="Also fine", text="More.")],
        "Nothing was imported: 1 bad line(s). Line 2: “title” is missing or empty",
    ),
    Case(
        "the same text twice",
        [OK, line(title="Again", text="Fine text.")],
        "Line 2: same article text as line 1",
    ),
    # refused by the service, after parsing
    Case(
        "text already in the database",
        [OK, line(title="Old", text=EXISTING)],
        "Nothing was imported: line(s) 2 were refused. Line 2: This text was already imported",
    ),
    Case("blank title", [line(title="  ")], "Line 1: The article needs a title"),
]


def stored() -> list[tuple[Any, ...]]:
    """What a batch left in the database, minus what legitimately differs (ids, status)."""
    rows = []
    for article in Article.objects.exclude(body=EXISTING).order_by("title"):
        sources = [
            (s.name, s.published_on, s.url, s.text) for s in article.sources.order_by("position")
        ]
        rows.append(
            (
                article.title,
                article.outlet,
                article.url,
                article.published_on,
                article.body,
                sources,
            )
        )
    return rows


def through_command(path: Path, content: str) -> str | None:
    path.write_text(content, encoding="utf-8")
    try:
        call_command("import_batch", str(path), "--no-queue", stdout=StringIO())
    except CommandError as exc:
        return str(exc)
    return None


def through_web(client: Client, content: str) -> str | None:
    upload = SimpleUploadedFile("batch.jsonl", content.encode("utf-8"))
    response = client.post("/articles/batch/", {"batch-file": upload})
    if response.status_code == 302:
        return None
    assert response.status_code == 400
    errors = re.search(r'id="batch-errors">(.*?)</div>', response.content.decode(), re.S)
    assert errors, "a refused batch shows its errors"
    return " ".join(html.unescape(m) for m in re.findall(r"<li>(.*?)</li>", errors.group(1)))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_command_and_the_web_upload_decide_alike(case, client, reviewer, settings, tmp_path):
    settings.FACTCHECK_MAX_TEXT_BYTES = LIMIT
    factories.article(body=EXISTING, sources=())
    client.force_login(reviewer)
    content = "\n".join(case.lines) + "\n"

    by_command = through_command(tmp_path / "batch.jsonl", content)
    after_command = stored()
    Article.objects.exclude(body=EXISTING).delete()
    by_web = through_web(client, content)
    after_web = stored()

    assert by_command == by_web
    assert after_command == after_web
    if case.refusal is None:
        assert by_command is None
        assert tuple(row[0] for row in after_command) == tuple(sorted(case.titles))
    else:
        assert by_command is not None and case.refusal in by_command
        assert after_command == []


def test_blank_metadata_is_read_from_the_texts_headers(tmp_path):
    """What a line leaves blank comes from the masthead and the source's citation header,
    as for an article added alone."""
    content = line(
        title="Roads", text=factories.ARTICLE_TEXT, sources=[{"text": factories.SOURCE_TEXT}]
    )
    assert through_command(tmp_path / "batch.jsonl", content) is None
    article = Article.objects.get(title="Roads")
    assert (article.outlet, article.published_on) == ("The Daily Test", date(2026, 3, 2))
    source = article.sources.get()
    assert (source.name, source.published_on) == ("Audit Office", date(2026, 3, 1))
