"""``manage.py import_article ARTICLE.txt [--source S.txt ...]``: import one article."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations import services
from annotations.ingest.headers import parse_date
from annotations.ingest.inputs import article_input, source_input
from annotations.ingest.text import TextInputError, read_text_file


class Command(BaseCommand):
    help = "Import an article text file with the sources it cites, and queue pre-annotation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("article")
        parser.add_argument("--source", action="append", default=[], metavar="FILE")
        parser.add_argument("--title", default="")
        parser.add_argument("--url", default="")
        parser.add_argument("--outlet", default="")
        parser.add_argument("--date", default="", help="publication date, YYYY-MM-DD")
        parser.add_argument("--no-queue", action="store_true", help="don't pre-annotate")

    def handle(self, *args: Any, **options: Any) -> None:
        limit = settings.FACTCHECK_MAX_TEXT_BYTES
        published = None
        if options["date"]:
            published = parse_date(options["date"])
            if published is None:
                raise CommandError(f"--date {options['date']!r} is not a date (use YYYY-MM-DD)")
        try:
            text = read_text_file(options["article"], max_bytes=limit)
            sources = [source_input(read_text_file(p, max_bytes=limit)) for p in options["source"]]
        except TextInputError as exc:
            raise CommandError(str(exc)) from None
        data = article_input(
            text,
            sources=sources,
            title=options["title"],
            outlet=options["outlet"],
            url=options["url"],
            published_on=published,
        )
        try:
            article = services.article_import(data=data, queue=not options["no_queue"])
        except services.ServiceError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            f"Imported article #{article.pk}: {article.title} "
            f"({article.sources.count()} source(s)), status {article.status}"
        )
        if not options["no_queue"]:
            notice = services.run_notice(article)
            self.stdout.write(notice[0].upper() + notice[1:])
