"""Load: N signed-in reviewers × T seconds against gunicorn and PostgreSQL, doing what the
review UI does — open the review page, confirm a claim, correct its span, correct an
attribution's speaker, save a verdict — each write with the version the reviewer last saw,
as the page's forms send it. Then the proof that nothing was lost:

- every acknowledged write (a 200) is in the audit trail exactly once, at the version the
  answer showed;
- every row ends equal to its last audited state;
- every refusal is a 409 conflict (someone else saved first), nothing else.

It builds its own database on the PostgreSQL server (dropped afterwards), its own users and
articles, and starts gunicorn with DEBUG off; it never touches the app's own data.

    .venv/bin/python bench/load.py [--clients 50] [--seconds 60] [--workers 3] [--threads 4]

It prints where the CPU went during the run (gunicorn, PostgreSQL's backends, the simulated
reviewers) beside the load average, since other work on the machine takes its share.

gunicorn runs as production would on this 2-core machine: a few worker processes (the app
is CPU-bound Python) with a few threads each (so one waiting on PostgreSQL does not hold a
core idle), persistent database connections, and HTTP keep-alive, as browsers use it.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.review_page import reference_ms  # noqa: E402  (the machine's speed, one yardstick)

ACTIONS = ("open review page", "confirm claim", "correct span", "edit attribution", "save verdict")
WEIGHTS = (35, 20, 15, 15, 15)
CLAIM_VERSION = re.compile(
    r'action="/claims/(\d+)/(?:confirm|reject|reopen|correct)/".*?name="version" value="(\d+)"',
    re.S,
)
ATTRIBUTION_VERSION = re.compile(
    r'action="/attributions/(\d+)/(?:edit|confirm|reject)/".*?name="version" value="(\d+)"', re.S
)
VERDICT_VERSION = re.compile(r'name="verdict_version" value="(\d+)"')


def _env(database_url: str, var_dir: Path) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "SECURE_", "AXES_", "CACHE_"))
        and k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")
    }
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "SECRET_KEY": "load-bench-secret-key-" + uuid.uuid4().hex,
        "DATABASE_URL": database_url,
        "FACTCHECK_VAR_DIR": str(var_dir),
        "ALLOWED_HOSTS": "127.0.0.1",
        # plain HTTP on a local port: no TLS redirect, cookies sent without TLS
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "LOG_LEVEL": "WARNING",
        # persistent connections: a connection per gunicorn thread, opened once
        "DB_CONN_MAX_AGE": "600",
        # the production recipe's shared cache: sessions and permission sets read from Redis
        "CACHE_URL": os.environ.get("LOAD_CACHE_URL", "redis://127.0.0.1:6379/5"),
        "CACHE_KEY_PREFIX": f"load-{uuid.uuid4().hex[:8]}",
    }


# --- the world -----------------------------------------------------------------------------


@dataclass
class Target:
    """One claim a reviewer works on, with the spans the bench toggles between."""

    article: int
    claim: int
    claim_span: tuple[int, int]
    attribution: int
    speaker_span: tuple[int, int]


def build_world(clients: int, articles: int, claims: int) -> tuple[list[str], list[Target], int]:
    """Users (one session each), articles with claims and attributions; the sessions' keys,
    the targets and the id of the rating verdicts use."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from annotations.models import Attribution, Rating
    from tests import factories, scenarios

    sessions = []
    for i in range(clients):
        user = factories.user(f"load{i}", role="reviewer")
        # a signed-in session as the login view leaves it (without hashing 50 passwords)
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "annotations.permission_cache.CachedPermissionsBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    targets = []
    for k in range(articles):
        article = scenarios.many_claims(claims + k)  # one claim more each: distinct texts
        for a in Attribution.objects.filter(article=article).select_related("claim"):
            assert a.claim is not None and a.speaker_start is not None
            targets.append(
                Target(
                    article.pk,
                    a.claim.pk,
                    (a.claim.start, a.claim.end),
                    a.pk,
                    (a.speaker_start, a.speaker_end or a.speaker_start + 1),
                )
            )
    return sessions, targets, Rating.objects.get(label="Mixed").pk


# --- one reviewer ---------------------------------------------------------------------------


