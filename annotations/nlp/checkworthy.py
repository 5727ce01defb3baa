"""Check-worthiness scorers and the choice between them.

Two implementations of ``claims.ClaimScorer``: the rule scorer (parse features, no training)
and a spaCy ``textcat`` trained on CLEF-2019 by ``bench/train_checkworthy.py`` and stored in
``models/checkworthy``. ``default_scorer`` returns the one that measured better on held-out
debates (see ``DEFAULT``), falling back to the rules when the trained model is absent.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from annotations.nlp.claims import HEADLINE_FACTOR, Candidate, RuleScorer

MODEL_DIR = Path(__file__).resolve().parent / "models" / "checkworthy"
DEFAULT = "rule"


class TextcatScorer:
    """Scores from a trained textcat pipeline (label "CHECKWORTHY"), run on the claim text."""

    name = "textcat"

    def __init__(self, path: Path = MODEL_DIR) -> None:
        import spacy

        self.nlp = spacy.load(path)

    def score_texts(self, texts: Sequence[str]) -> list[float]:
        return [d.cats.get("CHECKWORTHY", 0.0) for d in self.nlp.pipe(texts, batch_size=256)]

    def score_many(self, candidates: Sequence[Candidate]) -> list[float]:
        scores = self.score_texts([c.text for c in candidates])
        return [
            s * HEADLINE_FACTOR if c.headline else s
            for c, s in zip(candidates, scores, strict=True)
        ]


@lru_cache(maxsize=2)
def load_scorer(name: str = DEFAULT) -> RuleScorer | TextcatScorer:
    if name == "textcat":
        return TextcatScorer()
    return RuleScorer()


def default_scorer() -> RuleScorer | TextcatScorer:
    """The scorer that measured better, or the rules when the trained model is not there."""
    if DEFAULT == "textcat" and not (MODEL_DIR / "meta.json").exists():
        return load_scorer("rule")
    return load_scorer(DEFAULT)
