"""The support decision: features of a claim against its sources, and a learned model over them.

Thresholds on one retrieval score could not tell "the source says this" from "the source is
about this": on WiCE dev it called 160 of 349 claims not supported (43 are). The decision is a
multinomial logistic regression over features that say how much of the claim the sources
cover (IDF-weighted, by the best passage, by the best few together, anywhere), whether its
names, figures and dates are found and agree, and whether the polarity flips. It is trained
by ``scripts/train_support.py`` (scikit-learn, a dev dependency) on WiCE dev and our dev gold,
split by document, and stored as plain numbers in ``weights/support.json``: applying it is a
dot product and a softmax in pure Python, with no pickle and no scikit-learn at run time.

Its three classes are supported / partly_supported / not_found. ``contradicted`` is never
learned: it needs a concrete conflict (a figure, date, credit, quote or polarity), which
the judge (``judge.py``) applies on top of the model's answer.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from annotations.nlp.types import Comparison

WEIGHTS = Path(__file__).resolve().parent / "weights" / "support.json"
CLASSES = ("supported", "partly_supported", "not_found")
_NON_WORD = ("E:", "N:", "D:", "U:")

FEATURES = (
    "top1",
    "top2",
    "cov_top1",
    "cov_top3",
    "cov_top10",
    "cov_all",
    "cov_window",
    "bigrams_found",
    "missing_idf_top10",
    "max_missing_idf_all",
    "chunk_min_cov",
    "chunks_uncovered",
    "figures_missing_all",
    "cover_steps",
    "cover_residual",
    "words_missing_top3",
    "words_missing_all",
    "ent_share_missing",
    "ents_missing",
    "fig_consistent",
    "fig_differs",
    "fig_unmatched",
    "date_consistent",
    "date_differs",
    "date_unmatched",
    "negation_conflict",
    "hedged",
    "length",
    "addressed",
    "quote_consistent",
    "quote_differs",
    "credit_differs",
)


@dataclass(frozen=True)
class SupportInputs:
    """What the features are computed from (plain records, no parse)."""

    claim_terms: Counter[str]
    idf: Mapping[str, float]  # IDF of each claim term over the sources' passages
    ranked: Sequence[Counter[str]]  # terms of the top passages, best first
    scores: Sequence[float]  # their retrieval scores, best first
    in_sources: frozenset[str]  # claim terms found anywhere in the sources
    comparisons: Sequence[Comparison]
    negation_conflict: bool
    hedged: bool
    addressed: bool
    window: Counter[str] = field(default_factory=Counter)  # best passage and its neighbours
    claim_bigrams: set[tuple[str, str]] = field(default_factory=set)
    passage_bigrams: set[tuple[str, str]] = field(default_factory=set)  # of the top passages
    chunks: Sequence[frozenset[str]] = ()  # keys of each phrase of the claim (noun chunks, verbs)


def _coverage(terms: Counter[str], idf: Mapping[str, float], found: Iterable[str]) -> float:
    total = sum(idf.get(t, 1.0) for t in terms) or 1.0
    have = set(found)
    return sum(idf.get(t, 1.0) for t in terms if t in have) / total


def _outcomes(comparisons: Sequence[Comparison], kinds: set[str]) -> tuple[int, int, int]:
    chosen = [c for c in comparisons if c.kind in kinds]
    agree = sum(c.outcome in ("consistent", "range_vs_point") for c in chosen)
    differ = sum(c.outcome == "differs" for c in chosen)
    return agree, differ, len(chosen) - agree - differ


def _greedy_cover(
    terms: Counter[str], idf: Mapping[str, float], passages: Sequence[Counter[str]]
) -> tuple[int, float]:
    """How many passages, taken greedily, it takes to cover what the best passages can of the
    claim (at most 3 counted), and the IDF share left uncovered. A claim one sentence states
    needs one; a claim stitched from several facts needs more, or stays partly uncovered."""
    left = {t: idf.get(t, 1.0) for t in terms}
    total = sum(left.values()) or 1.0
    steps = 0
    while steps < 3:
        gain, best = 0.0, None
        for p in passages:
            g = sum(w for t, w in left.items() if t in p)
            if g > gain:
                gain, best = g, p
        if best is None or gain < 0.1 * total:
            break
        left = {t: w for t, w in left.items() if t not in best}
        steps += 1
    return steps, sum(left.values()) / total


def support_features(x: SupportInputs) -> dict[str, float]:
    """The named features of one claim (see FEATURES)."""
    terms = x.claim_terms
    word_terms = [t for t in terms if not t.startswith(_NON_WORD)]
    ents = [t for t in terms if t.startswith("E:")]

    def union(k: int) -> set[str]:
        out: set[str] = set()
        for p in x.ranked[:k]:
            out.update(p)
        return out

    top3, top10 = union(3), union(10)
    figures = {"money", "count", "percent", "duration"}
    f_agree, f_differ, f_none = _outcomes(x.comparisons, figures)
    d_agree, d_differ, d_none = _outcomes(x.comparisons, {"date"})
    q_agree, q_differ, _ = _outcomes(x.comparisons, {"quote"})
    _, c_differ, _ = _outcomes(x.comparisons, {"credit"})
    ents_missing = sum(1 for t in ents if t not in x.in_sources)
    missing10 = [x.idf.get(t, 1.0) for t in terms if t not in top10]
    missing_all = [x.idf.get(t, 1.0) for t in terms if t not in x.in_sources]
    chunk_cover = [len(c & top10) / len(c) for c in x.chunks if c]
    figures_terms = [t for t in terms if t.startswith(("N:", "D:"))]
    steps, residual = _greedy_cover(terms, x.idf, x.ranked[:10])
    return {
        "top1": x.scores[0] if x.scores else 0.0,
        "top2": x.scores[1] if len(x.scores) > 1 else 0.0,
        "cov_top1": _coverage(terms, x.idf, union(1)),
        "cov_top3": _coverage(terms, x.idf, top3),
        "cov_top10": _coverage(terms, x.idf, top10),
        "cov_all": _coverage(terms, x.idf, x.in_sources),
        "cov_window": _coverage(terms, x.idf, x.window),
        "bigrams_found": (
            len(x.claim_bigrams & x.passage_bigrams) / len(x.claim_bigrams)
            if x.claim_bigrams
            else 0.0
        ),
        "missing_idf_top10": min(20.0, sum(missing10)) / 10,
        "max_missing_idf_all": max(missing_all, default=0.0) / 5,
        "chunk_min_cov": min(chunk_cover, default=1.0),
        "chunks_uncovered": (
            sum(v < 0.5 for v in chunk_cover) / len(chunk_cover) if chunk_cover else 0.0
        ),
        "figures_missing_all": min(3, sum(t not in x.in_sources for t in figures_terms)) / 3,
        "cover_steps": steps / 3,
        "cover_residual": residual,
        "words_missing_top3": min(10, sum(1 for t in word_terms if t not in top3)) / 10,
        "words_missing_all": min(10, sum(1 for t in word_terms if t not in x.in_sources)) / 10,
        "ent_share_missing": ents_missing / len(ents) if ents else 0.0,
        "ents_missing": min(3, ents_missing) / 3,
        "fig_consistent": min(3, f_agree) / 3,
        "fig_differs": min(2, f_differ) / 2,
        "fig_unmatched": min(3, f_none) / 3,
        "date_consistent": min(3, d_agree) / 3,
        "date_differs": min(2, d_differ) / 2,
        "date_unmatched": min(3, d_none) / 3,
        "negation_conflict": float(x.negation_conflict),
        "hedged": float(x.hedged),
        "length": math.log1p(len(terms)) / 4,
        "addressed": float(x.addressed),
        "quote_consistent": float(q_agree > 0),
        "quote_differs": float(q_differ > 0),
        "credit_differs": float(c_differ > 0),
    }


@dataclass(frozen=True)
class SupportModel:
    """A multinomial logistic regression as plain numbers: standardise, dot, softmax, then
    add the per-class offsets chosen by cross-validation (the calibration step that makes
    the arg-max trade accuracy for macro-F1 as measured, not as the training loss has it)."""

    features: tuple[str, ...]
    classes: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[tuple[float, ...], ...]  # one row per class
    intercept: tuple[float, ...]
    offsets: tuple[float, ...]  # added to the log-probabilities before the arg-max
    version: str = ""

    @classmethod
    def from_json(cls, data: Mapping) -> SupportModel:
        model = cls(
            features=tuple(data["features"]),
            classes=tuple(data["classes"]),
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) or 1.0 for v in data["scale"]),
            coef=tuple(tuple(float(v) for v in row) for row in data["coef"]),
            intercept=tuple(float(v) for v in data["intercept"]),
            offsets=tuple(float(v) for v in data.get("offsets", [0.0] * len(data["classes"]))),
            version=str(data.get("version", "")),
        )
        n = len(model.features)
        if not (
            len(model.mean) == len(model.scale) == n
            and len(model.coef) == len(model.classes) == len(model.intercept)
            and all(len(row) == n for row in model.coef)
            and set(model.classes) <= set(CLASSES)
        ):
            raise ValueError("support weights do not fit their own feature list")
        return model

    def probabilities(self, features: Mapping[str, float]) -> dict[str, float]:
        z = [
            (features.get(name, 0.0) - m) / s
            for name, m, s in zip(self.features, self.mean, self.scale, strict=True)
        ]
        logits = [
            b + sum(w * v for w, v in zip(row, z, strict=True))
            for row, b in zip(self.coef, self.intercept, strict=True)
        ]
        top = max(logits)
        exp = [math.exp(v - top) for v in logits]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=True)}

    def decide(self, features: Mapping[str, float]) -> tuple[str, dict[str, float]]:
        """The chosen class and the calibrated probabilities it was chosen from."""
        probs = self.probabilities(features)
        adjusted = {
            c: math.log(max(p, 1e-12)) + o
            for (c, p), o in zip(probs.items(), self.offsets, strict=True)
        }
        return max(adjusted, key=lambda c: adjusted[c]), probs


@lru_cache(maxsize=2)
def load_model(path: Path | None = None) -> SupportModel | None:
    """The stored model (``WEIGHTS`` unless another file is named), or None when there is no
    weights file (the rule decision is used)."""
    path = WEIGHTS if path is None else path
    if not path.exists():
        return None
    return SupportModel.from_json(json.loads(path.read_text(encoding="utf-8")))