@dataclass
class Record:
    action: str
    status: int
    seconds: float
    ack: tuple[str, int, int] | None = None  # (kind, id, version) of an acknowledged write


@dataclass
class Reviewer:
    port: int
    session: str
    targets: list[Target]
    rating: int
    rng: random.Random
    records: list[Record] = field(default_factory=list)
    csrf: str = ""
    claim_version: dict[int, int] = field(default_factory=dict)
    attribution_version: dict[int, int] = field(default_factory=dict)
    verdict_version: dict[int, int] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, data: dict[str, Any] | None = None):
        """One request on the reviewer's kept-alive connection (a browser keeps one open);
        a dropped connection is reopened once, as a browser would."""
        try:
            return self._send(method, path, data)
        except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
            self.close()
            return self._send(method, path, data)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _send(self, method: str, path: str, data: dict[str, Any] | None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn = self.conn
        headers = {"Cookie": f"sessionid={self.session}; csrftoken={self.csrf}"}
        body = None
        if method == "POST":
            body = urlencode(data or {})
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.csrf,
                "HX-Request": "true",
            }
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        cookie = response.getheader("Set-Cookie") or ""
        if match := re.search(r"csrftoken=([^;]+)", cookie):
            self.csrf = match.group(1)
        if response.will_close:
            self.close()
        return response.status, text

    def learn(self, claim: int, html: str) -> None:
        """What the page or fragment shows, as the browser holds it after a swap."""
        for cid, version in CLAIM_VERSION.findall(html):
            self.claim_version[int(cid)] = int(version)
        for aid, version in ATTRIBUTION_VERSION.findall(html):
            self.attribution_version[int(aid)] = int(version)
        if match := VERDICT_VERSION.search(html):
            self.verdict_version[claim] = int(match.group(1))

    def run(self, until: float) -> None:
        self.request("GET", "/")  # the csrftoken cookie, as the first page load gives it
        while time.monotonic() < until:
            target = self.rng.choice(self.targets)
            self.act(ACTIONS[0], target)
            for _ in range(self.rng.randint(1, 3)):
                if time.monotonic() >= until:
                    break
                self.act(self.rng.choices(ACTIONS[1:], weights=WEIGHTS[1:])[0], target)
        self.close()

    def act(self, action: str, t: Target) -> None:
        path, data, ack_kind, ack_id = self._request_for(action, t)
        started = time.perf_counter()
        try:
            status, html = self.request("POST" if data is not None else "GET", path, data)
        except (OSError, http.client.HTTPException):
            self.close()
            self.records.append(Record(action, 0, time.perf_counter() - started))
            return
        elapsed = time.perf_counter() - started
        self.learn(t.claim, html)
        ack = None
        if status == 200 and ack_kind:
            versions = {
                "claim": self.claim_version,
                "attribution": self.attribution_version,
                "verdict": self.verdict_version,
            }[ack_kind]
            ack = (ack_kind, ack_id, versions.get(ack_id if ack_kind != "verdict" else t.claim, 0))
        self.records.append(Record(action, status, elapsed, ack))

    def _request_for(self, action: str, t: Target):
        if action == "open review page":
            return f"/articles/{t.article}/?claim={t.claim}", None, "", 0
        if action == "confirm claim":
            data = {"version": self.claim_version.get(t.claim, 1)}
            return f"/claims/{t.claim}/confirm/", data, "claim", t.claim
        if action == "correct span":
            start, end = t.claim_span
            data = {
                "version": self.claim_version.get(t.claim, 1),
                "start": start,
                "end": end - self.rng.randint(0, 3),
            }
            return f"/claims/{t.claim}/correct/", data, "claim", t.claim
        if action == "edit attribution":
            start, end = t.speaker_span
            data = {
                "version": self.attribution_version.get(t.attribution, 1),
                "claim": t.claim,
                "part": "speaker",
                "start": start + self.rng.randint(0, 4),
                "end": end,
            }
            return f"/attributions/{t.attribution}/edit/", data, "attribution", t.attribution
        data = {
            "rating": self.rating,
            "rationale": f"Checked against the audit ({uuid.uuid4().hex[:6]}).",
        }
        if t.claim in self.verdict_version:
            data["verdict_version"] = self.verdict_version[t.claim]
        return f"/claims/{t.claim}/verdict/", data, "verdict", t.claim


