"""``manage.py import_batch FILE.jsonl``: import many articles, all or nothing.

The lines are parsed by ``annotations.ingest.jsonl``, the same parser as the web batch upload,
so a line is accepted or refused, with the same message, whichever way it arrives.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations import services
from annotations.ingest import jsonl
from annotations.ingest.text import TextInputError, read_text_file

# A terminal is not a web page: past this many bad lines, say how many more there are.
SHOWN_LINES = 20


class Command(BaseCommand):
    help = (
        f"Import a JSONL file, one article a line: {jsonl.FORMAT}."
        " Unknown fields are refused. Any bad line rejects the whole batch, reporting every bad"
        " line by number."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--no-queue", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            raw = read_text_file(options["file"], max_bytes=settings.FACTCHECK_MAX_BATCH_BYTES)
            inputs = jsonl.parse_batch(raw)
        except TextInputError as exc:
            raise CommandError(str(exc)) from None
        except jsonl.BatchError as exc:
            shown = exc.messages[: SHOWN_LINES + 1]
            more = len(exc.messages) - len(shown)
            raise CommandError(" ".join(shown) + (f" (and {more} more)" if more else "")) from None
        try:
            articles = services.articles_import_batch(
                items=inputs, actor=None, queue=not options["no_queue"]
            )
        except services.BatchImportError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"Imported {len(articles)} article(s).")
