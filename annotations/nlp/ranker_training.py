"""The check-worthiness ranker's training code: data readers, metrics, featurisation, the fit.

Moved here from ``scripts/train_checkworthy.py`` (which keeps its command line and re-exports
these names) so that ``manage.py train_claim_model`` can share it: pure Python and spaCy, no
Django. Data is read from ../shared/datasets and never copied into the repository.

The ranker is a logistic regression in standardised features (``annotations/nlp/checkworthy``),
fit by Newton's method in NumPy; its threshold is the one that maximises F3 (see
THRESHOLD_BETA), mapped to 0.5 by the scorer.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT.parent / "shared" / "datasets"
CLEF = DATASETS / "clef2019_checkworthiness" / "training"
FULLFACT = DATASETS / "fullfact_health_misinfo" / "data" / "full_in_context_labelled_data.csv"
DEFAULT_L2 = 10000.0  # chosen among 1,000, 3,000 and 10,000 by the LODO MAP below
# The UI's check-worthy line is set for recall (F3): a reviewer dismisses a false alarm at a
# glance, while a claim below the line may never be looked at. CLEF's debates have ~3 %
# check-worthy sentences, news articles far more, so an F1 line fit there is too strict; F2 still
# left claims of the dev gold (fixtures/gold/cases.json) that its annotators flagged as
# check-worthy just under the line, F3 does not.
THRESHOLD_BETA = 3.0

# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Line:
    """One labelled sentence of a debate, with who said it (turns are runs of one speaker)."""

    speaker: str
    text: str
    label: int


def load_debates(folder: Path = CLEF) -> dict[str, list[Line]]:
    """Debate name -> its sentences in order."""
    if not folder.exists():
        raise SystemExit(f"CLEF-2019 data not found at {folder}")
    out = {}
    for path in sorted(folder.glob("*.tsv")):
        with path.open(encoding="utf-8") as fh:
            rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            out[path.stem] = [
                Line(r[1], r[2], int(r[3])) for r in rows if len(r) >= 4 and r[3].strip() in "01"
            ]
    return out


def load_clef(folder: Path = CLEF) -> dict[str, list[tuple[str, int]]]:
    """Debate name -> [(sentence, label)] in order."""
    return {k: [(x.text, x.label) for x in v] for k, v in load_debates(folder).items()}


def load_fullfact(path: Path = FULLFACT) -> list[tuple[str, int]]:
    """(transcript passage, 2 = worth checking, 1 = may be worth checking, 0 = not)."""
    grade = {"worth checking": 2, "may be worth checking": 1}
    with path.open(encoding="utf-8") as fh:
        return [(r["input_text"], grade.get(r["summary"], 0)) for r in csv.DictReader(fh)]


# --------------------------------------------------------------------------- metrics


def average_precision(labels: Sequence[int], scores: Sequence[float]) -> float:
    ranked = sorted(zip(scores, labels, strict=True), key=lambda x: -x[0])
    hits, total = 0, 0.0
    for rank, (_, y) in enumerate(ranked, start=1):
        if y:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0


def mean_ap(per_debate: list[tuple[list[int], list[float]]]) -> float:
    aps = [average_precision(y, s) for y, s in per_debate if any(y)]
    return sum(aps) / len(aps) if aps else 0.0


def prf(labels: Sequence[int], scores: Sequence[float], threshold: float) -> tuple[float, ...]:
    tp = sum(1 for y, s in zip(labels, scores, strict=True) if y and s >= threshold)
    fp = sum(1 for y, s in zip(labels, scores, strict=True) if not y and s >= threshold)
    fn = sum(1 for y, s in zip(labels, scores, strict=True) if y and s < threshold)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def best_threshold(labels: Sequence[int], scores: Sequence[float], beta: float = 1.0) -> float:
    """The score threshold with the best F-beta (one sweep down the sorted scores)."""
    ranked = sorted(zip(scores, labels, strict=True), key=lambda x: -x[0])
    positives = sum(labels)
    best, best_f, tp = 0.5, -1.0, 0
    for k, (score, y) in enumerate(ranked, start=1):
        tp += y
        if k < len(ranked) and ranked[k][0] == score:
            continue  # ties: a threshold takes all of them or none
        p, r = tp / k, tp / positives if positives else 0.0
        f = (1 + beta**2) * p * r / (beta**2 * p + r) if p + r else 0.0
        if f > best_f:
            best, best_f = score, f
    return best


def spread(values: Sequence[float]) -> dict[str, float]:
    mean = sum(values) / len(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    ordered = sorted(values)
    return {
        "mean": round(mean, 4),
        "sd": round(sd, 4),
        "min": round(ordered[0], 4),
        "median": round(ordered[len(ordered) // 2], 4),
        "max": round(ordered[-1], 4),
    }


# --------------------------------------------------------------------------- features


@dataclass
class Featurised:
    """One text set turned into ranker inputs (one row a sentence) and rule scores."""

    rows: list[dict[str, float]]
    rule: list[float]


def featurise(nlp: Any, texts: Sequence[str], turns: Sequence[int]) -> Featurised:
    """Parse each text as the pipeline parses a sentence and compute every ranker input, the
    rule scorer's features included (with the attribution extractor's output, as in the
    pipeline); ``turns`` groups consecutive texts into turns."""
    from annotations.nlp.attributions import extract_attributions
    from annotations.nlp.checkworthy import ranker_inputs
    from annotations.nlp.claims import claim_features, rule_score
    from annotations.nlp.quantities import extract_quantities

    spans, rules = [], []
    for doc in nlp.pipe(texts, batch_size=128):
        qs = extract_quantities(doc.text, doc=doc)
        attrs = extract_attributions(doc)
        spans.append(doc[:])
        rules.append(claim_features(doc[:], 0, len(doc.text), qs, attrs))
    rows: list[dict[str, float]] = []
    start = 0
    for end in range(1, len(texts) + 1):
        if end == len(texts) or turns[end] != turns[start]:
            rows += ranker_inputs(spans[start:end], rules[start:end])
            start = end
    return Featurised(rows, [rule_score(r) for r in rules])


def speaker_turns(lines: Sequence[Line]) -> list[int]:
    turns, current, previous = [], 0, None
    for line in lines:
        if line.speaker != previous:
            current += 1
            previous = line.speaker
        turns.append(current)
    return turns


# --------------------------------------------------------------------------- the model


def fit(
    rows: Sequence[dict[str, float]],
    labels: Sequence[int],
    l2: float,
    sample_weight: Sequence[float] | None = None,
) -> dict[str, Any]:
    """L2-regularised logistic regression on standardised features, positives weighted up to
    the negatives' total (they are 3 % of the sentences), by Newton's method. ``sample_weight``
    (default all 1) multiplies each row's weight: the newsroom's few reviewed claims count more
    than one debate sentence each."""
    import numpy as np

    names = sorted(rows[0])
    x = np.array([[r.get(k, 0.0) for k in names] for r in rows], dtype=float)
    y = np.asarray(labels, dtype=float)
    mean, scale = x.mean(0), x.std(0)
    scale[scale < 1e-6] = 1.0
    xs = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    weight = np.where(y > 0, (len(y) - y.sum()) / max(1.0, y.sum()), 1.0)
    if sample_weight is not None:
        weight = weight * np.asarray(sample_weight, dtype=float)
    weight /= weight.mean()
    penalty = np.eye(xs.shape[1]) * l2
    penalty[-1, -1] = 0.0
    w = np.zeros(xs.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-(xs @ w)))
        grad = xs.T @ (weight * (p - y)) + penalty @ w
        hess = (xs * (weight * p * (1 - p))[:, None]).T @ xs + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    return {
        "features": names,
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [round(float(v), 6) for v in w[:-1]],
        "bias": round(float(w[-1]), 6),
        "threshold": 0.5,
    }


def probabilities(weights: dict[str, Any], rows: Sequence[dict[str, float]]) -> list[float]:
    from annotations.nlp.checkworthy import RankerModel

    model = RankerModel.from_json({**weights, "threshold": 0.0})
    out = []
    for r in rows:
        z = model.bias + sum(model.pushes(r))
        out.append(1 / (1 + math.exp(-max(-30.0, min(30.0, z)))))
    return out


# --------------------------------------------------------------------------- evaluation


@dataclass
class CrossValidation:
    """Leave-one-debate-out results: each debate's AP under a model fit on the others, the
    out-of-fold probabilities, and the out-of-fold decisions at each fold's own threshold (the
    one that maximises F3 on its training debates, which the scorer maps to the UI's 0.5)."""

    aps: dict[str, float]
    rule_aps: dict[str, float]
    probabilities: dict[str, list[float]]
    decisions: dict[str, list[bool]]

    def at_ui_threshold(self, labels: dict[str, list[int]]) -> tuple[float, ...]:
        ys = [y for d in self.decisions for y in labels[d]]
        said = [float(x) for d in self.decisions for x in self.decisions[d]]
        return prf(ys, said, 0.5)


