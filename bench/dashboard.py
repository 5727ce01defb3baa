"""Dashboard speed with 100k claims: the editors' page cold (cache empty) and warm, and the
machine-quality selector alone.

Builds a throwaway SQLite database with ``--claims`` claims (default 100,000; 50 per
article) spread over three pipeline versions and 60 days: reviewer decisions of every kind,
reviewer-added claims, attributions, flags (some dismissed), verdicts (most published),
audit events for each decision, first publications, and double-reviewed articles. Then
times the real view through Django's test client. Prints medians and SQL query counts.

    .venv/bin/python bench/dashboard.py [--claims 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.review_page import setup_django, timed  # noqa: E402  (the same set-up and clock)

PER_ARTICLE = 50
VERSIONS = (("1.0", "3.8.0", "cw-a"), ("1.1", "3.8.0", "cw-a"), ("1.1", "3.8.0", "cw-b"))
DAYS = 60
SENTENCE = "Item {i}: the council spent {i} million on roads, the mayor said. "


def _spread(cursor, table: str, column: str, days: int = DAYS) -> None:
    """Spread a timestamp column over the last ``days`` days, by id (SQLite only)."""
    cursor.execute(
        f"UPDATE {table} SET {column} = strftime('%Y-%m-%d %H:%M:%f', 'now', "
        f"'-' || ((id * 7919) % ({days} * 1440)) || ' minutes')"
    )


def build(n_claims: int) -> dict[str, int]:
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.utils import timezone

    from annotations.models import (
        AnnotationRun,
        Article,
        Attribution,
        AuditEvent,
        AuditVerb,
        Claim,
        Flag,
        Origin,
        PassDecision,
        Rating,
        ReviewPass,
        ReviewState,
        Verdict,
        VerdictRevision,
    )
    from tests import factories

    n_articles = max(1, n_claims // PER_ARTICLE)
    body = "Synthetic Daily\n\n" + "".join(SENTENCE.format(i=i) for i in range(PER_ARTICLE))
    offsets = []
    cursor_at = body.index("Item")
    for i in range(PER_ARTICLE):
        s = body.index(SENTENCE.format(i=i), cursor_at)
        cursor_at = s + 1
        offsets.append(s)
    rita = factories.user("bench-rita", role="reviewer")
    sam = factories.user("bench-sam", role="reviewer")
    ratings = list(Rating.objects.filter(scale__is_default=True).order_by("position"))
    states = [ReviewState.CONFIRMED] * 11 + [ReviewState.REJECTED] * 3
    states += [ReviewState.CORRECTED] * 2 + [ReviewState.PENDING] * 4
    flag_types = [t.value for t in Flag.Type]
    now = timezone.now()

    with transaction.atomic():
        Article.objects.bulk_create(
            Article(
                title=f"Article {a}",
                body=body + f"\nRef {a}.\n",
                content_hash=f"{a:064d}",
                status=Article.Status.IN_REVIEW,
            )
            for a in range(n_articles)
        )
        articles = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        AnnotationRun.objects.bulk_create(
            AnnotationRun(
                article_id=pk,
                pipeline_version=VERSIONS[i % 3][0],
                model_version=VERSIONS[i % 3][1],
                model_versions={"checkworthy": VERSIONS[i % 3][2], "support": "rules"},
                status=AnnotationRun.Status.SUCCEEDED,
            )
            for i, pk in enumerate(articles)
        )
        run_of = dict(AnnotationRun.objects.values_list("article_id", "pk"))
        claims, attributions = [], []
        for pk in articles:
            for i, s in enumerate(offsets):
                sentence = SENTENCE.format(i=i)
                reviewer_added = i >= PER_ARTICLE - 2
                state = ReviewState.CONFIRMED if reviewer_added else states[(pk + i) % len(states)]
                end = s + sentence.index(",")
                extra = {}
                if state == ReviewState.CORRECTED:
                    extra = {"machine_start": s, "machine_end": end + 3, "machine_text": "x"}
                claims.append(
                    Claim(
                        article_id=pk,
                        run_id=None if reviewer_added else run_of[pk],
                        start=s,
                        end=end,
                        text=body[s:end],
                        score=0.7,
                        origin=Origin.REVIEWER if reviewer_added else Origin.MACHINE,
                        review_state=state,
                        updated_by=rita,
                        **extra,
                    )
                )
                if i % 3 == 0:
                    cue = s + sentence.index("said")
                    attributions.append(
                        Attribution(
                            article_id=pk,
                            run_id=run_of[pk],
                            cue_start=cue,
                            cue_end=cue + 4,
                            cue_text="said",
                            content_start=s,
                            content_end=end,
                            content_text=body[s:end],
                            review_state=states[(pk + 2 * i) % len(states)],
                        )
                    )
        Claim.objects.bulk_create(claims, batch_size=5000)
        Attribution.objects.bulk_create(attributions, batch_size=5000)
        del claims, attributions
        cursor = connection.cursor()
        _spread(cursor, "annotations_article", "created_at", DAYS + 10)
        cursor.execute(
            "UPDATE annotations_annotationrun SET created_at = (SELECT a.created_at FROM "
            "annotations_article a WHERE a.id = annotations_annotationrun.article_id)"
        )
        cursor.execute(
            "UPDATE annotations_claim SET created_at = (SELECT a.created_at FROM "
            "annotations_article a WHERE a.id = annotations_claim.article_id)"
        )
        cursor.execute(
            "UPDATE annotations_claim SET created_at = datetime(created_at, '+1 hour') "
            "WHERE origin = 'reviewer'"
        )

        decided = list(
            Claim.objects.exclude(review_state=ReviewState.PENDING).values_list(
                "pk", "article_id", "review_state", "origin"
            )
        )
        verb: dict[str, AuditVerb] = {
            ReviewState.CONFIRMED: AuditVerb.CLAIM_CONFIRM,
            ReviewState.REJECTED: AuditVerb.CLAIM_REJECT,
            ReviewState.CORRECTED: AuditVerb.CLAIM_CORRECT,
        }
        AuditEvent.objects.bulk_create(
            (
                AuditEvent(
                    actor=rita,
                    verb=AuditVerb.CLAIM_ADD if origin == Origin.REVIEWER else verb[state],
                    target_type="claim",
                    target_id=pk,
                    article_id=article_id,
                    after={"review_state": state},
                )
                for pk, article_id, state, origin in decided
            ),
            batch_size=5000,
        )
        machine = Claim.objects.filter(origin=Origin.MACHINE).order_by("pk")
        flags = [
            Flag(
                claim_id=pk,
                type=flag_types[pk % len(flag_types)],
                article_text="x",
                source_text="y",
                dismissed_by=rita if pk % 6 == 0 else None,
                dismissed_at=now if pk % 6 == 0 else None,
            )
            for pk in machine.values_list("pk", flat=True)
            if pk % 2 == 0
        ]
        Flag.objects.bulk_create(flags, batch_size=5000)
        n_flags = len(flags)
        del flags

        confirmed = list(
            Claim.objects.filter(review_state=ReviewState.CONFIRMED).values_list("pk", flat=True)
        )[::3]
        Verdict.objects.bulk_create(
            (
                Verdict(
                    claim_id=pk,
                    rating=ratings[pk % len(ratings)],
                    rationale="r",
                    reviewer=rita,
                    state=Verdict.State.DRAFT,
                )
                for pk in confirmed
            ),
            batch_size=5000,
        )
        to_publish = list(
            Verdict.objects.filter(pk__gt=0).values_list("pk", "rating_id", "claim_id")
        )
        to_publish = [v for v in to_publish if v[0] % 5 != 0]
        VerdictRevision.objects.bulk_create(
            (
                VerdictRevision(
                    verdict_id=pk,
                    number=1,
                    rating_id=rating_id,
                    rationale="r",
                    claim_reviewed="c",
                    published_at=now,
                )  # fmt: skip
                for pk, rating_id, _ in to_publish
            ),
            batch_size=5000,
        )
        cursor.execute(
            "UPDATE annotations_verdict SET is_published = 1, state = 'published', "
            "published_at = (SELECT r.published_at FROM annotations_verdictrevision r "
            "WHERE r.verdict_id = annotations_verdict.id), published_revision_id = (SELECT r.id "
            "FROM annotations_verdictrevision r WHERE r.verdict_id = annotations_verdict.id) "
            "WHERE id % 5 != 0"
        )
        claim_article = dict(Claim.objects.values_list("pk", "article_id"))
        AuditEvent.objects.bulk_create(
            (
                AuditEvent(
                    actor=rita,
                    verb=AuditVerb.VERDICT_PUBLISH,
                    target_type="verdict",
                    target_id=pk,
                    article_id=claim_article[claim_id],
                )
                for pk, _, claim_id in to_publish
            ),
            batch_size=5000,
        )
        published_articles = articles[::3]
        Article.objects.filter(pk__in=published_articles).update(status=Article.Status.PUBLISHED)
        AuditEvent.objects.bulk_create(
            AuditEvent(
                actor=rita,
                verb=AuditVerb.ARTICLE_PUBLISHED,
                target_type="article",
                target_id=pk,
                article_id=pk,
                before={"status": "reviewed"},
                after={"status": "published"},
            )
            for pk in published_articles
        )
        _spread(cursor, "annotations_auditevent", "created_at")
        # a publication comes after the import: a few hours to a few days
        cursor.execute(
            "UPDATE annotations_auditevent SET created_at = (SELECT datetime(a.created_at, '+' "
            "|| (annotations_auditevent.id % 120) || ' hours') FROM annotations_article a WHERE "
            "a.id = annotations_auditevent.article_id) WHERE verb = 'article.published'"
        )

        doubled = articles[1::40]
        for pk in doubled:
            first = ReviewPass.objects.create(
                article_id=pk, number=1, reviewer=rita, status="submitted", submitted_at=now
            )
            second = ReviewPass.objects.create(
                article_id=pk, number=2, reviewer=sam, status="submitted", submitted_at=now
            )
            rows = Claim.objects.filter(article_id=pk, origin=Origin.MACHINE).values_list(
                "pk", "start", "end"
            )
            PassDecision.objects.bulk_create(
                PassDecision(
                    review_pass=p,
                    claim_id=c,
                    accepted=(c % 4 != 0) if p is first else (c % 5 != 0),
                    start=s,
                    end=e if p is first or c % 3 else e - 2,
                    rating=ratings[c % len(ratings)] if p is first else ratings[c % 3],
                )
                for c, s, e in rows
                for p in (first, second)
            )
    return {
        "articles": n_articles,
        "claims": Claim.objects.count(),
        "attributions": Attribution.objects.count(),
        "flags": n_flags,
        "verdicts": Verdict.objects.count(),
        "audit events": AuditEvent.objects.count(),
        "double-reviewed": len(doubled),
        "users": User.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="factcheck-bench-") as tmp:
        setup_django(tmp)
        from django.core.cache import cache
        from django.test import Client

        from annotations.selectors import dashboard as read
        from annotations.selectors.machine_quality import machine_quality
        from tests import factories

        started = time.perf_counter()
        sizes = build(args.claims)
        build_s = time.perf_counter() - started
        editor = factories.user("bench-eddie", role="editor")
        client = Client()
        client.force_login(editor)

        def page(url: str = "/dashboard/") -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        page()  # templates, content types, the session
        cold = timed(page, args.repeat, before=cache.clear)
        warm = timed(page, max(15, args.repeat * 3))
        size_kb = len(client.get("/dashboard/").content) / 1024
        cold_90 = timed(lambda: page("/dashboard/?from=" + _ago(89)), args.repeat, cache.clear)
        quality = timed(machine_quality, args.repeat)
        today = _ago(0)
        parts = {
            "reviews per day": lambda: read.reviews_per_day(*_range(29)),
            "verdicts": read.verdict_distribution,
            "publication times": lambda: read.publication_times(*_range(29)),
            "agreement": lambda: read.desk_agreement(*_range(29)),
        }
        part_t = {name: timed(fn, args.repeat) for name, fn in parts.items()}
        q = machine_quality()
        sample = [
            (r.label, r.version.label, r.precision, r.recall)
            for r in q.rows
            if r.kind in ("claim", "attribution")
        ]

    print(
        f"Dashboard with {sizes['claims']:,} claims (Django test client, SQLite); "
        f"{os.cpu_count()} CPUs, load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    print(
        "data: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()) + f"; built in {build_s:.0f} s"
    )
    print(f"{'measured':>32} | {'ms':>8} | {'CPU ms':>8} | {'SQL':>4}")
    rows = [
        ("page, cold cache (30 days)", cold),
        ("page, cold cache (90 days)", cold_90),
        ("page, warm cache", warm),
        ("machine_quality() selector", quality),
        *((f"  {name}", t) for name, t in part_t.items()),
    ]
    for label, t in rows:
        print(f"{label:>32} | {t.wall_ms:8.1f} | {t.cpu_ms:8.1f} | {t.queries:>4}")
    print(f"page size {size_kb:.0f} KB; today {today}")
    for label, version, p, r in sample:
        print(f"  {label:13} {version:32} precision {p:.3f} recall {r:.3f}")


def _ago(days: int) -> str:
    from django.utils import timezone

    return (timezone.localdate() - timedelta(days=days)).isoformat()


def _range(days: int):
    from django.utils import timezone

    today = timezone.localdate()
    return today - timedelta(days=days), today


if __name__ == "__main__":
    main()
