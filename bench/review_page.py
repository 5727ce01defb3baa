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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(tmp: str) -> None:
    os.environ["FACTCHECK_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(fn, repeat: int) -> tuple[float, int]:
    """Median milliseconds of ``fn()`` over ``repeat`` runs, and the queries of the last run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
    return statistics.median(samples), queries


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

            render_ms, render_q = timed(render, args.repeat)
            size_kb = len(client.get(page).content) / 1024

            cycle = itertools.cycle(claims)

            def confirm(client=client, cycle=cycle):
                claim = next(cycle)
                current = Claim.objects.values_list("version", flat=True).get(pk=claim.pk)
                response = client.post(
                    f"/claims/{claim.pk}/confirm/",
                    {"version": current},
                    HTTP_HX_REQUEST="true",
                )
                assert response.status_code == 200, response.status_code
                confirm.size = len(response.content)

            action_ms, action_q = timed(confirm, args.repeat)

            middle = claims[len(claims) // 2]

            def panel(client=client, claim=middle):
                response = client.get(f"/claims/{claim.pk}/", HTTP_HX_REQUEST="true")
                assert response.status_code == 200

            panel_ms, panel_q = timed(panel, args.repeat)
            rows.append(
                (
                    n,
                    render_ms,
                    render_q,
                    size_kb,
                    action_ms,
                    action_q,
                    confirm.size / 1024,
                    panel_ms,
                    panel_q,
                )
            )

    print(f"Review page, median of {args.repeat} runs (Django test client, SQLite)")
    header = (
        "claims",
        "page ms",
        "page SQL",
        "page KB",
        "confirm ms",
        "confirm SQL",
        "confirm KB",
        "panel ms",
        "panel SQL",
    )
    print(" | ".join(f"{h:>11}" for h in header))
    for row in rows:
        n, r_ms, r_q, r_kb, a_ms, a_q, a_kb, p_ms, p_q = row
        print(
            " | ".join(
                f"{v:>11}"
                for v in (
                    n,
                    f"{r_ms:.1f}",
                    r_q,
                    f"{r_kb:.0f}",
                    f"{a_ms:.1f}",
                    a_q,
                    f"{a_kb:.1f}",
                    f"{p_ms:.1f}",
                    p_q,
                )
            )
        )


if __name__ == "__main__":
    main()
