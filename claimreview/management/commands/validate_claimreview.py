"""``manage.py validate_claimreview FILE``: check ClaimReview markup record by record.

FILE holds a single object, a list, a DataFeed, an ``@graph`` or JSON Lines (``-`` reads
stdin). Every record's errors and warnings are printed with where they are; the command
exits non-zero when any record has an error, so it can gate a publishing pipeline.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claimreview.validation import iter_file_records, validate_record


class Command(BaseCommand):
    help = "Validate ClaimReview JSON-LD against Google's fact-check rules and schema.org."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON/JSON-LD/JSONL file, or - for stdin")
        parser.add_argument(
            "--site-domain", help="domain of the site that will carry the markup (checks url)"
        )
        parser.add_argument("--errors-only", action="store_true", help="don't print warnings")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            records = iter_file_records(options["file"], stdin=sys.stdin)
            total = invalid = warned = 0
            for record in records:
                result = validate_record(record, site_domain=options["site_domain"])
                total += 1
                shown = result.errors if options["errors_only"] else result.issues
                invalid += not result.ok
                warned += bool(result.warnings)
                status = "ok" if result.ok else "INVALID"
                if shown or not result.ok or options["verbosity"] > 1:
                    self.stdout.write(f"record {result.index + 1} ({result.location}): {status}")
                    for issue in shown:
                        self.stdout.write(f"  {issue}")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from None
        if total == 0:
            raise CommandError("no ClaimReview found in the file")
        self.stdout.write(
            f"{total} record(s): {total - invalid} valid, {invalid} invalid, {warned} with warnings"
        )
        if invalid:
            raise CommandError(f"{invalid} invalid record(s)")