def leave_one_debate_out(
    data: dict[str, Featurised], labels: dict[str, list[int]], l2: float
) -> CrossValidation:
    aps, scores, decisions = {}, {}, {}
    for held in data:
        rows = [r for d in data if d != held for r in data[d].rows]
        ys = [y for d in data if d != held for y in labels[d]]
        weights = fit(rows, ys, l2)
        threshold = best_threshold(ys, probabilities(weights, rows), THRESHOLD_BETA)
        scores[held] = probabilities(weights, data[held].rows)
        decisions[held] = [p >= threshold for p in scores[held]]
        aps[held] = average_precision(labels[held], scores[held])
    rule_aps = {d: average_precision(labels[d], data[d].rule) for d in data}
    return CrossValidation(aps, rule_aps, scores, decisions)


def featurise_debates(nlp: Any) -> tuple[dict[str, Featurised], dict[str, list[int]]]:
    debates = load_debates()
    data = {
        name: featurise(nlp, [x.text for x in lines], speaker_turns(lines))
        for name, lines in debates.items()
    }
    return data, {name: [x.label for x in lines] for name, lines in debates.items()}


def passage_sentences(nlp: Any, passages: Sequence[tuple[str, int]]) -> tuple[list[str], list[int]]:
    """Full Fact's passages as sentences, each with the passage it came from as its turn."""
    texts, turns = [], []
    for n, (text, _) in enumerate(passages):
        for sent in nlp(text).sents:
            if sent.text.strip():
                texts.append(sent.text.strip())
                turns.append(n)
    return texts, turns


def fullfact_ap(nlp: Any, weights: dict[str, Any]) -> dict[str, float]:
    """Average precision on Full Fact's passages, each passage a turn of its sentences and
    scored by its best sentence (a passage is worth checking if any claim in it is)."""
    passages = load_fullfact()
    texts, turns = passage_sentences(nlp, passages)
    feats = featurise(nlp, texts, turns)
    probs = probabilities(weights, feats.rows)
    best = [0.0] * len(passages)
    best_rule = [0.0] * len(passages)
    for n, p, r in zip(turns, probs, feats.rule, strict=True):
        best[n] = max(best[n], p)
        best_rule[n] = max(best_rule[n], r)
    grades = [g for _, g in passages]
    return {
        "ranker_worth": average_precision([int(g == 2) for g in grades], best),
        "ranker_worth_or_may": average_precision([int(g >= 1) for g in grades], best),
        "rule_worth": average_precision([int(g == 2) for g in grades], best_rule),
        "rule_worth_or_may": average_precision([int(g >= 1) for g in grades], best_rule),
        "passages": len(passages),
        "worth": sum(1 for g in grades if g == 2),
        "worth_or_may": sum(1 for g in grades if g >= 1),
    }
