"""``manage.py export_claimreview [--since DATE] [--article ID] [--out FILE] [--format F]``.

Streams every published verdict as ClaimReview (a schema.org DataFeed, or JSON Lines) in
constant memory. Each review is validated on its way out; one that fails is refused,
reported on stderr and left out, and the command then exits non-zero so a cron job notices.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from claimreview.builder import SCHEMA_ORG, ClaimReviewInputError, ReviewRecord
from claimreview.records import claimreview_org, iter_review_records
from claimreview.validation import Issue, validate_claim_review
from claimreview.writers import InvalidClaimReview, iter_feed_chunks, iter_jsonl


def parse_since(value: str) -> date | datetime:
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since {value!r} is not an ISO 8601 date or date-time") from None


class Command(BaseCommand):
    help = "Export published verdicts as ClaimReview JSON-LD (DataFeed or JSON Lines)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="only verdicts published since (ISO date/date-time)")
        parser.add_argument("--article", type=int, help="only this article's verdicts")
        parser.add_argument("--out", default="-", help="output file (default: stdout)")
        parser.add_argument("--format", choices=("feed", "jsonl"), default="feed")

    def handle(self, *args: Any, **options: Any) -> None:
        since = parse_since(options["since"]) if options["since"] else None
        org = claimreview_org()
        fmt = options["format"]
        # Feed items inherit the feed's @context; JSONL lines carry their own.
        inherited = SCHEMA_ORG if fmt == "feed" else None
        self.exported = self.refused = self.warnings = 0

        def validator(review: dict[str, Any]) -> list[Issue]:
            issues = validate_claim_review(
                review, site_domain=org.domain, inherited_context=inherited
            )
            self.warnings += sum(1 for i in issues if i.level == "warning")
            return issues

        def refuse(record: ReviewRecord, exc: Exception) -> None:
            self.refused += 1
            self.stderr.write(f"refused claim {record.identifier}:")
            if isinstance(exc, InvalidClaimReview):
                for issue in exc.issues:
                    self.stderr.write(f"  {issue}")
            else:
                assert isinstance(exc, ClaimReviewInputError)
                self.stderr.write(f"  error: {exc}")

        def counted(records: Iterable[ReviewRecord]) -> Iterator[ReviewRecord]:
            for record in records:
                self.exported += 1
                yield record

        records = iter_review_records(since=since, article_id=options["article"])
        if fmt == "feed":
            chunks = iter_feed_chunks(
                counted(records),
                org=org,
                date_modified=timezone.now().replace(microsecond=0),
                validator=validator,
                on_error=refuse,
            )
        else:
            chunks = iter_jsonl(counted(records), org=org, validator=validator, on_error=refuse)

        out = options["out"]
        if out == "-":
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            if fmt == "feed":
                self.stdout.write("")
            destination = "stdout"
        else:
            self._write_atomically(Path(out), chunks)
            destination = out
        written = self.exported - self.refused
        self.stderr.write(
            f"exported {written} ClaimReview(s) to {destination} as {fmt}; "
            f"{self.refused} refused; {self.warnings} warning(s)"
        )
        if self.refused:
            raise CommandError(f"{self.refused} record(s) refused; see the messages above")

    @staticmethod
    def _write_atomically(path: Path, chunks: Iterable[str]) -> None:
        """A reader of ``path`` sees the old export or the new one, never half of one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                for chunk in chunks:
                    fh.write(chunk)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
