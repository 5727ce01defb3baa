"""``manage.py export_training_data --out DIR [--force]``: reviewer decisions as a spaCy corpus.

Confirmed, corrected and reviewer-added claims (positives), rejected claims (negatives) and
confirmed, corrected or added attributions, one ``Doc`` per article, split by article into
``train.spacy`` / ``dev.spacy`` with a JSONL twin of each and a ``manifest.json``
(``annotations/nlp/corpus.py`` has the format and the split rule). Tokenised with
``spacy.blank("en")``: the real model is not loaded. The folder appears whole or not at all;
a non-empty one is refused unless ``--force`` and it holds an earlier export.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations.nlp.corpus import SPLIT_RULE, CorpusError, write_corpus
from annotations.training.export import training_articles


class Command(BaseCommand):
    help = "Export reviewer-confirmed and corrected annotations as a spaCy corpus (DocBin + JSONL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, required=True, help="folder to write (new or empty)"
        )
        parser.add_argument(
            "--force", action="store_true", help="replace a folder holding an earlier export"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        articles = training_articles()
        try:
            manifest = write_corpus(articles, out, force=options["force"])
        except CorpusError as exc:
            raise CommandError(str(exc)) from exc
        spans = manifest["spans"]
        self.stdout.write(f"Exported to {out.resolve()}  (split: {SPLIT_RULE})")
        self.stdout.write(
            f"{'split':<6} {'articles':>8} {'kept':>5} {'rejected':>8} "
            f"{'confirmed':>9} {'corrected':>9} {'added':>5} {'attributions':>12}"
        )
        for split, n in manifest["counts"].items():
            self.stdout.write(
                f"{split:<6} {n.get('articles', 0):>8} {n.get('positives', 0):>5} "
                f"{n.get('negatives', 0):>8} {n.get('claims_confirmed', 0):>9} "
                f"{n.get('claims_corrected', 0):>9} {n.get('claims_added', 0):>5} "
                f"{n.get('attributions', 0):>12}"
            )
        self.stdout.write(
            f"spans placed {spans['placed']}, widened to token boundaries {spans['adjusted']}, "
            f"dropped (no token) {spans['dropped']}; tokenizer {manifest['tokenizer']}"
        )
