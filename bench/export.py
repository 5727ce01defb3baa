"""ClaimReview export throughput and memory: reviews/s and peak RSS at several sizes.

    .venv/bin/python bench/export.py [--sizes 10000 100000] [--modes records feed export]

For each size a throwaway SQLite database is migrated and filled with bulk_create (articles,
claims with a confirmed speaker attribution, half of them with a PERSON entity, published
verdicts), then every mode runs in a fresh process so its peak RSS is its own:

* ``records`` — the selector alone (rows -> ReviewRecord), the floor under everything;
* ``feed``    — what GET /claimreview/feed.jsonld streams: records -> DataFeed chunks;
* ``export``  — ``manage.py export_claimreview`` to a file: the feed plus validating every
  review before it leaves.

Start-up (~0.1 s: URLconf import, vocabulary file) is paid before timing starts. Both wall
time and this process's CPU time are reported: on a shared machine other work slows the
first but hardly the second.

Goal: >= 20,000 reviews/s and <= 150 MB peak RSS, flat from 10k to 100k.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: `python bench/export.py`
    sys.path.insert(0, str(ROOT))

GOAL_RATE = 20_000
GOAL_RSS_MB = 150
CLAIMS_PER_ARTICLE = 10


def _env(db_path: Path, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        SECRET_KEY="bench-only-secret-key-not-for-production-000000000000",
        DATABASE_URL=f"sqlite:///{db_path}",
        FACTCHECK_VAR_DIR=str(var_dir),
        FACTCHECK_SITE_URL="https://factcheck.example.org",
        FACTCHECK_ORG_URL="https://factcheck.example.org/",
        DEBUG="0",
    )
    return env


def _setup() -> None:
    import django

    django.setup()


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def populate(n: int) -> None:
    """Migrate and fill the database with ``n`` published verdicts (child process)."""
    _setup()
    from datetime import UTC, datetime, timedelta

    from django.core.management import call_command
    from django.db import transaction

    from annotations.models import (
        Article,
        Attribution,
        Claim,
        Entity,
        Origin,
        Rating,
        ReviewState,
        Verdict,
        VerdictRevision,
    )

    call_command("migrate", verbosity=0)
    ratings = list(Rating.objects.filter(scale__is_default=True).order_by("position"))
    start = datetime(2024, 1, 1, tzinfo=UTC)
    sentence = "The council spent {i} million on road repairs in 2025, the mayor said on Monday. "
    batch = 5000
    with transaction.atomic():
        articles = []
        for a in range(n // CLAIMS_PER_ARTICLE + 1):
            body = f"Outlet {a % 50}\n\n" + "".join(
                sentence.format(i=a * CLAIMS_PER_ARTICLE + k) for k in range(CLAIMS_PER_ARTICLE)
            )
            articles.append(
                Article(
                    title=f"Article {a} about road spending",
                    outlet=f"Outlet {a % 50}",
                    url=f"https://news.example.com/{a}",
                    published_on=(start + timedelta(days=a % 700)).date(),
                    body=body,
                    status=Article.Status.PUBLISHED,
                    content_hash=f"bench-{a:064d}"[-64:],
                )
            )
        Article.objects.bulk_create(articles, batch_size=batch)
        articles = list(Article.objects.order_by("id").only("id", "body"))

        claims, attributions, entities = [], [], []
        for i in range(n):
            article = articles[i // CLAIMS_PER_ARTICLE]
            text = sentence.format(i=i)
            offset = article.body.index(text)
            claim_text = text.split(", the mayor")[0]
            claims.append(
                Claim(
                    article_id=article.id,
                    start=offset,
                    end=offset + len(claim_text),
                    text=claim_text,
                    origin=Origin.MACHINE,
                    review_state=ReviewState.CONFIRMED,
                    score=0.8,
                )
            )
        Claim.objects.bulk_create(claims, batch_size=batch)
        claims = list(Claim.objects.order_by("id").values_list("id", "article_id", "start", "end"))
        for i, (claim_id, article_id, c_start, c_end) in enumerate(claims):
            speaker_start = c_end + 2
            speaker_end = speaker_start + len("the mayor")
            attributions.append(
                Attribution(
                    article_id=article_id,
                    claim_id=claim_id,
                    speaker_start=speaker_start,
                    speaker_end=speaker_end,
                    speaker_text="the mayor",
                    cue_start=speaker_end + 1,
                    cue_end=speaker_end + 5,
                    cue_text="said",
                    content_start=c_start,
                    content_end=c_end,
                    content_text="x",
                    review_state=ReviewState.CONFIRMED,
                )
            )
            if i % 2 == 0:
                entities.append(
                    Entity(
                        article_id=article_id,
                        start=speaker_start,
                        end=speaker_end,
                        text="the mayor",
                        label="PERSON",
                    )
                )
        Attribution.objects.bulk_create(attributions, batch_size=batch)
        Entity.objects.bulk_create(entities, batch_size=batch)
        rationale = (
            "The audit office puts 2025 road spending at a lower figure; the claim takes the "
            "budget line for the spending and leaves out the supplementary allocation."
        )
        # What the public reads is a verdict's published revision: verdicts first, then
        # their revision 1, then the verdicts pointed at it (the two reference each other).
        verdicts = Verdict.objects.bulk_create(
            [
                Verdict(
                    claim_id=claim_id,
                    rating=ratings[i % len(ratings)],
                    rationale=rationale,
                    claim_reviewed=f"The council spent {i} million on road repairs in 2025",
                    claimant_name="the mayor" if i % 2 == 0 else f"Outlet {i % 50}",
                    claimant_type="Person" if i % 2 == 0 else "Organization",
                    state=Verdict.State.PUBLISHED,
                    published_at=start + timedelta(minutes=i),
                )
                for i, (claim_id, *_rest) in enumerate(claims)
            ],
            batch_size=batch,
        )
        revisions = VerdictRevision.objects.bulk_create(
            [
                VerdictRevision(
                    verdict_id=v.pk,
                    number=1,
                    rating_id=v.rating_id,
                    rationale=v.rationale,
                    claim_reviewed=v.claim_reviewed,
                    claimant_name=v.claimant_name,
                    claimant_type=v.claimant_type,
                    published_at=v.published_at,
                )
                for v in verdicts
            ],
            batch_size=batch,
        )
        for verdict, revision in zip(verdicts, revisions, strict=True):
            verdict.published_revision_id = revision.pk
            verdict.is_published = True
        Verdict.objects.bulk_update(
            verdicts, ["published_revision", "is_published"], batch_size=batch
        )


def measure(mode: str, out_dir: Path) -> dict[str, float]:
    """Run one mode over the whole database and report time and memory (child process)."""
    _setup()
    from django.core.management import call_command

    from annotations.models import Verdict
    from claimreview.records import claimreview_org, iter_review_records
    from claimreview.writers import iter_feed_chunks

    n = Verdict.objects.filter(is_published=True).count()
    # One-off start-up (URLconf import behind reverse(), vocabulary file, first queries:
    # ~0.1 s) is paid before the clock starts; the table is about steady throughput.
    from claimreview.records import _public_path_template, scale_bounds
    from claimreview.validation import vocabulary

    _public_path_template(), scale_bounds(), vocabulary()
    rss_before = _peak_rss_mb()
    began, cpu_began = time.perf_counter(), time.process_time()
    size = 0
    if mode == "records":
        size = sum(1 for _ in iter_review_records())
    elif mode == "feed":
        with open(os.devnull, "w", encoding="utf-8") as sink:
            for chunk in iter_feed_chunks(iter_review_records(), org=claimreview_org()):
                sink.write(chunk)
                size += len(chunk)
    elif mode == "export":
        target = out_dir / "export.jsonld"
        call_command("export_claimreview", "--out", str(target), stderr=open(os.devnull, "w"))  # noqa: SIM115
        size = target.stat().st_size
        target.unlink()
    else:
        raise SystemExit(f"unknown mode {mode}")
    seconds = time.perf_counter() - began
    cpu_seconds = time.process_time() - cpu_began
    return {
        "n": n,
        "seconds": seconds,
        "rate": n / seconds,
        "cpu_seconds": cpu_seconds,
        "cpu_rate": n / cpu_seconds,
        "rss_before_mb": rss_before,
        "peak_rss_mb": _peak_rss_mb(),
        "bytes": size,
    }


def _child(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--modes", nargs="+", default=["records", "feed", "export"])
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs per mode")
    parser.add_argument(
        "--keep-db", metavar="DIR", help="keep the databases in DIR and reuse them next time"
    )
    parser.add_argument("--populate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--out-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.populate is not None:
        populate(args.populate)
        return
    if args.measure:
        print(json.dumps(measure(args.measure, Path(args.out_dir))))
        return

    rows = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
            tmp_path = Path(tmp)
            db_dir = Path(args.keep_db) if args.keep_db else tmp_path
            db_dir.mkdir(parents=True, exist_ok=True)
            db = db_dir / f"bench-{n}.sqlite3"
            env = _env(db, tmp_path / "var")
            if not db.exists():
                began = time.perf_counter()
                partial = db.with_suffix(".partial")  # never reuse a half-filled database
                partial.unlink(missing_ok=True)
                _child(["--populate", str(n)], _env(partial, tmp_path / "var"))
                partial.replace(db)
                took = time.perf_counter() - began
                print(f"populated {n:,} verdicts in {took:.1f} s", flush=True)
            for mode in args.modes:
                runs = [
                    json.loads(_child(["--measure", mode, "--out-dir", tmp], env))
                    for _ in range(args.repeat)
                ]
                best = max(runs, key=lambda r: r["rate"])
                best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
                rows.append((mode, best))
                print(
                    f"  {mode:<8} {best['rate']:>10,.0f} reviews/s  "
                    f"({best['cpu_rate']:,.0f} per CPU-s)  "
                    f"peak RSS {best['peak_rss_mb']:6.1f} MB",
                    flush=True,
                )

    load = os.getloadavg()[0]
    print()
    print(
        "| mode | N | wall s | reviews/s | CPU s | reviews/CPU-s | peak RSS MB "
        "| RSS at start MB | MB out | goal |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for mode, r in rows:
        ok = r["rate"] >= GOAL_RATE and r["peak_rss_mb"] <= GOAL_RSS_MB
        print(
            f"| {mode} | {r['n']:,} | {r['seconds']:.2f} | {r['rate']:,.0f} | "
            f"{r['cpu_seconds']:.2f} | {r['cpu_rate']:,.0f} | "
            f"{r['peak_rss_mb']:.1f} | {r['rss_before_mb']:.1f} | {r['bytes'] / 1e6:.1f} | "
            f"{'met' if ok else 'missed'} |"
        )
    print(f"\ngoal: >= {GOAL_RATE:,} reviews/s and <= {GOAL_RSS_MB} MB peak RSS, flat in N")
    # Other work on a shared machine slows wall time, not the CPU time this process used.
    print(f"load average at the end: {load:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
