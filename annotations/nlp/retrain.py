"""Retraining the check-worthiness ranker on reviewer decisions plus the CLEF debates, and
installing the result only when it beats the model in use on the same held-out data.

The held-out data, fixed so that two runs compare:

- **newsroom**: the exported corpus's ``dev`` articles (``annotations.nlp.corpus``: split by
  article on a hash of its text); every reviewed claim of them is one example, kept = 1,
  rejected = 0, scored as the pipeline scores it (the parse of its paragraph, the paragraph as
  its turn, the headline penalty);
- **CLEF-2019**: the chronologically last ⌈N/5⌉ of the N training debates used (19, or
  ``--clef-limit N``: the first N by name, i.e. by date). The candidate is fit on the debates
  before them (train on the past, test on the future, as a newsroom deploys). The public
  *test* debates are never read (they are not even in ../shared/datasets).

The model in use was fit on all 19 debates, the held-out ones included, so its CLEF figures
are in-sample: the comparison favours it, and a candidate that still wins is better.

The decision metric is the mean average precision over the held-out groups that have a
positive: each held-out debate is one group, the newsroom dev articles pooled are one. The
candidate is installed only when its metric is higher than the current model's by more than
``min_gain`` (default 0: strictly higher).

The candidate: the same logistic regression (``ranker_training.fit``) on the training debates
plus the newsroom ``train`` claims, each newsroom claim weighted ``newsroom_weight`` times a
debate sentence; its threshold is the F3-best on its training data (as each fold's in the
leave-one-debate-out figure), calibrated to the UI's 0.5.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotations.nlp.checkworthy import RankerModel, Scored, calibrate, ranker_inputs
from annotations.nlp.claims import HEADLINE_FACTOR, Candidate, headline_penalised
from annotations.nlp.corpus import SPLITS, TrainingArticle
from annotations.nlp.ranker_training import (
    CLEF,
    DEFAULT_L2,
    FULLFACT,
    THRESHOLD_BETA,
    Featurised,
    average_precision,
    best_threshold,
    featurise,
    fit,
    load_debates,
    load_fullfact,
    passage_sentences,
    prf,
    probabilities,
    speaker_turns,
)
from annotations.nlp.types import SourceDoc

UI_THRESHOLD = 0.5
DEFAULT_NEWSROOM_WEIGHT = 10.0
_MODEL_KEYS = ("features", "mean", "scale", "coef", "bias", "threshold")
# The modules whose code decides the ranker's inputs: a change to any of them invalidates
# cached CLEF features.
_FEATURE_CODE = (
    "checkworthy.py",
    "claims.py",
    "quantities.py",
    "lexicon.py",
    "ranker_training.py",
    "attributions",
)

# --------------------------------------------------------------------------- versions


def weights_digest(weights: dict[str, Any] | RankerModel) -> str:
    """Eight hex digits of what decides the scores (not the meta): equal models, equal digest."""
    if isinstance(weights, RankerModel):
        data: dict[str, Any] = {k: getattr(weights, k) for k in _MODEL_KEYS}
    else:
        data = {k: weights[k] for k in _MODEL_KEYS}
    canonical = {
        "features": list(data["features"]),
        "mean": [float(v) for v in data["mean"]],
        "scale": [float(v) for v in data["scale"]],
        "coef": [float(v) for v in data["coef"]],
        "bias": float(data["bias"]),
        "threshold": float(data["threshold"]),
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def new_version(weights: dict[str, Any], when: datetime | None = None) -> str:
    when = when or datetime.now(UTC)
    return f"checkworthy-{when:%Y%m%d}-{weights_digest(weights)}"


def ranker_version(model: RankerModel) -> str:
    """The version written into the weights by ``train_claim_model``; the model shipped before
    it (no version) is named by its digest."""
    version = model.meta.get("version")
    return str(version) if version else f"checkworthy-unversioned-{weights_digest(model)}"


def scorer_version(scorer: object) -> str:
    """What scores claims: the ranker's version, or the rule scorer."""
    model = getattr(scorer, "model", None)
    if isinstance(model, RankerModel):
        return ranker_version(model)
    return f"rules-{getattr(scorer, 'name', type(scorer).__name__)}"


