"""``manage.py import_batch FILE.jsonl``: import many articles, all or nothing."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotations import services
from annotations.importers import BatchError, parse_batch
from annotations.textio import TextInputError, read_text_file


class Command(BaseCommand):
    help = (
        "Import a JSONL file, one article a line: "
        '{"title", "text", "outlet", "url", "date", "sources": [{"name", "text", "date", "url"}]}.'
        " Any bad line rejects the whole batch, reporting every bad line by number."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--no-queue", action="store_true")

    def handle(self, *args, **options):
        try:
            raw = read_text_file(options["file"], max_bytes=settings.FACTCHECK_MAX_BATCH_BYTES)
            inputs = parse_batch(raw.splitlines())
        except (TextInputError, BatchError) as exc:
            raise CommandError(str(exc)) from None
        try:
            articles = services.articles_import_batch(
                items=inputs, actor=None, queue=not options["no_queue"]
            )
        except services.BatchImportError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"Imported {len(articles)} article(s).")
