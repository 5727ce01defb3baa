"""Real processes, real faults: a Celery worker on Redis and PostgreSQL pre-annotating with the
real model, and the Celery beat that runs the sweeper.

- the pool process is SIGKILLed mid-run: the article is annotated exactly once;
- the whole worker is SIGKILLed mid-run and started again: the same;
- the broker is unreachable at import: the article is stored, the command says the job
  waits, and once the broker is back the sweeper sends it and it is annotated.

The bounds are the production mechanisms with short values (a heartbeat each second, a dead
worker presumed after 3 s, a sweep each second), so each fault recovers in seconds.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.conftest import require_service
from tests.processes import BIN, ROOT, free_port, manage, production_env

pytestmark = [pytest.mark.slow, pytest.mark.model]

PG = "postgresql://postgres@127.0.0.1:5432"
REDIS_DB = 14  # these tests' own Redis database, emptied before and after
RECOVERY_SECONDS = 180


def _article(paragraphs: int = 40) -> str:
    """Long enough that the parse takes seconds on this machine: time to kill it mid-run."""
    lines = ["City budget under scrutiny", ""]
    for i in range(1, paragraphs + 1):
        lines.append(
            f"The council of district {i} spent ${i}.4 million on road repairs in 2025, the "
            f"mayor said on Monday. According to the audit office, spending rose by {i % 40 + 2} "
            f"percent compared with 2024, while {i * 3} new potholes were reported."
        )
        lines.append("")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Iterator[str]:
    """A database migrated once for the module; each test gets a copy (CREATE DATABASE …
    TEMPLATE takes a moment, migrating takes a quarter of a minute)."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    name = f"factcheck_faults_template_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = production_env(tmp_path_factory.mktemp("migrate"), DATABASE_URL=f"{PG}/{name}")
        manage(env, "migrate", "--noinput")
        yield name
    finally:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database(migrated) -> Iterator[str]:
    name = f"factcheck_faults_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{migrated}"')
    yield f"{PG}/{name}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _flush_redis(port: int = 6379) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"SELECT {REDIS_DB}\r\nFLUSHDB\r\n".encode())
        sock.recv(100)


@pytest.fixture
def redis() -> Iterator[None]:
    require_service("Redis", "127.0.0.1", 6379)
    _flush_redis()
    yield
    _flush_redis()


class Deployment:
    """One install: its environment, and the worker and beat processes started for it."""

    def __init__(self, tmp_path: Path, database: str, broker_port: int = 6379) -> None:
        self.tmp_path = tmp_path
        self.database = database
        self.env = production_env(
            tmp_path / "var",
            DATABASE_URL=database,
            CELERY_BROKER_URL=f"redis://127.0.0.1:{broker_port}/{REDIS_DB}",
            CELERY_TASK_DEFAULT_QUEUE=f"faults-{uuid.uuid4().hex[:8]}",
            FACTCHECK_RUN_HEARTBEAT="1",
            FACTCHECK_RUN_STALE_AFTER="3",
            FACTCHECK_SWEEP_INTERVAL="1",
            FACTCHECK_RUN_TIME_LIMIT="150",
        )
        self.processes: list[subprocess.Popen[str]] = []

    def _start(self, *args: str) -> subprocess.Popen[str]:
        log = open(self.tmp_path / f"{args[0]}-{len(self.processes)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [str(BIN / "celery"), "-A", "factcheck", *args, "--loglevel=INFO"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: killable as a whole
        )
        self.processes.append(process)
        return process

    def worker(self) -> subprocess.Popen[str]:
        queue = self.env["CELERY_TASK_DEFAULT_QUEUE"]
        return self._start("worker", "--concurrency=1", "-Q", queue, "-n", f"{queue}@%h")

    def beat(self) -> subprocess.Popen[str]:
        return self._start("beat", "--schedule", str(self.tmp_path / "beat-schedule"))

    def import_article(self) -> str:
        path = self.tmp_path / "article.txt"
        path.write_text(_article())
        return manage(self.env, "import_article", str(path)).stdout

    def run(self) -> tuple[str, str, int, str]:
        with psycopg.connect(self.database) as conn:
            row = conn.execute(
                "SELECT status, stage, attempts, error FROM annotations_annotationrun "
                "ORDER BY id DESC LIMIT 1"
            ).fetchone()
        assert row is not None
        return row

    def wait_for(self, done, what: str, timeout: float = RECOVERY_SECONDS) -> tuple:
        deadline = time.monotonic() + timeout
        row = None
        while time.monotonic() < deadline:
            row = self.run()
            if done(row):
                return row
            time.sleep(0.1)
        raise AssertionError(f"{what}: not within {timeout}s (last: {row}); logs: {self.logs()}")

    def logs(self) -> str:
        return "\n".join(
            f"== {p.name}\n{p.read_text()[-2500:]}" for p in sorted(self.tmp_path.glob("*.log"))
        )

    def annotated_once(self) -> None:
        """One stored result, and no claim stored twice."""
        with psycopg.connect(self.database) as conn:
            stores = conn.execute(
                "SELECT count(*) FROM annotations_auditevent WHERE verb = 'preannotation.store'"
            ).fetchone()
            claims, spans = conn.execute(
                'SELECT count(*), count(DISTINCT (start, "end")) FROM annotations_claim'
            ).fetchone()
            article = conn.execute("SELECT status FROM annotations_article").fetchone()
        assert stores == (1,), self.logs()
        assert claims == spans and claims > 30
        assert article == ("ready",)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=20)