def model_versions(scorer: object | None = None) -> dict[str, str]:
    """The trained models a pre-annotation uses, by name -> version (recorded on each run)."""
    from annotations.nlp.checkworthy import default_scorer
    from annotations.nlp.support import load_model as load_support_model

    support = load_support_model()
    return {
        "checkworthy": scorer_version(scorer if scorer is not None else default_scorer()),
        "support": (support.version or "unversioned") if support is not None else "rules",
    }


# --------------------------------------------------------------------------- examples


@dataclass
class Examples:
    """Ranker inputs with labels; ``headline`` marks rows the pipeline penalises as headlines;
    ``group`` names where each came from (a debate, an article)."""

    rows: list[dict[str, float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    headline: list[bool] = field(default_factory=list)
    group: list[str] = field(default_factory=list)
    missed: int = 0  # spans the parse could not place (page furniture)

    def extend(self, other: Examples) -> None:
        self.rows += other.rows
        self.labels += other.labels
        self.headline += other.headline
        self.group += other.group
        self.missed += other.missed

    @property
    def positives(self) -> int:
        return sum(self.labels)


class _CaptureScorer:
    """A claim scorer that scores nothing and keeps the ranker's inputs for each candidate,
    computed exactly as ``RankerScorer`` computes them (one turn per parsed line)."""

    name = "capture"

    def __init__(self) -> None:
        self.found: dict[tuple[int, int], tuple[dict[str, float], bool]] = {}

    def explain_many(self, candidates: Sequence[Candidate]) -> list[Scored]:
        turns: dict[int, list[Candidate]] = {}
        for c in candidates:
            turns.setdefault(id(c.span.doc), []).append(c)
        for members in turns.values():
            members.sort(key=lambda c: c.start)
            rows = ranker_inputs([c.span for c in members], [c.features for c in members])
            for c, row in zip(members, rows, strict=True):
                self.found[(c.start, c.end)] = (row, headline_penalised(c))
        return [Scored(0.0) for _ in candidates]

    def score_many(self, candidates: Sequence[Candidate]) -> list[float]:
        return [s.score for s in self.explain_many(candidates)]


def span_examples(
    nlp: Any,
    text: str,
    spans: Sequence[tuple[int, int, int]],
    group: str,
    context: Sequence[tuple[int, int]] = (),
) -> Examples:
    """The ranker's inputs for labelled spans ``(start, end, label)`` of one article, through
    the pipeline's own parse (layout, masked windows, one Doc per line) and candidate code.
    ``context`` spans (the machine's other candidates) share the paragraphs as they did when
    the pipeline scored them, so a machine claim gets exactly the inputs it was scored on."""
    from annotations.nlp import preannotate as pre

    unique = sorted({(s, e) for s, e, _ in spans} | {(s, e) for s, e in context})
    texts = [pre._Text(text, pre._lines(text, nlp))]
    capture = _CaptureScorer()
    no_sources: Sequence[SourceDoc] = ()
    chunk = [(text, no_sources, texts, 0.0)]
    next(pre._run_chunk(chunk, nlp, 64, "training", capture, pre._no_stage, spans=unique))
    out = Examples()
    for start, end, label in spans:
        hit = capture.found.get((start, end))
        if hit is None:
            out.missed += 1
            continue
        out.rows.append(hit[0])
        out.headline.append(hit[1])
        out.labels.append(int(label))
        out.group.append(group)
    return out


# --------------------------------------------------------------------------- CLEF


def clef_split(names: Sequence[str]) -> tuple[list[str], list[str]]:
    """(training debates, held-out debates): the last ⌈N/5⌉ by name (= by date) held out."""
    ordered = sorted(names)
    held = max(1, math.ceil(len(ordered) / 5)) if len(ordered) > 1 else 0
    return ordered[: len(ordered) - held], ordered[len(ordered) - held :]


def _feature_code_digest() -> str:
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in _FEATURE_CODE:
        path = here / name
        for f in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:12]


def clef_examples(
    nlp: Any,
    model_label: str,
    *,
    limit: int | None = None,
    cache_dir: Path | None = None,
    folder: Path = CLEF,
    on_debate: Callable[[str, bool], None] | None = None,
) -> dict[str, Examples]:
    """Each debate's examples (its sentences, one turn per run of one speaker), the first
    ``limit`` debates by name. Features are cached per debate under ``cache_dir``, keyed by
    the spaCy model and the feature code, since parsing 19 debates takes most of a minute."""
    debates = load_debates(folder)
    names = sorted(debates)[:limit] if limit else sorted(debates)
    key = hashlib.sha256(f"{model_label}|{_feature_code_digest()}".encode()).hexdigest()[:12]
    folder_cache = cache_dir / f"clef-{key}" if cache_dir is not None else None
    out: dict[str, Examples] = {}
    for name in names:
        lines = debates[name]
        cached = folder_cache / f"{name}.json" if folder_cache is not None else None
        rows: list[dict[str, float]] | None = None
        if cached is not None and cached.is_file():
            rows = json.loads(cached.read_text(encoding="utf-8"))
        hit = rows is not None
        if rows is None:
            feats: Featurised = featurise(nlp, [x.text for x in lines], speaker_turns(lines))
            rows = feats.rows
            if cached is not None:
                _write_atomic(cached, json.dumps(rows))
        if on_debate is not None:
            on_debate(name, hit)
        out[name] = Examples(
            rows=rows,
            labels=[x.label for x in lines],
            headline=[False] * len(rows),
            group=[name] * len(rows),
        )
    return out


@dataclass
class Passages:
    """Full Fact's transcript passages as ranker rows, one a sentence (``group`` is the passage's
    index), and each passage's grade (2 worth checking, 1 may be, 0 not)."""

    examples: Examples
    grades: list[int]

    def ap(self, weights: dict[str, Any]) -> float:
        """AP of "worth checking" over passages, each scored by its best sentence (as
        ``ranker_training.fullfact_ap`` scores it)."""
        best = [0.0] * len(self.grades)
        for g, p in zip(self.examples.group, ui_scores(weights, self.examples), strict=True):
            best[int(g)] = max(best[int(g)], p)
        return average_precision([int(g == 2) for g in self.grades], best)


def fullfact_passages(
    nlp: Any, model_label: str, *, cache_dir: Path | None = None, path: Path = FULLFACT
) -> Passages:
    """A second domain for the table (never trained on, never in the decision: its labels are
    per passage, not per sentence). Cached like the debates."""
    passages = load_fullfact(path)
    key = hashlib.sha256(f"{model_label}|{_feature_code_digest()}".encode()).hexdigest()[:12]
    cached = cache_dir / f"clef-{key}" / "fullfact.json" if cache_dir is not None else None
    if cached is not None and cached.is_file():
        data = json.loads(cached.read_text(encoding="utf-8"))
        rows, turns = data["rows"], data["turns"]
    else:
        texts, turns = passage_sentences(nlp, passages)
        rows = featurise(nlp, texts, turns).rows
        if cached is not None:
            _write_atomic(cached, json.dumps({"rows": rows, "turns": turns}))
    examples = Examples(
        rows=rows,
        labels=[0] * len(rows),
        headline=[False] * len(rows),
        group=[str(t) for t in turns],
    )
    return Passages(examples, [g for _, g in passages])


# --------------------------------------------------------------------------- scoring


def ui_scores(weights: dict[str, Any], examples: Examples) -> list[float]:
    """The scores the UI would show: calibrated so the model's threshold is 0.5, headlines
    lowered as the pipeline lowers them."""
    model = RankerModel.from_json(weights)
    probs = probabilities(weights, examples.rows)
    return [
        calibrate(p, model.threshold) * (HEADLINE_FACTOR if h else 1.0)
        for p, h in zip(probs, examples.headline, strict=True)
    ]


@dataclass(frozen=True)
class Metrics:
    n: int
    positives: int
    ap: float | None  # None without a positive
    precision: float
    recall: float
    f1: float
    flagged: int  # at or above the UI threshold


def metrics(weights: dict[str, Any], examples: Examples) -> Metrics:
    scores = ui_scores(weights, examples)
    p, r, f = prf(examples.labels, scores, UI_THRESHOLD) if scores else (0.0, 0.0, 0.0)
    return Metrics(
        n=len(scores),
        positives=examples.positives,
        ap=average_precision(examples.labels, scores) if examples.positives else None,
        precision=p,
        recall=r,
        f1=f,
        flagged=sum(1 for s in scores if s >= UI_THRESHOLD),
    )


def train_candidate(
    train: Examples,
    *,
    l2: float = DEFAULT_L2,
    newsroom_weight: float = DEFAULT_NEWSROOM_WEIGHT,
    is_newsroom: Callable[[str], bool] = lambda g: g.startswith("article:"),
) -> dict[str, Any]:
    if not train.rows or not train.positives or train.positives == len(train.labels):
        raise ValueError("the training data needs positives and negatives")
    sw = [newsroom_weight if is_newsroom(g) else 1.0 for g in train.group]
    weights = fit(train.rows, train.labels, l2, sample_weight=sw)
    weights["threshold"] = best_threshold(
        train.labels, probabilities(weights, train.rows), THRESHOLD_BETA
    )
    return weights


# --------------------------------------------------------------------------- the comparison


@dataclass
class Comparison:
    """Both models on every held-out group, and the decision."""

    groups: dict[str, Examples]
    current: dict[str, Metrics]
    candidate: dict[str, Metrics]
    current_score: float
    candidate_score: float
    min_gain: float
    notes: list[str] = field(default_factory=list)

    @property
    def better(self) -> bool:
        return self.candidate_score > self.current_score + self.min_gain


def decision_score(results: dict[str, Metrics]) -> float:
    """Mean AP over the held-out groups that have a positive (0 when none has)."""
    aps = [m.ap for m in results.values() if m.ap is not None]
    return sum(aps) / len(aps) if aps else 0.0


def compare(
    current: dict[str, Any],
    candidate: dict[str, Any],
    groups: dict[str, Examples],
    *,
    min_gain: float = 0.0,
) -> Comparison:
    now = {name: metrics(current, ex) for name, ex in groups.items()}
    new = {name: metrics(candidate, ex) for name, ex in groups.items()}
    return Comparison(groups, now, new, decision_score(now), decision_score(new), min_gain)


def _fmt(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.4f}"


def format_table(c: Comparison) -> str:
    head = (
        f"{'held-out group':<34} {'n':>6} {'pos':>5} | "
        f"{'AP now':>7} {'P':>6} {'R':>6} {'F1':>6} {'flag':>5} | "
        f"{'AP new':>7} {'P':>6} {'R':>6} {'F1':>6} {'flag':>5}"
    )
    lines = [head, "-" * len(head)]
    for name in c.groups:
        a, b = c.current[name], c.candidate[name]
        lines.append(
            f"{name:<34} {a.n:>6} {a.positives:>5} | "
            f"{_fmt(a.ap):>7} {a.precision:>6.3f} {a.recall:>6.3f} {a.f1:>6.3f} {a.flagged:>5} | "
            f"{_fmt(b.ap):>7} {b.precision:>6.3f} {b.recall:>6.3f} {b.f1:>6.3f} {b.flagged:>5}"
        )
    lines.append("-" * len(head))
    lines.append(
        f"{'decision: MAP over held-out groups':<34} {'':>6} {'':>5} | "
        f"{c.current_score:>7.4f} {'':>27} | {c.candidate_score:>7.4f}"
    )
    lines.append(f"P/R/F1 at the UI threshold ({UI_THRESHOLD}); flag = examples at or above it")
    lines += c.notes
    return "\n".join(lines)


# --------------------------------------------------------------------------- installing


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def install(
    weights: dict[str, Any], target: Path, *, version: str, when: datetime | None = None
) -> Path | None:
    """Write ``weights`` (with ``version`` in them) over ``target`` atomically, keeping the old
    file beside it as ``<stem>.<UTC time>.bak.json``; returns the backup's path (None when
    there was no old file)."""
    when = when or datetime.now(UTC)
    data = {**weights, "version": version}
    data["meta"] = {**weights.get("meta", {}), "version": version}
    backup = None
    if target.exists():
        backup = target.with_name(f"{target.stem}.{when:%Y%m%dT%H%M%SZ}.bak{target.suffix}")
        shutil.copy2(target, backup)
    _write_atomic(target, json.dumps(data, indent=1) + "\n")
    return backup


# --------------------------------------------------------------------------- the whole run


def newsroom_examples(nlp: Any, articles: Sequence[TrainingArticle]) -> dict[str, Examples]:
    """Split name -> the reviewed claims of that split's articles as ranker examples."""
    out = {split: Examples() for split in SPLITS}
    for a in articles:
        spans = [(c.start, c.end, c.label) for c in a.claims]
        if spans:
            out[a.split].extend(
                span_examples(nlp, a.text, spans, f"article:{a.id}", context=a.context)
            )
    return out


def retrain(
    current: dict[str, Any],
    clef: dict[str, Examples],
    newsroom: dict[str, Examples],
    *,
    l2: float = DEFAULT_L2,
    newsroom_weight: float = DEFAULT_NEWSROOM_WEIGHT,
    min_gain: float = 0.0,
) -> tuple[Comparison, dict[str, Any]]:
    """Fit the candidate on the training side, score both models on the held-out side."""
    train_names, held = clef_split(list(clef))
    train = Examples()
    for name in train_names:
        train.extend(clef[name])
    news_train, news_dev = newsroom.get("train", Examples()), newsroom.get("dev", Examples())
    train.extend(news_train)
    candidate = train_candidate(train, l2=l2, newsroom_weight=newsroom_weight)
    groups = {f"CLEF {name}": clef[name] for name in held}
    articles = len(set(news_dev.group))
    if news_dev.rows:
        groups[f"newsroom dev ({articles} articles)"] = news_dev
    comparison = compare(current, candidate, groups, min_gain=min_gain)
    pos = sum(clef[n].positives for n in train_names)
    sentences = sum(len(clef[n].rows) for n in train_names)
    comparison.notes += [
        f"candidate trained on {len(train_names)} CLEF debates ({sentences} "
        f"sentences, {pos} check-worthy) + {len(news_train.rows)} newsroom claims "
        f"({news_train.positives} kept, {len(set(news_train.group))} articles) weighted "
        f"x{newsroom_weight:g}; L2 {l2:g}; threshold {candidate['threshold']:.4f} (F3 on training)",
        "the current model was fit on all 19 CLEF debates: its CLEF rows are in-sample (an "
        "advantage to it)",
    ]
    if not news_dev.rows:
        comparison.notes.append("no reviewed claims in newsroom dev articles: CLEF decides alone")
    missed = news_train.missed + news_dev.missed
    if missed:
        comparison.notes.append(f"{missed} newsroom spans not placed on a parsed line (skipped)")
    candidate["meta"] = {
        "trained_on": (
            f"CLEF-2019 training debates {train_names[0] if train_names else '-'}.."
            f"{train_names[-1] if train_names else '-'} ({len(train_names)}) + "
            f"{len(news_train.rows)} reviewed newsroom claims (train split)"
        ),
        "held_out": list(groups),
        "l2": l2,
        "newsroom_weight": newsroom_weight,
        "heldout_map": round(comparison.candidate_score, 4),
        "heldout_map_previous": round(comparison.current_score, 4),
        "previous": current.get("meta", {}).get("version")
        or f"checkworthy-unversioned-{weights_digest(current)}",
    }
    return comparison, candidate
