"""``manage.py preannotate ARTICLE [--source S ...] --json`` and ``--batch IN.jsonl --json``.

Runs the same pipeline as the Celery task and prints the contract JSON
(docs: preannotation-contract.md); it writes nothing to the database, so it is safe to point at
any text, and every scoring tool can read its output.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotations.textio import TextInputError, check_text, read_text_file


def _source_doc(sid: str, text: str, *, name=None, date=None, path=None):
    from annotations.nlp.layout import parse_source_header
    from annotations.nlp.types import SourceDoc

    header_name, header_date = parse_source_header(text)
    return SourceDoc(sid, text, name or header_name, date or header_date, path)


class Command(BaseCommand):
    help = "Pre-annotate an article (or a JSONL batch) and print the contract JSON; no DB writes."

    def add_arguments(self, parser):
        parser.add_argument("article", nargs="?", help="UTF-8 text file of the article")
        parser.add_argument("--source", action="append", default=[], metavar="FILE")
        parser.add_argument("--batch", metavar="IN.jsonl", help="one document a line")
        parser.add_argument("--json", action="store_true", help="print contract JSON (default)")

    def handle(self, *args, **options):
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

    def _nlp(self):  # a spaCy Language
        from annotations.nlp.pipeline import load_pipeline

        try:
            return load_pipeline(settings.FACTCHECK_SPACY_MODEL)
        except OSError as exc:
            raise CommandError(f"cannot load spaCy model: {exc}".splitlines()[0]) from None

    def _batch(self, path: str) -> int:
        """One contract object per input line, in order; a bad line becomes an error object."""
        from annotations.nlp.contract import to_contract
        from annotations.nlp.preannotate import preannotate_many

        batch = Path(path)
        if not batch.is_file():
            raise CommandError(f"{path}: no such file")
        nlp = self._nlp()
        limit = settings.FACTCHECK_MAX_TEXT_BYTES
        parsed: list[tuple[object, object]] = []  # (id, (text, sources)) or (id, error)
        errors: dict[int, str] = {}
        try:
            lines = batch.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not valid UTF-8 (bad byte at {exc.start})") from None
        for n, line in enumerate(lines):
            if not line.strip():
                continue
            doc_id: object = None
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("a line must be a JSON object")
                doc_id = obj.get("id")
                text = check_text(obj.get("text"), label=f"line {n + 1} text", max_bytes=limit)
                sources = []
                for i, s in enumerate(obj.get("sources") or [], start=1):
                    if not isinstance(s, dict):
                        raise ValueError("each source must be an object")
                    stext = check_text(
                        s.get("text"), label=f"line {n + 1} source {i}", max_bytes=limit
                    )
                    sources.append(
                        _source_doc(
                            str(s.get("id") or f"s{i}"),
                            stext,
                            name=s.get("name"),
                            date=s.get("date"),
                        )
                    )
                parsed.append((doc_id, (text, sources)))
            except (ValueError, TextInputError) as exc:
                errors[len(parsed)] = str(exc).splitlines()[0]
                parsed.append((doc_id, None))

        def good() -> Iterator[tuple[str, list]]:
            for _, item in parsed:
                if item is not None:
                    yield item

        results = preannotate_many(good(), nlp=nlp)
        for idx, (doc_id, item) in enumerate(parsed):
            if item is None:
                row = {"id": doc_id, "error": errors[idx]}
            else:
                row = {"id": doc_id, **to_contract(next(results))}
            self.stdout.write(json.dumps(row, ensure_ascii=False))
        return len(errors)
