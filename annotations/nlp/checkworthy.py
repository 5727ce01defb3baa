"""Check-worthiness: the trained ranker, its features, its reasons, and the choice of scorer.

The ranker is a logistic regression over features meant to carry across speakers, topics and
years: figures and comparisons, named actors, tense, causal and superlative forms, reporting,
hedges, opinion and first-person talk (lowering), the sentence's shape (its parts of speech),
and its turn — the paragraph or speaker turn it sits in (first or last in it, how many of its
neighbours carry figures or ask questions). Topic words are deliberately absent: a bag of words
trained on the 2016 debates ranked the 2019 ones barely better than a count of numbers.

``scripts/train_checkworthy.py`` fits it (leave-one-debate-out cross-validation over the
CLEF-2019 training debates is its honest figure) and writes small JSON coefficients to
``weights/checkworthy_ranker.json``, applied here in pure Python. Its probabilities are
calibrated so that the cross-validated threshold maps to 0.5, the UI's "check-worthy" line,
and a score depends only on the sentence and its paragraph: scores of different articles
compare.

Each score comes with its strongest reasons: the features that pushed it up most, named for a
reviewer ("a figure", "a comparison", "attributed"), and those that pulled it down ("hedged").
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Span

from annotations.nlp.claims import (
    HEADLINE_FACTOR,
    Candidate,
    ClaimScorer,
    RuleScorer,
    headline_penalised,
)
from annotations.nlp.lexicon import (
    FIRST_PERSON_WORDS,
    RANK_ABSOLUTE_WORDS,
    RANK_CAUSAL_WORDS,
    RANK_CHANGE_LEMMAS,
    RANK_COMPARISON_WORDS,
    RANK_FILLER_WORDS,
    RANK_HEDGE_WORDS,
    RANK_MONEY_WORDS,
    RANK_OPINION_WORDS,
    RANK_REPORT_LEMMAS,
    RANK_SOCIAL_WORDS,
    SECOND_PERSON_WORDS,
)

# Written only by ``scripts/train_checkworthy.py --out`` when this file is named, and by
# ``manage.py train_claim_model`` when its candidate beats it on held-out data (retrain.py).
WEIGHTS = Path(__file__).resolve().parent / "weights" / "checkworthy_ranker.json"
DEFAULT = "ranker"

_FIRST_SG = frozenset({"i", "me", "my", "mine", "myself"})
_FIRST_PL = FIRST_PERSON_WORDS - _FIRST_SG | {"ours", "ourselves"}
_THIRD = frozenset({"he", "she", "they", "him", "her", "them", "his", "their", "it"})
_FUTURE = frozenset({"will", "'ll", "shall", "gonna"})
_CONDITIONAL = frozenset({"would", "could", "may", "might", "should", "can"})
_UPOS: tuple[str, ...] = (
    "NOUN", "PROPN", "VERB", "ADJ", "ADV", "PRON", "NUM", "ADP", "DET", "AUX", "INTJ", "CCONJ",
    "PART", "SCONJ",
)  # fmt: skip
_YEAR = re.compile(r"^(1[89]|20)\d\d$")

# --------------------------------------------------------------------------- features


def _capped(count: int, cap: int) -> float:
    return min(count, cap) / cap


def sentence_features(span: Span) -> dict[str, float]:
    """What the sentence says and how: figures, actors, tense, comparisons, who speaks."""
    toks = [t for t in span if not t.is_space]
    n = len(toks) or 1
    low = [t.lower_ for t in toks]
    lows = set(low)
    lemmas = {t.lemma_.lower() for t in toks}
    labels = [e.label_ for e in span.ents]
    tags = [t.tag_ for t in toks]
    text = span.text.strip()
    f = {
        "len_log": math.log1p(n) / 4,
        "short": float(n < 6),
        "long": float(n > 40),
        "numbers": _capped(sum(1 for t in toks if t.like_num and not _YEAR.match(t.text)), 3),
        "percent": float("percent" in lows or "%" in lows or "PERCENT" in labels),
        "money": float("MONEY" in labels or "$" in lows or bool({"billion", "million"} & lows)),
        "cardinal": float("CARDINAL" in labels),
        "year": float(any(_YEAR.match(t.text) for t in toks)),
        "date": float("DATE" in labels),
        "quantity": float("QUANTITY" in labels or "ORDINAL" in labels),
        "person": _capped(labels.count("PERSON"), 2),
        "org": _capped(labels.count("ORG"), 2),
        "gpe": _capped(labels.count("GPE") + labels.count("LOC"), 2),
        "norp": _capped(labels.count("NORP"), 2),
        "law_event": float(bool({"LAW", "EVENT", "FAC", "PRODUCT", "WORK_OF_ART"} & set(labels))),
        "past": float("VBD" in tags),
        "perfect": float(any(t.tag_ == "VBN" and _has_aux(t, "have") for t in toks)),
        "present3": float("VBZ" in tags),
        "future": float(bool(_FUTURE & lows) or ("going" in lows and "to" in lows)),
        "conditional": float(bool(_CONDITIONAL & lows)),
        "passive": float(any(t.dep_ in ("nsubjpass", "auxpass") for t in toks)),
        "comparative": float(any(t in ("JJR", "RBR") for t in tags)),
        "superlative": float(any(t in ("JJS", "RBS") for t in tags)),
        "comparison_words": float(bool(RANK_COMPARISON_WORDS & lows)),
        "change_verb": float(
            any(t.pos_ == "VERB" and t.lemma_.lower() in RANK_CHANGE_LEMMAS for t in toks)
        ),
        "causal": float(bool(RANK_CAUSAL_WORDS & lows) or {"as", "result"} <= lows),
        "absolute": float(bool(RANK_ABSOLUTE_WORDS & lows)),
        "first_sg": _capped(sum(1 for w in low if w in _FIRST_SG), 3),
        "first_pl": _capped(sum(1 for w in low if w in _FIRST_PL), 3),
        "second": _capped(sum(1 for w in low if w in SECOND_PERSON_WORDS), 3),
        "third_pron": _capped(sum(1 for w in low if w in _THIRD), 3),
        "question": float(text.endswith("?")),
        "exclaim": float(text.endswith("!")),
        "opinion": _capped(len(RANK_OPINION_WORDS & (lows | lemmas)), 2),
        "hedge": float(bool(RANK_HEDGE_WORDS & lows) or _i_think(lows, lemmas)),
        "social": float(bool(RANK_SOCIAL_WORDS & lows) and n < 12),
        "filler": float(bool(low) and low[0] in RANK_FILLER_WORDS),
        "negation": float(any(t.dep_ == "neg" for t in toks)),
        "reporting": float(
            any(t.lemma_.lower() in RANK_REPORT_LEMMAS and t.pos_ == "VERB" for t in toks)
            or "according" in lows
        ),
        "existential": float(any(t.dep_ == "expl" for t in toks)),
        "quote": float(any(t.text in ('"', "\u201c", "\u201d") for t in toks)),
        "money_words": float(bool(RANK_MONEY_WORDS & lows)),
    }
    f.update(_clause_shape(span))
    pos = [t.pos_ for t in toks]
    for p in _UPOS:
        f["pos_" + p] = pos.count(p) / n
    return f


def _has_aux(token: Any, lemma: str) -> bool:
    return any(c.lemma_ == lemma and c.dep_ == "aux" for c in token.children)


def _i_think(lows: set[str], lemmas: set[str]) -> bool:
    return "i" in lows and bool({"think", "believe", "guess"} & lemmas)


def _clause_shape(span: Span) -> dict[str, float]:
    """The main clause: an order, a statement about a named thing or about "I"/"you"."""
    root = span.root
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return {
        "imperative": float(
            root.tag_ == "VB"
            and not any(c.dep_ in ("nsubj", "nsubjpass", "aux") for c in root.children)
        ),
        "subj_pronoun": float(subj is not None and subj.pos_ == "PRON"),
        "subj_noun": float(subj is not None and subj.pos_ in ("NOUN", "PROPN")),
        "copula": float(root.lemma_ == "be" or any(c.dep_ == "cop" for c in root.children)),
    }


def context_features(sentences: Sequence[dict[str, float]]) -> list[dict[str, float]]:
    """The turn around each sentence (a paragraph, or a speaker's turn in a transcript): where
    the sentence stands in it and what the other sentences do (figures, questions, "I")."""
    n = len(sentences)
    marks = [(f["question"], _has_figure(f), float(f["first_sg"] > 0)) for f in sentences]
    totals = [sum(m[i] for m in marks) for i in range(3)]
    out = []
    for k in range(n):
        others = n - 1
        share = [(totals[i] - marks[k][i]) / others if others else 0.0 for i in range(3)]
        prev = sentences[k - 1] if k > 0 else None
        nxt = sentences[k + 1] if k + 1 < n else None
        out.append(
            {
                "turn_first": float(k == 0),
                "turn_last": float(k == n - 1),
                "turn_len_log": math.log1p(n) / 3,
                "turn_questions": share[0],
                "turn_numbers": share[1],
                "turn_first_sg": share[2],
                "prev_numbers": float(prev is not None and prev["numbers"] + prev["percent"] > 0),
                "next_numbers": float(nxt is not None and nxt["numbers"] + nxt["percent"] > 0),
                "prev_question": float(prev is not None and prev["question"] > 0),
            }
        )
    return out


def _has_figure(f: dict[str, float]) -> float:
    return float(f["numbers"] > 0 or f["percent"] > 0 or f["money"] > 0)


def ranker_inputs(
    spans: Sequence[Span], rule_features: Sequence[dict[str, float]]
) -> list[dict[str, float]]:
    """Every input of the ranker for the sentences of one turn, in order: the sentence's own
    features, its turn's, and the rule scorer's parse features (prefixed ``rule_``)."""
    own = [sentence_features(s) for s in spans]
    turn = context_features(own) if own else []
    out = []
    for f, c, r in zip(own, turn, rule_features, strict=True):
        row = {**f, **c}
        row.update({f"rule_{k}": min(v, 5.0) for k, v in r.items()})
        out.append(row)
    return out


# --------------------------------------------------------------------------- reasons

# What a reviewer is told about the features that moved a score. Features of the sentence's
# shape (parts of speech, length) move scores too but explain nothing, so they have no name.
_REASON_FOR_UP: dict[str, str] = {
    **dict.fromkeys(
        [
            "numbers",
            "percent",
            "money",
            "cardinal",
            "quantity",
            "rule_numeric",
            "rule_money_percent",
            "rule_digits",
        ],
        "a figure",
    ),  # fmt: skip
    "money_words": "money at stake",
    **dict.fromkeys(["year", "date", "rule_dates"], "a date"),
    **dict.fromkeys(["comparative", "comparison_words", "rule_comparative"], "a comparison"),
    "superlative": "a superlative",
    **dict.fromkeys(
        ["person", "org", "gpe", "norp", "law_event", "rule_entities", "rule_person_org"],
        "named actors",
    ),
    **dict.fromkeys(["reporting", "rule_attributed"], "attributed"),
    **dict.fromkeys(["past", "perfect", "rule_past", "rule_eventive"], "a past event"),
    "change_verb": "a change or an act on record",
    **dict.fromkeys(["causal", "rule_causal"], "a cause"),
    "absolute": "an absolute",
    **dict.fromkeys(["turn_numbers", "prev_numbers", "next_numbers"], "among figures"),
}
_REASON_FOR_DOWN: dict[str, str] = {
    **dict.fromkeys(["question", "rule_question", "turn_questions", "prev_question"], "a question"),
    **dict.fromkeys(["opinion", "rule_opinion"], "opinion"),
    "hedge": "hedged",
    **dict.fromkeys(["first_sg", "turn_first_sg", "rule_first_person"], "first person"),
    **dict.fromkeys(["second", "rule_second_person"], "addressed to someone"),
    **dict.fromkeys(["future", "conditional", "rule_modal"], "a prediction"),
    **dict.fromkeys(["social", "rule_social", "filler"], "small talk"),
    **dict.fromkeys(["short", "rule_short"], "a fragment"),
    **dict.fromkeys(["imperative", "rule_imperative"], "an appeal"),
}
_REASON_FLOOR = 0.05  # logit units: weaker pushes are not worth a reviewer's attention
MAX_REASONS = 3


@dataclass(frozen=True)
class Scored:
    """A score with the reasons that raised and lowered it, strongest first."""

    score: float
    reasons: tuple[str, ...] = ()
    reasons_against: tuple[str, ...] = ()


def _strongest(pushes: dict[str, float], sign: int) -> tuple[str, ...]:
    kept = [(v * sign, k) for k, v in pushes.items() if v * sign >= _REASON_FLOOR]
    return tuple(k for _, k in sorted(kept, reverse=True)[:MAX_REASONS])


# --------------------------------------------------------------------------- the model


def calibrate(p: float, threshold: float) -> float:
    """Piecewise-linear map of [0, threshold, 1] onto [0, 0.5, 1]."""
    if threshold <= 0.0 or threshold >= 1.0:
        return p
    if p < threshold:
        return 0.5 * p / threshold
    return 0.5 + 0.5 * (p - threshold) / (1.0 - threshold)


@dataclass(frozen=True)
class RankerModel:
    """Standardised logistic-regression coefficients, as ``scripts/train_checkworthy.py``
    writes them: ``features``, ``mean``, ``scale``, ``coef``, ``bias``, ``threshold``."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    bias: float
    threshold: float
    meta: dict[str, Any]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RankerModel:
        return cls(
            features=tuple(data["features"]),
            mean=tuple(data["mean"]),
            scale=tuple(data["scale"]),
            coef=tuple(data["coef"]),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            meta=dict(data.get("meta", {})),
        )

    def pushes(self, inputs: dict[str, float]) -> list[float]:
        """Each feature's contribution to the logit."""
        return [
            c * (inputs.get(name, 0.0) - m) / s
            for name, m, s, c in zip(self.features, self.mean, self.scale, self.coef, strict=True)
        ]

    def explain(self, inputs: dict[str, float]) -> Scored:
        pushes = self.pushes(inputs)
        z = self.bias + sum(pushes)
        p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        up: dict[str, float] = {}
        down: dict[str, float] = {}
        for name, push in zip(self.features, pushes, strict=True):
            if inputs.get(name, 0.0) <= 0.0:
                continue  # a reason is something the sentence has, not something it lacks
            if name in _REASON_FOR_UP:
                up[_REASON_FOR_UP[name]] = up.get(_REASON_FOR_UP[name], 0.0) + push
            if name in _REASON_FOR_DOWN:
                down[_REASON_FOR_DOWN[name]] = down.get(_REASON_FOR_DOWN[name], 0.0) + push
        return Scored(calibrate(p, self.threshold), _strongest(up, 1), _strongest(down, -1))


@lru_cache(maxsize=2)
def load_model(path: Path = WEIGHTS) -> RankerModel:
    return RankerModel.from_json(json.loads(path.read_text(encoding="utf-8")))


class RankerScorer:
    """The trained ranker over the pipeline's claim candidates. Candidates of one parsed line
    (a paragraph) form a turn, in text order."""

    name = "ranker"

    def __init__(self, model: RankerModel | None = None) -> None:
        self.model = model or load_model()

    def explain_many(self, candidates: Sequence[Candidate]) -> list[Scored]:
        turns: dict[int, list[int]] = {}
        for n, c in enumerate(candidates):
            turns.setdefault(id(c.span.doc), []).append(n)
        out: list[Scored | None] = [None] * len(candidates)
        for members in turns.values():
            members.sort(key=lambda n: candidates[n].start)
            inputs = ranker_inputs(
                [candidates[n].span for n in members], [candidates[n].features for n in members]
            )
            for n, row in zip(members, inputs, strict=True):
                scored = self.model.explain(row)
                if headline_penalised(candidates[n]):
                    scored = replace(scored, score=scored.score * HEADLINE_FACTOR)
                out[n] = scored
        return [s for s in out if s is not None]

    def score_many(self, candidates: Sequence[Candidate]) -> list[float]:
        return [s.score for s in self.explain_many(candidates)]


def explain_scores(scorer: ClaimScorer, candidates: Sequence[Candidate]) -> list[Scored]:
    """Scores with their reasons from a scorer that gives them (the ranker), bare scores from
    any other."""
    explain = getattr(scorer, "explain_many", None)
    if callable(explain):
        return list(explain(candidates))
    return [Scored(s) for s in scorer.score_many(candidates)]


def load_scorer(name: str = DEFAULT) -> RuleScorer | RankerScorer:
    if name == "ranker":
        return RankerScorer()
    return RuleScorer()


def default_scorer() -> RuleScorer | RankerScorer:
    """The ranker, or the rules when its weights are not there."""
    if DEFAULT == "ranker" and not WEIGHTS.exists():
        return RuleScorer()
    return load_scorer(DEFAULT)