@pytest.fixture
def deployment(tmp_path, database, redis) -> Iterator[Deployment]:
    deploy = Deployment(tmp_path, database)
    yield deploy
    deploy.stop_all()


def _mid_run(row: tuple) -> bool:
    return row[0] == "running" and row[1] not in ("", "loading model")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()]


def test_killing_the_pool_process_mid_run_still_annotates_the_article_once(deployment):
    worker = deployment.worker()
    deployment.import_article()
    deployment.wait_for(_mid_run, "the run to start parsing")

    [pool_process] = _children(worker.pid)
    os.kill(pool_process, signal.SIGKILL)
    assert deployment.run()[0] == "running", "killed too late: the run had finished"

    status, _, attempts, error = deployment.wait_for(
        lambda row: row[0] in ("succeeded", "failed"), "the run to finish after the kill"
    )
    assert status == "succeeded", error
    assert attempts == 2  # the same message, delivered again, took the run over
    deployment.annotated_once()


def test_killing_the_whole_worker_and_starting_it_again_annotates_the_article_once(deployment):
    deployment.beat()
    worker = deployment.worker()
    deployment.import_article()
    deployment.wait_for(_mid_run, "the run to start parsing")

    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=20)
    assert deployment.run()[0] == "running", "killed too late: the run had finished"
    deployment.worker()

    status, _, attempts, error = deployment.wait_for(
        lambda row: row[0] in ("succeeded", "failed"), "the run to finish after the restart"
    )
    assert status == "succeeded", error
    assert attempts == 2  # the sweeper found the dead worker's run and queued it again
    deployment.annotated_once()


class _Switch:
    """A TCP port that forwards to Redis only while it is on: a broker we can unplug."""

    def __init__(self, target: int = 6379) -> None:
        self.port, self.target = free_port(), target
        self.server: socket.socket | None = None

    def on(self) -> None:
        self.server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def off(self) -> None:
        if self.server is not None:
            self.server.close()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


def test_a_broker_down_at_import_stores_the_article_and_the_sweeper_sends_it_later(
    tmp_path, database, redis
):
    switch = _Switch()
    deploy = Deployment(tmp_path, database, broker_port=switch.port)
    try:
        out = deploy.import_article()  # nothing listens on the broker's port
        assert "status preannotating" in out
        assert "waiting for the worker" in out and "start by itself" in out
        status, stage, attempts, _ = deploy.run()
        assert (status, stage, attempts) == ("queued", "waiting for the job queue", 0)

        switch.on()  # the broker is back
        deploy.beat()
        deploy.worker()
        status, _, _, error = deploy.wait_for(
            lambda row: row[0] in ("succeeded", "failed"), "the run after the broker came back"
        )
        assert status == "succeeded", error
        deploy.annotated_once()
    finally:
        deploy.stop_all()
        switch.off()
