"""``manage.py preannotate ARTICLE [--source S ...] --json`` and ``--batch IN.jsonl --json``.

Runs the same pipeline as the Celery task and prints the contract JSON
(docs: preannotation-contract.md); it writes nothing to the database, so it is safe to point at
any text, and every scoring tool can read its output.

Its batch format is not the import format (``ingest.jsonl``): lines carry an "id", a bad line
becomes an error object in the output instead of rejecting the batch, and nothing is stored.
Texts and source headers are read through ``annotations.ingest`` like every other input.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations.ingest.headers import parse_source_header
from annotations.ingest.text import TextInputError, check_text, read_text_file

if TYPE_CHECKING:
    from spacy.language import Language

    from annotations.nlp.types import SourceDoc


def _source_doc(
    sid: str,
    text: str,
    *,
    name: str | None = None,
    date: str | None = None,
    path: str | None = None,
) -> SourceDoc:
    """A source for the pipeline; its citation header fills a missing name and date."""
    from annotations.nlp.types import SourceDoc

    header = parse_source_header(text)
    return SourceDoc(sid, text, name or header.name or None, date or header.iso_date, path)


@dataclass(frozen=True)
class _BatchLine:
    """One non-blank input line: the document to annotate, or why it cannot be."""

    id: object
    doc: tuple[str, list[SourceDoc]] | None
    error: str = ""


def _line_sources(obj: dict[str, Any], label: str, limit: int) -> list[SourceDoc]:
    raw = obj.get("sources") or []
    if not isinstance(raw, list):
        raise ValueError("sources must be a list")
    sources = []
    for i, s in enumerate(raw, start=1):
        if not isinstance(s, dict):
            raise ValueError("each source must be an object")
        text = check_text(s.get("text"), label=f"{label} source {i}", max_bytes=limit)
        sources.append(
            _source_doc(str(s.get("id") or f"s{i}"), text, name=s.get("name"), date=s.get("date"))
        )
    return sources


def _batch_line(number: int, line: str, limit: int) -> _BatchLine:
    doc_id: object = None
    label = f"line {number}"
    try:
        obj = json.loads(line)
        if not isinstance(obj, dict):
            raise ValueError("a line must be a JSON object")
        doc_id = obj.get("id")
        text = check_text(obj.get("text"), label=f"{label} text", max_bytes=limit)
        return _BatchLine(doc_id, (text, _line_sources(obj, label, limit)))
    except (ValueError, TextInputError) as exc:
        return _BatchLine(doc_id, None, str(exc).splitlines()[0])


class Command(BaseCommand):
    help = "Pre-annotate an article (or a JSONL batch) and print the contract JSON; no DB writes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("article", nargs="?", help="UTF-8 text file of the article")
        parser.add_argument("--source", action="append", default=[], metavar="FILE")
        parser.add_argument("--batch", metavar="IN.jsonl", help="one document a line")
        parser.add_argument("--json", action="store_true", help="print contract JSON (default)")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["article"]) == bool(options["batch"]):
            raise CommandError("give either ARTICLE or --batch IN.jsonl")
        if options["batch"]:
            failed = self._batch(options["batch"])
            if failed:
                self.stderr.write(f"{failed} line(s) failed")
                sys.exit(1)
            return
        limit = settings.FACTCHECK_MAX_TEXT_BYTES
        try:
            text = read_text_file(options["article"], max_bytes=limit)
            sources = [
                _source_doc(f"s{i}", read_text_file(p, max_bytes=limit), path=p)
                for i, p in enumerate(options["source"], start=1)
            ]
        except TextInputError as exc:
            raise CommandError(str(exc)) from None
        from annotations.nlp.contract import to_contract
        from annotations.nlp.preannotate import preannotate

        result = preannotate(text, sources, nlp=self._nlp())
        out = to_contract(result, article_path=options["article"])
        self.stdout.write(json.dumps(out, ensure_ascii=False))

    def _nlp(self) -> Language:
        from annotations.nlp.pipeline import load_pipeline

        try:
            return load_pipeline(settings.FACTCHECK_SPACY_MODEL)
        except OSError as exc:
            raise CommandError(f"cannot load spaCy model: {exc}".splitlines()[0]) from None

    def _batch(self, path: str) -> int:
        """One contract object per input line, in order; a bad line becomes an error object.

        Returns how many lines failed.
        """
        from annotations.nlp.contract import to_contract
        from annotations.nlp.preannotate import preannotate_many

        batch = Path(path)
        if not batch.is_file():
            raise CommandError(f"{path}: no such file")
        nlp = self._nlp()
        try:
            lines = batch.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not valid UTF-8 (bad byte at {exc.start})") from None
        limit = settings.FACTCHECK_MAX_TEXT_BYTES
        rows = [_batch_line(n, line, limit) for n, line in enumerate(lines, 1) if line.strip()]

        def good() -> Iterator[tuple[str, list[SourceDoc]]]:
            yield from (row.doc for row in rows if row.doc is not None)

        results = preannotate_many(good(), nlp=nlp)
        for row in rows:
            if row.doc is None:
                out = {"id": row.id, "error": row.error}
            else:
                out = {"id": row.id, **to_contract(next(results))}
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        return sum(1 for row in rows if row.doc is None)