# --- the proof ------------------------------------------------------------------------------


def verify(records: list[Record]) -> dict[str, Any]:
    """Acknowledged writes audited once; rows equal their last audited state."""
    from annotations.models import Attribution, AuditEvent, Claim, Verdict
    from annotations.services.audit import snapshot
    from annotations.services.review import ATTRIBUTION_FIELDS, CLAIM_FIELDS
    from annotations.services.verdicts import _verdict_snapshot

    verdict_of = dict(Verdict.objects.values_list("claim_id", "pk"))
    audited: Counter[tuple[str, int, int]] = Counter()
    last: dict[tuple[str, int], dict[str, Any]] = {}
    for event in AuditEvent.objects.filter(
        target_type__in=("claim", "attribution", "verdict")
    ).order_by("id"):
        if event.after and "version" in event.after:
            audited[(event.target_type, event.target_id, event.after["version"])] += 1
            last[(event.target_type, event.target_id)] = event.after
    acks = [r.ack for r in records if r.ack]
    missing, twice = 0, 0
    for kind, ident, version in acks:
        target = verdict_of.get(ident) if kind == "verdict" else ident
        n = audited[(kind, target, version)] if target else 0
        missing += n == 0
        twice += n > 1
    duplicated = sum(1 for n in audited.values() if n > 1)
    rows = {
        "claim": {c.pk: snapshot(c, CLAIM_FIELDS) for c in Claim.objects.all()},
        "attribution": {a.pk: snapshot(a, ATTRIBUTION_FIELDS) for a in Attribution.objects.all()},
        "verdict": {
            v.pk: _verdict_snapshot(v) for v in Verdict.objects.select_related("rating", "claim")
        },
    }
    differs = 0
    for (kind, ident), after in last.items():
        row = rows[kind].get(ident)
        if row is None or any(row.get(k) != v for k, v in after.items() if k in row):
            differs += 1
    return {
        "acknowledged writes": len(acks),
        "not audited": missing,
        "audited more than once": twice + duplicated,
        "rows audited": len(last),
        "rows unlike their last audit": differs,
    }


