"""Review page speed: render time of an article with 300 claims and the time of an htmx action.

Runs the real views through Django's test client against a throwaway SQLite database, with a
synthetic article (300 claims, each with a flag, evidence, an attribution and a quantity).
Prints medians and the SQL query count of each measured request.

    .venv/bin/python bench/review_page.py [--claims 300] [--repeat 15]
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(tmp: str) -> None:
    os.environ["FACTCHECK_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    # the production recipe's shared cache (sessions and permission sets read from Redis);
    # CACHE_URL= (empty) measures without it
    os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/5")
    os.environ.setdefault("CACHE_KEY_PREFIX", f"bench-{os.getpid()}")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def reference_ms() -> float:
    """CPU milliseconds of a fixed pure-Python loop: this machine's cores are shared with
    other virtual machines and their speed drifts by a third within an hour, so two runs'
    req/s compare only beside this figure (lower is faster)."""
    started = time.process_time()
    total = 0
    for i in range(5_000_000):
        total += i * i % 7
    return (time.process_time() - started) * 1000


@dataclass
class Timing:
    """Median wall-clock and CPU milliseconds of a request, and its SQL queries.

    The CPU time is this process's (the test client, Django and SQLite all run in it): on a
    machine shared with other work it says what the request costs, where the wall clock also
    counts the time spent waiting for a core.
    """

    wall_ms: float
    cpu_ms: float
    queries: int


def timed(fn, repeat: int, before=None) -> Timing:
    """``fn()`` ``repeat`` times (``before()`` untimed ahead of each); the queries are those
    of the last run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wall, cpu = [], []
    queries = 0
    for _ in range(repeat):
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as ctx:
            started, started_cpu = time.perf_counter(), time.process_time()
            fn()
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
    return Timing(statistics.median(wall), statistics.median(cpu), queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="factcheck-bench-") as tmp:
        setup_django(tmp)
        from django.test import Client

        from annotations.models import Claim
        from tests import factories, scenarios

        user = factories.user("bench", role="editor")
        rows = []
        for n in sorted({10, args.claims}):
            article = scenarios.many_claims(n)
            claims = list(Claim.objects.filter(article=article).order_by("start"))
            client = Client()
            client.force_login(user)
            page = f"/articles/{article.pk}/"
            client.get(page)  # warm caches (templates, content types, session)

            def render(url=page, client=client):
                response = client.get(url)
                assert response.status_code == 200, response.status_code

            page_t = timed(render, args.repeat)
            size_kb = len(client.get(page).content) / 1024

            cycle = itertools.cycle(claims)
            # the version each form would send, read outside the measured request
            versions = dict(Claim.objects.filter(article=article).values_list("pk", "version"))

            last: dict[str, int] = {}

            def confirm(client=client, cycle=cycle, versions=versions, last=last):
                claim = next(cycle)
                response = client.post(
                    f"/claims/{claim.pk}/confirm/",
                    {"version": versions[claim.pk]},
                    HTTP_HX_REQUEST="true",
                )
                assert response.status_code == 200, response.status_code
                versions[claim.pk] += 1
                last["size"] = len(response.content)

            confirm(cycle=iter(claims[-1:]))  # the first confirm also starts the review
            confirm_t = timed(confirm, args.repeat)

            middle = claims[len(claims) // 2]

            def panel(client=client, claim=middle):
                response = client.get(f"/claims/{claim.pk}/", HTTP_HX_REQUEST="true")
                assert response.status_code == 200

            panel_t = timed(panel, args.repeat)
            rows.append((n, page_t, size_kb, confirm_t, last["size"] / 1024, panel_t))

    print(
        f"Review page, median of {args.repeat} runs (Django test client, SQLite); "
        f"machine speed: reference loop {reference_ms():.0f} ms CPU; "
        f"{os.cpu_count()} CPUs, load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    header = ("claims", "", "ms", "CPU ms", "SQL", "KB")
    print(" | ".join(f"{h:>8}" for h in header))
    for n, page_t, size_kb, confirm_t, confirm_kb, panel_t in rows:
        for label, t, kb in (
            ("page", page_t, size_kb),
            ("confirm", confirm_t, confirm_kb),
            ("panel", panel_t, None),
        ):
            cells = (n, label, f"{t.wall_ms:.1f}", f"{t.cpu_ms:.1f}", t.queries, kb)
            print(
                " | ".join(
                    f"{'' if v is None else (f'{v:.1f}' if isinstance(v, float) else v):>8}"
                    for v in cells
                )
            )
    print(
        f"goals at {max(r[0] for r in rows)} claims: page <= 10 queries and <= 60 ms, "
        "confirm <= 15 ms"
    )


if __name__ == "__main__":
    main()
