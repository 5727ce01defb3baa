"""``manage.py import_claimreview FILE --user NAME [--publish]``: import ClaimReview markup.

FILE holds a single object, a list, a DataFeed, an ``@graph`` or JSON Lines. Each record
is validated first: one with errors is reported and not imported; legacy shapes and other
warnings are reported and imported. Ratings are placed on our scale (same label, else the
numeric rating rescaled, else a known synonym) or the record is refused. Re-running the
same file imports nothing twice. Exits non-zero when any record was refused.
"""

from __future__ import annotations

import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations.models import RatingScale
from annotations.services import DuplicateArticle, ServiceError
from claimreview.parser import parse_claim_review
from claimreview.services import claimreview_import, rating_for_review
from claimreview.validation import SourceRecord, iter_file_records, validate_record


class Command(BaseCommand):
    help = "Import ClaimReview JSON-LD as claims with verdicts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON/JSON-LD/JSONL file, or - for stdin")
        parser.add_argument("--user", required=True, help="reviewer (editor with --publish)")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish the verdicts on our site (for our own archive only)",
        )
        parser.add_argument("--scale", help="rating scale name (default: the default scale)")
        parser.add_argument("--site-domain", help="require review urls on this domain")
        parser.add_argument("--dry-run", action="store_true", help="validate and map only")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            actor = get_user_model().objects.get(username=options["user"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user {options['user']!r}") from None
        scale = self._scale(options["scale"])
        counts = {"imported": 0, "duplicate": 0, "refused": 0}
        try:
            for record in iter_file_records(options["file"], stdin=sys.stdin):
                outcome = self._one(record, actor, scale, options)
                counts[outcome] += 1
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from None
        verb = "would import" if options["dry_run"] else "imported"
        self.stdout.write(
            f"{verb} {counts['imported']}, already imported {counts['duplicate']}, "
            f"refused {counts['refused']}"
        )
        if counts["refused"]:
            raise CommandError(f"{counts['refused']} record(s) refused; see the messages above")

    def _scale(self, name: str | None) -> RatingScale:
        scales = RatingScale.objects.all()
        scale = scales.filter(name=name).first() if name else scales.filter(is_default=True).first()
        if scale is None:
            raise CommandError(f"no rating scale {name!r}" if name else "no default rating scale")
        return scale

    def _one(
        self, record: SourceRecord, actor: User, scale: RatingScale, options: dict[str, Any]
    ) -> str:
        where = f"record {record.index + 1} ({record.location})"
        result = validate_record(record, site_domain=options["site_domain"])
        if not result.ok:
            self.stderr.write(f"{where}: refused, invalid ClaimReview")
            for issue in result.issues:
                self.stderr.write(f"  {issue}")
            return "refused"
        for issue in result.warnings:
            self.stderr.write(f"{where}: {issue}")
        review = parse_claim_review(record.node)
        try:
            if options["dry_run"]:
                match = rating_for_review(review, scale=scale)
                self.stdout.write(f"{where}: ok, rating {review.rating_label!r} -> {match.rating}")
                return "imported"
            verdict = claimreview_import(
                review=review, actor=actor, scale=scale, publish=options["publish"]
            )
        except DuplicateArticle as exc:
            self.stdout.write(f"{where}: already imported (article #{exc.existing.pk})")
            return "duplicate"
        except (ServiceError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ServiceError) else [str(exc)]
            self.stderr.write(f"{where}: refused: {' '.join(messages)}")
            return "refused"
        state = "published" if verdict.is_published else "unpublished"
        self.stdout.write(
            f"{where}: imported as claim #{verdict.claim_id}, rated {verdict.rating} ({state})"
        )
        return "imported"
