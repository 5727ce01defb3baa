"""``manage.py train_claim_model``: retrain the check-worthiness ranker on reviewer decisions
plus the CLEF-2019 debates, and install it only if it beats the model in use.

Both models are scored on the same held-out data (the newsroom ``dev`` articles of the export
split and the last ⌈N/5⌉ CLEF training debates; ``annotations/nlp/retrain.py`` says why and
how) and a before/after table is printed. The new weights replace ``--current`` (the shipped
``annotations/nlp/weights/checkworthy_ranker.json`` by default), or go to ``--out``, only when
the held-out MAP is higher: atomically, the old file kept beside it as ``*.bak.json``, the new
version (``checkworthy-YYYYMMDD-<hash8>``) written into them. ``--dry-run`` never writes.
Pre-annotation workers load the weights once: restart them to use new ones (each run records
the version it actually used).

Newsroom claims come from an export folder (``--corpus DIR``, as ``export_training_data``
writes it) or straight from the database through the same export code. Parsing needs the
spaCy model; CLEF features are cached under ``FACTCHECK_VAR_DIR/cache/training``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations.nlp import retrain
from annotations.nlp.checkworthy import WEIGHTS
from annotations.nlp.corpus import CorpusError, TrainingArticle, read_jsonl
from annotations.nlp.ranker_training import DEFAULT_L2
from annotations.training.export import training_articles


def load_nlp() -> tuple[Any, str]:
    """The spaCy pipeline and its label (a seam for tests that need no model)."""
    from annotations.nlp.pipeline import load_pipeline, model_label

    nlp = load_pipeline(settings.FACTCHECK_SPACY_MODEL)
    return nlp, model_label(nlp)


class Command(BaseCommand):
    help = "Retrain the claim scorer on reviewer decisions + CLEF; install it only if better."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", type=Path, help="an export folder (default: the database)")
        parser.add_argument(
            "--current", type=Path, default=WEIGHTS, help="the weights in use (compared, replaced)"
        )
        parser.add_argument("--out", type=Path, help="install here instead of over --current")
        parser.add_argument("--dry-run", action="store_true", help="compare, never install")
        parser.add_argument(
            "--clef-limit", type=int, help="use the first N CLEF debates only (quick runs)"
        )
        parser.add_argument("--l2", type=float, default=DEFAULT_L2)
        parser.add_argument(
            "--newsroom-weight", type=float, default=retrain.DEFAULT_NEWSROOM_WEIGHT
        )
        parser.add_argument(
            "--min-gain", type=float, default=0.0, help="held-out MAP the candidate must add"
        )
        parser.add_argument("--no-cache", action="store_true", help="re-parse the CLEF debates")
        parser.add_argument(
            "--fullfact",
            action="store_true",
            help="also report AP on Full Fact's passages (a second domain, not in the decision)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        limit = options["clef_limit"]
        if limit is not None and limit < 2:
            raise CommandError("--clef-limit needs at least 2 debates (one is held out)")
        current_path: Path = options["current"]
        try:
            current = json.loads(current_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read the current weights {current_path}: {exc}") from exc
        articles = self._articles(options["corpus"])
        t0 = time.perf_counter()
        nlp, label = load_nlp()
        cache = None if options["no_cache"] else settings.VAR_DIR / "cache" / "training"
        hits: list[bool] = []
        clef = retrain.clef_examples(
            nlp, label, limit=limit, cache_dir=cache, on_debate=lambda _n, hit: hits.append(hit)
        )
        newsroom = retrain.newsroom_examples(nlp, articles)
        self.stdout.write(
            f"{len(clef)} CLEF debates ({sum(hits)} from the cache), {len(articles)} reviewed "
            f"articles featurised with {label} in {time.perf_counter() - t0:.0f}s"
        )
        try:
            comparison, candidate = retrain.retrain(
                current,
                clef,
                newsroom,
                l2=options["l2"],
                newsroom_weight=options["newsroom_weight"],
                min_gain=options["min_gain"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("")
        self.stdout.write(retrain.format_table(comparison))
        if options["fullfact"]:
            passages = retrain.fullfact_passages(nlp, label, cache_dir=cache)
            worth = sum(1 for g in passages.grades if g == 2)
            self.stdout.write(
                f"Full Fact health passages ({len(passages.grades)}, {worth} worth checking; a "
                f"second domain, not in the decision): AP now {passages.ap(current):.4f}, "
                f"new {passages.ap(candidate):.4f}"
            )
        self.stdout.write("")
        self._decide(comparison, candidate, current_path, options)

    def _articles(self, corpus: Path | None) -> list[TrainingArticle]:
        if corpus is None:
            return training_articles()
        try:
            return read_jsonl(corpus)
        except CorpusError as exc:
            raise CommandError(str(exc)) from exc

    def _decide(
        self,
        comparison: retrain.Comparison,
        candidate: dict[str, Any],
        current_path: Path,
        options: dict[str, Any],
    ) -> None:
        gain = comparison.candidate_score - comparison.current_score
        version = retrain.new_version(candidate)
        if not comparison.better:
            self.stdout.write(
                f"Kept the current model: the candidate ({version}) is not better on the "
                f"held-out MAP ({gain:+.4f}, needed > {comparison.min_gain:+.4f})."
            )
            return
        target: Path = options["out"] or current_path
        if options["dry_run"]:
            self.stdout.write(
                f"Dry run: the candidate ({version}) is better ({gain:+.4f}); "
                f"nothing written (would replace {target})."
            )
            return
        backup = retrain.install(candidate, target, version=version)
        kept = f"; the old one kept as {backup}" if backup else ""
        self.stdout.write(
            self.style.SUCCESS(f"Installed {version} at {target} ({gain:+.4f} held-out MAP){kept}")
        )