# --- the run --------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def report(records: list[Record], seconds: float, proof: dict[str, Any]) -> bool:
    by_action: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        by_action[r.action].append(r)
    total = len(records)
    print(f"\n{total} requests in {seconds:.1f} s: {total / seconds:.1f} req/s\n")
    print(f"{'action':18} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses")
    for action in ACTIONS:
        rs = by_action.get(action, [])
        if not rs:
            continue
        ms = [r.seconds * 1000 for r in rs]
        statuses = Counter(r.status for r in rs)
        print(
            f"{action:18} {len(rs):>6} {statistics.median(ms):>8.0f} "
            f"{percentile(ms, 95):>8.0f} {percentile(ms, 99):>8.0f}  "
            + ", ".join(f"{s}×{n}" for s, n in sorted(statuses.items()))
        )
    everything = [r.seconds * 1000 for r in records] or [0.0]
    print(
        f"{'all':18} {total:>6} {statistics.median(everything):>8.0f} "
        f"{percentile(everything, 95):>8.0f} {percentile(everything, 99):>8.0f}"
    )
    errors = Counter(r.status for r in records if r.status not in (200, 409))
    conflicts = sum(1 for r in records if r.status == 409)
    print(f"\nconflicts (409): {conflicts}; errors by status: {dict(errors) or 'none'}")
    print("proof: " + "; ".join(f"{k} {v}" for k, v in proof.items()))
    return (
        not errors
        and proof["not audited"] == 0
        and proof["audited more than once"] == 0
        and proof["rows unlike their last audit"] == 0
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--worker-class",
        default="gthread",
        choices=("gthread", "sync"),
        help="gunicorn worker type (sync: one request at a time, no keep-alive)",
    )
    parser.add_argument("--articles", type=int, default=10)
    parser.add_argument("--claims", type=int, default=30, help="claims per article")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()

    import tempfile

    import psycopg

    name = f"factcheck_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    server = None
    try:
        with tempfile.TemporaryDirectory(prefix="factcheck-load-") as tmp:
            env = _env(f"{args.server}/{name}", Path(tmp))
            for command in (["migrate"], ["collectstatic"]):
                subprocess.run(
                    [sys.executable, "manage.py", *command, "--noinput", "-v", "0"],
                    cwd=ROOT,
                    env=env,
                    check=True,
                )
            os.environ.update(env)
            import django

            django.setup()
            sessions, targets, rating = build_world(args.clients, args.articles, args.claims)
            from django.db import connection

            connection.close()

            port = _free_port()
            server = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "factcheck.wsgi",
                    "--workers",
                    str(args.workers),
                    "--worker-class",
                    args.worker_class,
                    "--threads",
                    str(args.threads),
                    "--keep-alive",
                    "75",  # longer than a reviewer's pause between two requests
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--backlog",
                    "2048",
                    "--preload",  # the app imported once, before the workers fork
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
            )
            _wait_for(port)
            per_article: dict[int, list[Target]] = defaultdict(list)
            for t in targets:
                per_article[t.article].append(t)
            groups = list(per_article.values())
            reviewers = [
                Reviewer(port, s, groups[i % len(groups)], rating, random.Random(i))
                for i, s in enumerate(sessions)
            ]
            print(
                f"{args.clients} reviewers on {args.articles} articles × {args.claims} claims, "
                f"{args.seconds:.0f} s, gunicorn {args.workers} {args.worker_class} workers × "
                f"{args.threads} threads, PostgreSQL; {os.cpu_count()} CPUs, load average before "
                + " ".join(f"{x:.2f}" for x in os.getloadavg())
            )
            print(f"machine speed before: reference loop {reference_ms():.0f} ms CPU")
            cpu_before = _cpu_split(server.pid, name)
            started = time.monotonic()
            until = started + args.seconds
            threads = [threading.Thread(target=r.run, args=(until,)) for r in reviewers]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            cpu_after = _cpu_split(server.pid, name)
            print("load average after " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
            print(f"machine speed after: reference loop {reference_ms():.0f} ms CPU")
            print(
                "CPU seconds during the run: "
                + ", ".join(f"{k} {cpu_after[k] - cpu_before[k]:.1f}" for k in cpu_before)
                + f" (of {elapsed * (os.cpu_count() or 1):.0f} on {os.cpu_count()} CPUs)"
            )
            records = [rec for r in reviewers for rec in r.records]
            spent = {k: cpu_after[k] - cpu_before[k] for k in cpu_before}
            n = max(1, len(records))
            # the figure that travels between runs better than req/s: what one request costs
            print(
                "CPU per request: "
                + ", ".join(f"{k} {v / n * 1000:.1f} ms" for k, v in spent.items())
                + f"; 100 req/s on {os.cpu_count()} CPUs leaves "
                + f"{(os.cpu_count() or 1) * 1000 / 100:.0f} ms for all of it"
            )
            proof = verify(records)
            ok = report(records, elapsed, proof)
            connection.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        with psycopg.connect(f"{args.server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0 if ok else 1


def _cpu_seconds(match) -> float:
    """CPU seconds used so far by the processes whose (pid, ppid, command line) ``match``
    accepts (Linux /proc; 0 elsewhere)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if match(int(entry.name), int(fields[1]), cmdline):
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _cpu_split(server_pid: int, database: str) -> dict[str, float]:
    """Where the CPU went: gunicorn (master and workers), PostgreSQL's backends for the
    bench database, and this process (the simulated reviewers)."""
    own = os.times()
    return {
        "gunicorn": _cpu_seconds(lambda pid, ppid, _: server_pid in (pid, ppid)),
        "PostgreSQL": _cpu_seconds(
            lambda _p, _pp, cmd: cmd.startswith("postgres:") and database in cmd
        ),
        "clients": own.user + own.system,
    }


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, timeout: float = 120) -> None:
    """Until the sign-in page answers, a few times over: every worker up, not just the port."""
    deadline = time.monotonic() + timeout
    answered = 0
    while time.monotonic() < deadline and answered < 8:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/accounts/login/")
            answered += conn.getresponse().status == 200
            conn.close()
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
    if answered < 8:
        raise SystemExit(f"gunicorn did not answer on port {port}")


if __name__ == "__main__":
    raise SystemExit(main())
