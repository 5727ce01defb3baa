"""Check-worthiness scorers and the choice between them.

Two implementations of ``claims.ClaimScorer``: the rule scorer (parse features, no training)
and a spaCy ``textcat`` (bag of uni/bigrams) trained on CLEF-2019 by
``scripts/train_checkworthy.py`` and stored in ``weights/checkworthy``. ``default_scorer`` returns
the one named by ``DEFAULT`` — the one that measured better (see bench/quality.py) — and falls
back to the rules when the trained model is absent.

The textcat's probabilities are calibrated so that its dev-tuned threshold maps to 0.5: the
rest of the pipeline reads 0.5 as "check-worthy" whichever scorer produced the number.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from annotations.nlp.claims import HEADLINE_FACTOR, Candidate, RuleScorer

# The shipped weights. Only ``scripts/train_checkworthy.py --out`` writes here, and only when
# asked to explicitly: no benchmark does.
MODEL_DIR = Path(__file__).resolve().parent / "weights" / "checkworthy"
LABEL = "CHECKWORTHY"
DEFAULT = "blend"


def calibrate(p: float, threshold: float) -> float:
    """Piecewise-linear map of [0, threshold, 1] onto [0, 0.5, 1]."""
    if threshold <= 0.0 or threshold >= 1.0:
        return p
    if p < threshold:
        return 0.5 * p / threshold
    return 0.5 + 0.5 * (p - threshold) / (1.0 - threshold)


class TextcatScorer:
    """Scores from the trained textcat pipeline, run on the claim text."""

    name = "textcat"

    def __init__(self, path: Path = MODEL_DIR) -> None:
        import spacy

        self.nlp = spacy.load(path)
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        info = meta.get("checkworthy", {})
        self.threshold = float(info.get("threshold", 0.5))
        self.blend_threshold = float(info.get("blend_threshold", 0.5))

    def score_texts(self, texts: Sequence[str]) -> list[float]:
        return [d.cats.get(LABEL, 0.0) for d in self.nlp.pipe(texts, batch_size=256)]

    def score_many(self, candidates: Sequence[Candidate]) -> list[float]:
        raw = self.score_texts([c.text for c in candidates])
        out = []
        for c, p in zip(candidates, raw, strict=True):
            s = calibrate(p, self.threshold)
            out.append(s * HEADLINE_FACTOR if c.headline else s)
        return out


class BlendScorer:
    """Mean of the rule score and the calibrated textcat score, itself calibrated (its own
    dev-tuned threshold maps to 0.5): the parse features carry what a bag of words cannot
    (figures, tense, who speaks) and the textcat what hand rules miss (topic words)."""

    name = "blend"

    def __init__(self) -> None:
        self.rule = RuleScorer()
        self.textcat = TextcatScorer()

    def combine(self, rule: float, textcat: float) -> float:
        return calibrate((rule + textcat) / 2, self.textcat.blend_threshold)

    def score_many(self, candidates: Sequence[Candidate]) -> list[float]:
        plain = [Candidate(c.start, c.end, c.text, c.span, False, c.features) for c in candidates]
        a = self.rule.score_many(plain)
        b = self.textcat.score_many(plain)
        out = []
        for c, x, y in zip(candidates, a, b, strict=True):
            s = self.combine(x, y)
            out.append(s * HEADLINE_FACTOR if c.headline else s)
        return out


@lru_cache(maxsize=3)
def load_scorer(name: str = DEFAULT) -> RuleScorer | TextcatScorer | BlendScorer:
    if name == "textcat":
        return TextcatScorer()
    if name == "blend":
        return BlendScorer()
    return RuleScorer()


def default_scorer() -> RuleScorer | TextcatScorer | BlendScorer:
    """The scorer that measured better, or the rules when the trained model is not there."""
    if DEFAULT != "rule" and not (MODEL_DIR / "meta.json").exists():
        return load_scorer("rule")
    return load_scorer(DEFAULT)
